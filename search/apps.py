from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "memoria_search"
    verbose_name = _("Search")

    def ready(self):
        from search import signals

        signals.register()
