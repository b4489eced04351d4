from pathlib import Path

import pytest

from vigil.core.fs import fsync_folder


def test_a_folder_is_flushed_and_a_missing_one_is_refused(tmp_path: Path) -> None:
    (tmp_path / "renamed-in").write_bytes(b"entry")
    fsync_folder(tmp_path)
    with pytest.raises(FileNotFoundError):
        fsync_folder(tmp_path / "absent")
