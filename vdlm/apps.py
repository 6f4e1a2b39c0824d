"""The project's own app: what the site needs at startup, its operator commands
(backup_db, restore_db), the migration that creates the cache tables and the
project's system checks (vdlm/checks.py)."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.core.checks import Tags, register
from django.core.signals import setting_changed


def _apply_pixel_limit(**kwargs):
    """Pillow's decompression-bomb guard follows settings.MAX_IMAGE_PIXELS.

    Pillow's own default (about 89 megapixels, an error only past twice that)
    would let a tiny PNG that declares 100 megapixels be decoded into gigabytes
    of memory anywhere an image is opened: thumbnails, the deck, re-encoding.
    """
    if kwargs and kwargs.get("setting") != "MAX_IMAGE_PIXELS":
        return
    from django.conf import settings
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS


class VdlmConfig(AppConfig):
    name = "vdlm"
    verbose_name = "Site"

    def ready(self):
        _apply_pixel_limit()
        # Tests that change the limit change Pillow's with it.
        setting_changed.connect(_apply_pixel_limit, dispatch_uid="vdlm.pixel_limit")

        from . import checks

        # Database checks run with `check --database default` (and before `migrate`).
        register(checks.check_cache_tables, Tags.database)
        # Only with --deploy: on a developer's machine mail is meant to go to the console.
        register(checks.check_email_backend, Tags.security, deploy=True)


class VdlmAdminConfig(AdminConfig):
    """Replaces django.contrib.admin in INSTALLED_APPS, as Django's docs show, to install vdlm.admin_site."""

    default_site = "vdlm.admin_site.VdlmAdminSite"
