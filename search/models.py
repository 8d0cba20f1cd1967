from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexOutbox(models.Model):
    """One change that the search index must learn about, written in the transaction of the change.

    A row names a page, not what to do with it: the worker looks at the page when it
    pushes (index it if it may be public, remove it otherwise), so a late row never
    brings back a stale state. The row's id is the Elasticsearch external version.

    A worker claims rows (claimed_by, claimed_until) in a short transaction of its own and
    pushes them after the commit, so that no lock is held while Elasticsearch answers; a
    claim whose worker died runs out and the rows are due again.
    """

    page_id = models.IntegerField(_("page ID"), db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=32, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)

    class Meta:
        verbose_name = _("search index change")
        verbose_name_plural = _("search index changes")
        indexes = [models.Index(fields=["processed_at", "id"])]

    def __str__(self):
        return f"page {self.page_id} (#{self.pk})"


class EntryEmbedding(models.Model):
    """An entry's sentence embedding under one model, for the text the entry had when it was computed.

    `text_hash` is the SHA-256 of that text (search.embeddings.embedding_text): a vector is used
    only while it matches the entry's current text, so an edit never leaves a stale vector in the
    index, and an unchanged entry is never embedded twice. One row per entry and model; a new text
    replaces the row.
    """

    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+")
    model_name = models.CharField(_("model"), max_length=100)
    text_hash = models.CharField(_("text hash"), max_length=64)
    # float32, little-endian: 1.5 KB for 384 dimensions, where JSON would take several times that.
    vector = models.BinaryField(_("vector"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry embedding")
        verbose_name_plural = _("entry embeddings")
        constraints = [models.UniqueConstraint(fields=["page", "model_name"], name="unique_embedding_per_model")]

    def __str__(self):
        return f"page {self.page_id} ({self.model_name})"
