"""The PWA's shared words are the server's: pwa/vocabulary.js is what the declarations say, and each word has its translations."""

import json
import re
from pathlib import Path

from server.vocabulary import MODULE, vocabulary, vocabulary_module

CATALOGS = Path(__file__).resolve().parents[2] / "pwa" / "i18n"
# How the screens name each list's words in the catalogs (t(`status_${status}`) and so on).
CATALOG_KEYS = {"STATUSES": "status_{}", "SEVERITIES": "severity_{}", "CATEGORIES": "category_{}", "AREA_KINDS": "area_{}", "ITEM_KINDS": "kind_{}"}


def test_the_pwas_vocabulary_module_is_what_the_declarations_say():
    assert MODULE.read_text() == vocabulary_module(), "run `flask --app server write-vocabulary` and commit pwa/vocabulary.js"


def test_every_shared_word_the_screens_show_is_translated_in_both_languages():
    words = vocabulary()
    for language in ("en", "zh"):
        catalog = json.loads((CATALOGS / f"{language}.json").read_text())
        for name, key in CATALOG_KEYS.items():
            values = words[name]
            listed = {word for statuses in values.values() for word in statuses} if isinstance(values, dict) else set(values)
            missing = sorted(key.format(word) for word in listed if key.format(word) not in catalog)
            assert missing == [], f"{language}.json lacks {missing}"


def shared_lists() -> dict[frozenset, str]:
    """Each shared list (the statuses of each type one by one) by its words."""
    lists = {}
    for name, value in vocabulary().items():
        if isinstance(value, list):
            lists[frozenset(value)] = name
        elif isinstance(value, dict):
            lists.update({frozenset(words): f"{name}.{key}" for key, words in value.items() if isinstance(words, list)})
    return lists


def test_no_screen_keeps_its_own_copy_of_a_shared_list():
    """A list literal holding exactly the words of a shared list is a copy that would go stale: import it instead."""
    lists = shared_lists()
    copies = []
    for path in MODULE.parent.rglob("*.js"):
        if path == MODULE:
            continue
        for literal in re.findall(r"\[\s*'[a-z_]+'(?:\s*,\s*'[a-z_]+')+\s*\]", path.read_text()):
            words = frozenset(re.findall(r"'([a-z_]+)'", literal))
            if words in lists:
                copies.append(f"{path.relative_to(MODULE.parent)}: {lists[words]}")
    assert copies == [], "import these from vocabulary.js"
