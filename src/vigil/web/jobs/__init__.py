"""Background jobs: triage, match and analysis runs queued by the web app, run by `vigil worker`."""
