from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail.models import Locale

from archive.listing import EntryFilterForm
from search.service import search_entries


class SearchForm(EntryFilterForm):
    q = forms.CharField(label=_("Search the archive"), required=False, max_length=10_000)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Both languages")), ("de", _("German")), ("ru", _("Russian"))],
    )

    field_order = ["q", "type", "city", "theme", "language", "date_from", "date_to"]


@never_cache
def search_view(request):
    # Theme names in the reader's language; a theme's slug filters entries of both languages.
    form = SearchForm(request.GET or None, locale=Locale.get_active())
    results = None
    if form.is_bound:
        valid = form.is_valid()
        data = form.cleaned_data if valid else {}
        results = search_entries(
            request.GET.get("q", ""),
            form,
            language=data.get("language") or None,
            page_number=request.GET.get("page") or 1,
        )
    return render(request, "search/search.html", {"form": form, "results": results})
