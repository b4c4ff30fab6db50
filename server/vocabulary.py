"""The words the PWA shares with the server, written out as an ES module from the record-type declarations.

The PWA has no build step and works offline, so it cannot ask the server
which statuses, severities or kinds exist: it imports `pwa/vocabulary.js`.
That file is generated from the declarations (`server/records`) and the
field schemas by `flask --app server write-vocabulary`, committed, and
tests/unit/test_vocabulary.py fails when it no longer matches them, so a
status added on the server cannot be forgotten by the screens.
"""

import json
from pathlib import Path

from schemas.records.children import PHOTO_ROLES
from schemas.records.common import CATEGORIES
from schemas.records.finding import SEVERITIES
from schemas.records.reference import AREA_KINDS, ITEM_KINDS
from server.records import REGISTRY
from sync.clock import CLOCK_TOLERANCE

MODULE = Path(__file__).resolve().parent.parent / "pwa" / "vocabulary.js"


def vocabulary() -> dict:
    """Each shared list of words by the name the PWA imports it under."""
    return {
        "RECORD_TYPES": list(REGISTRY),
        "STATUSES": {name: list(record_type.workflow.statuses) for name, record_type in REGISTRY.items() if record_type.workflow},
        "INITIAL_STATUS": {name: record_type.workflow.initial for name, record_type in REGISTRY.items() if record_type.workflow},
        "CATEGORIES": list(CATEGORIES),
        "SEVERITIES": list(SEVERITIES),
        "AREA_KINDS": list(AREA_KINDS),
        "ITEM_KINDS": list(ITEM_KINDS),
        "PHOTO_ROLES": list(PHOTO_ROLES),
        "CLOCK_TOLERANCE_MS": int(CLOCK_TOLERANCE.total_seconds() * 1000),
    }


def vocabulary_module() -> str:
    lines = [
        "// Generated from the server's record-type declarations by `flask --app server write-vocabulary`.",
        "// Do not edit: tests/unit/test_vocabulary.py fails when this file no longer matches them.",
        "",
    ]
    lines += [f"export const {name} = {json.dumps(value, ensure_ascii=False)};" for name, value in vocabulary().items()]
    return "\n".join(lines) + "\n"
