"""`vigil entities`, `vigil chats` and `vigil watchlist` as an investigator runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.chats.builders import BITCOIN_GENESIS, telegram_message, write_telegram_chat
from tests.cli.test_cli import vigil

pytestmark = pytest.mark.slow


def test_triage_then_entities_search_and_watch_lists_from_the_command_line(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    terms = tmp_path / "places.csv"
    terms.write_text("pattern,label\nharbour,meeting place\n")
    added = vigil(home, "watchlist", "add", str(terms), "--name", "places")
    assert "version 1: 1 terms" in added.stdout
    seizure = tmp_path / "seizure"
    write_telegram_chat(
        seizure / "ChatExport",
        [telegram_message(1, f"Meet at the harbour, pay {BITCOIN_GENESIS}")],
    )
    vigil(home, "triage", str(seizure), "--case", "op", "--quiet", "--workers", "1")

    found = json.loads(vigil(home, "entities", "--case", "op", "--json").stdout)
    assert [(row["kind"], row["value"], row["mentions"]) for row in found] == [
        ("crypto", BITCOIN_GENESIS, 1)
    ]
    hits = json.loads(vigil(home, "chats", "search", "--case", "op", "harbour", "--json").stdout)
    assert [hit["platform_id"] for hit in hits] == ["1"]
    conversations = json.loads(vigil(home, "chats", "ls", "--case", "op", "--json").stdout)
    assert conversations[0]["messages"] == 1
    assert conversations[0]["export_path"] == "ChatExport/result.json"
    lists = json.loads(vigil(home, "watchlist", "ls", "--json").stdout)
    assert [(row["name"], row["terms"]) for row in lists] == [("places", 1)]
    assert "No chat export left" in vigil(home, "chats", "import", "--case", "op").stdout


def test_an_unknown_entity_kind_is_a_clear_error(tmp_path: Path) -> None:
    result = vigil(tmp_path / "home", "entities", "--case", "op", "--kind", "bitcoin", check=False)
    assert result.returncode == 2 and "unknown kind" in result.stderr
