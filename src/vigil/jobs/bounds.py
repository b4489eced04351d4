"""Bounds of a job's numbers, the same for the API schema, the CLI and the job service."""

MAX_WORKERS = 256
MAX_DEPTH = 32  # nested archives
