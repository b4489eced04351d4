"""Wellbeing defaults and choices; the security headers on every page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.instance import instance_env
from tests.web.personas import make_person, seed_case, sign_in, web_client

pytestmark = pytest.mark.usefixtures("django_instance")


def test_media_is_blurred_greyscale_and_muted_until_the_person_chooses(case_name: str) -> None:
    seeded = seed_case(case_name)
    person = make_person(f"w-{case_name}", ("reviewer",), cases=(seeded.case,))
    client = sign_in(person)
    grid = client.get(f"/cases/{seeded.case.pk}/review/").content.decode()
    assert '<body class="media-blur media-grey"' in grid
    client.post(
        "/me/", {"blur": "", "greyscale": "on", "muted": "on", "exposure_reminder_minutes": "20"}
    )
    grid = client.get(f"/cases/{seeded.case.pk}/review/").content.decode()
    assert '<body class="media-grey"' in grid


def test_a_break_is_suggested_after_the_chosen_exposure_time(case_name: str) -> None:
    from vigil.web.review.wellbeing import EXPOSURE_STARTED

    seeded = seed_case(case_name)
    person = make_person(f"b-{case_name}", ("reviewer",), cases=(seeded.case,))
    client = sign_in(person)
    assert "data-reminder-at" not in client.get("/").content.decode()  # no media seen yet
    client.get(f"/cases/{seeded.case.pk}/review/")
    started = client.session[EXPOSURE_STARTED]
    page = client.get("/").content.decode()
    assert f'data-reminder-at="{int(started + 45 * 60)}"' in page  # the default: 45 minutes
    assert client.post("/me/break/", {"choice": "break"}).status_code == 204
    assert client.session[EXPOSURE_STARTED] > started


def test_every_page_carries_a_strict_content_security_policy() -> None:
    page = web_client().get("/signin/")
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in page.content.decode()  # scripts come from files only


def test_the_vendored_htmx_is_served_from_the_instance_not_a_cdn() -> None:
    answer = web_client().get("/static/vigil/vendor/htmx.min.js")
    assert answer.status_code == 200
    assert b"htmx" in b"".join(answer.streaming_content)[:200]
    assert web_client().get("/static/../settings.py").status_code == 404


def test_with_tls_cookies_are_secure_and_hsts_is_sent(tmp_path: Path) -> None:
    script = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT)"
    )
    env = instance_env(tmp_path, VIGIL_TLS="true", DJANGO_SETTINGS_MODULE="vigil.web.settings")
    shown = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert shown.stdout.split() == ["True", "True", "31536000", "True"]


def test_an_idle_limit_over_thirty_minutes_is_refused(tmp_path: Path) -> None:
    env = instance_env(
        tmp_path, VIGIL_SESSION_IDLE_MINUTES="45", DJANGO_SETTINGS_MODULE="vigil.web.settings"
    )
    shown = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert shown.returncode != 0 and "VIGIL_SESSION_IDLE_MINUTES" in shown.stderr
