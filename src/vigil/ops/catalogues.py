"""The translation catalogues (src/vigil/locale): compiled .mo files brought up to date.

The .po files are the source (in the repository); the .mo files are built from them with
gettext's msgfmt at `make setup` and, when stale, by `vigil serve` at start.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.conf import settings


def catalogues() -> list[Path]:
    return sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"))


def compile_stale() -> list[str]:
    """Compiles each .po newer than its .mo; returns what could not be done, said plainly."""
    problems: list[str] = []
    msgfmt = shutil.which("msgfmt")
    for po in catalogues():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        if msgfmt is None:
            problems.append(f"{po} is not compiled and msgfmt (gettext) is not installed")
            continue
        result = subprocess.run(
            [msgfmt, "--check-format", "-o", str(mo), str(po)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            problems.append(f"{po}: {result.stderr.strip()}")
    return problems
