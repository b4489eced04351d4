"""Hash lists, their entries, and the matches of a case's items against them.

An entry keeps the category exactly as its list gives it; the list's mapping turns it into
Vigil's category (see vigil.matching.categories) only when items are matched, so an agency can
change the mapping without re-importing, and the raw value is never lost.
"""

from __future__ import annotations

from django.db import models

from vigil.records.cases.models import Item


class HashList(models.Model):
    class Kind(models.TextChoices):
        KNOWN_ILLICIT = "known_illicit"
        KNOWN_GOOD = "known_good"  # a filter only: it never clears an illicit match

    class Scheme(models.TextChoices):
        VICS = "vics"
        CAID = "caid"

    class Trust(models.TextChoices):
        HIGH = "high"  # verified by the agency or a trusted partner
        MEDIUM = "medium"
        LOW = "low"  # unverified; matches need more scrutiny

    name = models.CharField(max_length=200, unique=True)
    origin = models.CharField(max_length=200, blank=True, default="")
    trust_level = models.CharField(max_length=16, choices=Trust.choices, default=Trust.MEDIUM)
    list_date = models.DateField(null=True, blank=True)
    format = models.CharField(max_length=16)  # vics | csv | nsrl
    format_detail = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.KNOWN_ILLICIT)
    category_scheme = models.CharField(max_length=8, choices=Scheme.choices, default=Scheme.VICS)
    category_mapping = models.JSONField(default=dict, blank=True, help_text="raw → category")
    entry_count = models.BigIntegerField(default=0)
    pdq_count = models.BigIntegerField(default=0)
    vpdq_count = models.BigIntegerField(default=0)
    problem_count = models.BigIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="The first 1,000 problems")
    source_name = models.CharField(max_length=500, blank=True, default="")
    source_sha256 = models.CharField(max_length=64, blank=True, default="")
    complete = models.BooleanField(default=False, help_text="False while the import runs")
    imported_by = models.CharField(max_length=150, blank=True, default="")
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class HashEntry(models.Model):
    hash_list = models.ForeignKey(HashList, on_delete=models.CASCADE, related_name="entries")
    md5 = models.CharField(max_length=32, null=True, blank=True, db_index=True)
    sha1 = models.CharField(max_length=40, null=True, blank=True, db_index=True)
    sha256 = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    # No SQL index: PDQ is searched through the list's persisted near-match index only, and a
    # fourth B-tree of random values would slow a 10-million-row import by a quarter.
    pdq = models.CharField(max_length=64, null=True, blank=True)
    vpdq = models.TextField(null=True, blank=True, help_text='JSON ["pdq_hex,quality,seconds"]')
    photodna = models.TextField(null=True, blank=True)
    category = models.CharField(max_length=32, null=True, blank=True, help_text="Raw, as listed")
    series = models.CharField(max_length=500, null=True, blank=True)
    note = models.TextField(null=True, blank=True)
    media_id = models.CharField(max_length=64, null=True, blank=True)
    flags = models.JSONField(
        default=dict, blank=True, help_text="VictimIdentified ..., file names, anomalies"
    )

    def __str__(self) -> str:
        return self.sha256 or self.sha1 or self.md5 or self.pdq or f"entry {self.pk}"


class Match(models.Model):
    class Kind(models.TextChoices):
        EXACT_MD5 = "exact_md5"
        EXACT_SHA1 = "exact_sha1"
        EXACT_SHA256 = "exact_sha256"
        NEAR_PDQ = "near_pdq"
        NEAR_VPDQ = "near_vpdq"  # a video: a share of its frames match the entry's frames

    NEAR_KINDS = (Kind.NEAR_PDQ, Kind.NEAR_VPDQ)

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="matches")
    hash_list = models.ForeignKey(HashList, on_delete=models.CASCADE, related_name="matches")
    entry = models.ForeignKey(HashEntry, on_delete=models.CASCADE, related_name="matches")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    distance = models.SmallIntegerField(
        default=0, help_text="PDQ Hamming distance (video: median over matched frames); 0 if exact"
    )
    query_match_percent = models.FloatField(
        null=True, blank=True, help_text="Video: share of the item's frames found in the entry"
    )
    target_match_percent = models.FloatField(
        null=True, blank=True, help_text="Video: share of the entry's frames found in the item"
    )
    dihedral = models.BooleanField(default=False, help_text="Matched a rotation or a flip")
    category = models.CharField(
        max_length=32, default="uncategorised", help_text="Mapped through the list's scheme"
    )
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "entry", "kind"], name="match_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} item {self.item_id} entry {self.entry_id}"
