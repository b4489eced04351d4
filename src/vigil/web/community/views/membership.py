"""Joining the hub, and the hub admin's side of it: requests and the domain allow-list."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vigil.hub.community import membership
from vigil.records.accounts.models import Membership
from vigil.records.community.models import AllowedDomain, HubMember, RegistrationRequest
from vigil.web.community.forms import (
    DecisionForm,
    DomainForm,
    JoinForm,
    ProfileForm,
    RegisterForm,
    RemoveDomainForm,
)
from vigil.web.community.vetting import hub_admin_required, is_hub_member, member_required


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "the route rules let only signed-in users here"
    return request.user


def _applicant(form: JoinForm) -> membership.Applicant:
    data = form.cleaned_data
    return membership.Applicant(
        data["full_name"], data["agency_name"], data["country"], data["email"]
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """For someone without an account: the request, with the password they will sign in with."""
    if request.user.is_authenticated:
        return redirect("community_join")
    form = RegisterForm(request.POST or None)
    filed = False
    if request.method == "POST" and form.is_valid():
        try:
            membership.register(_applicant(form), form.cleaned_data["password"])
        except membership.MembershipError as error:
            form.add_error(None, str(error))
        else:
            filed = True
    return render(request, "community/register.html", {"form": form, "filed": filed})


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """The request page: all of the hub an unapproved person sees."""
    user = _user(request)
    if is_hub_member(user):
        return redirect("hub_catalogue")
    pending = RegistrationRequest.objects.filter(
        user=user, state=RegistrationRequest.State.PENDING
    ).first()
    last = RegistrationRequest.objects.filter(user=user).order_by("-created_at").first()
    agency = Membership.objects.filter(user=user).select_related("agency").first()
    initial = (
        {"agency_name": agency.agency.name, "country": agency.agency.country} if agency else {}
    )
    form = JoinForm(request.POST or None, initial=initial | {"email": user.email})
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            membership.request_membership(user, _applicant(form))
        except membership.MembershipError as error:
            form.add_error(None, str(error))
        else:
            return redirect("community_join")
    context = {"form": form, "pending": pending, "last": last}
    return render(request, "community/join.html", context)


@require_http_methods(["GET", "POST"])
@hub_admin_required
def requests_page(request: HttpRequest) -> HttpResponse:
    form = DecisionForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            found = RegistrationRequest.objects.filter(pk=form.cleaned_data["request_id"]).first()
            by = request.user.get_username()
            try:
                if found is None:
                    raise membership.MembershipError("no such request")
                if form.cleaned_data["decision"] == "approve":
                    membership.approve(found, by=by)
                else:
                    membership.reject(found, by=by, reason=form.cleaned_data["reason"])
            except membership.MembershipError as problem:
                error, status = str(problem), 400
            else:
                return redirect("community_requests")
        else:
            status = 400
    pending = RegistrationRequest.objects.filter(state=RegistrationRequest.State.PENDING)
    decided = RegistrationRequest.objects.exclude(state=RegistrationRequest.State.PENDING)
    context = {
        "pending": pending.select_related("user"),
        "decided": decided.order_by("-decided_at")[:50],
        "error": error,
    }
    return render(request, "community/requests.html", context, status=status)


@require_http_methods(["GET", "POST"])
@hub_admin_required
def domains_page(request: HttpRequest) -> HttpResponse:
    add = DomainForm(request.POST if "domain" in request.POST else None)
    remove = RemoveDomainForm(request.POST if "domain_id" in request.POST else None)
    by = request.user.get_username()
    status = 200
    if request.method == "POST":
        if add.is_bound and add.is_valid():
            try:
                membership.allow_domain(
                    add.cleaned_data["country"], add.cleaned_data["domain"], by=by
                )
            except membership.MembershipError as error:
                add.add_error(None, str(error))
            else:
                return redirect("community_domains")
        elif remove.is_bound and remove.is_valid():
            entry = AllowedDomain.objects.filter(pk=remove.cleaned_data["domain_id"]).first()
            if entry is not None:
                membership.disallow_domain(entry, by=by)
            return redirect("community_domains")
        status = 400
    context = {"form": add, "domains": AllowedDomain.objects.all()}
    return render(request, "community/domains.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def profile_page(request: HttpRequest) -> HttpResponse:
    member = HubMember.objects.filter(user=_user(request)).first()
    if member is None:  # a hub admin by role, without a member profile
        return render(request, "community/profile.html", {"form": None})
    initial = {
        "in_directory": member.in_directory,
        "notify_replies": member.notify_replies,
        "bio": member.bio,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        for field in ("in_directory", "notify_replies", "bio"):
            setattr(member, field, form.cleaned_data[field])
        member.save(update_fields=["in_directory", "notify_replies", "bio"])
        return redirect("community_profile")
    return render(request, "community/profile.html", {"form": form, "member": member})


@require_http_methods(["GET"])
@member_required
def directory_page(request: HttpRequest) -> HttpResponse:
    """Members who chose to be listed; nobody else, not even as a count."""
    listed = HubMember.objects.filter(in_directory=True, user__is_active=True)
    country = request.GET.get("country", "").upper()
    if country:
        listed = listed.filter(country=country)
    context = {"members": listed.select_related("agency"), "country": country}
    return render(request, "community/directory.html", context)
