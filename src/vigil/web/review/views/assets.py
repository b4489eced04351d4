"""The vendored static files (htmx, CSS, the page scripts), served from the package.

A handful of small files: no collectstatic step, no CDN. Only files under STATIC_DIR are
served (django.views.static.serve refuses paths that leave it).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET
from django.views.static import serve

ONE_DAY = 86_400


@require_GET
def asset(request: HttpRequest, path: str) -> HttpResponseBase:
    response = serve(request, path, document_root=str(settings.STATIC_DIR))
    response["Cache-Control"] = f"public, max-age={ONE_DAY}"
    return response
