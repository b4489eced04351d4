"""Exposure: how long media has been on a reviewer's screen, and when to suggest a break.

The clock starts with the first page that shows media and restarts when the person takes the
break (or dismisses the reminder); the page's script shows the reminder when it is due.
"""

from __future__ import annotations

import time

from django.http import HttpRequest

from vigil.web.accounts.preferences import preferences_of

EXPOSURE_STARTED = "vigil_exposure_started"


def note_exposure(request: HttpRequest) -> None:
    """Called by every view that shows media."""
    request.session.setdefault(EXPOSURE_STARTED, time.time())


def restart_exposure(request: HttpRequest) -> None:
    request.session[EXPOSURE_STARTED] = time.time()


def reminder_due_at(request: HttpRequest) -> int | None:
    """Epoch seconds at which to suggest a break; None when no media was shown or never."""
    started = request.session.get(EXPOSURE_STARTED)
    if started is None or not request.user.is_authenticated:
        return None
    minutes = preferences_of(request.user).exposure_reminder_minutes
    if minutes == 0:
        return None
    return int(float(started) + minutes * 60)
