"""The WSGI application `vigil serve` runs (gunicorn); any WSGI server can run it too."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.web.settings")

application = get_wsgi_application()
