"""The search's form: the words, the archive's filters, the language, the order and the map area.

The search page and the JSON API validate their parameters with it; the engines read its
cleaned data.
"""

import math

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.filters import EntryFilterForm
from archive.models import ENTRY_MODELS, PartnerCity, Theme


class SearchForm(EntryFilterForm):
    # Longer text is cut to MAX_QUERY_LENGTH by the service, not refused: the page still answers.
    q = forms.CharField(label=_("Words, names or places"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Both languages")), ("de", _("German")), ("ru", _("Russian"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("", _("Relevance")), ("newest", _("Newest first")), ("oldest", _("Oldest first"))],
    )
    # Set by the map's "Search in this map area"; without JavaScript it only travels along.
    bbox = forms.CharField(label=_("Map area"), required=False, max_length=100, widget=forms.HiddenInput)

    field_order = ["q", "type", "city", "theme", "language", "tag", "date_from", "date_to", "has_media", "sort", "bbox"]

    def __init__(self, *args, locale=None, **kwargs):
        """locale: the themes' names in it (a theme's slug filters the entries of both languages)."""
        themes = Theme.objects.filter(locale=locale) if locale else Theme.objects.all()
        super().__init__(*args, entry_models=ENTRY_MODELS, cities=PartnerCity.objects.all(), themes=themes, **kwargs)

    def clean_bbox(self):
        """The map area as given by the map, west,south,east,north in decimal degrees: a tuple, or None."""
        value = self.cleaned_data["bbox"].strip()
        if not value:
            return None
        try:
            west, south, east, north = (float(part) for part in value.split(","))
            if not all(math.isfinite(number) for number in (west, south, east, north)):
                raise ValueError(value)
        except ValueError:
            raise forms.ValidationError(
                _("The map area must be four numbers: west, south, east and north."), code="invalid"
            ) from None
        if not (-180 <= west <= 180 and -180 <= east <= 180):
            raise forms.ValidationError(_("The map area's longitudes must be between -180 and 180."), code="range")
        if not (-90 <= south <= 90 and -90 <= north <= 90):
            raise forms.ValidationError(_("The map area's latitudes must be between -90 and 90."), code="range")
        if south >= north:
            raise forms.ValidationError(_("The map area's south edge must lie south of its north edge."), code="order")
        return (west, south, east, north)


def form_data(form):
    """The form's cleaned values, or nothing where there is no valid form."""
    return form.cleaned_data if form is not None and form.is_bound and form.is_valid() else {}
