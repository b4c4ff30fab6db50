"""The pass/fail rule is one rule: sync/checklist.py (the server) and pwa/checklist.js (every screen) agree on every case.

The PWA has no build step, so it cannot import the Python; instead this test
runs the JavaScript module under Node beside the Python and compares them.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sync.checklist import item_outcome, score

MODULE = Path(__file__).resolve().parents[2] / "pwa" / "checklist.js"
TRANSFORMER = {"key": "transformer_temp", "kind": "number", "max": 80, "unit": "°C"}
GAUGE = {"key": "extinguisher_pressure", "kind": "number", "min": 1.0, "max": 1.4, "unit": "MPa"}
ITEMS = [
    TRANSFORMER,
    GAUGE,
    {"key": "door", "kind": "pass_fail"},
    {"key": "tidy", "kind": "score", "min": 1, "max": 5},
    {"key": "remark", "kind": "text"},
    {"key": "colour", "kind": "choice", "choices": ["green", "red"]},
    {"key": "photo", "kind": "photo"},
]
OUTCOMES = [
    (TRANSFORMER, 86),
    (TRANSFORMER, 80),
    (TRANSFORMER, -5),
    (GAUGE, 0.8),
    (GAUGE, 1.0),
    (GAUGE, 1.2),
    (GAUGE, 1.5),
    (GAUGE, None),
    ({"kind": "number"}, 12345),
    ({"key": "door", "kind": "pass_fail"}, "fail"),
    ({"key": "door", "kind": "pass_fail"}, "na"),
    ({"kind": "score", "min": 1, "max": 5}, 3),
    ({"kind": "score", "min": 1, "max": 5}, 4),
    ({"kind": "text"}, "fine"),
]
ANSWER_SETS = [
    {},
    {"transformer_temp": {"value": 86}, "extinguisher_pressure": {"value": 0.8}, "door": {"value": "pass"}},
    {"door": {"value": "pass"}, "tidy": {"value": 5}, "remark": {"value": "ok"}},
    {"transformer_temp": {"value": 70}, "door": {"value": "na"}, "tidy": {"value": 2}},
    {"transformer_temp": {"value": 70}, "extinguisher_pressure": {"value": 1.2}, "door": {"value": "fail"}, "tidy": {"value": 4}},
    {"remark": {"value": "only text"}, "colour": {"value": "red"}},
    {"transformer_temp": {"value": 81}, "extinguisher_pressure": {"value": 1.1}, "door": {"value": "pass"}},  # 2 of 3: 66.67
    {"door": {"value": None, "note": "unanswered"}},
]


def run_javascript(tmp_path) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (the ESLint step needs it too)")
    # Node reads a .js file outside a "type": "module" package as CommonJS; the same bytes as .mjs are an ES module.
    copy = tmp_path / "checklist.mjs"
    copy.write_bytes(MODULE.read_bytes())
    script = (
        f"import {{ itemOutcome, score }} from {json.dumps(copy.as_uri())};"
        f"const outcomes = {json.dumps(OUTCOMES)}; const items = {json.dumps(ITEMS)}; const sets = {json.dumps(ANSWER_SETS)};"
        "console.log(JSON.stringify({outcomes: outcomes.map(([item, value]) => itemOutcome(item, value)),"
        " scores: sets.map((answers) => score(items, answers))}));"
    )
    done = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(done.stdout)


def test_the_screens_and_the_server_judge_every_answer_alike(tmp_path):
    javascript = run_javascript(tmp_path)

    assert javascript["outcomes"] == [item_outcome(item, value) for item, value in OUTCOMES]
    assert javascript["scores"] == [score(ITEMS, answers) for answers in ANSWER_SETS]


def test_out_of_range_readings_fail_and_count_in_the_score():
    assert item_outcome(TRANSFORMER, 86) == "fail"
    assert item_outcome(GAUGE, 0.8) == "fail"
    assert score(ITEMS, ANSWER_SETS[1]) == 33
    assert score(ITEMS, ANSWER_SETS[5]) is None
