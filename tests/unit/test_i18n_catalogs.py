"""The PWA's translation catalogs, pwa/i18n/<language>.json: every language says everything, with the same blanks.

A text that counts something is an object of plural forms (pwa/i18n.js picks
one with Intl.PluralRules): both catalogs count the same things, and each
gives exactly the forms its language's plural rules ask for.
"""

import json
import re
from pathlib import Path

import pytest

PWA = Path(__file__).resolve().parents[2] / "pwa"
CATALOGS = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted((PWA / "i18n").glob("*.json"))}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# t('key') and t("key") with a literal key; keys built at run time (t(`status_${status}`)) cannot be read here.
LITERAL_KEY = re.compile(r"""\bt\(\s*['"](\w+)['"]""")
# The categories Intl.PluralRules gives for whole numbers in each language (CLDR): English "1 photo" /
# "2 photos"; Chinese has one form. A new language adds its line here.
PLURAL_FORMS = {"en": {"one", "other"}, "zh": {"other"}}


def forms(entry) -> list[str]:
    """The texts of an entry: itself, or each of its plural forms."""
    return list(entry.values()) if isinstance(entry, dict) else [entry]


def placeholders(entry) -> set[str]:
    return {name for text in forms(entry) for name in PLACEHOLDER.findall(text)}


def test_there_are_english_and_chinese_catalogs():
    assert {"en", "zh"} <= CATALOGS.keys()


@pytest.mark.parametrize("language", sorted(set(CATALOGS) - {"en"}))
def test_a_catalog_has_exactly_the_english_keys(language):
    english, other = CATALOGS["en"].keys(), CATALOGS[language].keys()

    assert sorted(english - other) == [], f"missing in {language}.json"
    assert sorted(other - english) == [], f"only in {language}.json"


@pytest.mark.parametrize("language", sorted(set(CATALOGS) - {"en"}))
def test_a_translation_has_the_same_placeholders_as_the_english(language):
    english, other = CATALOGS["en"], CATALOGS[language]

    differing = {key: (placeholders(english[key]), placeholders(other[key])) for key in english.keys() & other.keys()}

    assert {key: pair for key, pair in differing.items() if pair[0] != pair[1]} == {}


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_every_entry_is_non_empty_text(language):
    bad = [
        key
        for key, entry in CATALOGS[language].items()
        if not forms(entry) or any(not isinstance(text, str) or not text.strip() for text in forms(entry))
    ]

    assert bad == []


@pytest.mark.parametrize("language", sorted(set(CATALOGS) - {"en"}))
def test_both_catalogs_count_the_same_things(language):
    english, other = CATALOGS["en"], CATALOGS[language]

    assert sorted(key for key in english.keys() & other.keys() if isinstance(english[key], dict) != isinstance(other[key], dict)) == []


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_plural_entries_have_their_languages_forms_and_a_count(language):
    assert language in PLURAL_FORMS, f"say which plural forms {language} has"
    plural = {key: entry for key, entry in CATALOGS[language].items() if isinstance(entry, dict)}

    assert {key: sorted(entry) for key, entry in plural.items() if set(entry) != PLURAL_FORMS[language]} == {}
    assert sorted(key for key, entry in plural.items() if "count" not in placeholders(entry)) == []


def test_english_says_one_of_a_thing_in_the_singular():
    singular = {key: entry["one"] for key, entry in CATALOGS["en"].items() if isinstance(entry, dict)}

    assert singular, "no plural entries: counted texts would read '1 photos'"
    assert {key: text for key, text in singular.items() if re.search(r"\{count\} (photos|changes|items|findings|inspections)\b", text)} == {}


def test_every_literal_key_the_app_looks_up_is_in_the_catalog():
    used = {key for path in PWA.rglob("*.js") for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}

    assert used, "the pattern found no t('...') calls: it no longer matches how the views look up text"
    assert sorted(used - CATALOGS["en"].keys()) == []
