"""Chat exports found among a case's items, and what they hold.

A ChatExport is one export file (an Item) and its import; it holds Conversations, whose
Messages have a sender (Participant), Attachments (linked to the case's items where the file was
in the export) and EntityMentions. Entities are shared by all cases, so that "seen in other
cases" is one query; who may see which case is decided by the caller.
"""

from __future__ import annotations

from django.db import models

from vigil.records.cases.models import Case, Item

MAX_ENTITY_LENGTH = 2000  # longer values (absurd URLs) are counted, not stored


class Platform(models.TextChoices):
    TELEGRAM = "telegram"
    DISCORD = "discord"
    ROCKETCHAT = "rocketchat"
    WHATSAPP = "whatsapp", "WhatsApp"
    MESSENGER = "messenger", "Messenger / Instagram"


class ChatExport(models.Model):
    """One chat export item of a case and its import: the unit of idempotence and provenance."""

    class Status(models.TextChoices):
        RUNNING = "running"  # started; a crash leaves it so, and the next import starts over
        COMPLETE = "complete"
        DUPLICATE = "duplicate"  # the same content was imported from another item of the case

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="chat_exports")
    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="chat_export")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    same_as = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    conversations = models.IntegerField(default=0)
    messages = models.BigIntegerField(default=0)
    attachments_linked = models.IntegerField(default=0)
    entity_mentions = models.BigIntegerField(default=0)
    watch_hits = models.IntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True, help_text="First 1,000, never content")
    warning_count = models.IntegerField(default=0)
    provenance = models.JSONField(
        default=dict, blank=True, help_text="Reader, language tool and watch-lists, with versions"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.platform} export {self.item_id}"


class Conversation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conversations")
    export = models.ForeignKey(ChatExport, on_delete=models.CASCADE, related_name="chats")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    platform_id = models.CharField(max_length=200, blank=True, default="")
    title = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=64, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    message_count = models.BigIntegerField(default=0)
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.platform}: {self.title or self.platform_id}"


class Participant(models.Model):
    """A sender in a case. Platform ids are global on Telegram and Discord, so one person is
    one participant across the case's exports; Rocket.Chat's User_N only means something inside
    its export, so those are scoped to it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    scope = models.CharField(max_length=32, blank=True, default="", help_text="'' or export:<id>")
    platform_id = models.CharField(max_length=200)
    display_name = models.TextField(blank=True, default="", help_text="The latest name seen")
    is_bot = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "platform", "scope", "platform_id"],
                name="participant_unique_per_case",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.platform_id


class ParticipantName(models.Model):
    """A name a participant used, with when it was first and last seen: names change."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="names")
    name = models.TextField()
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    messages = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "name"], name="participant_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="msgs")
    platform_id = models.CharField(max_length=64, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True, help_text="UTC unless time_is_local")
    time_is_local = models.BooleanField(
        default=False, help_text="Only the exporter's local clock time was known (no offset)"
    )
    sender = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    text = models.TextField(blank=True, default="")
    is_service = models.BooleanField(default=False)
    service_action = models.CharField(max_length=64, blank=True, default="")
    reply_to = models.CharField(max_length=64, blank=True, default="", help_text="platform id")
    forwarded_from = models.TextField(blank=True, default="")
    forwarded_from_id = models.CharField(max_length=200, blank=True, default="")
    edited_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True, default="", db_index=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["conversation", "sent_at"], name="message_conversation_time"),
            models.Index(fields=["conversation", "platform_id"], name="message_platform_id"),
            models.Index(fields=["sender", "sent_at"], name="message_sender_time"),
        ]

    def __str__(self) -> str:
        return f"message {self.platform_id}"


class Attachment(models.Model):
    class Status(models.TextChoices):
        LINKED = "linked"  # the file is an item of the case
        MISSING = "missing"  # named in the export, not found among the items
        NOT_INCLUDED = "not_included"  # the exporter left it out
        REJECTED = "rejected"  # a path leaving the export: never looked up
        REMOTE = "remote"  # only a URL on the platform

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=32, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices)
    path = models.TextField(blank=True, default="", help_text="As written in the export")
    file_name = models.TextField(blank=True, default="")
    url = models.TextField(blank=True, default="")
    size = models.BigIntegerField(null=True, blank=True)
    mime = models.CharField(max_length=100, blank=True, default="")
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_attachments"
    )

    def __str__(self) -> str:
        return self.path or self.url or self.file_name


class Entity(models.Model):
    """A validated, normalised value (an address, a number ...), shared by every case."""

    kind = models.CharField(max_length=16)
    value = models.CharField(max_length=MAX_ENTITY_LENGTH)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="entity_unique_value")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class EntityMention(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entity_mentions")
    start = models.IntegerField(help_text="-1 when behind the text (a link target)")
    end = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["case", "entity"], name="mention_case_entity"),
            models.Index(fields=["entity", "case"], name="mention_entity_case"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} in {self.message_id}"


class WatchList(models.Model):
    """An agency's list of keywords and patterns; every change makes a new version."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, default="")
    version = models.IntegerField(default=1)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class WatchTerm(models.Model):
    watch_list = models.ForeignKey(WatchList, on_delete=models.CASCADE, related_name="terms")
    pattern = models.TextField()
    is_regex = models.BooleanField(default=False)
    label = models.CharField(max_length=200, blank=True, default="")
    language = models.CharField(max_length=8, blank=True, default="")

    def __str__(self) -> str:
        return self.label or self.pattern
