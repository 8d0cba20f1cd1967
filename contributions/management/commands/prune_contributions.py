from django.core.management.base import BaseCommand

from contributions.models import Contribution
from contributions.retention import prune_handled_contributions


class Command(BaseCommand):
    help = (
        "Delete the contributions an editor handled (accepted or declined) more than "
        "MEMORIA_CONTRIBUTION_RETENTION_DAYS ago, with their photos. The worker (search_index work) "
        "does this once an hour; without a worker, run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say how many would be deleted.")

    def handle(self, *args, **options):
        if options["dry_run"]:
            count = Contribution.past_retention().count()
            self.stdout.write(f"{count} handled contributions are past their retention time.")
            return
        count = prune_handled_contributions()
        self.stdout.write(f"Deleted {count} handled contributions past their retention time, with their photos.")
