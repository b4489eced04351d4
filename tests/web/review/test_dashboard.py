"""The case dashboard: counts for members only, and live progress while a source ingests."""

from __future__ import annotations

import pytest

from tests.web.personas import make_person, seed_case, sign_in

pytestmark = pytest.mark.usefixtures("django_instance")


def test_the_dashboard_counts_by_status_type_and_category(case_name: str) -> None:
    from vigil.web.review.counts import case_figures

    seeded = seed_case(case_name, statuses=("unknown", "unknown", "near"))
    figures = case_figures(seeded.case)
    assert figures.total == 3
    assert [(bar.key, bar.count) for bar in figures.by_status] == [("unknown", 2), ("near", 1)]
    assert [(bar.key, bar.count) for bar in figures.by_family] == [("image", 3)]
    assert figures.by_status[0].percent == 100.0 and figures.by_status[1].percent == 50.0


def test_the_dashboard_polls_the_progress_of_a_running_source_and_stops_after(
    case_name: str,
) -> None:
    from vigil.records.cases.models import Source

    seeded = seed_case(case_name)
    person = make_person(f"s-{case_name}", ("reviewer",), cases=(seeded.case,))
    client = sign_in(person)
    dashboard = client.get(f"/cases/{seeded.case.pk}/").content.decode()
    assert 'hx-trigger="every 3s"' not in dashboard
    Source.objects.filter(case=seeded.case).update(status=Source.Status.RUNNING)
    progress = client.get(f"/cases/{seeded.case.pk}/sources/", HTTP_X_VIGIL_BACKGROUND="1")
    text = progress.content.decode()
    assert 'hx-trigger="every 3s"' in text and "Ingest running" in text
    assert "<td>3</td>" in text  # the items recorded so far
