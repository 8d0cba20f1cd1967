from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexOutbox(models.Model):
    """One change that the search index must learn about, written in the transaction of the change.

    A row names a page, not what to do with it: the worker looks at the page when it
    pushes (index it if it may be public, remove it otherwise), so a late row never
    brings back a stale state. The row's id is the Elasticsearch external version.
    """

    page_id = models.IntegerField(_("page ID"), db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("search index change")
        verbose_name_plural = _("search index changes")
        indexes = [models.Index(fields=["processed_at", "id"])]

    def __str__(self):
        return f"page {self.page_id} (#{self.pk})"
