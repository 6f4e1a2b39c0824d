"""The site's URLs plus the uploaded files, for browser tests.

With DEBUG off Django serves no uploads, and the deck's logos and photos are
uploads: without this the screenshots would show broken images.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from vdlm.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
