"""The instance folder is the investigator's alone: whatever the operator's umask, Vigil makes it
0700 and its files 0600 (stored copies 0400), and it will not set up or serve a home that other
local users can read. The suite runs as root, so these tests look at modes, not at access."""

from __future__ import annotations

import os
import shlex
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders.seizure import photo_bytes
from tests.cli.test_cli import vigil
from tests.instance import instance_env, on_postgresql

pytestmark = pytest.mark.slow


def vigil_under_umask_022(
    home: Path, *args: str, check: bool = True, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """`vigil` started by an operator whose umask lets everyone read what they create."""
    return subprocess.run(
        [sys.executable, "-m", "vigil.cli.main", *args],
        env=instance_env(home, COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
        preexec_fn=lambda: os.umask(0o022),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def open_to_others(folder: Path) -> list[str]:
    """Every folder and file under `folder` (itself included) that group or others have a bit on."""
    found = [] if mode(folder) & 0o077 == 0 else [f"{folder} {mode(folder):o}"]
    for directory, subdirectories, names in os.walk(folder):
        for name in subdirectories + names:
            path = Path(directory, name)
            if mode(path) & 0o077:
                found.append(f"{path} {mode(path):o}")
    return found


def small_seizure(root: Path) -> Path:
    root.mkdir()
    for index in range(3):
        (root / f"photo-{index}.jpg").write_bytes(photo_bytes(index))
    return root


def the_fix(stderr: str) -> str:
    """The command the message names, as an operator would copy it."""
    return stderr.split("make it private with: ", 1)[1].splitlines()[0].strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_init_under_a_permissive_umask_makes_the_home_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    vigil_under_umask_022(home, "init")
    assert mode(home) == 0o700
    assert mode(home / "store") == 0o700
    assert mode(home / "secret_key") == 0o600
    database = home / "vigil.sqlite3"
    assert database.exists() != on_postgresql()
    if not on_postgresql():
        assert mode(database) == 0o600
    assert open_to_others(home) == []


def test_triage_under_a_permissive_umask_leaves_nothing_under_the_home_open_to_others(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    seizure = small_seizure(tmp_path / "seizure")
    vigil_under_umask_022(home, "triage", str(seizure), "--case", "op", "--quiet")
    blobs = [path for path in (home / "store" / "blobs").rglob("*") if path.is_file()]
    assert len(blobs) == 3
    assert {mode(blob) for blob in blobs} == {0o400}
    assert open_to_others(home) == []


def test_a_backup_under_a_permissive_umask_is_private_too(tmp_path: Path) -> None:
    home = tmp_path / "home"
    seizure = small_seizure(tmp_path / "seizure")
    vigil_under_umask_022(home, "triage", str(seizure), "--case", "op", "--quiet")
    vigil_under_umask_022(home, "backup", "--out", str(tmp_path / "backup"))
    assert open_to_others(tmp_path / "backup") == []


def test_init_refuses_a_home_others_can_read_and_names_the_command_that_fixes_it(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)

    refused = vigil(home, "init", check=False)

    assert refused.returncode == 2
    assert f"chmod -R go-rwx {home}" in refused.stderr
    assert list(home.iterdir()) == []  # refused before anything was created
    subprocess.run(shlex.split(the_fix(refused.stderr)), check=True)
    assert vigil(home, "init").returncode == 0


def test_init_refuses_an_existing_instance_whose_secret_key_was_opened(tmp_path: Path) -> None:
    home = tmp_path / "home"
    vigil(home, "init")
    (home / "secret_key").chmod(0o644)
    refused = vigil(home, "init", check=False)
    assert refused.returncode == 2
    assert "secret_key" in refused.stderr and f"chmod -R go-rwx {home}" in refused.stderr


def test_serve_refuses_a_wide_home_before_any_server_starts(tmp_path: Path) -> None:
    home = tmp_path / "home"
    vigil(home, "init")
    home.chmod(0o755)
    # A short timeout: were the check missing, a server would start and never exit.
    refused = vigil_under_umask_022(
        home, "serve", "--port", str(free_port()), check=False, timeout=120
    )
    assert refused.returncode == 2
    assert f"chmod -R go-rwx {home}" in refused.stderr
    assert "Vigil on" not in refused.stdout


def test_other_verbs_warn_about_a_wide_home_and_carry_on(tmp_path: Path) -> None:
    home = tmp_path / "home"
    seizure = small_seizure(tmp_path / "seizure")
    vigil(home, "init")
    home.chmod(0o755)
    (home / "store").chmod(0o755)

    result = vigil(home, "triage", str(seizure), "--case", "op", "--quiet")

    assert "Warning" in result.stderr and f"chmod -R go-rwx {home}" in result.stderr
    assert str(home / "store") in result.stderr
    subprocess.run(shlex.split(the_fix(result.stderr)), check=True)
    assert open_to_others(home) == []
    assert "Warning" not in vigil(home, "cases").stderr


def test_an_old_home_with_world_readable_copies_is_made_private_by_the_named_command(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    seizure = small_seizure(tmp_path / "seizure")
    vigil(home, "triage", str(seizure), "--case", "op", "--quiet")
    for directory, subdirectories, names in os.walk(home):  # as Vigil used to leave it
        for name in subdirectories:
            Path(directory, name).chmod(0o755)
        for name in names:
            stored = (home / "store") in Path(directory).parents
            Path(directory, name).chmod(0o444 if stored else 0o644)
    home.chmod(0o755)
    refused = vigil(home, "init", check=False)
    assert refused.returncode == 2
    subprocess.run(shlex.split(the_fix(refused.stderr)), check=True)
    assert open_to_others(home) == []
    blobs = [path for path in (home / "store" / "blobs").rglob("*") if path.is_file()]
    assert {mode(blob) for blob in blobs} == {0o400}
    assert vigil(home, "verify", "--case", "op").returncode == 0
