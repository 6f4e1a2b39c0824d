"""WSGI entry point (gunicorn vdlm.wsgi)."""
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vdlm.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the models) lives as long as the process.
# Frozen, the garbage collector stops walking those hundred thousand objects on every full
# collection, which a page with a few hundred rows triggers: 10-20 % of its time, measured
# with `make bench`. Gunicorn loads this module before forking (preload_app), so the
# workers share the frozen objects, and their memory pages stay shared too.
gc.freeze()
