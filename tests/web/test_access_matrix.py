"""The authorisation matrix: every URL and every API operation, for every role, as a member of
the case and as a non-member, and for someone not signed in (or only half signed in).

A non-member learns nothing of a case (404, as for a case that does not exist); a member may
do what their roles allow (403 otherwise); a route or an operation without a rule fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.web.chats.route_samples import chat_route_samples
from tests.web.hub.route_samples import hub_route_samples
from tests.web.personas import Person, SeededCase, make_person, seed_case, sign_in, web_client

pytestmark = pytest.mark.usefixtures("django_instance")

ROLES = (
    "investigator",
    "reviewer",
    "supervisor",
    "governance_officer",
    "agency_admin",
    "hub_admin",
)
DENIED = (401, 403, 404)


@dataclass
class World:
    seeded: SeededCase
    members: dict[str, Person]
    outsiders: dict[str, Person]
    clients: dict[str, Client]  # "member:investigator", "outsider:reviewer", ...
    tokens: dict[str, str]
    half_signed_in: Client
    export_name: str
    job_id: int


@pytest.fixture(scope="module")
def world(django_instance: Any) -> World:
    from vigil import config
    from vigil.jobs import service as job_service
    from vigil.records.api.models import ApiToken

    seeded = seed_case("matrix-case")
    members = {
        role: make_person(f"matrix-member-{role}", (role,), cases=(seeded.case,)) for role in ROLES
    }
    outsiders = {role: make_person(f"matrix-outsider-{role}", (role,)) for role in ROLES}
    clients, tokens = {}, {}
    for kind, people in (("member", members), ("outsider", outsiders)):
        for role, person in people.items():
            clients[f"{kind}:{role}"] = sign_in(person)
            tokens[f"{kind}:{role}"] = ApiToken.issue(person.user, "matrix")[1]
    half = web_client()
    half_person = make_person("matrix-half", ("supervisor",), cases=(seeded.case,))
    half.post(
        "/signin/", {"username": half_person.username, "password": "a long enough passphrase"}
    )
    export_name = "20240101T000000Z-csv.csv"
    folder = config.vigil_home() / "exports" / str(seeded.case.pk)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / export_name).write_text("md5,sha1\n")
    job = job_service.enqueue_match(seeded.case, members["supervisor"].user)
    return World(seeded, members, outsiders, clients, tokens, half, export_name, job.pk)


# -- the web app's routes ------------------------------------------------------------------------


def web_routes() -> Iterator[tuple[str, URLPattern]]:
    """(name, pattern) of every named route outside the API, however deeply included."""

    def walk(patterns: list[Any], namespaces: tuple[str, ...]) -> Iterator[tuple[str, URLPattern]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                space = (*namespaces, entry.namespace) if entry.namespace else namespaces
                yield from walk(entry.url_patterns, space)
            elif isinstance(entry, URLPattern):
                if "api-v1" in namespaces:
                    continue
                assert entry.name, f"a route without a name cannot have a rule: {entry.pattern}"
                yield entry.name, entry

    yield from walk(get_resolver().url_patterns, ())


# Values for URL parameters that do not point into the matrix's case. A route whose parameter
# has no value here (or in sample_url) fails the matrix: add one with the route.
URL_SAMPLES: dict[str, Any] = {
    "index": 0,
    "path": "vigil/app.css",
}


def sample_url(name: str, pattern: URLPattern, world: World) -> str:
    samples: dict[str, Any] = {
        **URL_SAMPLES,
        **hub_route_samples(),
        **chat_route_samples(world.seeded),
        "case_id": world.seeded.case.pk,
        "item_id": world.seeded.items[0].pk,
        "suggestion_id": world.seeded.suggestion.pk,
    }
    wanted = set(pattern.pattern.regex.groupindex)
    missing = wanted - set(samples)
    assert not missing, f"route {name}: give the matrix a sample value for {sorted(missing)}"
    return reverse(name, kwargs={key: samples[key] for key in wanted})


def test_every_route_has_an_access_rule() -> None:
    from vigil.web.access import ROUTE_RULES

    names = [name for name, _ in web_routes()]
    assert names, "the resolver walk found no routes"
    missing = sorted(set(names) - set(ROUTE_RULES))
    assert not missing, f"routes without a rule in vigil.web.access.ROUTE_RULES: {missing}"
    stale = sorted(set(ROUTE_RULES) - set(names))
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_a_route_without_a_rule_answers_403(world: World) -> None:
    from django.http import HttpRequest

    from vigil.web.middleware import RouteRulesMiddleware

    request = HttpRequest()
    request.user = world.members["supervisor"].user
    request.resolver_match = type(
        "Match", (), {"namespaces": [], "url_name": "a_route_nobody_wrote_a_rule_for"}
    )()
    middleware = RouteRulesMiddleware(lambda _: None)  # type: ignore[arg-type, return-value]
    response = middleware.process_view(request, lambda _: None, (), {})  # type: ignore[arg-type]
    assert response is not None and response.status_code == 403


def test_every_route_for_every_role_member_and_non_member(world: World) -> None:
    from vigil.web.access import ROLE_ACTIONS, ROUTE_RULES, SignIn

    problems: list[str] = []
    for name, pattern in web_routes():
        rule = ROUTE_RULES[name]
        url = sample_url(name, pattern, world)
        for method in ("get", "post"):

            def answer(client: Client, url: str = url, method: str = method) -> int:
                return int(getattr(client, method)(url).status_code)

            anonymous = answer(web_client())
            if rule.sign_in in (SignIn.PASSWORD, SignIn.TWO_FACTOR) and anonymous not in (
                302,
                405,
            ):
                problems.append(f"{method} {name}: anonymous got {anonymous}, not a sign-in")
            if rule.sign_in == SignIn.TWO_FACTOR:
                half = answer(world.half_signed_in)
                if half not in (302, 405):
                    problems.append(f"{method} {name}: password without code got {half}")
            if rule.sign_in != SignIn.TWO_FACTOR:
                continue
            for role in ROLES:
                member = answer(world.clients[f"member:{role}"])
                outsider = answer(world.clients[f"outsider:{role}"])
                if member == 405:
                    continue  # the method is not this route's; nobody gets further
                if rule.action is None:
                    allowed = member not in DENIED or name == "case_create"
                    if not allowed:
                        problems.append(f"{method} {name}: {role} got {member}")
                    continue
                if outsider != 404:
                    problems.append(f"{method} {name}: non-member {role} got {outsider}, not 404")
                may = rule.action in ROLE_ACTIONS[role]
                if may and member in DENIED:
                    problems.append(f"{method} {name}: member {role} may, but got {member}")
                if not may and member != 403:
                    problems.append(f"{method} {name}: member {role} may not, but got {member}")
    assert not problems, "\n".join(problems)


def test_only_investigators_and_supervisors_open_cases(world: World) -> None:
    for role in ROLES:
        status = world.clients[f"outsider:{role}"].get("/cases/new/").status_code
        assert status == (200 if role in ("investigator", "supervisor") else 403), role


def test_a_non_member_sees_not_even_the_name_or_counts_of_a_case(world: World) -> None:
    name = world.seeded.case.name
    for role in ROLES:
        page = world.clients[f"outsider:{role}"].get("/")
        assert name.encode() not in page.content
        listed = _api(world, f"outsider:{role}", "get", "/api/v1/cases")
        assert name not in {case["name"] for case in listed.json()}
        counts = _api(world, f"outsider:{role}", "get", f"/api/v1/cases/{name}")
        assert counts.status_code == 404
        assert b"items" not in counts.content
    member_page = world.clients["member:reviewer"].get("/")
    assert name.encode() in member_page.content


def test_a_case_that_does_not_exist_looks_like_one_the_user_may_not_see(world: World) -> None:
    client = world.clients["outsider:supervisor"]
    missing = client.get("/cases/999999999/")
    hidden = client.get(f"/cases/{world.seeded.case.pk}/")
    assert missing.status_code == hidden.status_code == 404
    # Equal but for the address itself and the CSRF token (masked afresh on every page).
    varying = re.compile(rb'name="(csrfmiddlewaretoken|next)" value="[^"]+"')
    assert varying.sub(b"", missing.content) == varying.sub(b"", hidden.content)


# -- the API's operations ------------------------------------------------------------------------

# A valid body for each operation that takes one: the access check must be what answers.
SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "request_analysis": {"tool": "hashes"},
    "decide": {"verdict": "rejected", "reason": "matrix"},
    # An id no item has: valid to the schema, so the access check answers, and nothing changes.
    "categorise": {"items": [10**12], "category": "vics:0"},
    "tag_items": {"items": [10**12], "tag": "matrix"},
    "create_export": {"format": "csv", "reason": "matrix test"},
    "start_job": {"kind": "match"},
}


def api_operations() -> Iterator[tuple[str, str, Any]]:
    """(method, path, view function) of every operation of the API, routers included."""
    from vigil.web.api.api import api

    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                full = "/api/v1/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/"))
                for method in operation.methods:
                    yield method, full, operation.view_func


def _api(world: World, who: str | None, method: str, path: str, body: Any = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[who]}"} if who else {}
    client = Client(HTTP_HOST="localhost", **headers)
    if method == "get":
        return client.get(path)
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_every_api_operation_declares_its_rule() -> None:
    from vigil.web.access import api_rule_of

    operations = list(api_operations())
    assert operations
    missing = sorted(
        f"{method} {path} ({view.__module__}.{view.__name__})"
        for method, path, view in operations
        if api_rule_of(view) is None
    )
    assert not missing, "API operations without @api_rule (vigil.web.access):\n" + "\n".join(
        missing
    )


def test_every_api_operation_for_every_role_member_and_non_member(world: World) -> None:
    from vigil.web.access import ROLE_ACTIONS, api_rule_of

    samples = {
        "case": world.seeded.case.name,
        "item_id": world.seeded.items[0].pk,
        "suggestion_id": world.seeded.suggestion.pk,
        "name": world.export_name,
        "job_id": world.job_id,
    }
    problems: list[str] = []
    for method, template, view in api_operations():
        rule = api_rule_of(view)
        if rule is None:
            continue  # reported by test_every_api_operation_declares_its_rule
        path = template
        for key, value in samples.items():
            path = path.replace("{" + key + "}", str(value))
        assert "{" not in path, f"{template}: give the matrix a sample value"
        # A body the operation rejects (422) would answer before the access check: then the
        # non-member rows below fail, asking for a sample body here.
        body = SAMPLE_BODIES.get(view.__name__, {}) if method == "POST" else None
        verb = method.lower()
        anonymous = _api(world, None, verb, path, body).status_code
        if anonymous != 401:
            problems.append(f"{method} {template}: without a token got {anonymous}")
        for role in ROLES:
            member = _api(world, f"member:{role}", verb, path, body).status_code
            outsider = _api(world, f"outsider:{role}", verb, path, body).status_code
            if rule.action is None:
                if member in DENIED:
                    problems.append(f"{method} {template}: {role} got {member}")
                continue
            if outsider != 404:
                problems.append(f"{method} {template}: non-member {role} got {outsider}")
            may = rule.action in ROLE_ACTIONS[role]
            if may and member in DENIED:
                problems.append(f"{method} {template}: member {role} may, but got {member}")
            if not may and member != 403:
                problems.append(f"{method} {template}: member {role} may not, got {member}")
    assert not problems, "\n".join(problems)


def test_the_api_takes_a_two_factor_session_but_not_a_password_only_one(world: World) -> None:
    assert world.clients["member:reviewer"].get("/api/v1/cases").status_code == 200
    assert world.half_signed_in.get("/api/v1/cases").status_code == 401
