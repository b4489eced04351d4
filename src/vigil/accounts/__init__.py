"""Agencies, users, roles and sign-in rules: the domain of who may do what."""
