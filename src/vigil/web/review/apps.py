from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "vigil.web.review"
    label = "review"
    verbose_name = "Review"
