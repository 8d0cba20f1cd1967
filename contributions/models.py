import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from contributions.storage import private_storage

TEXT_MAX_LENGTH = 5000


def photo_path(instance, filename):
    # A random name: the reader's file name may carry their name or a place.
    return f"contributions/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Contribution(models.Model):
    """A reader's correction or memory. Only editors ever see it; nothing here is published."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correction")
        MEMORY = "memory", _("memory")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    entry = models.ForeignKey(
        "archive.EntryPage",
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True, help_text=_("Only for replies; never shown."))
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    photo = models.ImageField(_("photo"), upload_to=photo_path, storage=private_storage, blank=True)
    language = models.CharField(_("language"), max_length=10, help_text=_("The interface language of the form."))
    consent = models.BooleanField(_("consent to use"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    ip_hash = models.CharField(
        _("address hash"),
        max_length=64,
        blank=True,
        help_text=_("Keyed SHA-256 of the sender's IP address: shows what came from one address without storing it."),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled_at = models.DateTimeField(
        _("handled"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When an editor accepted or declined it; deleted with its photo a set time after."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self):
        return f"{self.get_kind_display()}: {Truncator(self.text).chars(60)}"

    def save(self, *args, **kwargs):
        if self.status == self.Status.NEW:
            self.handled_at = None
        elif self.handled_at is None:
            self.handled_at = timezone.now()
        super().save(*args, **kwargs)

    @classmethod
    def past_retention(cls, now=None):
        """Handled contributions older than MEMORIA_CONTRIBUTION_RETENTION_DAYS since they were handled."""
        cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.MEMORIA_CONTRIBUTION_RETENTION_DAYS)
        return cls.objects.exclude(status=cls.Status.NEW).filter(handled_at__lt=cutoff)


@receiver(post_delete, sender=Contribution)
def delete_photo(sender, instance, **kwargs):
    # Deleting a contribution (a reader may ask for it) must not leave their photo behind.
    if instance.photo:
        instance.photo.delete(save=False)
