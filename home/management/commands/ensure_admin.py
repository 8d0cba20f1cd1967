import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create the local admin account once (user 'admin', password from MEMORIA_ADMIN_PASSWORD, "
        "default 'memoria-admin'). Development only."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_admin is for development; create production accounts with createsuperuser.")
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write("Admin account 'admin' exists already.")
            return
        password = os.environ.get("MEMORIA_ADMIN_PASSWORD", "memoria-admin")
        User.objects.create_superuser("admin", "admin@localhost", password)
        self.stdout.write(self.style.SUCCESS("Created admin account 'admin' (password: see README)."))
