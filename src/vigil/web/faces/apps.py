from django.apps import AppConfig


class FacesConfig(AppConfig):
    name = "vigil.web.faces"
    label = "faces"
    verbose_name = "Groups of similar faces within a case (suggestions, never identities)"
