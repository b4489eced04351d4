"""The web app's forms; labels are translated, limits match the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.web.review.services import MAX_NOTE_CHARS, MAX_SERIES_CHARS


class SignInForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=1024)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class CaseForm(forms.Form):
    name = forms.CharField(label=_("Case name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)


class PreferencesForm(forms.Form):
    blur = forms.BooleanField(label=_("Blur media"), required=False)
    greyscale = forms.BooleanField(label=_("Show media in greyscale"), required=False)
    muted = forms.BooleanField(label=_("Mute video and audio"), required=False)
    exposure_reminder_minutes = forms.IntegerField(
        label=_("Suggest a break after (minutes, 0 = never)"), min_value=0, max_value=480
    )


class DetailsForm(forms.Form):
    series = forms.CharField(label=_("Series"), required=False, max_length=MAX_SERIES_CHARS)
    victim_identified = forms.BooleanField(label=_("Victim identified"), required=False)
    offender_identified = forms.BooleanField(label=_("Offender identified"), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=[("confirmed", _("Confirm")), ("rejected", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
