from django.core.management import call_command
from django.core.management.base import BaseCommand

from home.information import ensure_information_pages


class Command(BaseCommand):
    help = (
        "Bring a deployment up to date, in order: check the settings, create the cache table, migrate "
        "the database, compile the translations, collect the static files, make the imprint and the privacy "
        "notice as drafts where there are none. Safe to run at every release."
    )

    def handle(self, *args, verbosity, **options):
        quiet = max(verbosity - 1, 0)
        steps = [
            ("Checking the deployment settings", lambda: call_command("check", deploy=True, fail_level="ERROR")),
            # The production cache lives in the database (memoria/settings/production.py); without
            # its table the first request that caches anything fails, and so would the migrations
            # that save pages (each save renews the page cache's generation).
            ("Creating the cache table", lambda: call_command("createcachetable", verbosity=quiet)),
            ("Migrating the database", lambda: call_command("migrate", interactive=False, verbosity=quiet)),
            # The .mo files are built, not kept in the repository.
            (
                "Compiling the translations",
                lambda: call_command(
                    "compilemessages", ignore_patterns=[".venv", "node_modules", ".cache"], verbosity=quiet
                ),
            ),
            ("Collecting the static files", lambda: call_command("collectstatic", interactive=False, verbosity=quiet)),
            ("The imprint and the privacy notice", self.information_pages),
        ]
        for number, (title, run) in enumerate(steps, 1):
            self.stdout.write(f"[{number}/{len(steps)}] {title}")
            run()
        self.stdout.write(self.style.SUCCESS("Deployed. Start the web processes and the worker (README, Production)."))

    def information_pages(self):
        made = ensure_information_pages(publish=False)
        if made:
            self.stdout.write(
                f"    {len(made)} made as drafts in both languages: complete them (the imprint names the "
                "operator) and publish them in the admin; the footer links them once they are live."
            )
