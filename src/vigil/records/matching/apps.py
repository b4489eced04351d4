from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "vigil.records.matching"
    label = "matching"
    verbose_name = "Hash lists and the matches of items against them"
