from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "vigil.records.review"
    label = "review"
    verbose_name = "Review"
