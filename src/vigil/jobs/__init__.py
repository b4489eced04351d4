"""Background jobs: the one door to queue, run and cancel them (django-tasks)."""
