from django.core.management.base import BaseCommand

from contributions.models import Contribution


class Command(BaseCommand):
    help = (
        "Delete the contributions an editor handled (accepted or declined) more than "
        "MEMORIA_CONTRIBUTION_RETENTION_DAYS ago, with their photos. Run it daily (cron or the worker's timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say how many would be deleted.")

    def handle(self, *args, **options):
        due = Contribution.past_retention()
        count = due.count()
        if options["dry_run"]:
            self.stdout.write(f"{count} handled contributions are past their retention time.")
            return
        # One by one, so that each deletion removes its photo (contributions.models.delete_photo).
        for contribution in due.iterator():
            contribution.delete()
        self.stdout.write(f"Deleted {count} handled contributions past their retention time, with their photos.")
