"""What an answer to a checklist item may be, and whether it passes.

A reading outside a number item's limits counts as a fail, as on paper: the
inspector records what the gauge shows, and the limits decide. A meter item's
reading that went down or jumped is a warning to confirm, never a fail. The PWA's
pwa/checklist.js is the same rule for the screens; tests/unit/test_checklist_rule.py
runs both on the same answers.
"""

from typing import Any

PASS_FAIL_VALUES = ("pass", "fail", "na")


def answer_problem(item: dict, value: Any) -> str | None:
    """Why `value` cannot answer `item`, or None when it can. None always can (unanswered)."""
    if value is None:
        return None
    kind = item.get("kind")
    if kind == "pass_fail" and value not in PASS_FAIL_VALUES:
        return "Answer pass, fail or na."
    if kind == "score":
        if isinstance(value, bool) or not isinstance(value, int):
            return "A score is a whole number."
        if not item["min"] <= value <= item["max"]:
            return f"A score is between {item['min']} and {item['max']}."
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return "A reading is a number."
    if kind == "text" and not isinstance(value, str):
        return "Answer with text."
    if kind == "choice" and value not in (item.get("choices") or ()):
        return "Answer with one of the item's choices."
    return None


def item_outcome(item: dict, value: Any) -> str | None:
    """'pass', 'fail' or 'na' for an answered item; None when it has no verdict."""
    kind = item.get("kind")
    if value is None:
        return None
    if kind == "pass_fail":
        return value
    if kind == "number":
        low, high = item.get("min"), item.get("max")
        out_of_range = (low is not None and value < low) or (high is not None and value > high)
        return "fail" if out_of_range else "pass"
    if kind == "score":
        return "pass" if value > (item["min"] + item["max"]) / 2 else "fail"
    return None


def meter_warning(item: dict, value: Any, previous: Any) -> str | None:
    """'went_down' or 'jumped' when a meter reading needs a second look; None when it looks right.

    A meter only counts up, so a reading below the previous one, or above the
    previous times the item's max_jump_ratio, is likely a misread or a typing
    slip. It is only a warning to confirm, never a fail or a rejection: meters
    get replaced and reset, and the inspector records what the dial shows.
    """
    if not item.get("meter") or item.get("kind") != "number":
        return None
    if not all(isinstance(reading, (int, float)) and not isinstance(reading, bool) for reading in (value, previous)):
        return None
    if value < previous:
        return "went_down"
    ratio = item.get("max_jump_ratio")
    if ratio is not None and previous > 0 and value > previous * ratio:
        return "jumped"
    return None


def score(items: list[dict], answers: dict | None) -> int | None:
    """Percentage of judged items that passed (rounded half up, as JavaScript's Math.round); None when nothing was judged."""
    outcomes = [item_outcome(item, ((answers or {}).get(item["key"]) or {}).get("value")) for item in items]
    judged = [outcome for outcome in outcomes if outcome in ("pass", "fail")]
    if not judged:
        return None
    return int(100 * judged.count("pass") / len(judged) + 0.5)
