"""The hub's tool catalogue: the seed Vigil ships, its checks, and import/export of a catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from vigil.hub.catalogue import (
    LANGUAGES,
    CatalogueEntry,
    CatalogueError,
    Localised,
    dump_json,
    dump_yaml,
    load_file,
    load_seed,
    validate,
)
from vigil.hub.catalogue.schema import CATEGORIES, CRIMES, DEPLOYMENTS, INPUTS

SEED_SIZE = 80  # the hub's catalogue starts with as many tools as the UN's Global Hub lists


def texts(en: str) -> dict[str, str]:
    """A synthetic text in the six languages, each in its own script."""
    return {
        "en": en,
        "fr": f"{en} (fr)",
        "es": f"{en} (es)",
        "ru": f"{en} — описание",
        "ar": f"{en} — وصف",
        "zh-hans": f"{en} — 说明",
    }


def entry_data(slug: str = "example-tool", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "provider": "Example Labs",
        "categories": ["hash-matching"],
        "crimes": ["child-sexual-exploitation"],
        "inputs": ["images"],
        "ui_languages": ["en"],
        "deployment": ["on-premises", "air-gapped"],
        "licence": "Apache-2.0",
        "cost": "free",
        "open_source": True,
        "reference": f"https://example.org/{slug}",
        "description": texts(f"{slug} matches images against hash lists."),
        "data_handling": texts("Everything stays on the agency's machines."),
    }
    return data | fields


def write_seed(folder: Path, *entries: dict[str, Any]) -> Path:
    folder.mkdir(exist_ok=True)
    for data in entries:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / f"{data['slug']}.yaml").write_text(text, encoding="utf-8")
    return folder


def rejected(load: Any, *args: Any) -> str:
    with pytest.raises(CatalogueError) as caught:
        load(*args)
    return str(caught.value)


# -- the seed Vigil ships -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> list[CatalogueEntry]:
    return load_seed()


def test_every_seed_entry_is_sound(seed: list[CatalogueEntry]) -> None:
    assert {entry.slug: validate(entry) for entry in seed if validate(entry)} == {}


def test_every_seed_entry_is_described_in_all_six_languages(seed: list[CatalogueEntry]) -> None:
    for entry in seed:
        for language in LANGUAGES:
            assert entry.description[language], (entry.slug, language)
            assert entry.data_handling[language], (entry.slug, language)


def test_every_seed_entry_uses_only_the_vocabularies_and_an_https_reference(
    seed: list[CatalogueEntry],
) -> None:
    for entry in seed:
        assert set(entry.categories) <= set(CATEGORIES), entry.slug
        assert set(entry.crimes) <= set(CRIMES), entry.slug
        assert set(entry.inputs) <= set(INPUTS), entry.slug
        assert set(entry.deployment) <= set(DEPLOYMENTS), entry.slug
        assert entry.reference.startswith("https://"), entry.slug


def test_the_seed_names_each_tool_once(seed: list[CatalogueEntry]) -> None:
    slugs = [entry.slug for entry in seed]
    names = [entry.name.casefold() for entry in seed]
    assert len(set(slugs)) == len(slugs)
    assert len(set(names)) == len(names)
    assert slugs == sorted(slugs)


def test_the_seed_lists_at_least_80_tools(seed: list[CatalogueEntry]) -> None:
    assert len(seed) >= SEED_SIZE


# -- import and export of a whole catalogue ------------------------------------------------------


@pytest.mark.parametrize(("dump", "suffix"), [(dump_yaml, ".yaml"), (dump_json, ".json")])
def test_an_exported_catalogue_imports_as_the_same_entries(
    seed: list[CatalogueEntry], tmp_path: Path, dump: Any, suffix: str
) -> None:
    path = tmp_path / f"catalogue{suffix}"
    path.write_text(dump(seed), encoding="utf-8")
    assert load_file(path) == seed


def test_an_export_keeps_non_latin_text_readable(tmp_path: Path) -> None:
    entry = load_seed(write_seed(tmp_path / "seed", entry_data()))
    assert "说明" in dump_yaml(entry)
    assert "说明" in dump_json(entry)


def test_an_imported_catalogue_reports_every_bad_entry_and_keeps_none(tmp_path: Path) -> None:
    good = entry_data("good-tool")
    bad_cost = entry_data("cheap-tool", cost="cheap")
    bad_reference = entry_data("plain-tool", reference="http://example.org/")
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps([good, bad_cost, bad_reference]))
    message = rejected(load_file, path)
    assert f"{path}, entry 2 (cheap-tool): cost: unknown cost 'cheap'" in message
    assert f"{path}, entry 3 (plain-tool): reference: " in message
    assert "good-tool" not in message


def test_an_imported_catalogue_must_be_a_list_of_entries(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(entry_data()))
    assert rejected(load_file, path) == f"{path}: expected a list of entries, found a mapping"


def test_an_imported_catalogue_names_the_same_tool_only_once(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps([entry_data("one"), entry_data("two", name="ONE")]))
    assert "entry 2 (two): name: 'ONE' is already used by" in rejected(load_file, path)


def test_a_json_key_given_twice_is_rejected_rather_than_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text('[{"slug": "a", "slug": "b"}]')
    assert "key 'slug' given twice" in rejected(load_file, path)


def test_a_catalogue_in_another_format_is_refused_by_its_suffix(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text("slug,name\n")
    assert "expected a .json, .yaml or .yml file" in rejected(load_file, path)


# -- what a bad seed file is told ----------------------------------------------------------------


def test_a_seed_file_with_a_bad_entry_is_rejected_naming_the_file_line_and_field(
    tmp_path: Path,
) -> None:
    folder = write_seed(tmp_path / "seed", entry_data("good-tool"), entry_data())
    path = folder / "example-tool.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[3:5] == ["categories:", "- hash-matching"]
    path.write_text(text.replace("- hash-matching\n", "- hash-matching\n- forensics\n"))
    message = rejected(load_seed, folder)
    assert message.startswith(
        f"{path}, line 4: categories[1]: unknown id 'forensics' (one of: object-detection, "
    )
    assert "good-tool" not in message


def test_a_slug_that_differs_from_its_file_name_is_rejected(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "seed", entry_data("autopsy"))
    (folder / "autopsy.yaml").rename(folder / "the-autopsy.yaml")
    assert "the-autopsy.yaml, line 1: slug: 'autopsy' differs from the file name" in rejected(
        load_seed, folder
    )


def test_a_seed_file_ending_in_yml_is_reported_rather_than_skipped(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "seed", entry_data())
    (folder / "example-tool.yaml").rename(folder / "example-tool.yml")
    assert (
        rejected(load_seed, folder)
        == f"{folder / 'example-tool.yml'}: not read: seed files end in .yaml"
    )


def test_two_seed_files_naming_the_same_tool_are_rejected(tmp_path: Path) -> None:
    folder = write_seed(
        tmp_path / "seed", entry_data("axiom", name="Magnet AXIOM"), entry_data("magnet-axiom")
    )
    assert "magnet-axiom.yaml: name: 'Magnet Axiom' is already used by" in rejected(
        load_seed, folder
    )


def test_a_missing_translation_is_named_by_its_language(tmp_path: Path) -> None:
    description = texts("Matches images.")
    del description["zh-hans"]
    folder = write_seed(tmp_path / "seed", entry_data(description=description))
    assert "description.zh-hans: missing: every entry is written in all six languages" in (
        rejected(load_seed, folder)
    )


def test_english_left_in_place_of_a_translation_is_caught(tmp_path: Path) -> None:
    handling = texts("Stays local.") | {"fr": "Stays local.", "ru": "Stays local, in English."}
    folder = write_seed(tmp_path / "seed", entry_data(data_handling=handling))
    message = rejected(load_seed, folder)
    assert "data_handling.fr: the English text, not a translation" in message
    assert "data_handling.ru: holds no Cyrillic letters" in message


def test_an_unknown_language_or_field_is_rejected(tmp_path: Path) -> None:
    data = entry_data(description=texts("Matches images.") | {"de": "Gleicht Bilder ab."})
    folder = write_seed(tmp_path / "seed", data | {"homepage": "https://example.org/"})
    message = rejected(load_seed, folder)
    assert "description.de: unknown language (the six: ar, zh-hans, en, fr, ru, es)" in message
    assert "homepage: unknown field" in message


def test_an_unquoted_no_in_the_interface_languages_is_told_to_quote_it(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "seed", entry_data())
    path = folder / "example-tool.yaml"
    path.write_text(path.read_text().replace("ui_languages:\n- en", "ui_languages: [en, no]"))
    assert "ui_languages[1]: must be text, not false; quote it" in rejected(load_seed, folder)


def test_an_interface_language_must_be_an_iso_639_1_code(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "seed", entry_data(ui_languages=["en", "jp"]))
    assert "ui_languages[1]: 'jp' is not an ISO 639-1 language code" in rejected(load_seed, folder)


def test_a_yaml_key_given_twice_is_rejected_rather_than_overwritten(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "seed", entry_data())
    path = folder / "example-tool.yaml"
    path.write_text(path.read_text() + "cost: commercial\n")
    assert "not valid YAML: key 'cost' given twice" in rejected(load_seed, folder)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    data = entry_data(categories=[], crimes=["murder"], licence="proprietary", cost=None)
    folder = write_seed(tmp_path / "seed", data)
    problems = rejected(load_seed, folder).splitlines()
    assert [problem.split(": ", 1)[1].split(" (")[0] for problem in problems] == [
        "cost: missing",
        "categories: needs at least 1",
        "crimes[0]: unknown id 'murder'",
        "licence: an open-source tool needs its SPDX licence id",
    ]


# -- checks on entries made in code --------------------------------------------------------------


def entry(**fields: Any) -> CatalogueEntry:
    data = entry_data() | fields
    return CatalogueEntry(
        **{key: data[key] for key in ("slug", "name", "provider", "licence", "cost")},
        **{key: tuple(data[key]) for key in ("categories", "crimes", "inputs")},
        ui_languages=tuple(data["ui_languages"]),
        deployment=tuple(data["deployment"]),
        open_source=data["open_source"],
        reference=data["reference"],
        description=Localised.from_mapping(data["description"]),
        data_handling=Localised.from_mapping(data["data_handling"]),
    )


def test_a_sound_entry_has_no_problems() -> None:
    assert validate(entry()) == []


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"slug": "Example_Tool"}, "slug: 'Example_Tool' is not lower-case"),
        ({"categories": list(CATEGORIES[:6])}, "categories: takes at most 5, not 6"),
        ({"crimes": ["fraud", "fraud"]}, "crimes[1]: 'fraud' given twice"),
        ({"licence": "Apache 2"}, "licence: 'Apache 2' is neither an SPDX id nor 'proprietary'"),
        ({"reference": "ftp://example.org/"}, "reference: 'ftp://example.org/' is not an https"),
        ({"reference": "https://u:p@example.org/"}, "reference: 'https://u:p@example.org/' holds"),
        ({"description": texts("x" * 1300)}, "description.en: 1300 characters; keep it under"),
    ],
)
def test_a_flawed_entry_is_told_what_is_wrong(fields: dict[str, Any], problem: str) -> None:
    found = validate(entry(**fields))
    assert any(message.startswith(problem) for message in found), found


def test_an_spdx_expression_and_a_proprietary_closed_tool_are_both_accepted() -> None:
    assert validate(entry(licence="IPL-1.0 AND CPL-1.0")) == []
    assert validate(entry(licence="proprietary", open_source=False, cost="commercial")) == []


def test_a_text_is_shown_in_the_reader_s_language_else_in_english() -> None:
    description = Localised.from_mapping(texts("Matches images."))
    assert description.get("zh-hans") == description.get("zh_Hans") == "Matches images. — 说明"
    assert description.get("fr-ca") == "Matches images. (fr)"
    assert description.get("de") == "Matches images."
    with pytest.raises(KeyError):
        description["de"]
