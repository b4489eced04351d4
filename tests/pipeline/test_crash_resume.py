"""kill -9 a real `vigil triage` at several moments; the resumed run must equal a clean run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders.archives import zip_bytes
from tests.builders.seizure import photo_bytes
from tests.instance import RawDatabase, instance_env, instance_exists

pytestmark = pytest.mark.slow

VIGIL = [sys.executable, "-m", "vigil.cli.main"]


def _corpus(root: Path) -> int:
    (root / "photos").mkdir(parents=True)
    for index in range(120):
        (root / "photos" / f"p{index:03d}.jpg").write_bytes(photo_bytes(index, size=(640, 480)))
    inner = zip_bytes({f"in{index}.jpg": photo_bytes(1000 + index) for index in range(30)})
    members = {f"m{index}.jpg": photo_bytes(2000 + index) for index in range(60)}
    members["deeper/inner.zip"] = inner
    (root / "archive.zip").write_bytes(zip_bytes(members))
    return 120 + 1 + 60 + 1 + 30


def _env(home: Path) -> dict[str, str]:
    return instance_env(home)


def _triage_command(corpus: Path) -> list[str]:
    return [*VIGIL, "triage", str(corpus), "--case", "crash", "--workers", "2", "--quiet"]


def _recorded(home: Path) -> int:
    if not instance_exists(home):
        return 0
    try:
        with RawDatabase(home, read_only=True) as db:
            return int(db.execute("SELECT COUNT(*) FROM cases_item").fetchone()[0])
    except Exception as error:  # the schema not created yet, on either database
        if "cases_item" in str(error):
            return 0
        raise


def _kill_when(home: Path, corpus: Path, at_least: int, timeout: float = 120) -> bool:
    """Starts triage, SIGKILLs its whole process group once `at_least` items are recorded.
    Returns False if the run finished before the kill point."""
    process = subprocess.Popen(
        _triage_command(corpus),
        env=_env(home),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if _recorded(home) >= at_least:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("triage did not reach the kill point in time")


def _finish(home: Path, corpus: Path) -> None:
    subprocess.run(_triage_command(corpus), env=_env(home), check=True, timeout=300)


def _result(home: Path) -> tuple[list[tuple[object, ...]], dict[str, object]]:
    listing = subprocess.run(
        [*VIGIL, "items", "--case", "crash", "--json"],
        env=_env(home),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = sorted(
        (
            item["path"],
            item["sha256"],
            item["md5"],
            item["status"],
            item["error_code"],
            item["pdq"],
            item["thumbnails"],
            item["parent_id"] is not None,
        )
        for item in json.loads(listing.stdout)
    )
    cases = subprocess.run(
        [*VIGIL, "cases", "--json"], env=_env(home), check=True, capture_output=True, text=True
    )
    return rows, json.loads(cases.stdout)[0]


def test_a_run_killed_at_several_moments_resumes_to_the_clean_result(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    expected = _corpus(corpus)
    clean_home, crash_home = tmp_path / "clean", tmp_path / "crashed"
    _finish(clean_home, corpus)
    clean_rows, clean_case = _result(clean_home)
    assert len(clean_rows) == expected

    kills = 0
    for point in (1, expected // 4, expected // 2, (expected * 3) // 4):
        kills += _kill_when(crash_home, corpus, at_least=point)
    _finish(crash_home, corpus)
    crashed_rows, crashed_case = _result(crash_home)

    assert kills >= 3, "the run finished before most kill points; make the corpus larger"
    assert crashed_rows == clean_rows
    assert crashed_case["items"] == clean_case["items"] == expected
    assert not list((crash_home / "store" / "tmp").iterdir())


def test_a_run_killed_during_start_up_resumes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "a").mkdir(parents=True)
    for index in range(10):
        (corpus / "a" / f"{index}.jpg").write_bytes(photo_bytes(index))
    home = tmp_path / "home"
    process = subprocess.Popen(
        _triage_command(corpus),
        env=_env(home),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.4)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    _finish(home, corpus)
    rows, case = _result(home)
    assert len(rows) == 10 and case["failed"] == 0


def test_a_finished_run_started_again_adds_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "one.jpg").write_bytes(photo_bytes(1))
    home = tmp_path / "home"
    _finish(home, corpus)
    first = _result(home)
    _finish(home, corpus)
    assert _result(home) == first
