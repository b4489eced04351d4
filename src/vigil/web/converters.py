"""Bounded ids for addresses and the API: a number the database cannot hold is "not found" (an
address) or "invalid" (the API), never a server error from deep in the query.

Importing this module registers the `<id:...>` path converter; every urls.py that uses it
imports the module, so it is registered before Django reads the patterns.
"""

from __future__ import annotations

import re
from typing import Annotated

from django.urls import register_converter
from pydantic import Field

# 18 digits: every such number fits the signed 64-bit integer of an id column (SQLite, and
# PostgreSQL's bigint), so a lookup never overflows.
MAX_ID_DIGITS = 18
MAX_ID = 10**MAX_ID_DIGITS - 1
# An id in an API schema or path: 422 outside 1..MAX_ID.
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
_ID = re.compile(f"[0-9]{{1,{MAX_ID_DIGITS}}}")


def parse_id(value: str) -> int | None:
    """An id from a query parameter, or None for anything else (too long, "²", "-1", " 7")."""
    return int(value) if _ID.fullmatch(value) else None


class IdConverter:
    """Like Django's `int`, but 1 to 18 ASCII digits: a longer number matches no route (404)."""

    regex = _ID.pattern

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        if not 0 <= int(value) <= MAX_ID:
            raise ValueError(f"{value} is not an id")  # reverse() then finds no match
        return str(int(value))


register_converter(IdConverter, "id")
