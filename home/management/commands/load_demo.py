from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Locale

from archive.demo import COLLECTIONS, demo_rows
from archive.importing import TreePlacer, import_rows, numbered
from archive.management.progress import import_progress
from archive.models import CollectionItem, CollectionPage, EntryPage
from archive.vocabulary import ensure_vocabulary
from home.information import ensure_information_pages
from home.models import FeaturedCollection, HomePage

HOME_INTRODUCTIONS = {
    "de": "<p>Memoria sammelt Erinnerungen an den Zweiten Weltkrieg aus deutschen und russischen "
    "Partnerstädten: Gedenkinitiativen, Zeitzeugnisse und Erinnerungsorte wie Stolpersteine, "
    "Kriegsgräberstätten und Gedenktafeln – durchsuchbar auf Deutsch und Russisch.</p>",
    "ru": "<p>Memoria собирает память о Второй мировой войне из городов-партнёров Германии и России: "
    "памятные инициативы, свидетельства очевидцев и места памяти – камни преткновения, воинские "
    "захоронения и мемориальные доски. Поиск на русском и немецком языках.</p>",
}


# Here, in home/, because the demo's home pages feature its collections: home stands on archive.
class Command(BaseCommand):
    help = (
        "Build the demo: partner cities, themes, the Heilbronn memorial sites, a sample of the Berlin "
        "Stolpersteine, bilingual initiatives, a testimony and curated collections. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="Default: $MEMORIA_DATA_DIR, else shared/data beside the checkout.")
        parser.add_argument("--berlin-sample", type=int, default=200, help="How many Berlin stones (default 200).")
        parser.add_argument(
            "--full",
            action="store_true",
            help="All the Berlin stones (10,229), not a sample; see the README for its time.",
        )

    def handle(self, *args, **options):
        ensure_vocabulary()
        problems = []

        def open_rows():
            problems.clear()
            sample = None if options["full"] else options["berlin_sample"]
            return numbered(demo_rows(options["data_dir"], sample, problems))

        with import_progress(self.stderr, options["verbosity"]) as progress:
            report = import_rows(open_rows, progress=progress)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError("The demo data did not pass the import checks; nothing was loaded.")
        self.stdout.write(f"Entries: {report.created} created, {report.updated} updated.")
        if problems:
            self.stdout.write(f"{len(problems)} problems in the source data were reported and left as they are.")
        self.build_collections()
        self.build_information_pages()
        self.stdout.write(self.style.SUCCESS("Demo ready."))

    @transaction.atomic
    def build_collections(self):
        placer = TreePlacer()
        for language in ("de", "ru"):
            locale = Locale.objects.get(language_code=language)
            home = HomePage.objects.get(locale=locale)
            home.introduction = HOME_INTRODUCTIONS[language]
            archive = placer.parent_for(language, None)
            featured = []
            for spec in COLLECTIONS:
                slug = spec["slug"] if language == "de" else f"{spec['slug']}-ru"
                collection = CollectionPage.objects.child_of(archive).filter(slug=slug).first()
                if collection is None:
                    collection = CollectionPage(slug=slug, locale=locale)
                    original = CollectionPage.objects.filter(slug=spec["slug"]).first()
                    if original and language != "de":
                        collection.translation_key = original.translation_key
                    collection.title = spec["title"][language]
                    collection.introduction = f"<p>{spec['introduction'][language]}</p>"
                    archive.add_child(instance=collection)
                collection.items.all().delete()
                for position, external_id in enumerate(spec["entries"]):
                    entry = EntryPage.objects.get(external_id=external_id)
                    localized = entry.get_translation_or_none(locale) or entry
                    CollectionItem.objects.create(collection=collection, entry=localized, sort_order=position)
                featured.append(collection)
            home.featured_collections.all().delete()
            for position, collection in enumerate(featured):
                FeaturedCollection.objects.create(home=home, collection=collection, sort_order=position)
            home.save()

    def build_information_pages(self):
        ensure_information_pages(publish=True)
