"""Who may do what: each partner city's section, group and media collection; the Editors and their review.

Everything here only uses Wagtail's own permission model (group page permissions on a
section, collection permissions, a workflow with a group approval task), so the admin's
explorer, choosers, search and edit views keep partners apart without code of our own.
All functions are idempotent: running them again repairs what is missing and changes
nothing else.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from archive.importing import TreePlacer
from archive.models import ArchiveIndexPage, PartnerCity

EDITORS = "Editors"
WORKFLOW = "Editorial review"
APPROVAL_TASK = "Approval by the editors"
LANGUAGES = ("de", "ru")

# Partners write and submit; publishing is the editors' job (so no publish_page, and no
# delete: a partner's mistake goes back to draft, it does not vanish).
PARTNER_PAGE_PERMISSIONS = ["add_page", "change_page"]
EDITOR_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "delete_page",
    "bulk_delete_page",
    "lock_page",
    "unlock_page",
]
PARTNER_MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
EDITOR_MEDIA_PERMISSIONS = PARTNER_MEDIA_PERMISSIONS + [
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "delete_document"),
]
EDITOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    # Editors translate: the untranslated entries on their dashboard link to Wagtail's translate view.
    ("simple_translation", "submit_translation"),
    *(
        ("archive", f"{action}_{model}")
        for model in ("partnercity", "theme", "glossaryterm")
        for action in ("add", "change", "delete", "view")
    ),
    # Readers' contributions land with the editors.
    *(("contributions", f"{action}_contribution") for action in ("change", "delete", "view")),
]


def partner_name(city):
    """Group and collection share this name, so an admin sees at once which belong together."""
    return f"Partner: {city.name_de}"


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(codename):
    return _permission("wagtailcore", codename)


@dataclass
class PartnerSetup:
    city: PartnerCity
    sections: list[ArchiveIndexPage]
    group: Group
    collection: Collection
    done: list[str] = field(default_factory=list)


@transaction.atomic
def setup_partner_city(slug, name_de, name_ru, country, region="") -> PartnerSetup:
    done = []
    city, created = PartnerCity.objects.update_or_create(
        slug=slug, defaults={"name_de": name_de, "name_ru": name_ru, "country": country, "region": region}
    )
    done.append(f"{'Created' if created else 'Updated'} partner city {city.slug} ({city.name_de} / {city.name_ru}).")

    # The importer's placer finds or creates the archive of each locale and the city's section
    # in it, and links the sections as translations of each other.
    placer = TreePlacer()
    sections = [placer.parent_for(language, city) for language in LANGUAGES]
    for section in sections:
        done.append(f"Section {section.url_path} (page {section.pk}, {section.locale.language_code}).")

    group = _partner_group(city, sections)
    group.permissions.add(_permission("wagtailadmin", "access_admin"))
    for section in sections:
        for codename in PARTNER_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(group=group, page=section, permission=_page_permission(codename))
    done.append(f"Group {group.name!r}: {', '.join(PARTNER_PAGE_PERMISSIONS)} on both sections, admin access.")

    collection = _partner_collection(city, group)
    for app_label, codename in PARTNER_MEDIA_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )
    done.append(f"Collection {collection.name!r}: images and documents may be added, changed and chosen.")

    ensure_editorial()
    done.append(f"Group {EDITORS!r} and workflow {WORKFLOW!r} cover both archives.")
    return PartnerSetup(city, sections, group, collection, done)


def _partner_group(city, sections):
    """The group that already holds the section (renamed if the city was), or a new one."""
    group = (
        Group.objects.filter(page_permissions__page=sections[0], name__startswith="Partner: ").distinct().first()
        or Group.objects.filter(name=partner_name(city)).first()
    )
    if group is None:
        return Group.objects.create(name=partner_name(city))
    if group.name != partner_name(city):
        group.name = partner_name(city)
        group.save(update_fields=["name"])
    return group


def _partner_collection(city, group):
    collection = (
        Collection.objects.filter(group_permissions__group=group).distinct().first()
        or Collection.objects.filter(name=partner_name(city)).first()
    )
    if collection is None:
        return Collection.get_first_root_node().add_child(name=partner_name(city))
    if collection.name != partner_name(city):
        collection.name = partner_name(city)
        collection.save(update_fields=["name"])
    return collection


@transaction.atomic
def ensure_editorial():
    """The Editors group and the review workflow on the archive of each locale.

    Wagtail's own migrations already create an "Editors" group (add and change on the root
    page); we extend it rather than add a second group of the same name.
    """
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*(_permission(app_label, codename) for app_label, codename in EDITOR_MODEL_PERMISSIONS))
    root_collection = Collection.get_first_root_node()
    for app_label, codename in EDITOR_MEDIA_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=editors, collection=root_collection, permission=_permission(app_label, codename)
        )

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW)
    task, _ = GroupApprovalTask.objects.get_or_create(name=APPROVAL_TASK)
    task.groups.add(editors)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    placer = TreePlacer()
    archives = [placer.parent_for(language, None) for language in LANGUAGES]
    for archive in archives:
        for codename in EDITOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=editors, page=archive, permission=_page_permission(codename)
            )
        # The nearest workflow above a page applies, so this one covers every section below.
        WorkflowPage.objects.update_or_create(page=archive, defaults={"workflow": workflow})
    return editors, workflow, archives
