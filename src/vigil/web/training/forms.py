"""Forms of training: a quiz built from its questions, cohorts and their sessions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.records.training.models import Course, Quiz
from vigil.web.training.services import text


class QuizForm(forms.Form):
    """One radio group per question, in the reader's language."""

    def __init__(self, quiz: Quiz, language: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in quiz.questions.prefetch_related("choices"):
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=text(question.text, language),
                choices=[(c.pk, text(c.text, language)) for c in question.choices.all()],
                coerce=int,
                widget=forms.RadioSelect,
                required=False,  # an unanswered question counts as wrong
            )

    def chosen(self) -> dict[int, int]:
        return {
            int(name[1:]): value
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40)


class CohortForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.all())
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.CharField(label=_("Country or region"), max_length=200)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("A cohort cannot end before it starts."))
        return data


class EnrolForm(forms.Form):
    username = forms.CharField(label=_("Member's user name"), max_length=150)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at (UTC)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
