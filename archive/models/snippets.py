from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import TranslatableMixin
from wagtail.search import index


class PartnerCity(index.Indexed, ClusterableModel):
    """A city of the archive, named in both languages, with its partner cities."""

    class Country(models.TextChoices):
        GERMANY = "DE", _("Germany")
        RUSSIA = "RU", _("Russia")
        OTHER = "XX", _("Other")

    slug = models.SlugField(_("slug"), unique=True, help_text=_("Used in imports and URLs, e.g. 'kaluga'."))
    name_de = models.CharField(_("name (German)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = models.CharField(_("region"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    partners = ParentalManyToManyField("self", verbose_name=_("partner cities"), blank=True, symmetrical=True)
    partnership_since = models.PositiveSmallIntegerField(
        _("partnership since"), null=True, blank=True, help_text=_("Year the first partnership was signed.")
    )

    search_fields = [
        index.SearchField("name_de"),
        index.SearchField("name_ru"),
        index.AutocompleteField("name_de"),
        index.AutocompleteField("name_ru"),
    ]

    class Meta:
        ordering = ["name_de"]
        verbose_name = _("partner city")
        verbose_name_plural = _("partner cities")

    def __str__(self):
        return self.name

    @property
    def name(self):
        """The city's name in the active language."""
        return self.name_ru if translation.get_language() == "ru" else self.name_de


class Theme(TranslatableMixin, models.Model):
    """The shared, translatable vocabulary of themes (one row per locale, linked by translation key)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), help_text=_("The same in every language, e.g. 'deportation'."))
    description = models.TextField(_("description"), blank=True)

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        unique_together = [("translation_key", "locale"), ("slug", "locale")]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class GlossaryTerm(models.Model):
    """A German and a Russian term that the search treats as one: a query for either finds both.

    One row holds both languages (unlike Theme, it is not translated per locale): the pair is
    the entry. A term may appear in several rows where the languages do not map one to one
    ("память" is both "Gedenken" and "Erinnerung").
    """

    term_de = models.CharField(
        _("German term"),
        max_length=200,
        help_text=_("As a dictionary writes it, e.g. 'Kriegsgefangene'; the search also finds its inflected forms."),
    )
    term_ru = models.CharField(
        _("Russian term"),
        max_length=200,
        help_text=_("As a dictionary writes it, e.g. 'военнопленные'; the search also finds its inflected forms."),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("Where the terms are not equivalent one to one: how they differ.")
    )
    # The search compares the newest change with what it compiled, so edits apply at once.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["term_de", "term_ru"]
        constraints = [models.UniqueConstraint(fields=["term_de", "term_ru"], name="unique_glossary_pair")]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return f"{self.term_de} – {self.term_ru}"
