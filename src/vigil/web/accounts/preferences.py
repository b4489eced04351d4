"""A person's wellbeing and language preferences, created with the safe defaults on first use."""

from __future__ import annotations

from typing import Any

from vigil.records.accounts.models import Preferences


def preferences_of(user: Any) -> Preferences:
    """The user's preferences; read once per request (kept on the user object)."""
    cached: Preferences | None = getattr(user, "_vigil_preferences", None)
    if cached is None:
        cached, _ = Preferences.objects.get_or_create(user_id=user.pk)
        user._vigil_preferences = cached
    return cached
