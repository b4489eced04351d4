"""The catalogue's pages: search and filters, a tool and its reviews, Vigil's own analyzers,
side-by-side comparison; for hub admins, editing, import, export and the hub's figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vigil.audit.log import record
from vigil.hub.catalogue import CatalogueError
from vigil.hub.catalogue import database as catalogue
from vigil.hub.markdown import render_markdown
from vigil.records.hub.models import Review, Tool
from vigil.web.community.vetting import hub_admin_required, is_hub_admin, member_required
from vigil.web.hub.builtin import builtin_tool, builtin_tools
from vigil.web.hub.forms import ImportForm, ReviewForm, SearchForm, ToolForm
from vigil.web.hub.labels import (
    CATEGORY_LABELS,
    COST_LABELS,
    CRIME_LABELS,
    DEPLOYMENT_LABELS,
    INPUT_LABELS,
    label,
)
from vigil.web.hub.stats import hub_figures

PURPOSE = "hub catalogue"
PAGE_SIZE = 200  # the whole catalogue fits; a bound all the same


@dataclass(frozen=True, slots=True)
class ToolCard:
    """A tool as the pages show it: texts in the reader's language, ids as words."""

    tool: Tool
    description: str
    data_handling: str
    categories: list[str]
    crimes: list[str]
    inputs: list[str]
    deployment: list[str]
    cost: str


def card(tool: Tool, language: str) -> ToolCard:
    entry = catalogue.entry_of(tool)
    return ToolCard(
        tool=tool,
        description=entry.description.get(language),
        data_handling=entry.data_handling.get(language),
        categories=[label(CATEGORY_LABELS, value) for value in entry.categories],
        crimes=[label(CRIME_LABELS, value) for value in entry.crimes],
        inputs=[label(INPUT_LABELS, value) for value in entry.inputs],
        deployment=[label(DEPLOYMENT_LABELS, value) for value in entry.deployment],
        cost=label(COST_LABELS, entry.cost),
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "the vetting lets only signed-in members here"
    return request.user


@require_GET
@member_required
def catalogue_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = catalogue.Filters(
        query=data.get("q", ""),
        category=data.get("category", ""),
        crime=data.get("crime", ""),
        input=data.get("input", ""),
        deployment=data.get("deployment", ""),
        cost=data.get("cost", ""),
        open_source=data.get("open_source", False),
    )
    admin = is_hub_admin(request.user)
    language = get_language() or "en"
    tools: list[ToolCard] = []
    if not data.get("runs_here"):
        found = catalogue.search(catalogue.visible_tools(include_hidden=admin), filters)
        tools = [card(tool, language) for tool in catalogue.with_ratings(found)[:PAGE_SIZE]]
    # Vigil's own analyzers have no catalogue facets: they show unless a facet filter is set.
    facet_filtered = any(
        getattr(filters, name) for name in ("category", "crime", "input", "deployment", "cost")
    )
    here = [] if facet_filtered or filters.open_source else list(builtin_tools(filters.query))
    context = {"form": form, "tools": tools, "here": here, "is_admin": admin}
    return render(request, "hub/catalogue.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def tool_page(request: HttpRequest, tool: str) -> HttpResponse:
    admin = is_hub_admin(request.user)
    found = get_object_or_404(catalogue.visible_tools(include_hidden=admin), slug=tool)
    user = _user(request)
    own = Review.objects.filter(tool=found, author=user).first()
    initial: dict[str, object] = {"language": get_language()}
    if own is not None:
        initial = {"rating": own.rating, "text": own.text, "language": own.language}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        Review.objects.update_or_create(
            tool=found,
            author=user,
            defaults={key: form.cleaned_data[key] for key in ("rating", "text", "language")},
        )
        record(
            "hub.tool_review",
            actor=user.username,
            purpose=PURPOSE,
            details={"tool": found.slug, "rating": form.cleaned_data["rating"]},
        )
        return redirect("hub_tool", tool=found.slug)
    reviews = found.reviews.select_related("author", "author__hub_member")
    if not admin:
        reviews = reviews.filter(hidden=False)
    language = request.GET.get("language", "")
    if language:
        reviews = reviews.filter(language=language)
    rated = catalogue.with_ratings(Tool.objects.filter(pk=found.pk)).get()
    context = {
        "card": card(found, get_language() or "en"),
        "rating": rated.rating,  # type: ignore[attr-defined]  # annotated by with_ratings
        "review_count": rated.review_count,  # type: ignore[attr-defined]
        "reviews": reviews,
        "form": form,
        "is_admin": admin,
        "language": language,
    }
    return render(request, "hub/tool.html", context)


@require_GET
@member_required
def analyzer_page(request: HttpRequest, analyzer: str) -> HttpResponse:
    found = builtin_tool(analyzer)
    if found is None:
        raise Http404("no such analyzer")
    context = {
        "tool": found,
        # Sanitised by render_markdown: safe to include as HTML.
        "model_card": mark_safe(render_markdown(found.model_card())),
    }
    return render(request, "hub/analyzer.html", context)


@require_GET
@member_required
def compare_page(request: HttpRequest) -> HttpResponse:
    slugs = request.GET.getlist("tools")
    chosen = catalogue.compared(slugs)
    language = get_language() or "en"
    context = {
        "cards": [card(tool, language) for tool in chosen],
        "enough": len(chosen) >= catalogue.COMPARE_MIN,
        "most": catalogue.COMPARE_MAX,
    }
    return render(request, "hub/compare.html", context)


@require_http_methods(["GET", "POST"])
@hub_admin_required
def tool_edit(request: HttpRequest, tool: str) -> HttpResponse:
    found = get_object_or_404(Tool, slug=tool)
    form = ToolForm(request.POST or None, initial=ToolForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        entry = form.entry(found.slug)
        if entry is not None:
            catalogue.apply_entry(found, entry)
            found.hidden = form.cleaned_data["hidden"]
            found.origin = Tool.Origin.CURATED
            found.updated_by = request.user.get_username()
            found.save()
            record(
                "hub.tool_edit",
                actor=found.updated_by,
                purpose=PURPOSE,
                details={"tool": found.slug, "hidden": found.hidden},
            )
            return redirect("hub_tool", tool=found.slug)
    return render(request, "hub/tool_edit.html", {"form": form, "tool": found})


@require_http_methods(["GET", "POST"])
@hub_admin_required
def catalogue_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            entries = catalogue.read_upload(upload.name, upload.read())
        except CatalogueError as error:
            problems = error.problems
        else:
            result = catalogue.import_entries(entries, by=request.user.get_username())
            record(
                "hub.catalogue_import",
                actor=request.user.get_username(),
                purpose=PURPOSE,
                details={"added": result.added, "updated": result.updated},
            )
    context = {"form": form, "problems": problems, "result": result}
    return render(request, "hub/import.html", context, status=400 if problems else 200)


@require_GET
@hub_admin_required
def catalogue_export(request: HttpRequest) -> HttpResponse:
    file_format = request.GET.get("format", "yaml")
    if file_format not in catalogue.EXPORT_FORMATS:
        return HttpResponse(_("Choose yaml or json."), status=400, content_type="text/plain")
    tools = catalogue.visible_tools(include_hidden=True).order_by("slug")
    body = catalogue.export_text(tools, file_format)
    record(
        "hub.catalogue_export",
        actor=request.user.get_username(),
        purpose=PURPOSE,
        details={"format": file_format, "tools": tools.count()},
    )
    kind = "application/json" if file_format == "json" else "application/yaml"
    response = HttpResponse(body, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vigil-catalogue.{file_format}"'
    return response


@require_GET
@hub_admin_required
def stats_page(request: HttpRequest) -> HttpResponse:
    return render(request, "hub/stats.html", {"figures": hub_figures()})
