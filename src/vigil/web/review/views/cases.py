"""Cases: the list (only one's own), creation, the dashboard, sources, members."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vigil.audit.log import record
from vigil.records.accounts.models import CaseMembership
from vigil.records.cases.models import Case
from vigil.web.access import Action, can, can_create_cases, case_for, visible_cases
from vigil.web.review.counts import case_figures, source_progress
from vigil.web.review.forms import CaseForm, MemberForm
from vigil.web.review.labels import ROLE_LABELS


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = visible_cases(request.user).order_by("name")
    return render(
        request,
        "cases/list.html",
        {"cases": cases, "can_create": can_create_cases(request.user)},
    )


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    if not can_create_cases(request.user):
        raise PermissionDenied("only investigators and supervisors open cases")
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"].strip()
        try:
            with transaction.atomic():
                case = Case.objects.create(name=name, description=form.cleaned_data["description"])
                CaseMembership.objects.create(
                    user=_user(request), case=case, added_by=request.user.get_username()
                )
                record(
                    "case.create",
                    actor=request.user.get_username(),
                    case_name=name,
                    purpose="case management",
                )
        except IntegrityError:
            # Said the same way whether or not the user could see that case.
            form.add_error("name", _("That name is already taken; choose another."))
        else:
            return redirect("case_dashboard", case_id=case.pk)
    return render(request, "cases/create.html", {"form": form})


@require_GET
def case_dashboard(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for(request.user, case_id, Action.VIEW)
    record(
        "case.dashboard",
        actor=request.user.get_username(),
        case_name=case.name,
        purpose="case overview",
    )
    sources = source_progress(case)
    context = {
        "case": case,
        "figures": case_figures(case),
        "sources": sources,
        "sources_running": any(row.running for row in sources),
        "can_manage": can(request.user, Action.MANAGE),
    }
    return render(request, "cases/dashboard.html", context)


@require_GET
def case_sources(request: HttpRequest, case_id: int) -> HttpResponse:
    """The sources' progress, polled by the dashboard while one is running."""
    case = case_for(request.user, case_id, Action.VIEW)
    sources = source_progress(case)
    context = {"case": case, "sources": sources, "sources_running": any(r.running for r in sources)}
    return render(request, "cases/_sources.html", context)


@require_http_methods(["GET", "POST"])
def case_members(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for(request.user, case_id, Action.MANAGE)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        person = User.objects.filter(username=username, is_active=True).first()
        remove = request.POST.get("remove") == "1"
        if person is None:
            form.add_error("username", _("No active user has that name."))
        elif remove and person.pk == request.user.pk:
            form.add_error("username", _("You cannot remove yourself from a case."))
        else:
            if remove:
                CaseMembership.objects.filter(user=person, case=case).delete()
            else:
                CaseMembership.objects.get_or_create(
                    user=person, case=case, defaults={"added_by": request.user.get_username()}
                )
            record(
                "case.member_remove" if remove else "case.member_add",
                actor=request.user.get_username(),
                case_name=case.name,
                purpose="case management",
                details={"username": username},
            )
            return redirect("case_members", case_id=case.pk)
    members = [
        {
            "username": row.user.username,
            "roles": ", ".join(
                sorted(str(ROLE_LABELS.get(m.role, m.role)) for m in row.user.memberships.all())
            ),
            "added_by": row.added_by,
            "added_at": row.added_at,
        }
        for row in CaseMembership.objects.filter(case=case)
        .select_related("user")
        .prefetch_related("user__memberships")
        .order_by("user__username")
    ]
    return render(request, "cases/members.html", {"case": case, "members": members, "form": form})


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "the route rules let only signed-in users here"
    return request.user
