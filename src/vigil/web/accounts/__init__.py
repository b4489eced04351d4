"""Agencies, their members and the roles they hold."""
