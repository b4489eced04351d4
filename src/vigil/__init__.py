"""Vigil: self-hosted triage, matching, review and governance of seized evidence."""

__version__ = "0.1.0"
