"""Unreadable files and folders become items with an error, never a crash or a gap.

Root reads everything, so when the tests run as root (as CI does) the reading happens in a
forked child that has dropped to the `nobody` user: a real permission error, no mock.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vigil.pipeline.tasks import IngestTask, WorkerConfig
from vigil.pipeline.worker import ingest
from vigil.sources.folder import walk_source
from vigil.store.evidence import EvidenceStore

NOBODY = 65534


def _as_unprivileged(function: Callable[[], Any]) -> Any:
    if os.geteuid() != 0:
        return function()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(reader)
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            payload = pickle.dumps(function())
        except BaseException as error:  # reported to the parent
            payload = pickle.dumps(error)
        with os.fdopen(writer, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as incoming:
        payload = incoming.read()
    os.waitpid(pid, 0)
    result = pickle.loads(payload)
    if isinstance(result, BaseException):
        raise result
    return result


def _open_to_everyone(path: Path) -> None:
    for folder in [path, *path.parents]:
        if folder == Path("/"):
            break
        folder.chmod(folder.stat().st_mode | 0o755)


def test_an_unreadable_file_becomes_an_item_with_an_error(tmp_path: Path) -> None:
    _open_to_everyone(tmp_path)
    secret = tmp_path / "locked.jpg"
    secret.write_bytes(b"\xff\xd8\xff content")
    secret.chmod(0o000)
    store = EvidenceStore(tmp_path / "store").create()
    for folder in (store.root, store.blobs, store.thumbs, store.tmp):
        folder.chmod(0o777)
    config = WorkerConfig(store_root=str(store.root))
    task = IngestTask(key=1, name="locked.jpg", depth=0, path=str(secret))

    result = _as_unprivileged(lambda: ingest(task, config))

    assert result.digests is None
    assert [(issue.code, issue.severity) for issue in result.issues] == [
        ("unreadable_file", "error")
    ]
    assert "could not be read" in result.issues[0].message


def test_an_unlistable_folder_becomes_an_entry_with_an_error(tmp_path: Path) -> None:
    _open_to_everyone(tmp_path)
    root = tmp_path / "seizure"
    (root / "closed").mkdir(parents=True)
    (root / "closed" / "hidden.jpg").write_bytes(b"x")
    (root / "open.txt").write_text("visible")
    # Vigil runs under umask 077 (its instance folder is private): open what the test user reads.
    root.chmod(0o755)
    (root / "open.txt").chmod(0o644)
    (root / "closed").chmod(0o000)

    entries = _as_unprivileged(lambda: list(walk_source(root)))

    by_name = {entry.relative: entry for entry in entries}
    assert set(by_name) == {"closed", "open.txt"}
    assert [issue.code for issue in by_name["closed"].issues] == ["unreadable_directory"]
    (root / "closed").chmod(0o755)


def test_a_file_swapped_for_a_link_after_listing_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "target.txt").write_text("outside")
    link = tmp_path / "swapped.jpg"
    os.symlink(tmp_path / "target.txt", link)
    store = EvidenceStore(tmp_path / "store").create()
    task = IngestTask(key=1, name="swapped.jpg", depth=0, path=str(link))
    result = ingest(task, WorkerConfig(store_root=str(store.root)))
    assert result.digests is None
    assert result.issues[0].code == "unreadable_file"
