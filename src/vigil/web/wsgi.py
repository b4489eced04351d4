"""The WSGI application `vigil serve` runs (gunicorn); any WSGI server can run it too."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

# Before Django starts: whatever server runs this, the instance's files stay private to this
# user (vigil.core.private.PRIVATE_UMASK, written out as web imports no core).
os.umask(0o077)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.web.settings")

application = get_wsgi_application()
