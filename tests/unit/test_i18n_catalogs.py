"""The PWA's translation catalogs, pwa/i18n/<language>.json: every language says everything, with the same blanks."""

import json
import re
from pathlib import Path

import pytest

PWA = Path(__file__).resolve().parents[2] / "pwa"
CATALOGS = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted((PWA / "i18n").glob("*.json"))}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# t('key') and t("key") with a literal key; keys built at run time (t(`status_${status}`)) cannot be read here.
LITERAL_KEY = re.compile(r"""\bt\(\s*['"](\w+)['"]""")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


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
    assert [key for key, text in CATALOGS[language].items() if not isinstance(text, str) or not text.strip()] == []


def test_every_literal_key_the_app_looks_up_is_in_the_catalog():
    used = {key for path in PWA.rglob("*.js") for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}

    assert used, "the pattern found no t('...') calls: it no longer matches how the views look up text"
    assert sorted(used - CATALOGS["en"].keys()) == []
