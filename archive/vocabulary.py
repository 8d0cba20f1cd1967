"""The starter vocabulary: partner cities and themes that imports and the demo rely on, and the glossary."""

import csv
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale

from archive.models import GlossaryTerm, PartnerCity, Theme

# slug, German, Russian, country, region, latitude, longitude
STARTER_CITIES = [
    ("berlin", "Berlin", "Берлин", "DE", "Berlin", 52.52, 13.405),
    ("heilbronn", "Heilbronn", "Хайльбронн", "DE", "Baden-Württemberg", 49.1427, 9.2109),
    ("essen", "Essen", "Эссен", "DE", "Nordrhein-Westfalen", 51.4556, 7.0116),
    ("hamburg", "Hamburg", "Гамбург", "DE", "Hamburg", 53.5511, 9.9937),
    ("suhl", "Suhl", "Зуль", "DE", "Thüringen", 50.6096, 10.6945),
    ("moskau", "Moskau", "Москва", "RU", "Moskau", 55.7558, 37.6173),
    ("kaluga", "Kaluga", "Калуга", "RU", "Oblast Kaluga", 54.5293, 36.2754),
    ("nischni-nowgorod", "Nischni Nowgorod", "Нижний Новгород", "RU", "Oblast Nischni Nowgorod", 56.2965, 43.9361),
    ("sankt-petersburg", "Sankt Petersburg", "Санкт-Петербург", "RU", "Sankt Petersburg", 59.9343, 30.3351),
]
# first city, second city, year the partnership was signed (None where we have not checked a source)
STARTER_PARTNERSHIPS = [
    ("berlin", "moskau", 1991),
    ("essen", "nischni-nowgorod", 1991),
    ("hamburg", "sankt-petersburg", 1957),
    ("suhl", "kaluga", None),
]
# slug, German, Russian
STARTER_THEMES = [
    ("stolpersteine", "Stolpersteine", "Камни преткновения"),
    ("holocaust", "Holocaust", "Холокост"),
    ("deportation", "Deportation", "Депортация"),
    ("emigration", "Flucht und Emigration", "Бегство и эмиграция"),
    ("prisoners-of-war", "Kriegsgefangene", "Военнопленные"),
    ("war-graves", "Kriegsgräber", "Военные захоронения"),
    ("22-june", "22. Juni 1941", "22 июня 1941 года"),
    ("city-partnership", "Städtepartnerschaft", "Партнёрство городов"),
    ("youth-exchange", "Jugendaustausch", "Молодёжный обмен"),
    ("eyewitnesses", "Zeitzeugen", "Свидетели эпохи"),
    ("siege-of-leningrad", "Blockade Leningrads", "Блокада Ленинграда"),
    ("forced-labour", "Zwangsarbeit", "Принудительный труд"),
]
# German term, Russian term, note: the pairs the search treats as one (search.glossary).
STARTER_GLOSSARY = Path(__file__).resolve().parent / "data" / "glossary.tsv"


@transaction.atomic
def ensure_vocabulary():
    """Create what is missing of the starter vocabulary; leave editors' changes alone."""
    cities = {}
    for slug, name_de, name_ru, country, region, latitude, longitude in STARTER_CITIES:
        cities[slug], _ = PartnerCity.objects.get_or_create(
            slug=slug,
            defaults={
                "name_de": name_de,
                "name_ru": name_ru,
                "country": country,
                "region": region,
                "latitude": latitude,
                "longitude": longitude,
            },
        )
    for first, second, year in STARTER_PARTNERSHIPS:
        cities[first].partners.add(cities[second])
        cities[first].save()
        if year and not cities[first].partnership_since:
            for slug in (first, second):
                PartnerCity.objects.filter(slug=slug, partnership_since=None).update(partnership_since=year)
    german = Locale.objects.get(language_code="de")
    russian = Locale.objects.get(language_code="ru")
    for slug, name_de, name_ru in STARTER_THEMES:
        theme_de, _ = Theme.objects.get_or_create(slug=slug, locale=german, defaults={"name": name_de})
        Theme.objects.get_or_create(
            slug=slug, locale=russian, defaults={"name": name_ru, "translation_key": theme_de.translation_key}
        )
    ensure_glossary()
    return cities


def starter_glossary() -> list[GlossaryTerm]:
    """The starter glossary as unsaved terms, in the order of the file."""
    with STARTER_GLOSSARY.open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [GlossaryTerm(term_de=row["term_de"], term_ru=row["term_ru"], note=row["note"]) for row in rows]


@transaction.atomic
def ensure_glossary() -> int:
    """Load the starter glossary into an empty glossary; return how many terms were added.

    Unlike the themes, missing pairs are not added to a glossary the editors already keep: a pair
    they deleted or reworded would come back with every run of load_demo.
    """
    if GlossaryTerm.objects.exists():
        return 0
    return len(GlossaryTerm.objects.bulk_create(starter_glossary()))
