"""Entities in message text, each validated (checksums, country rules) before it counts."""

from vigil.chats.entities.extract import extract
from vigil.chats.entities.hits import EntityHit, Kind

__all__ = ["EntityHit", "Kind", "extract"]
