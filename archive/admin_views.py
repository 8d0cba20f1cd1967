"""Curation from an entry's own admin page: add it to a collection."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
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
