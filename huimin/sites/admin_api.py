"""Wagtail's admin API document and image endpoints, listing only the media a person reaches
(`scoping.reachable_media`). Registered over Wagtail's own by `sites/wagtail_hooks.py`."""

from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from . import scoping


class ScopedQuerysetMixin:
    def get_queryset(self):
        reachable = scoping.reachable_media(self.model, self.request.user)
        return super().get_queryset().filter(pk__in=reachable.values("pk"))


class ScopedDocumentsAdminAPIViewSet(ScopedQuerysetMixin, DocumentsAdminAPIViewSet):
    pass


class ScopedImagesAdminAPIViewSet(ScopedQuerysetMixin, ImagesAdminAPIViewSet):
    pass
