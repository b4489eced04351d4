"""E-mail notifications through Django's mail (the console backend unless configured).

A notification that cannot be sent never undoes what it announces: the failure is logged
(the address and subject only) and the action stands.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail

log = logging.getLogger(__name__)


def notify(recipients: Sequence[str], subject: str, body: str) -> bool:
    wanted = sorted({address for address in recipients if address})
    if not wanted:
        return False
    try:
        send_mail(
            f"[Vigil hub] {subject}", body, settings.DEFAULT_FROM_EMAIL, wanted, fail_silently=False
        )
    except OSError as error:  # SMTP errors are OSErrors too
        log.warning("notification %r to %d recipients not sent: %s", subject, len(wanted), error)
        return False
    return True
