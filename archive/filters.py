"""The filters of the archive's lists, as a form: type, city, theme, tag, years, media.

It imports no model, so the pages may use it: the entry types, cities and themes to choose
from come from the caller.
"""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class EntryFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), required=False)
    city = forms.ModelChoiceField(label=_("City"), queryset=None, required=False, to_field_name="slug")
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    date_from = forms.IntegerField(label=_("From year"), required=False, min_value=1000, max_value=2100)
    date_to = forms.IntegerField(label=_("To year"), required=False, min_value=1000, max_value=2100)
    has_media = forms.BooleanField(label=_("Only entries with images, audio or video"), required=False)

    def __init__(self, *args, entry_models, cities, themes, **kwargs):
        """entry_models: {slug: model}; cities: a PartnerCity queryset; themes: a Theme queryset."""
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All types"))] + [
            (slug, capfirst(model._meta.verbose_name_plural)) for slug, model in entry_models.items()
        ]
        self.fields["city"].queryset = cities
        self.fields["city"].empty_label = _("All cities")
        self.fields["theme"].choices = [("", _("All themes"))] + [
            (slug, name) for slug, name in themes.values_list("slug", "name").distinct()
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start year must not be after the end year."))
        return cleaned
