"""Curation from an entry's own admin page: add it to a collection."""

import functools

from django import forms
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from archive.models import CollectionItem, CollectionPage, EntryPage


def collections_for(user, entry):
    """The collections in the entry's language that this user may publish."""
    return [
        collection
        for collection in CollectionPage.objects.filter(locale=entry.locale).order_by("title")
        if collection.permissions_for_user(user).can_publish()
    ]


class AddToCollectionForm(forms.Form):
    collection = forms.ModelChoiceField(label=_("Collection"), queryset=CollectionPage.objects.none())
    note = forms.CharField(label=_("Editor's note"), max_length=300, required=False)

    def __init__(self, *args, collections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collection"].queryset = CollectionPage.objects.filter(pk__in=[c.pk for c in collections])


class AddToCollectionView(WagtailAdminTemplateMixin, FormView):
    template_name = "wagtailadmin/generic/form.html"
    form_class = AddToCollectionForm
    header_icon = "folder-open-inverse"

    def dispatch(self, request, page_id):
        self.entry = get_object_or_404(EntryPage, pk=page_id).specific
        # Only an entry the user may see in the explorer: an id alone gives nothing away.
        if not PagePermissionPolicy().explorable_instances(request.user).filter(pk=self.entry.pk).exists():
            raise PermissionDenied
        self.collections = collections_for(request.user, self.entry)
        if not self.collections:
            raise PermissionDenied
        return super().dispatch(request, page_id)

    def get_page_title(self):
        return gettext("Add “%(title)s” to a collection") % {"title": self.entry.title}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "collections": self.collections}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path,
            submit_button_label=gettext("Add and publish the collection"),
            **kwargs,
        )

    def form_valid(self, form):
        live = form.cleaned_data["collection"]
        # Work on the newest version of the collection, so an editor's draft is not lost,
        # and publish it as a new revision that shows in the collection's history.
        collection = live.get_latest_revision_as_object()
        items = list(collection.items.all())
        if not any(item.entry_id == self.entry.pk for item in items):
            last = max((item.sort_order or 0 for item in items), default=-1)
            collection.items.add(CollectionItem(entry=self.entry, note=form.cleaned_data["note"], sort_order=last + 1))
        revision = collection.save_revision(user=self.request.user, log_action=True)
        revision.publish(user=self.request.user)
        messages.success(
            self.request,
            gettext("“%(entry)s” is now in the collection “%(collection)s”.")
            % {"entry": self.entry.title, "collection": collection.title},
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=[self.entry.pk]))


# Exploring a page by its id ------------------------------------------------------------------

# Wagtail's explorer and page chooser show the page whose id is in the URL (its title, its
# children) to anyone with admin access whose explorable root lies above it: a partner could read
# the titles of another city's drafts by their ids. These views answer only for pages the user
# may explore, or that anyone may see.
GUARDED_ADMIN_VIEWS = ("wagtailadmin_explore", "wagtailadmin_explore_results", "wagtailadmin_choose_page_child")


def explorable_only(view):
    @functools.wraps(view)
    def guarded(request, parent_page_id, *args, **kwargs):
        if request.user.is_authenticated:
            explorable = PagePermissionPolicy().explorable_instances(request.user).filter(pk=parent_page_id)
            public = Page.objects.live().public().filter(pk=parent_page_id)
            if not (explorable.exists() or public.exists()):
                raise PermissionDenied
        return view(request, *args, parent_page_id=parent_page_id, **kwargs)

    return guarded


def guarded_admin_urls(admin_urlpatterns, prefix="admin/"):
    """Wagtail's own views of GUARDED_ADMIN_VIEWS, wrapped, at their own paths: put them before Wagtail's."""
    patterns = []
    for pattern in admin_urlpatterns:
        if getattr(pattern, "name", None) in GUARDED_ADMIN_VIEWS:
            patterns.append(path(f"{prefix}{pattern.pattern}", explorable_only(pattern.callback), name=pattern.name))
    if len(patterns) != len(GUARDED_ADMIN_VIEWS):
        # A Wagtail upgrade renamed them: refuse to start rather than leave the drafts' titles open.
        raise ImproperlyConfigured(f"Wagtail's explorer or chooser URLs have changed: found {len(patterns)}")
    return patterns
