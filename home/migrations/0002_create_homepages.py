"""Both locales and a home page in each, linked as translations, as the site's root."""

import uuid

from django.db import migrations

HOMES = [("de", "home", "Memoria – Archiv der Erinnerungskultur"), ("ru", "home-ru", "Memoria – архив культуры памяти")]


def create_homepages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("home.HomePage")

    # Wagtail's own placeholder home page and site make way for ours.
    Site.objects.all().delete()
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", content_type__model="page").delete()
    root = Page.objects.get(depth=1)

    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    translation_key = uuid.uuid4()
    homes = []
    for position, (language, slug, title) in enumerate(HOMES, start=1):
        locale, _ = Locale.objects.get_or_create(language_code=language)
        homes.append(
            HomePage.objects.create(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                path=f"{root.path}{position:04d}",
                depth=2,
                numchild=0,
                url_path=f"/{slug}/",
                locale=locale,
                translation_key=translation_key,
                live=True,
            )
        )
    root.numchild = len(homes)
    root.save(update_fields=["numchild"])
    Site.objects.create(hostname="localhost", port=80, root_page=homes[0], is_default_site=True, site_name="Memoria")


def remove_homepages(apps, schema_editor):
    apps.get_model("home.HomePage").objects.filter(depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepages, remove_homepages)]
