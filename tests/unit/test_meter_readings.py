"""A meter reading that went down, or jumped past the item's ratio, is a warning to confirm: never a fail.

sync/checklist.py and pwa/checklist.js hold the same rule; the last test runs the
JavaScript under Node on the same readings.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from marshmallow import ValidationError

from schemas.records.reference import ItemSchema
from sync.checklist import item_outcome, meter_warning

MODULE = Path(__file__).resolve().parents[2] / "pwa" / "checklist.js"
METER = {"key": "energy", "kind": "number", "unit": "kWh", "meter": True, "max_jump_ratio": 1.5}
READINGS = [
    (METER, 1200, 1000),
    (METER, 1000, 1000),
    (METER, 999.5, 1000),
    (METER, 1500, 1000),
    (METER, 1500.1, 1000),
    (METER, 5, 0),
    (METER, None, 1000),
    (METER, 900, None),
    ({**METER, "max_jump_ratio": None}, 90000, 1000),
    ({**METER, "meter": False}, 10, 1000),
    ({"key": "temp", "kind": "number"}, 10, 1000),
]


def test_a_reading_below_the_previous_one_went_down():
    assert meter_warning(METER, 999.5, 1000) == "went_down"


def test_a_reading_past_previous_times_the_ratio_jumped():
    assert meter_warning(METER, 1500.1, 1000) == "jumped"
    assert meter_warning(METER, 1500, 1000) is None


def test_a_steady_or_rising_reading_within_the_ratio_needs_no_second_look():
    assert meter_warning(METER, 1000, 1000) is None
    assert meter_warning(METER, 1200, 1000) is None


def test_without_a_ratio_only_a_lower_reading_warns():
    unbounded = {**METER, "max_jump_ratio": None}
    assert meter_warning(unbounded, 90000, 1000) is None
    assert meter_warning(unbounded, 999, 1000) == "went_down"


def test_no_previous_reading_or_no_answer_means_no_warning():
    assert meter_warning(METER, 900, None) is None
    assert meter_warning(METER, None, 1000) is None


def test_only_meter_items_are_checked():
    assert meter_warning({**METER, "meter": False}, 10, 1000) is None


def test_a_replaced_meter_s_lower_reading_still_passes_its_item():
    bounded = {**METER, "min": 0, "max": 100000}
    assert meter_warning(bounded, 12, 1000) == "went_down"
    assert item_outcome(bounded, 12) == "pass"


def test_a_template_item_may_be_a_meter_with_a_jump_ratio():
    loaded = ItemSchema().load({"key": "energy", "label": "Energy meter", "kind": "number", "meter": True, "max_jump_ratio": 1.5})
    assert loaded["meter"] is True
    assert loaded["max_jump_ratio"] == 1.5
    assert ItemSchema().load({"key": "door", "label": "Door", "kind": "pass_fail"})["meter"] is False


@pytest.mark.parametrize(
    "item",
    [
        {"key": "door", "label": "Door", "kind": "pass_fail", "meter": True},
        {"key": "energy", "label": "Energy", "kind": "number", "meter": True, "max_jump_ratio": 1},
        {"key": "energy", "label": "Energy", "kind": "number", "meter": True, "max_jump_ratio": 0.5},
    ],
)
def test_a_meter_is_a_number_item_and_its_ratio_is_above_one(item):
    with pytest.raises(ValidationError):
        ItemSchema().load(item)


def test_the_screens_and_the_server_warn_on_the_same_readings(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (the ESLint step needs it too)")
    copy = tmp_path / "checklist.mjs"  # the same bytes as an ES module
    copy.write_bytes(MODULE.read_bytes())
    script = (
        f"import {{ meterWarning }} from {json.dumps(copy.as_uri())};"
        f"const readings = {json.dumps(READINGS)};"
        "console.log(JSON.stringify(readings.map(([item, value, previous]) => meterWarning(item, value, previous))));"
    )
    done = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=True)

    assert json.loads(done.stdout) == [meter_warning(item, value, previous) for item, value, previous in READINGS]
