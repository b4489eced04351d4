"""The forum and the knowledge base: sanitised Markdown, reports and hiding, locked threads,
content in its own language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import override_settings

from tests.web.hub.people import hub_admin, hub_member, signed_in

pytestmark = pytest.mark.usefixtures("django_instance")


@pytest.fixture(scope="module")
def people() -> dict[str, Any]:
    author = hub_member("forum-author")
    return {
        "author": author,
        "author_client": signed_in(author),
        "reader": signed_in(hub_member("forum-reader")),
        "admin": signed_in(hub_admin("forum-moderator")),
    }


def start_thread(client: Any, title: str, body: str = "First post.", language: str = "en") -> int:
    from vigil.records.community.models import ForumCategory, Thread

    category = ForumCategory.objects.get(slug="tools-and-techniques")
    started = client.post(
        "/hub/community/threads/new/",
        {"category": category.pk, "title": title, "body": body, "language": language},
    )
    assert started.status_code == 302, started.content
    return Thread.objects.get(title=title).pk


def test_markdown_in_a_post_is_rendered_and_sanitised(people: dict[str, Any]) -> None:
    body = (
        "**Bold** advice <script>alert('x')</script> "
        "[a link](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    thread = start_thread(people["author_client"], "Sanitised thread", body)
    page = people["reader"].get(f"/hub/community/threads/{thread}/").content
    assert b"<strong>Bold</strong>" in page
    assert b"alert(" not in page
    assert b"<script>alert" not in page and b"onerror" not in page


def test_a_reported_post_hidden_by_a_moderator_disappears_for_members(
    people: dict[str, Any],
) -> None:
    from vigil.records.community.models import Post, Report

    thread = start_thread(people["author_client"], "Reported thread", "An insulting remark.")
    post = Post.objects.get(thread_id=thread)
    reader, admin = people["reader"], people["admin"]
    reported = reader.post("/hub/community/report/", {"post_id": post.pk, "reason": "Abusive"})
    assert reported.status_code == 302
    report = Report.objects.get(post=post)
    assert b"Abusive" in admin.get("/hub/community/moderation/").content
    resolved = admin.post("/hub/community/moderation/", {"report_id": report.pk, "action": "hide"})
    assert resolved.status_code == 302
    report.refresh_from_db()
    assert report.outcome == Report.Outcome.HIDDEN
    assert b"An insulting remark." not in reader.get(f"/hub/community/threads/{thread}/").content
    assert b"An insulting remark." in admin.get(f"/hub/community/threads/{thread}/").content


def test_a_member_cannot_moderate(people: dict[str, Any]) -> None:
    thread = start_thread(people["author_client"], "Unmoderated thread")
    tried = people["reader"].post(f"/hub/community/threads/{thread}/moderate/", {"action": "lock"})
    assert tried.status_code == 403
    assert people["reader"].get("/hub/community/moderation/").status_code == 403


def test_a_locked_thread_refuses_new_posts(people: dict[str, Any]) -> None:
    from vigil.records.community.models import Post

    thread = start_thread(people["author_client"], "Thread to lock")
    locked = people["admin"].post(f"/hub/community/threads/{thread}/moderate/", {"action": "lock"})
    assert locked.status_code == 302
    refused = people["reader"].post(f"/hub/community/threads/{thread}/", {"body": "Too late"})
    assert refused.status_code == 409
    assert b"locked" in refused.content
    assert not Post.objects.filter(thread_id=thread, body="Too late").exists()


def test_a_hidden_thread_is_not_found_by_members(people: dict[str, Any]) -> None:
    thread = start_thread(people["author_client"], "Thread to hide")
    people["admin"].post(f"/hub/community/threads/{thread}/moderate/", {"action": "hide"})
    assert people["reader"].get(f"/hub/community/threads/{thread}/").status_code == 404
    assert b"Thread to hide" not in people["reader"].get("/hub/community/").content


def test_threads_and_articles_are_filtered_by_their_language(people: dict[str, Any]) -> None:
    client = people["author_client"]
    start_thread(client, "Hilo en español", "Hola.", language="es")
    start_thread(client, "Fil en français", "Bonjour.", language="fr")
    spanish = people["reader"].get("/hub/community/", {"language": "es"}).content
    assert "Hilo en español".encode() in spanish
    assert "Fil en français".encode() not in spanish
    written = client.post(
        "/hub/community/knowledge/new/",
        {"title": "Стратегия", "summary": "Кратко", "body": "Текст", "language": "ru"},
    )
    assert written.status_code == 302
    russian = people["reader"].get("/hub/community/knowledge/", {"language": "ru"}).content
    assert "Стратегия".encode() in russian
    assert "Стратегия".encode() not in (
        people["reader"].get("/hub/community/knowledge/", {"language": "en"}).content
    )


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_the_author_of_a_thread_is_told_of_a_reply_by_e_mail(people: dict[str, Any]) -> None:
    thread = start_thread(people["author_client"], "Thread with a reply")
    mail.outbox = []
    replied = people["reader"].post(f"/hub/community/threads/{thread}/", {"body": "Thanks!"})
    assert replied.status_code == 302
    assert [message.to for message in mail.outbox] == [[people["author"].user.email]]
