from django.apps import AppConfig


class ChatsConfig(AppConfig):
    name = "vigil.records.chats"
    label = "chats"
    verbose_name = "Chat exports: conversations, participants, messages, entities, watch-lists"
