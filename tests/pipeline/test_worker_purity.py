"""Workers never touch the database: their modules must import without Django set up, or a
process-pool worker would fail to unpickle its task (and every item would fail)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["vigil.pipeline.worker", "vigil.pipeline.analysis_worker"])
def test_a_worker_module_imports_without_django(module: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    check = (
        f"import sys, {module}; "
        "loaded = [m for m in sys.modules if m.startswith(('django.db', 'vigil.web'))]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
