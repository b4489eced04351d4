"""Forms of the community: joining, the forum, the knowledge base, moderation, the profile."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.hub.community.countries import is_country
from vigil.records.community.models import ForumCategory
from vigil.web.hub.forms import language_choices


class JoinForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    agency_name = forms.CharField(label=_("Agency"), max_length=200)
    country = forms.CharField(
        label=_("Country (ISO 3166 code, e.g. FR)"), min_length=2, max_length=2
    )
    email = forms.EmailField(label=_("Official e-mail address"))

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        if not is_country(country):
            raise forms.ValidationError(_("Not an ISO 3166 alpha-2 country code."))
        return country


class RegisterForm(JoinForm):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=1024)
    password_again = forms.CharField(
        label=_("Password, again"), widget=forms.PasswordInput, max_length=1024
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_again"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


class DecisionForm(forms.Form):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason (told to the applicant)"), required=False, max_length=1000
    )


class DomainForm(forms.Form):
    country = forms.CharField(label=_("Country (ISO 3166 code)"), min_length=2, max_length=2)
    domain = forms.CharField(label=_("Domain"), max_length=253)


class RemoveDomainForm(forms.Form):
    domain_id = forms.IntegerField(widget=forms.HiddenInput)


class ThreadForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=ForumCategory.objects.all())
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Message (Markdown)"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 8})
    )
    language = forms.ChoiceField(label=_("Written in"), choices=language_choices)


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Reply (Markdown)"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReportForm(forms.Form):
    post_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("What is wrong with this post?"), max_length=1000)


class ThreadModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("lock", _("Lock")),
            ("unlock", _("Unlock")),
            ("hide", _("Hide")),
            ("show", _("Show")),
        ]
    )
    post_id = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ResolveForm(forms.Form):
    report_id = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("hide", _("Hide the post")), ("dismiss", _("Dismiss"))])


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=500)
    body = forms.CharField(
        label=_("Article (Markdown)"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 14})
    )
    language = forms.ChoiceField(label=_("Written in"), choices=language_choices)


class ProfileForm(forms.Form):
    in_directory = forms.BooleanField(label=_("List me in the member directory"), required=False)
    notify_replies = forms.BooleanField(
        label=_("E-mail me when someone replies to my threads"), required=False
    )
    bio = forms.CharField(
        label=_("About me (shown in the directory)"), required=False, max_length=500
    )
