"""The embedded default's facets: the values of the entries a database search found, counted.

The same groups and values as Elasticsearch's aggregations (search.engines.elasticsearch), so the
search page and the API show them alike; counted as entries (an entry's German and Russian
versions once), but for the language, whose values are the versions'.
"""

from collections import defaultdict

from archive.models import ENTRY_MODELS, EntryPage, EntryTag

# The largest number of ids in one `IN (...)`: within SQLite's limit of bound parameters.
CHUNK = 900
FACET_SIZE = 20


def count_facets(versions):
    """{group: [{"value", "count"}, ...]} for the found versions, given as (page id, translation key, locale id)."""
    if not versions:
        return {}
    key_of = {pk: key for pk, key, _locale_id in versions}
    values = defaultdict(lambda: defaultdict(set))  # group -> value -> translation keys

    def add(group, pk, value):
        if value not in (None, ""):
            values[group][value].add(key_of[pk])

    types = {model._meta.model_name: slug for slug, model in ENTRY_MODELS.items()}
    ids = list(key_of)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        entries = EntryPage.objects.filter(pk__in=chunk)
        for pk, model, city, language, date, image, media in entries.values_list(
            "pk",
            "content_type__model",
            "city__slug",
            "locale__language_code",
            "date",
            "image_id",
            "testimonypage__media_id",
        ):
            add("type", pk, types.get(model))
            add("city", pk, city)
            # Each version is in one language: counted as versions.
            values["language"][language].add(pk)
            if date:
                add("decade", pk, date.year - date.year % 10)
            add("has_media", pk, "true" if image or media else "false")
        for pk, slug in EntryPage.themes.through.objects.filter(entrypage_id__in=chunk).values_list(
            "entrypage_id", "theme__slug"
        ):
            add("theme", pk, slug)
        for pk, name in EntryTag.objects.filter(content_object_id__in=chunk).values_list(
            "content_object_id", "tag__name"
        ):
            add("tag", pk, name)
    return {
        group: [
            {"value": value, "count": len(keys)}
            # As Elasticsearch's terms: the most frequent first, ties by value.
            for value, keys in sorted(found.items(), key=lambda item: (-len(item[1]), str(item[0])))[:FACET_SIZE]
        ]
        for group, found in values.items()
    }
