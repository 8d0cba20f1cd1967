from django.core.management.base import BaseCommand

from archive.partners import APPROVAL_TASK, EDITORS, WORKFLOW, ensure_editorial


class Command(BaseCommand):
    help = (
        "Give the Editors group publishing rights on the archive in both languages, all media and the "
        "vocabulary, and put the archive under the editorial review workflow. Safe to run again."
    )

    def handle(self, *args, **options):
        _editors, _workflow, archives = ensure_editorial()
        for archive in archives:
            self.stdout.write(f"{EDITORS!r} may publish below {archive.url_path}; workflow {WORKFLOW!r} applies.")
        self.stdout.write(self.style.SUCCESS(f"Review by {APPROVAL_TASK!r} is set up."))
