"""Where an entry goes in the page tree: its locale's archive, then its city's section."""

from wagtail.models import Locale, Site

from archive.models import ArchiveIndexPage, PartnerCity

# The archive section of each language the import accepts: title and slug.
ARCHIVE_TITLES = {"de": ("Archiv", "archiv"), "ru": ("Архив", "arkhiv")}


class TreePlacer:
    """Finds or creates the archive section an entry belongs in: locale archive, then city section."""

    def __init__(self):
        self.cache = {}

    def parent_for(self, language: str, city: PartnerCity | None) -> ArchiveIndexPage:
        key = (language, city.pk if city else None)
        if key not in self.cache:
            archive = self._archive(language)
            self.cache[key] = self._city_section(archive, language, city) if city else archive
        return self.cache[key]

    def _archive(self, language):
        locale = Locale.objects.get(language_code=language)
        archive = ArchiveIndexPage.objects.filter(locale=locale, depth=3).first()
        if archive:
            return archive
        # The archive hangs below the site's root page in that locale (the home page).
        home = Site.objects.get(is_default_site=True).root_page.get_translation(locale)
        title, slug = ARCHIVE_TITLES[language]
        other = ArchiveIndexPage.objects.filter(depth=3).exclude(locale=locale).first()
        page = ArchiveIndexPage(title=title, slug=slug, locale=locale)
        if other:
            page.translation_key = other.translation_key
        return home.add_child(instance=page)

    @staticmethod
    def _city_section(archive, language, city):
        section = ArchiveIndexPage.objects.child_of(archive).filter(city=city).first()
        if section:
            return section
        title = city.name_ru if language == "ru" else city.name_de
        page = ArchiveIndexPage(title=title, slug=city.slug, city=city, locale=archive.locale)
        other = ArchiveIndexPage.objects.filter(city=city).exclude(locale=archive.locale).first()
        if other:
            page.translation_key = other.translation_key
        return archive.add_child(instance=page)
