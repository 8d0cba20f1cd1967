"""Which entries the public may see, and the filters of the archive's lists."""

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from archive.models import ENTRY_MODELS, EntryPage, PartnerCity, TestimonyPage, Theme


def visible_entries():
    """Entries anyone may see: live, not behind a view restriction, and testimonies only with consent."""
    # A join, not NOT IN (every unconsented testimony): asked for a few entries (the
    # translations of a page of search results) it looks at those only, 25 -> 4 ms on 100,000
    # entries in SQLite; a count of all of them takes some 15 % longer (150 ms against 130).
    consented = Q(testimonypage__isnull=True) | ~Q(testimonypage__consent=TestimonyPage.Consent.NOT_RECORDED)
    return EntryPage.objects.live().public().filter(consented)


class EntryFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), required=False)
    city = forms.ModelChoiceField(
        label=_("City"), queryset=PartnerCity.objects.all(), required=False, to_field_name="slug"
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    date_from = forms.IntegerField(label=_("From year"), required=False, min_value=1000, max_value=2100)
    date_to = forms.IntegerField(label=_("To year"), required=False, min_value=1000, max_value=2100)
    has_media = forms.BooleanField(label=_("Only entries with images, audio or video"), required=False)

    def __init__(self, *args, locale=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All types"))] + [
            (slug, capfirst(model._meta.verbose_name_plural)) for slug, model in ENTRY_MODELS.items()
        ]
        self.fields["city"].empty_label = _("All cities")
        themes = Theme.objects.filter(locale=locale) if locale else Theme.objects.all()
        self.fields["theme"].choices = [("", _("All themes"))] + [
            (slug, name) for slug, name in themes.values_list("slug", "name").distinct()
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start year must not be after the end year."))
        return cleaned


def filter_entries(entries, form):
    """Narrow an EntryPage queryset by a bound, valid EntryFilterForm; an invalid form filters nothing.

    Also honours a form's `bbox` (west, south, east, north), which the search page's form adds.
    """
    if form is None or not form.is_bound or not form.is_valid():
        return entries
    data = form.cleaned_data
    if data.get("type"):
        entries = entries.filter(pk__in=ENTRY_MODELS[data["type"]].objects.values("pk"))
    if data.get("city"):
        entries = entries.filter(Q(city=data["city"]) | Q(initiativepage__partner_cities=data["city"])).distinct()
    if data.get("theme"):
        entries = entries.filter(themes__slug=data["theme"]).distinct()
    if data.get("tag"):
        entries = entries.filter(tagged_items__tag__name=data["tag"]).distinct()
    if data.get("has_media"):
        # What the index calls has_media: an image, or a testimony's recording.
        entries = entries.filter(Q(image__isnull=False) | Q(testimonypage__media__isnull=False))
    if data.get("bbox"):
        west, south, east, north = data["bbox"]
        # West beyond east: the box crosses the 180th meridian.
        within = (
            Q(longitude__gte=west, longitude__lte=east)
            if west <= east
            else Q(longitude__gte=west) | Q(longitude__lte=east)
        )
        entries = entries.filter(within, latitude__gte=south, latitude__lte=north)
    if data.get("date_from"):
        entries = entries.filter(date__year__gte=data["date_from"])
    if data.get("date_to"):
        entries = entries.filter(date__year__lte=data["date_to"])
    return entries
