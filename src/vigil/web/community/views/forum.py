"""The forum and its moderation, and the knowledge base."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vigil.hub.community import forum
from vigil.records.community.models import Article, ForumCategory, Post, Report, Thread
from vigil.web.community.forms import (
    ArticleForm,
    PostForm,
    ReportForm,
    ResolveForm,
    ThreadForm,
    ThreadModerationForm,
)
from vigil.web.community.vetting import hub_admin_required, is_hub_admin, member_required
from vigil.web.hub.forms import language_choices

LIST_SIZE = 100


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "the vetting lets only signed-in members here"
    return request.user


def _language_filter(request: HttpRequest) -> str:
    language = request.GET.get("language", "")
    return language if language in dict(language_choices()) else ""


@require_GET
@member_required
def forum_page(request: HttpRequest) -> HttpResponse:
    moderator = is_hub_admin(request.user)
    language = _language_filter(request)
    threads = forum.threads_for(moderator=moderator, language=language)
    category = request.GET.get("category", "")
    if category:
        threads = threads.filter(category__slug=category)
    current = get_language() or "en"
    open_reports = Report.objects.filter(outcome=Report.Outcome.OPEN) if moderator else None
    categories = [(c.slug, forum.category_name(c, current)) for c in ForumCategory.objects.all()]
    context = {
        "threads": threads[:LIST_SIZE],
        "categories": categories,
        "category": category,
        "language": language,
        "languages": language_choices(),
        "is_admin": moderator,
        "open_reports": open_reports.count() if open_reports is not None else 0,
    }
    return render(request, "community/forum.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def thread_new(request: HttpRequest) -> HttpResponse:
    form = ThreadForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = forum.start_thread(
                _user(request), data["category"], data["title"], data["body"], data["language"]
            )
        except forum.ForumError as error:
            form.add_error(None, str(error))
        else:
            return redirect("community_thread", thread_id=thread.pk)
    return render(request, "community/thread_new.html", {"form": form})


def _thread(request: HttpRequest, thread_id: int) -> tuple[Thread, bool]:
    moderator = is_hub_admin(request.user)
    thread = Thread.objects.select_related("category").filter(pk=thread_id).first()
    if thread is None or (thread.hidden and not moderator):
        raise Http404("no such thread")
    return thread, moderator


@require_http_methods(["GET", "POST"])
@member_required
def thread_page(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread, moderator = _thread(request, thread_id)
    form = PostForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                forum.reply(thread, _user(request), form.cleaned_data["body"])
            except forum.ForumError as error:
                form.add_error(None, str(error))
                status = 409 if thread.locked else 400
            else:
                return redirect("community_thread", thread_id=thread.pk)
        else:
            status = 400
    context = {
        "thread": thread,
        "category": forum.category_name(thread.category, get_language() or "en"),
        "posts": forum.posts_for(thread, moderator=moderator).select_related("author__hub_member"),
        "form": form,
        "is_admin": moderator,
    }
    return render(request, "community/thread.html", context, status=status)


@require_POST
@member_required
def report_post(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    post = Post.objects.filter(
        pk=form.cleaned_data["post_id"], hidden=False, thread__hidden=False
    ).first()
    if post is None:
        raise Http404("no such post")
    try:
        forum.report(post, _user(request), form.cleaned_data["reason"])
    except forum.ForumError:
        return HttpResponse(status=400)
    return redirect("community_thread", thread_id=post.thread_id)


@require_POST
@hub_admin_required
def thread_moderate(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = get_object_or_404(Thread, pk=thread_id)
    form = ThreadModerationForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    by = request.user.get_username()
    post_id = form.cleaned_data["post_id"]
    if post_id:  # hide or show one post of the thread
        post = get_object_or_404(Post, pk=post_id, thread=thread)
        action = form.cleaned_data["action"]
        if action not in ("hide", "show"):
            return HttpResponse(status=400)
        forum.set_post_hidden(post, action == "hide", by=by)
    else:
        forum.moderate_thread(thread, form.cleaned_data["action"], by=by)
    return redirect("community_thread", thread_id=thread.pk)


@require_http_methods(["GET", "POST"])
@hub_admin_required
def moderation_page(request: HttpRequest) -> HttpResponse:
    form = ResolveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        found = None
        if form.is_valid():
            found = (
                Report.objects.select_related("post")
                .filter(pk=form.cleaned_data["report_id"])
                .first()
            )
        if found is not None:
            try:
                forum.resolve(
                    found,
                    hide=form.cleaned_data["action"] == "hide",
                    by=request.user.get_username(),
                )
            except forum.ForumError:
                status = 409
            else:
                return redirect("community_moderation")
        else:
            status = 400
    reports = Report.objects.filter(outcome=Report.Outcome.OPEN).select_related(
        "post", "post__thread", "reporter"
    )
    return render(request, "community/moderation.html", {"reports": reports}, status=status)


@require_GET
@member_required
def articles_page(request: HttpRequest) -> HttpResponse:
    language = _language_filter(request)
    articles = Article.objects.select_related("author__hub_member")
    if not is_hub_admin(request.user):
        articles = articles.filter(hidden=False)
    if language:
        articles = articles.filter(language=language)
    context = {
        "articles": articles[:LIST_SIZE],
        "language": language,
        "languages": language_choices(),
    }
    return render(request, "community/articles.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def article_new(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = forum.write_article(
                _user(request), data["title"], data["summary"], data["body"], data["language"]
            )
        except forum.ForumError as error:
            form.add_error(None, str(error))
        else:
            return redirect("community_article", article_id=article.pk)
    return render(request, "community/article_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_required
def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    moderator = is_hub_admin(request.user)
    article = Article.objects.select_related("author__hub_member").filter(pk=article_id).first()
    if article is None or (article.hidden and not moderator):
        raise Http404("no such article")
    if request.method == "POST":
        if not moderator:
            return HttpResponse(status=403)
        action = request.POST.get("action")
        if action not in ("hide", "show"):
            return HttpResponse(status=400)
        forum.set_article_hidden(article, action == "hide", by=request.user.get_username())
        return redirect("community_article", article_id=article.pk)
    return render(request, "community/article.html", {"article": article, "is_admin": moderator})
