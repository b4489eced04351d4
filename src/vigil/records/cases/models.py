"""Cases, their evidence sources, the items found in them, and the distinct contents (blobs).

An Item is one occurrence of content at one path of origin; a Blob is one distinct content
(by SHA-256). Identical files share a Blob and stay separate Items, because paths are evidence.
"""

from __future__ import annotations

from django.db import models


class Case(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """One seizure path given to `vigil triage`: a folder, an archive or a single file."""

    class Status(models.TextChoices):
        RUNNING = "running"
        COMPLETE = "complete"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sources")
    path = models.TextField(help_text="Absolute path as given, resolved")
    kind = models.CharField(max_length=16)  # folder | file
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    enumerated = models.BigIntegerField(default=0)
    processed = models.BigIntegerField(default=0)
    failed = models.BigIntegerField(default=0)
    runs = models.IntegerField(default=0, help_text="How many times triage started on it")
    issues = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "path"], name="source_unique_path_per_case")
        ]

    def __str__(self) -> str:
        return self.path


class Blob(models.Model):
    """A distinct content in the evidence store, with what its bytes tell about it."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    md5 = models.CharField(max_length=32, db_index=True)
    sha1 = models.CharField(max_length=40, db_index=True)
    size = models.BigIntegerField()
    analyzed = models.BooleanField(default=False, help_text="False while only hashed")
    type_label = models.CharField(max_length=32, default="")
    mime = models.CharField(max_length=100, default="")
    family = models.CharField(max_length=16, default="", db_index=True)
    width = models.IntegerField(null=True, blank=True)
    height = models.IntegerField(null=True, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    pdq = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    pdq_quality = models.SmallIntegerField(null=True, blank=True)
    thumbnails = models.SmallIntegerField(default=0)
    media = models.JSONField(default=dict, blank=True, help_text="EXIF, codec, frames ...")
    issues = models.JSONField(default=list, blank=True, help_text="Problems found in the content")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256


class Item(models.Model):
    """One entry of a seizure at one path of origin (source → archive → member)."""

    class Status(models.TextChoices):
        PENDING = "pending"  # an archive member stored and listed, not yet analysed
        PROCESSED = "processed"
        FAILED = "failed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    origin_hash = models.CharField(max_length=40, help_text="SHA-1 of the exact origin key")
    origin = models.JSONField(help_text="Path of origin, one segment per container level")
    path = models.TextField(help_text="Printable path of origin, containers joined by '!/'")
    name = models.TextField()
    depth = models.SmallIntegerField(default=0, help_text="0 = on the source, 1 = in an archive")
    kind = models.CharField(max_length=16, default="file")
    size = models.BigIntegerField(null=True, blank=True)
    # No database constraint: a pending member names its content before the Blob row exists.
    blob = models.ForeignKey(
        Blob,
        to_field="sha256",
        db_constraint=False,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="items",
    )
    status = models.CharField(max_length=16, choices=Status.choices, db_index=True)
    error_code = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    issues = models.JSONField(default=list, blank=True)
    times = models.JSONField(default=dict, blank=True)
    # Where it lay in a media image (volume, file system, inode, deleted, stream), or, on the
    # image's own item, its format, volumes and acquisition check.
    facts = models.JSONField(default=dict, blank=True)
    link_target = models.TextField(null=True, blank=True)
    extension_mismatch = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Denormalised from the matching app's Match rows (vigil.matching.engine keeps them in step):
    # unknown | near | known_illicit | known_good; review order in vigil.matching.review.
    match_status = models.CharField(max_length=16, default="unknown", db_index=True)
    match_category = models.CharField(max_length=32, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "origin_hash"], name="item_unique_origin_per_source"
            )
        ]
        indexes = [models.Index(fields=["case", "status"], name="item_case_status")]

    def __str__(self) -> str:
        return self.path


class EvidenceRoot(models.Model):
    """A folder an administrator declared as a place evidence may be read from (besides
    VIGIL_EVIDENCE_ROOTS). Declaring and withdrawing one is audited."""

    path = models.TextField(unique=True, help_text="Absolute, resolved when declared")
    declared_by = models.CharField(max_length=150)
    declared_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.path
