"""The editors' side: a "Contributions" menu item with a filtered list and a read-only detail."""

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.permissions import policy_registry

from contributions.models import Contribution

PHOTO_COLLECTION_NAME = "Contributions"


class ContributionInspectView(InspectView):
    def get_entry_display_value(self):
        entry = self.object.entry
        if entry is None:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("wagtailadmin_pages:edit", args=[entry.pk]), entry.title)

    def get_photo_display_value(self):
        if not self.object.photo:
            return "–"
        photo_url = reverse("contribution:photo", args=[self.object.pk])
        use_url = reverse("contribution:use_photo", args=[self.object.pk])
        return format_html(
            '<a href="{url}"><img src="{url}" alt="{alt}" style="max-width: 40rem; max-height: 30rem"></a>'
            '<form method="post" action="{use_url}"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<button type="submit" class="button button-secondary">{label}</button></form>',
            url=photo_url,
            alt=_("The reader's photo"),
            use_url=use_url,
            token=get_token(self.request),
            label=_("Add to the image library"),
        )


class ContributionViewSet(ModelViewSet):
    model = Contribution
    icon = "comment"
    menu_label = gettext_lazy("Contributions")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["__str__", "kind", "status", "entry", "language", "created_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["text", "name"]
    search_backend_name = None  # plain database lookups: contributions are not in the search index
    # Editors decide (the status) but never rewrite what a reader sent.
    form_fields = ["status"]
    inspect_view_enabled = True
    inspect_view_class = ContributionInspectView
    inspect_view_fields = ["kind", "status", "entry", "text", "photo", "name", "email", "language", "created_at"]
    copy_view_enabled = False

    def get_common_view_kwargs(self, **kwargs):
        # Contributions come from readers only: no "Add" button in the admin.
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None}

    def get_urlpatterns(self):
        urlpatterns = [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]
        return urlpatterns + [
            path("photo/<int:pk>/", self.photo_view, name="photo"),
            path("use-photo/<int:pk>/", self.use_photo_view, name="use_photo"),
        ]

    def _contribution_for(self, request, pk, actions):
        if not self.permission_policy.user_has_any_permission(request.user, actions):
            raise PermissionDenied
        contribution = get_object_or_404(Contribution, pk=pk)
        if not contribution.photo:
            raise Http404
        return contribution

    def photo_view(self, request, pk):
        """Streams the photo to editors: the private storage has no public URL."""
        contribution = self._contribution_for(request, pk, ["view", "change"])
        # Only JPEG, PNG and WebP got through the upload checks; nosniff comes from SecurityMiddleware.
        return FileResponse(contribution.photo.open("rb"), filename=contribution.photo.name.rsplit("/", 1)[-1])

    def use_photo_view(self, request, pk):
        """Copies the photo into the image library (collection "Contributions"): the editor decides to use it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        contribution = self._contribution_for(request, pk, ["change"])
        if not policy_registry.get_by_type(get_image_model()).user_has_permission(request.user, "add"):
            raise PermissionDenied
        collection = Collection.objects.filter(name=PHOTO_COLLECTION_NAME).first()
        if collection is None:
            collection = Collection.get_first_root_node().add_child(name=PHOTO_COLLECTION_NAME)
        with contribution.photo.open("rb") as photo:
            content = ContentFile(photo.read(), name=contribution.photo.name.rsplit("/", 1)[-1])
        image = get_image_model().objects.create(
            title=_("Photo sent by %(name)s") % {"name": contribution.name},
            file=content,
            collection=collection,
            uploaded_by_user=request.user,
        )
        return redirect("wagtailimages:edit", image.pk)


@hooks.register("register_admin_viewset")
def register_contribution_viewset():
    return ContributionViewSet("contribution")
