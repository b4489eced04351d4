from django.apps import AppConfig


class FacesConfig(AppConfig):
    name = "vigil.records.faces"
    label = "faces"
    verbose_name = "Groups of similar faces within a case (suggestions, never identities)"
