"""Who may see and do what: the one authorisation module of the web app and the API.

Two questions, asked in this order on every request:
1. The route: every URL name has a rule in ROUTE_RULES (how far the person must have signed in,
   and which action the route performs). A route without a rule answers 403: deny by default.
   API operations carry theirs with @api_rule.
2. The object: a case is visible only to its members (CaseMembership). A non-member gets 404,
   never 403, so that not even a case's existence leaks: not its items, thumbnails, counts or
   facets. A member may then do what their agency roles allow (ROLE_ACTIONS), else 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from vigil.records.accounts.models import CaseMembership, Membership, Role
from vigil.records.cases.models import Case, Item

AnyUser = AbstractBaseUser | AnonymousUser


class Action(StrEnum):
    VIEW = "view"  # items, media, counts, facets, suggestions
    CATEGORISE = "categorise"  # categories, tags, notes, series, flags, decisions on AI output
    ANALYSE = "analyse"  # ask for an analyzer run (the governance gate decides too)
    EXPORT = "export"  # known-material exports: their own permission, and a reason
    MANAGE = "manage"  # the case's members


class SignIn(StrEnum):
    NONE = "none"  # the sign-in pages, assets, the language switch
    PASSWORD = "password"  # the second-factor pages, between password and code
    TWO_FACTOR = "two_factor"  # everything else
    API = "api"  # the API authenticates itself: bearer token, or a two-factor session


@dataclass(frozen=True, slots=True)
class Rule:
    sign_in: SignIn
    action: Action | None = None  # None: no case involved (the case list, preferences)


# Roles that see evidence; every interactive user signs in with two factors anyway.
EVIDENCE_ROLES = frozenset({Role.INVESTIGATOR, Role.REVIEWER, Role.SUPERVISOR})
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.INVESTIGATOR: frozenset({Action.VIEW, Action.CATEGORISE, Action.ANALYSE, Action.EXPORT}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.CATEGORISE}),
    Role.SUPERVISOR: frozenset(Action),
    # Governance and administration see no evidence; they run the hub, not the cases.
    Role.GOVERNANCE_OFFICER: frozenset(),
    Role.AGENCY_ADMIN: frozenset(),
    Role.HUB_ADMIN: frozenset(),
}
CASE_CREATORS = frozenset({Role.INVESTIGATOR, Role.SUPERVISOR})

PUBLIC = Rule(SignIn.NONE)
PASSWORD_ONLY = Rule(SignIn.PASSWORD)
SIGNED_IN = Rule(SignIn.TWO_FACTOR)


def _case(action: Action) -> Rule:
    return Rule(SignIn.TWO_FACTOR, action)


# Every URL name of the web app. The authorisation matrix test walks the URL resolver and fails
# on a route missing here; at run time such a route answers 403.
ROUTE_RULES: dict[str, Rule] = {
    "login": PUBLIC,
    "logout": PUBLIC,
    "set_language": PUBLIC,
    "asset": PUBLIC,
    "otp_enrol": PASSWORD_ONLY,
    "otp_verify": PASSWORD_ONLY,
    "case_list": SIGNED_IN,
    "case_create": SIGNED_IN,
    "preferences": SIGNED_IN,
    "exposure_reset": SIGNED_IN,
    "case_dashboard": _case(Action.VIEW),
    "case_sources": _case(Action.VIEW),
    "case_members": _case(Action.MANAGE),
    "case_map": _case(Action.VIEW),
    "case_map_data": _case(Action.VIEW),
    "review_grid": _case(Action.VIEW),
    "review_tiles": _case(Action.VIEW),
    "review_categorise": _case(Action.CATEGORISE),
    "review_tag": _case(Action.CATEGORISE),
    "item_detail": _case(Action.VIEW),
    "item_update": _case(Action.CATEGORISE),
    "item_note": _case(Action.CATEGORISE),
    "item_decide": _case(Action.CATEGORISE),
    "media_thumbnail": _case(Action.VIEW),
    "media_original": _case(Action.VIEW),
    "chat_list": _case(Action.VIEW),
    "chat_conversation": _case(Action.VIEW),
    "chat_timeline": _case(Action.VIEW),
    "chat_graph": _case(Action.VIEW),
    "chat_entities": _case(Action.VIEW),
    "chat_entity": _case(Action.VIEW),
    "chat_report": _case(Action.EXPORT),
    # The hub (catalogue, community, training): no evidence, no case. Its views let in only
    # approved members and hub admins (vigil.web.community.vetting); anyone else signed in is
    # sent to the request page. Registering and checking a certificate need no sign-in.
    "community_register": PUBLIC,
    "training_verify": PUBLIC,
    **dict.fromkeys(
        [
            "hub_catalogue",
            "hub_compare",
            "hub_tool",
            "hub_tool_edit",
            "hub_analyzer",
            "hub_import",
            "hub_export",
            "hub_stats",
            "community_join",
            "community_forum",
            "community_thread_new",
            "community_thread",
            "community_thread_moderate",
            "community_report",
            "community_moderation",
            "community_articles",
            "community_article_new",
            "community_article",
            "community_directory",
            "community_profile",
            "community_requests",
            "community_domains",
            "training_home",
            "training_course",
            "training_lesson",
            "training_quiz",
            "training_certificate",
            "training_image",
            "training_cohorts",
            "training_cohort",
        ],
        SIGNED_IN,
    ),
}
API_NAMESPACE = "api-v1"

# -- roles and membership ----------------------------------------------------------------------


def roles_of(user: AnyUser) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_vigil_roles", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user_id=user.pk).values_list("role", flat=True)
        )
        setattr(user, "_vigil_roles", cached)  # noqa: B010 - a per-request cache
    return cached


def allowed_actions(user: AnyUser) -> frozenset[Action]:
    actions: set[Action] = set()
    for role in roles_of(user):
        actions |= ROLE_ACTIONS.get(role, frozenset())
    return frozenset(actions)


def can(user: AnyUser, action: Action) -> bool:
    return action in allowed_actions(user)


def can_create_cases(user: AnyUser) -> bool:
    return bool(roles_of(user) & CASE_CREATORS)


def visible_cases(user: AnyUser) -> QuerySet[Case]:
    """The cases the user is a member of; nothing for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    return Case.objects.filter(memberships__user_id=user.pk)


def is_member(user: AnyUser, case: Case) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return CaseMembership.objects.filter(user_id=user.pk, case=case).exists()


def require_case_member(user: AnyUser, case: Case | None, action: Action) -> Case:
    """The case, if the user is a member allowed to do `action`; 404 for a non-member (and for
    a case that does not exist, indistinguishably), 403 for a member without the role."""
    if case is None or not is_member(user, case):
        raise Http404("no such case")
    if not can(user, action):
        raise PermissionDenied(f"your roles do not allow {action} in this case")
    return case


def case_for(user: AnyUser, case_id: int, action: Action) -> Case:
    return require_case_member(user, Case.objects.filter(pk=case_id).first(), action)


def case_named(user: AnyUser, name: str, action: Action) -> Case:
    return require_case_member(user, Case.objects.filter(name=name).first(), action)


def item_for(user: AnyUser, item_id: int, action: Action) -> Item:
    """The item, under the same rule as its case."""
    item = Item.objects.select_related("case", "blob", "source").filter(pk=item_id).first()
    require_case_member(user, item.case if item else None, action)
    assert item is not None
    return item


def items_of(user: AnyUser, case: Case, ids: list[int], action: Action) -> QuerySet[Item]:
    """Items of one case the user may act on; ids from elsewhere are silently not there."""
    require_case_member(user, case, action)
    return Item.objects.filter(case=case, pk__in=ids)


# -- API operations ----------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


def api_rule(action: Action | None) -> Callable[[F], F]:
    """Declares what an API operation does; the matrix test refuses an operation without it.
    The operation itself calls case_named / item_for: the same checks as the web views."""

    def mark(function: F) -> F:
        function.vigil_rule = Rule(SignIn.API, action)  # type: ignore[attr-defined]
        return function

    return mark


def api_rule_of(function: Callable[..., Any]) -> Rule | None:
    return getattr(function, "vigil_rule", None)
