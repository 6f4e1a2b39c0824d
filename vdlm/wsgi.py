"""WSGI entry point (gunicorn vdlm.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vdlm.settings")

application = get_wsgi_application()
