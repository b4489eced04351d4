"""A person's own settings: wellbeing choices, and restarting the exposure clock."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from vigil.audit.log import record
from vigil.web.accounts.preferences import preferences_of
from vigil.web.review.forms import PreferencesForm
from vigil.web.review.wellbeing import restart_exposure

FIELDS = ("blur", "greyscale", "muted", "exposure_reminder_minutes")


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = preferences_of(request.user)
    initial = {name: getattr(current, name) for name in FIELDS}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        for name in FIELDS:
            setattr(current, name, form.cleaned_data[name])
        current.save()
        record(
            "preferences.change",
            actor=request.user.get_username(),
            purpose="wellbeing",
            details={name: form.cleaned_data[name] for name in FIELDS},
        )
        return redirect(request.POST.get("back") or "preferences")
    return render(request, "me/preferences.html", {"form": form})


@require_POST
def exposure_reset(request: HttpRequest) -> HttpResponse:
    """The reminder was seen: the exposure clock starts again."""
    restart_exposure(request)
    record(
        "wellbeing.break",
        actor=request.user.get_username(),
        purpose="wellbeing",
        details={"choice": request.POST.get("choice", "continue")[:16]},
    )
    return HttpResponse(status=204)
