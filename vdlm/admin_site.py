"""The project's admin site: Django's own, with a "view on site" shortcut that checks permissions.

Django's shortcut (/admin/r/<content type>/<id>/) redirects any staff account to
any object's public URL, drafts included: a staff member without the right to
view editions would learn a draft's address. Here it answers only to those who
may view that kind of object (vdlm.permissions.can_preview), and 404 to others,
as the draft itself does.
"""

from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404
from django.urls import path

from .permissions import can_preview

# 18 digits fit a 64-bit signed integer, the widest id column (BigAutoField).
_MAX_ID_DIGITS = 18


class VdlmAdminSite(admin.AdminSite):
    """admin.site (titles are set in vdlm/urls.py)."""

    def get_urls(self):
        # First, so that it answers instead of Django's view of the same path and name.
        shortcut = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [shortcut, *super().get_urls()]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's shortcut redirect, for users allowed to view the object's model only."""
        # Numbers beyond any id would reach the database as an out-of-range integer (a 500).
        if not (content_type_id.isdecimal() and len(content_type_id) <= _MAX_ID_DIGITS):
            raise Http404("No such content type.")
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except ContentType.DoesNotExist as error:
            raise Http404("No such content type.") from error
        if model is None or not can_preview(request.user, model):
            raise Http404("No such object.")
        integer_pk = isinstance(model._meta.pk, models.IntegerField)
        if integer_pk and not (object_id.isdecimal() and len(object_id) <= _MAX_ID_DIGITS):
            raise Http404("No such object.")
        return contenttype_views.shortcut(request, content_type_id, object_id)
