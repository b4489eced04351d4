"""The forum, the knowledge base and their moderation.

Members start threads, reply, write articles and report posts; hub admins hide posts, threads
and articles, and lock threads (a locked thread takes no new posts, from anyone). Every
moderation step is written to the audit log.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from vigil.audit.log import record
from vigil.hub.community.notify import notify
from vigil.hub.markdown import render_markdown
from vigil.records.community.models import (
    Article,
    ForumCategory,
    HubMember,
    Post,
    Report,
    Thread,
)

PURPOSE = "hub moderation"

#: The forum's categories, created at migrate if missing (hub admins may add more).
DEFAULT_CATEGORIES: dict[str, dict[str, str]] = {
    "tools-and-techniques": {
        "en": "Tools and techniques",
        "fr": "Outils et techniques",
        "es": "Herramientas y técnicas",
        "ru": "Инструменты и методы",
        "ar": "الأدوات والتقنيات",
        "zh-hans": "工具与技术",
    },
    "victim-identification": {
        "en": "Victim identification",
        "fr": "Identification des victimes",
        "es": "Identificación de víctimas",
        "ru": "Идентификация жертв",
        "ar": "تحديد هوية الضحايا",
        "zh-hans": "受害者识别",
    },
    "wellbeing": {
        "en": "Wellbeing",
        "fr": "Bien-être",
        "es": "Bienestar",
        "ru": "Благополучие",
        "ar": "الرفاه",
        "zh-hans": "身心健康",
    },
    "training": {
        "en": "Training and capacity building",
        "fr": "Formation et renforcement des capacités",
        "es": "Formación y desarrollo de capacidades",
        "ru": "Обучение и развитие потенциала",
        "ar": "التدريب وبناء القدرات",
        "zh-hans": "培训与能力建设",
    },
}


class ForumError(ValueError):
    """A post or a moderation step that cannot be carried out, said plainly."""


def ensure_categories() -> None:
    for position, (slug, names) in enumerate(DEFAULT_CATEGORIES.items()):
        ForumCategory.objects.get_or_create(
            slug=slug, defaults={"names": names, "position": position}
        )


def category_name(category: ForumCategory, language: str) -> str:
    names: dict[str, str] = category.names
    return names.get(language) or names.get("en") or category.slug


def threads_for(*, moderator: bool, language: str = "") -> QuerySet[Thread]:
    threads = Thread.objects.select_related("category", "author")
    if not moderator:
        threads = threads.filter(hidden=False)
    return threads.filter(language=language) if language else threads


def posts_for(thread: Thread, *, moderator: bool) -> QuerySet[Post]:
    posts = thread.posts.select_related("author")
    return posts if moderator else posts.filter(hidden=False)


@transaction.atomic
def start_thread(
    author: User, category: ForumCategory, title: str, body: str, language: str
) -> Thread:
    thread = Thread.objects.create(
        category=category, title=title.strip(), author=author, language=language
    )
    _add_post(thread, author, body)
    return thread


@transaction.atomic
def reply(thread: Thread, author: User, body: str) -> Post:
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.locked:
        raise ForumError("this thread is locked: it takes no new posts")
    if thread.hidden:
        raise ForumError("this thread was hidden by a moderator")
    post = _add_post(thread, author, body)
    _tell_the_author(thread, author)
    return post


def _add_post(thread: Thread, author: User, body: str) -> Post:
    if not body.strip():
        raise ForumError("a post needs some text")
    post = Post.objects.create(
        thread=thread,
        author=author,
        body=body,
        body_html=render_markdown(body),
        language=thread.language,
    )
    Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at)
    return post


def _tell_the_author(thread: Thread, replier: User) -> None:
    if thread.author_id == replier.pk:
        return
    member = HubMember.objects.filter(user_id=thread.author_id, notify_replies=True).first()
    if member is not None:
        notify(
            [member.email],
            f"A reply in “{thread.title}”",
            f"{display_name(replier)} replied to your thread “{thread.title}”.",
        )


def display_name(user: User) -> str:
    member = HubMember.objects.filter(user=user).first()
    return member.full_name if member is not None else user.get_username()


def report(post: Post, reporter: User, reason: str) -> Report:
    if not reason.strip():
        raise ForumError("say what is wrong with the post")
    made = Report.objects.create(post=post, reporter=reporter, reason=reason.strip())
    record(
        "hub.post_report",
        actor=reporter.username,
        purpose=PURPOSE,
        details={"post": post.pk, "report": made.pk},
    )
    return made


@transaction.atomic
def resolve(made: Report, *, hide: bool, by: str) -> None:
    """Hides the reported post (closing every open report on it), or dismisses this report."""
    if made.outcome != Report.Outcome.OPEN:
        raise ForumError(f"this report was {made.outcome} already")
    now = timezone.now()
    if hide:
        set_post_hidden(made.post, True, by=by)
        made.post.reports.filter(outcome=Report.Outcome.OPEN).update(
            outcome=Report.Outcome.HIDDEN, resolved_by=by, resolved_at=now
        )
    else:
        Report.objects.filter(pk=made.pk).update(
            outcome=Report.Outcome.DISMISSED, resolved_by=by, resolved_at=now
        )
        record("hub.report_dismiss", actor=by, purpose=PURPOSE, details={"report": made.pk})


def set_post_hidden(post: Post, hidden: bool, *, by: str) -> None:
    Post.objects.filter(pk=post.pk).update(hidden=hidden)
    record(
        "hub.post_hide" if hidden else "hub.post_show",
        actor=by,
        purpose=PURPOSE,
        details={"post": post.pk, "thread": post.thread_id},
    )


MODERATION_ACTIONS = ("lock", "unlock", "hide", "show")


def moderate_thread(thread: Thread, action: str, *, by: str) -> None:
    changes = {
        "lock": {"locked": True},
        "unlock": {"locked": False},
        "hide": {"hidden": True},
        "show": {"hidden": False},
    }
    if action not in changes:
        raise ForumError(f"unknown moderation action {action!r}")
    Thread.objects.filter(pk=thread.pk).update(**changes[action])
    record(f"hub.thread_{action}", actor=by, purpose=PURPOSE, details={"thread": thread.pk})


def write_article(author: User, title: str, summary: str, body: str, language: str) -> Article:
    if not body.strip():
        raise ForumError("an article needs some text")
    return Article.objects.create(
        title=title.strip(),
        summary=summary.strip(),
        body=body,
        body_html=render_markdown(body),
        language=language,
        author=author,
    )


def set_article_hidden(article: Article, hidden: bool, *, by: str) -> None:
    Article.objects.filter(pk=article.pk).update(hidden=hidden)
    record(
        "hub.article_hide" if hidden else "hub.article_show",
        actor=by,
        purpose=PURPOSE,
        details={"article": article.pk},
    )
