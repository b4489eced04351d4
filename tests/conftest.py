"""Shared test set-up: an instance folder for in-process tests, personas for corpora.

Django reads VIGIL_HOME once, when its settings are imported, so in-process tests share one
instance per test session (each test uses its own case name); tests that need an instance of
their own run the real `vigil` command in a subprocess with its own VIGIL_HOME.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_SESSION_HOME = tempfile.mkdtemp(prefix="vigil-test-home-")
os.environ["VIGIL_HOME"] = _SESSION_HOME
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.web.settings")

# shared/ lies beside the repository, on a developer's machine and in CI alike.
SHARED_DATA = Path(
    os.environ.get("VIGIL_SHARED_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data" / "external"
)


# Evidence roots for the suite: the temporary folders tests build their seizures in, and the
# shared external data. Tests of the roots themselves set their own.
os.environ["VIGIL_EVIDENCE_ROOTS"] = os.pathsep.join(
    [os.path.realpath(tempfile.gettempdir()), str(SHARED_DATA.resolve())]
)

_database_chosen = False


def start_django_for_tests() -> None:
    """Django on the session's instance; on PostgreSQL, on a fresh database of its own. Every
    in-process use of Django starts here, whichever test asks first."""
    global _database_chosen
    from tests.instance import fresh_database_url, on_postgresql
    from vigil.records.bootstrap import setup_django

    if not _database_chosen:
        os.environ.pop("VIGIL_DATABASE_URL", None)
        if on_postgresql():
            os.environ["VIGIL_DATABASE_URL"] = fresh_database_url()
        _database_chosen = True
    setup_django()


@pytest.fixture(scope="session")
def django_instance() -> Iterator[Path]:
    start_django_for_tests()
    yield Path(_SESSION_HOME)


@pytest.fixture
def case_name(request: pytest.FixtureRequest) -> str:
    return f"case-{request.node.name}"[:190]


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared external test data is missing at {SHARED_DATA}")
    return SHARED_DATA
