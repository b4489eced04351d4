"""The hub's tool catalogue: entries, their vocabularies and checks, the seed, import/export.

Pure Python (no Django), so the web app, the command line and the tests share one definition:
`schema` says what an entry is and what makes it sound, `loader` reads the seed folder and
whole catalogues (YAML or JSON) and writes them back.
"""

from vigil.hub.catalogue.loader import (
    SEED_FOLDER,
    CatalogueError,
    dump_json,
    dump_yaml,
    load_file,
    load_seed,
)
from vigil.hub.catalogue.schema import (
    CATEGORIES,
    COSTS,
    CRIMES,
    DEPLOYMENTS,
    INPUTS,
    LANGUAGES,
    CatalogueEntry,
    Localised,
    validate,
)

__all__ = [
    "CATEGORIES",
    "COSTS",
    "CRIMES",
    "DEPLOYMENTS",
    "INPUTS",
    "LANGUAGES",
    "SEED_FOLDER",
    "CatalogueEntry",
    "CatalogueError",
    "Localised",
    "dump_json",
    "dump_yaml",
    "load_file",
    "load_seed",
    "validate",
]
