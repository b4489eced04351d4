from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "vigil.records.training"
    label = "training"
    verbose_name = "Hub training"
