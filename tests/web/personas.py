"""People and cases for the web tests: users with roles and an authenticator, signed in through
the real sign-in pages, and a small synthetic case built straight into the database and store.

The in-process instance is shared by the whole test session, so every name is made unique by
the caller (the `case_name` fixture).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from PIL import Image

PASSWORD = "a long enough passphrase"


@dataclass
class Person:
    user: Any
    device: Any
    roles: tuple[str, ...]

    @property
    def username(self) -> str:
        return str(self.user.username)


@dataclass
class SeededCase:
    case: Any
    items: list[Any] = field(default_factory=list)
    suggestion: Any = None


def make_person(username: str, roles: tuple[str, ...], *, cases: tuple[Any, ...] = ()) -> Person:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigil.accounts.services import add_user, default_agency
    from vigil.records.accounts.models import CaseMembership

    user, _ = add_user(username[:150], list(roles), agency=default_agency(), password=PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    for case in cases:
        CaseMembership.objects.create(user=user, case=case, added_by="tests")
    return Person(user, device, roles)


def current_code(device: Any) -> str:
    """A code the device accepts now: the current time step, or the next one if the current
    one was used already (django-otp refuses a code twice)."""
    from django_otp.oath import totp

    device.refresh_from_db()
    step = int(time.time()) // device.step
    if device.last_t is not None and device.last_t >= step + 1:
        time.sleep(device.step - time.time() % device.step + 0.5)
        step = int(time.time()) // device.step
    drift = 0 if device.last_t is None or device.last_t < step else 1
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=drift):06d}"


def web_client() -> Client:
    return Client(HTTP_HOST="localhost")


def sign_in(person: Person, client: Client | None = None) -> Client:
    """Signs in through the pages a person uses: password, then the authenticator's code."""
    client = client or web_client()
    password = client.post("/signin/", {"username": person.username, "password": PASSWORD})
    assert password.status_code == 302, password.content
    code = client.post("/signin/code/", {"code": current_code(person.device)})
    assert code.status_code == 302 and code["Location"] == "/", code.content
    return client


def jpeg_bytes(shade: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (shade, 120, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def seed_case(
    name: str,
    *,
    statuses: tuple[str, ...] = ("unknown", "near", "known_illicit"),
    with_suggestion: bool = True,
) -> SeededCase:
    """A case with one image item per status, each with a thumbnail in the store, and an AI
    suggestion on the first one."""
    import hashlib

    from vigil import config
    from vigil.records.analysis.models import AnalysisRun, Suggestion
    from vigil.records.cases.models import Blob, Case, Item, Source
    from vigil.store.evidence import EvidenceStore

    store = EvidenceStore(config.store_root(config.vigil_home())).create()
    case = Case.objects.create(name=name)
    source = Source.objects.create(
        case=case, path=f"/seizures/{name}", kind="folder", status=Source.Status.COMPLETE
    )
    seeded = SeededCase(case)
    for index, status in enumerate(statuses):
        data = jpeg_bytes(shade=(index * 37 + len(name)) % 255) + name.encode()
        sha256 = hashlib.sha256(data).hexdigest()
        store.put_bytes(data)
        store.put_thumbnail(sha256, 0, jpeg_bytes(shade=index * 40 % 255))
        blob, _ = Blob.objects.get_or_create(
            sha256=sha256,
            defaults={
                "md5": hashlib.md5(data).hexdigest(),
                "sha1": hashlib.sha1(data).hexdigest(),
                "size": len(data),
                "analyzed": True,
                "type_label": "jpeg",
                "mime": "image/jpeg",
                "family": "image",
                "thumbnails": 1,
                "media": {"exif": {"datetime_original": f"2024-05-0{index + 1}T12:00:00+02:00"}},
            },
        )
        seeded.items.append(
            Item.objects.create(
                case=case,
                source=source,
                origin_hash=hashlib.sha1(f"{name}/{index}".encode()).hexdigest(),
                origin=[f"DCIM/IMG_{index}.jpg"],
                path=f"DCIM/IMG_{index}.jpg",
                name=f"IMG_{index}.jpg",
                size=len(data),
                blob=blob,
                status=Item.Status.PROCESSED,
                match_status=status,
            )
        )
    if with_suggestion:
        first = seeded.items[0]
        run = AnalysisRun.objects.create(
            case=case,
            tool="face_detection",
            tool_version="1.0",
            started_by="tests",
            status="complete",
        )
        seeded.suggestion = Suggestion.objects.create(
            run=run,
            case=case,
            blob_id=first.blob_id,
            item=first,
            tool="face_detection",
            tool_version="1.0",
            label="face",
            confidence=0.9,
        )
    return seeded
