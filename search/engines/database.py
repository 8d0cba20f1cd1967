"""The embedded default's engine: Wagtail's own search backend (the database one by default)."""

from django.core.paginator import Paginator
from wagtail.search.query import And, Or, PlainText

from archive import transliteration
from archive.listing import visible_entries
from archive.models import EntryPage
from search.cards import public_versions
from search.forms import form_data
from search.highlight import highlight
from search.query import name_keys_per_word
from search.results import SearchHit, SearchResults


class DatabaseSearch:
    """Wagtail's own search backend (the database one by default)."""

    name = "database"

    def search(self, text, form, language=None, page_number=1, page_size=20, reader_language=None):
        data = form_data(form)
        entries = visible_entries().filtered(data)
        if language:
            entries = entries.filter(locale__language_code=language)
        words = name_aware_query(text)
        sort = data.get("sort")
        by_date = ["date", "title"] if sort == "oldest" else ["-date", "title"]
        if words is not None:
            # Filters are applied as a subquery so the search backend sees only an id filter.
            results = (
                EntryPage.objects.filter(pk__in=entries.values("pk"))
                .specific()
                .order_by(*by_date)
                .search(words, operator="and", order_by_relevance=sort not in ("newest", "oldest"))
            )
        else:
            results = entries.specific().order_by(*by_date)
        paginator = Paginator(results, page_size)
        page = paginator.get_page(page_number)
        # The pages give the snippet's text; the cards, as for the index's hits, all a result shows.
        pages = {entry.pk: entry for entry in page.object_list}
        versions, cards = public_versions(list(pages))
        hits = [
            SearchHit(
                card,
                highlight(_snippet_source(pages[card.pk]), text),
                translations=[cards[other] for other in versions[card.pk][1]],
            )
            for card in _one_version_each([cards[pk] for pk in pages if pk in versions], reader_language)
        ]
        return SearchResults(text, hits, page, paginator.count, self.name)


def _one_version_each(entries, reader_language):
    """One card per entry on a page, the reader's language first: the other version is linked.

    The database backends cannot group; this groups within the page (the count stays that of versions).
    """
    chosen = {}
    for entry in entries:
        current = chosen.get(entry.translation_key)
        if current is None or (
            entry.locale.language_code == reader_language and current.locale.language_code != reader_language
        ):
            chosen[entry.translation_key] = entry
    kept = {entry.pk for entry in chosen.values()}
    return [entry for entry in entries if entry.pk in kept]


def name_aware_query(text):
    """Every word of the text, each also as the transliteration keys of a name (EntryPage.name_keys).

    The database backends have no phrase or operator syntax to offer, and an unbalanced quote
    is a syntax error to SQLite's full-text search: words only, combined as query objects.
    """
    words = [word.lower() for word in transliteration.words(text) if len(word) > 1]
    if not words:
        return None
    return And(
        [
            Or([PlainText(word), *(PlainText(key) for key in keys if key != word)]) if keys else PlainText(word)
            for word, keys in zip(words, name_keys_per_word(words), strict=True)
        ]
    )


def _snippet_source(entry):
    return " ".join(part for part in (entry.summary, entry.body_text, getattr(entry, "inscription", "")) if part)
