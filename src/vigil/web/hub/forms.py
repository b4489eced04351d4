"""Forms of the catalogue: search and filters, reviews, a hub admin's edit, an import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.hub.catalogue import LANGUAGES, CatalogueEntry, Localised, validate
from vigil.hub.catalogue.schema import COSTS
from vigil.records.hub.models import Tool
from vigil.web.hub.labels import (
    CATEGORY_LABELS,
    COST_LABELS,
    CRIME_LABELS,
    DEPLOYMENT_LABELS,
    INPUT_LABELS,
)

ANY = [("", _("Any"))]


def _choices(labels: dict[str, Any]) -> list[tuple[str, Any]]:
    return list(labels.items())


def language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(
        label=_("Capability"), required=False, choices=ANY + _choices(CATEGORY_LABELS)
    )
    crime = forms.ChoiceField(
        label=_("Crime"), required=False, choices=ANY + _choices(CRIME_LABELS)
    )
    input = forms.ChoiceField(
        label=_("Input"), required=False, choices=ANY + _choices(INPUT_LABELS)
    )
    deployment = forms.ChoiceField(
        label=_("Deployment"), required=False, choices=ANY + _choices(DEPLOYMENT_LABELS)
    )
    cost = forms.ChoiceField(label=_("Cost"), required=False, choices=ANY + _choices(COST_LABELS))
    open_source = forms.BooleanField(label=_("Open source only"), required=False)
    runs_here = forms.BooleanField(label=_("Runs here only"), required=False)


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(n, f"{n} / 5") for n in range(5, 0, -1)]
    )
    text = forms.CharField(
        label=pgettext_lazy("a member's review of a tool", "Review"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=language_choices)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Catalogue file (.yaml or .json)"))


def _ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


class ToolForm(forms.Form):
    """Every field of a catalogue entry, checked by the catalogue's own validator."""

    name = forms.CharField(label=_("Name"), max_length=200)
    provider = forms.CharField(label=_("Provider"), max_length=200)
    categories = forms.MultipleChoiceField(
        label=_("Capabilities"),
        choices=_choices(CATEGORY_LABELS),
        widget=forms.CheckboxSelectMultiple,
    )
    crimes = forms.MultipleChoiceField(
        label=_("Crimes"), choices=_choices(CRIME_LABELS), widget=forms.CheckboxSelectMultiple
    )
    inputs = forms.MultipleChoiceField(
        label=_("Inputs"), choices=_choices(INPUT_LABELS), widget=forms.CheckboxSelectMultiple
    )
    deployment = forms.MultipleChoiceField(
        label=_("Deployment"),
        choices=_choices(DEPLOYMENT_LABELS),
        widget=forms.CheckboxSelectMultiple,
    )
    ui_languages = forms.CharField(
        label=_("Interface languages (ISO 639-1 codes, comma-separated)"), required=False
    )
    licence = forms.CharField(label=_("Licence (SPDX id, or proprietary)"), max_length=200)
    cost = forms.ChoiceField(label=_("Cost"), choices=[(c, COST_LABELS[c]) for c in COSTS])
    open_source = forms.BooleanField(label=_("Open source"), required=False)
    reference = forms.URLField(
        label=_("Public reference (https)"), max_length=500, assume_scheme="https"
    )
    hidden = forms.BooleanField(label=_("Hidden from members"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        for field, title in (
            ("description", _("Description")),
            ("data_handling", _("Data handling")),
        ):
            for language in LANGUAGES:
                self.fields[f"{field}_{language}"] = forms.CharField(
                    label=f"{title} ({names[language]})",
                    widget=forms.Textarea(attrs={"rows": 3, "lang": language, "dir": "auto"}),
                )

    @staticmethod
    def initial_for(tool: Tool) -> dict[str, Any]:
        initial: dict[str, Any] = {
            field: getattr(tool, field)
            for field in (
                "name",
                "provider",
                "categories",
                "crimes",
                "inputs",
                "deployment",
                "licence",
                "cost",
                "open_source",
                "reference",
                "hidden",
            )
        }
        initial["ui_languages"] = ", ".join(tool.ui_languages)
        for field in ("description", "data_handling"):
            for language in LANGUAGES:
                initial[f"{field}_{language}"] = getattr(tool, field).get(language, "")
        return initial

    def entry(self, slug: str) -> CatalogueEntry | None:
        """The edited entry, or None with the validator's problems added to the form."""
        data = self.cleaned_data
        entry = CatalogueEntry(
            slug=slug,
            name=data["name"].strip(),
            provider=data["provider"].strip(),
            categories=tuple(data["categories"]),
            crimes=tuple(data["crimes"]),
            inputs=tuple(data["inputs"]),
            ui_languages=_ids(data["ui_languages"]),
            deployment=tuple(data["deployment"]),
            licence=data["licence"].strip(),
            cost=data["cost"],
            open_source=data["open_source"],
            reference=data["reference"].strip(),
            description=self._localised("description"),
            data_handling=self._localised("data_handling"),
        )
        problems = validate(entry)
        for problem in problems:
            self.add_error(None, problem)
        return None if problems else entry

    def _localised(self, field: str) -> Localised:
        return Localised.from_mapping(
            {language: self.cleaned_data[f"{field}_{language}"].strip() for language in LANGUAGES}
        )
