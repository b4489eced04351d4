"""The catalogue in the web app: seeded in all six languages, searched across them, filtered,
compared, reviewed by members, and Vigil's own analyzers shown as running here."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.hub.people import hub_admin, hub_member, signed_in

pytestmark = pytest.mark.usefixtures("django_instance")


def edit_form_data(slug: str) -> dict[str, Any]:
    """What the edit page's form posts back unchanged for a tool."""
    from vigil.records.hub.models import Tool
    from vigil.web.hub.forms import ToolForm

    initial = ToolForm.initial_for(Tool.objects.get(slug=slug))
    return {name: value for name, value in initial.items() if value is not False}


@pytest.fixture(scope="module")
def member() -> Any:
    return signed_in(hub_member("catalogue-reader"))


def test_every_catalogue_entry_has_all_six_languages_and_a_public_reference() -> None:
    from vigil.hub.catalogue import LANGUAGES, load_seed
    from vigil.records.hub.models import Tool

    tools = list(Tool.objects.filter(origin=Tool.Origin.SEED))
    assert len(tools) >= len(load_seed()) >= 80
    for tool in tools:
        for language in LANGUAGES:
            assert tool.description[language].strip(), (tool.slug, language)
            assert tool.data_handling[language].strip(), (tool.slug, language)
        assert tool.reference.startswith("https://"), tool.slug


def test_the_catalogue_lists_the_seeded_tools(member: Any) -> None:
    page = member.get("/hub/")
    assert page.status_code == 200
    assert b"Autopsy" in page.content


def test_a_tool_is_found_by_a_word_of_its_arabic_description(member: Any) -> None:
    from vigil.records.hub.models import Tool

    autopsy = Tool.objects.get(slug="autopsy")
    word = max(autopsy.description["ar"].split(), key=len)
    page = member.get("/hub/", {"q": word})
    assert b'href="/hub/tools/autopsy/"' in page.content


def test_a_tool_is_found_by_a_word_of_its_chinese_description(member: Any) -> None:
    from vigil.records.hub.models import Tool

    autopsy = Tool.objects.get(slug="autopsy")
    # Chinese has no spaces: any run of characters in the text is a word to search for.
    phrase = autopsy.description["zh-hans"][10:14]
    page = member.get("/hub/", {"q": phrase})
    assert b'href="/hub/tools/autopsy/"' in page.content
    nothing = member.get("/hub/", {"q": "不存在的工具名称"})
    assert b'href="/hub/tools/' not in nothing.content


def test_filters_narrow_the_catalogue(member: Any) -> None:
    from vigil.records.hub.models import Tool

    page = member.get("/hub/", {"category": "crypto-tracing", "open_source": "on"})
    shown = {
        tool.slug
        for tool in Tool.objects.all()
        if f"/hub/tools/{tool.slug}/".encode() in page.content
    }
    expected = {
        tool.slug
        for tool in Tool.objects.filter(hidden=False, open_source=True)
        if "crypto-tracing" in tool.categories
    }
    assert shown == expected


def test_two_to_four_tools_are_compared_side_by_side(member: Any) -> None:
    page = member.get("/hub/compare/", {"tools": ["autopsy", "aleapp"]})
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Autopsy") < text.index("Data handling")
    assert "ALEAPP" in text
    one = member.get("/hub/compare/", {"tools": ["autopsy"]})
    assert b"Tick two to 4 tools" in one.content


def test_a_member_s_review_and_rating_are_shown_and_replaced_not_duplicated(member: Any) -> None:
    from vigil.records.hub.models import Review

    for rating, text in ((4, "Solid for triage."), (5, "Even better after the update.")):
        saved = member.post(
            "/hub/tools/aleapp/", {"rating": rating, "text": text, "language": "en"}
        )
        assert saved.status_code == 302
    assert Review.objects.filter(tool__slug="aleapp").count() == 1
    page = member.get("/hub/tools/aleapp/")
    assert b"Even better after the update." in page.content
    assert b"5.0 / 5 from 1 review" in page.content


def test_vigil_s_own_analyzers_show_as_running_here_with_model_card_and_approval(
    member: Any,
) -> None:
    from vigil.analyzers.registry import default_registry

    catalogue = member.get("/hub/")
    assert b"Runs here" in catalogue.content
    tool = next(iter(default_registry()))
    page = member.get(f"/hub/runs-here/{tool.name}/")
    assert page.status_code == 200
    assert b"Model card" in page.content
    assert b"May run in casework" in page.content
    assert b"<script" not in page.content.split(b"Model card", 1)[1]


def test_a_hub_admin_s_edit_survives_the_next_seeding() -> None:
    from vigil.hub.catalogue.database import sync_seed
    from vigil.records.hub.models import Tool

    admin = signed_in(hub_admin("catalogue-editor"))
    assert admin.get("/hub/tools/ahmia/edit/").status_code == 200
    data = edit_form_data("ahmia") | {"provider": "Edited by the hub"}
    saved = admin.post("/hub/tools/ahmia/edit/", data)
    assert saved.status_code == 302, saved.context["form"].errors
    result = sync_seed()
    assert result.kept_curated >= 1
    assert Tool.objects.get(slug="ahmia").provider == "Edited by the hub"


def test_an_edit_the_catalogue_s_checks_refuse_is_not_saved() -> None:
    from vigil.records.hub.models import Tool

    admin = signed_in(hub_admin("catalogue-careless-editor"))
    data = edit_form_data("autopsy") | {"description_ru": "Left in English."}
    refused = admin.post("/hub/tools/autopsy/edit/", data)
    assert refused.status_code == 200
    assert b"description.ru: holds no Cyrillic letters" in refused.content
    assert Tool.objects.get(slug="autopsy").origin == Tool.Origin.SEED


def test_a_member_who_is_not_a_hub_admin_cannot_edit_import_or_export(member: Any) -> None:
    assert member.get("/hub/tools/autopsy/edit/").status_code == 403
    assert member.get("/hub/catalogue/import/").status_code == 403
    assert member.get("/hub/catalogue/export/").status_code == 403
    assert member.get("/hub/stats/").status_code == 403


def test_the_hub_s_statistics_are_drawn_as_charts_for_a_hub_admin() -> None:
    admin = signed_in(hub_admin("catalogue-statistician"))
    page = admin.get("/hub/stats/")
    assert page.status_code == 200
    assert page.content.count(b'<figure class="chart">') == 5
    assert b"<svg" in page.content
    assert b"<script" not in page.content.split(b"<main", 1)[1]
