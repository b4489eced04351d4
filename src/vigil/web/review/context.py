"""What every page needs to know: the person's wellbeing choices and the break reminder."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from vigil.web.accounts.preferences import preferences_of
from vigil.web.review.wellbeing import reminder_due_at


def wellbeing(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"media_classes": "media-blur media-grey", "muted": True}
    preferences = preferences_of(user)
    classes = " ".join(
        name
        for name, on in (("media-blur", preferences.blur), ("media-grey", preferences.greyscale))
        if on
    )
    return {
        "media_classes": classes,
        "muted": preferences.muted,
        "preferences": preferences,
        "reminder_due_at": reminder_due_at(request),
    }
