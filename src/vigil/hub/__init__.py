"""The hub: the catalogue of AI tools for investigators, in the six UN languages.

`catalogue` holds the entries, their vocabularies, checks and import/export (no Django); the
seed entries Vigil ships with live in `catalogue/seed/`, one YAML file per tool.
"""
