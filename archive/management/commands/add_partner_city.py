from django.core.management.base import BaseCommand

from archive.models import PartnerCity
from archive.partners import setup_partner_city


class Command(BaseCommand):
    help = (
        "Add a partner city, or bring an existing one up to date: its section of the archive in both "
        "languages, a group that may write and submit there (not publish), and its own media collection. "
        "Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name-de", required=True)
        parser.add_argument("--name-ru", required=True)
        parser.add_argument("--country", required=True, choices=PartnerCity.Country.values)
        parser.add_argument("--region", default="")

    def handle(self, *args, **options):
        setup = setup_partner_city(
            options["slug"], options["name_de"], options["name_ru"], options["country"], options["region"]
        )
        for line in setup.done:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Partner city {setup.city.slug} ready."))
