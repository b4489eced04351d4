"""What a reviewer records about items: one function per change, each audited per item.

The web views and the API both call these; nothing else writes ItemReview, tags or notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction

from vigil.audit.log import record
from vigil.records.cases.models import Case, Item
from vigil.records.review.models import ItemReview, ItemTag, Note, Tag
from vigil.web.review.queue import CATEGORIES

MAX_NOTE_CHARS = 10_000
MAX_SERIES_CHARS = 200
_TAG = re.compile(r"^[\w .:/+-]{1,64}$")


class ReviewError(ValueError):
    """A change that cannot be made, said plainly (the view answers 400 with it)."""


def check_category(category: str | None) -> str | None:
    if category in (None, ""):
        return None
    if category not in CATEGORIES:
        known = ", ".join(CATEGORIES)
        raise ReviewError(f"unknown category {category!r} (categories: {known})")
    return category


@transaction.atomic
def categorise(user: User, items: Iterable[Item], category: str | None, *, purpose: str) -> int:
    """Sets (or clears, with None) a person's category on each item; returns how many."""
    category = check_category(category)
    count = 0
    for item in items:
        review = _review_for(item, user)
        previous = review.category
        review.category = category
        review.reviewed_by = user
        review.save()
        record(
            "review.categorise",
            actor=user.username,
            case_name=item.case.name,
            item_id=item.pk,
            purpose=purpose,
            details={"category": category, "previous": previous},
        )
        count += 1
    return count


@transaction.atomic
def set_details(
    user: User,
    item: Item,
    *,
    series: str,
    victim_identified: bool,
    offender_identified: bool,
    purpose: str,
) -> ItemReview:
    series = series.strip()
    if len(series) > MAX_SERIES_CHARS:
        raise ReviewError(f"a series name has at most {MAX_SERIES_CHARS} characters")
    review = _review_for(item, user)
    review.series = series
    review.victim_identified = victim_identified
    review.offender_identified = offender_identified
    review.reviewed_by = user
    review.save()
    record(
        "review.details",
        actor=user.username,
        case_name=item.case.name,
        item_id=item.pk,
        purpose=purpose,
        details={
            "series": series,
            "victim_identified": victim_identified,
            "offender_identified": offender_identified,
        },
    )
    return review


def clean_tag(name: str) -> str:
    name = " ".join(name.split())
    if not _TAG.fullmatch(name):
        raise ReviewError("a tag has 1 to 64 letters, digits, spaces or . : / + - _")
    return name


@transaction.atomic
def tag(
    user: User, case: Case, items: Iterable[Item], name: str, *, remove: bool, purpose: str
) -> int:
    """Adds (or removes) a tag on each item of the case; returns how many changed."""
    name = clean_tag(name)
    label, _ = Tag.objects.get_or_create(case=case, name=name)
    changed = 0
    for item in items:
        if item.case_id != case.pk:
            continue
        if remove:
            done = ItemTag.objects.filter(item=item, tag=label).delete()[0] > 0
        else:
            done = ItemTag.objects.get_or_create(item=item, tag=label, defaults={"added_by": user})[
                1
            ]
        if done:
            changed += 1
            record(
                "review.untag" if remove else "review.tag",
                actor=user.username,
                case_name=case.name,
                item_id=item.pk,
                purpose=purpose,
                details={"tag": name},
            )
    return changed


def add_note(user: User, item: Item, text: str, *, purpose: str) -> Note:
    text = text.strip()
    if not text:
        raise ReviewError("a note cannot be empty")
    if len(text) > MAX_NOTE_CHARS:
        raise ReviewError(f"a note has at most {MAX_NOTE_CHARS:,} characters")
    with transaction.atomic():
        note = Note.objects.create(item=item, author=user, text=text)
        # The note's text is case content: the log keeps its length, not its words.
        record(
            "review.note",
            actor=user.username,
            case_name=item.case.name,
            item_id=item.pk,
            purpose=purpose,
            details={"note": note.pk, "chars": len(text)},
        )
    return note


def _review_for(item: Item, user: User) -> ItemReview:
    review = ItemReview.objects.filter(item=item).first()
    return review or ItemReview(item=item, case_id=item.case_id, reviewed_by=user)
