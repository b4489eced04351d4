"""The progress callback a running job hands to triage, matching and analysis.

It writes done/total to the Job at most once a `interval`, so a run of a million items costs a
few thousand small updates, and on the same beat reads whether a person asked the job to stop:
cancelling is cooperative, by raising JobCancelled out of the callback. The runs it is given to
are safe to stop there: triage commits in batches and resumes, matching rolls back to the
previous result, analysis keeps the batches it saved under a run marked failed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from vigil.records.jobs.models import Job

PROGRESS_INTERVAL_S = 1.0


class JobCancelled(Exception):
    """A person asked the job to stop; raised from the progress callback."""


class JobProgress:
    def __init__(
        self,
        job_id: int,
        *,
        interval: float = PROGRESS_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._job_id = job_id
        self._interval = interval
        self._clock = clock
        self._last_write = -math.inf  # the first call writes: the total is known at once
        self.done = 0
        self.total: int | None = None

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = self._clock()
        if now - self._last_write >= self._interval:
            self._last_write = now
            self.flush()

    def flush(self) -> None:
        """Write the latest figures and raise JobCancelled if a cancel was requested."""
        self.write()
        if Job.objects.filter(pk=self._job_id, cancel_requested=True).exists():
            raise JobCancelled(f"job {self._job_id} was cancelled")

    def write(self) -> None:
        """Write the latest figures (at the end of a run, whatever the beat)."""
        Job.objects.filter(pk=self._job_id).update(
            progress_done=self.done, progress_total=self.total
        )
