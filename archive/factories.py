"""Factories for the archive's content; tests and benchmarks build their data with these."""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Locale

from archive.models import (
    ArchiveIndexPage,
    CollectionItem,
    CollectionPage,
    CommemoratedPerson,
    DatePrecision,
    GlossaryTerm,
    InitiativePage,
    MemorialSitePage,
    PartnerCity,
    TestimonyPage,
    Theme,
)
from archive.text import text_to_stream


def locale(language):
    return Locale.objects.get_or_create(language_code=language)[0]


class PartnerCityFactory(DjangoModelFactory):
    slug = factory.Sequence(lambda n: f"city-{n}")
    name_de = factory.Sequence(lambda n: f"Stadt {n}")
    name_ru = factory.Sequence(lambda n: f"Город {n}")
    country = PartnerCity.Country.GERMANY
    region = factory.Faker("state", locale="de_DE")
    latitude = factory.Faker("pyfloat", min_value=47, max_value=55)
    longitude = factory.Faker("pyfloat", min_value=6, max_value=15)

    class Meta:
        model = PartnerCity
        django_get_or_create = ("slug",)


class ThemeFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")
    locale = factory.LazyFunction(lambda: locale("de"))

    class Meta:
        model = Theme


class GlossaryTermFactory(DjangoModelFactory):
    term_de = factory.Sequence(lambda n: f"Begriff {n}")
    term_ru = factory.Sequence(lambda n: f"термин {n}")
    note = factory.Faker("sentence", locale="de_DE")

    class Meta:
        model = GlossaryTerm


class ArchiveIndexPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Archiv {n}")
    locale = factory.LazyAttribute(lambda page: page.parent.locale if page.parent else locale("de"))

    class Meta:
        model = ArchiveIndexPage


class EntryPageFactoryMixin(factory.Factory):
    """Shared defaults of every entry type; the body is built from `text`."""

    title = factory.Faker("sentence", nb_words=5, locale="de_DE")
    summary = factory.Faker("sentence", nb_words=12, locale="de_DE")
    date = factory.Faker("date_between", start_date=datetime.date(1933, 1, 1), end_date=datetime.date(1945, 12, 31))
    date_precision = DatePrecision.DAY
    licence = "CC BY-SA 4.0"
    attribution = "Memoria"
    locale = factory.LazyAttribute(lambda page: page.parent.locale)
    body = factory.LazyAttribute(lambda page: text_to_stream(page.text))

    class Params:
        text = factory.Faker("paragraph", nb_sentences=4, locale="de_DE")


class InitiativePageFactory(EntryPageFactoryMixin, wagtail_factories.PageFactory):
    organisers = factory.Faker("company", locale="de_DE")

    class Meta:
        model = InitiativePage


class TestimonyPageFactory(EntryPageFactoryMixin, wagtail_factories.PageFactory):
    witness_name = factory.Faker("name", locale="ru_RU")
    witness_birth_year = factory.Faker("pyint", min_value=1920, max_value=1940)
    original_language = "ru"
    transcript = factory.Faker("paragraph", locale="ru_RU")
    consent = TestimonyPage.Consent.PUBLIC
    consent_given_by = factory.LazyAttribute(lambda page: page.witness_name)
    consent_date = datetime.date(2020, 5, 8)

    class Meta:
        model = TestimonyPage


class MemorialSitePageFactory(EntryPageFactoryMixin, wagtail_factories.PageFactory):
    kind = MemorialSitePage.Kind.STOLPERSTEIN
    address = factory.Faker("street_address", locale="de_DE")
    latitude = factory.Faker("pyfloat", min_value=49, max_value=53)
    longitude = factory.Faker("pyfloat", min_value=8, max_value=14)
    inscription = "HIER WOHNTE\nADOLF KAHN\nJG. 1881\nDEPORTIERT 1941\nRIGA\nERMORDET"

    class Meta:
        model = MemorialSitePage


class CommemoratedPersonFactory(DjangoModelFactory):
    site = factory.SubFactory(MemorialSitePageFactory)
    name = factory.Faker("name", locale="de_DE")
    birth_year = factory.Faker("pyint", min_value=1860, max_value=1935)
    fate = "Ermordet"

    class Meta:
        model = CommemoratedPerson


class CollectionPageFactory(wagtail_factories.PageFactory):
    title = factory.Faker("sentence", nb_words=4, locale="de_DE")
    introduction = factory.LazyAttribute(lambda page: f"<p>{page.intro_text}</p>")
    locale = factory.LazyAttribute(lambda page: page.parent.locale)

    class Meta:
        model = CollectionPage

    class Params:
        intro_text = factory.Faker("paragraph", locale="de_DE")


class CollectionItemFactory(DjangoModelFactory):
    collection = factory.SubFactory(CollectionPageFactory)
    entry = factory.SubFactory(MemorialSitePageFactory)
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = CollectionItem


ImageFactory = wagtail_factories.ImageFactory
