"""Clock correction, the status machines and checklist answers, on their own."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sync.checklist import answer_problem, item_outcome
from sync.clock import clock_offset, corrected_edit_time
from sync.workflow import Verdict, check_move

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_a_small_gap_is_network_delay_and_is_not_corrected():
    assert clock_offset(NOW - timedelta(seconds=90), NOW) == timedelta(0)


def test_a_clock_an_hour_behind_is_shifted_forward():
    offset = clock_offset(NOW - timedelta(hours=1), NOW)

    assert corrected_edit_time(NOW - timedelta(hours=1, minutes=5), offset, NOW) == NOW - timedelta(minutes=5)


def test_no_edit_is_later_than_its_arrival():
    assert corrected_edit_time(NOW + timedelta(minutes=1), timedelta(0), NOW) == NOW


def test_a_contractor_may_mark_an_assigned_finding_fixed_but_never_close_it():
    assert check_move("finding", "contractor", "assigned", "fixed") is Verdict.ALLOWED
    assert check_move("finding", "contractor", "fixed", "closed") is Verdict.FORBIDDEN


def test_a_fix_on_a_closed_finding_is_stale_not_forbidden():
    assert check_move("finding", "contractor", "closed", "fixed") is Verdict.STALE


def test_office_closes_only_a_fixed_finding():
    assert check_move("finding", "office", "fixed", "closed") is Verdict.ALLOWED
    assert check_move("finding", "office", "open", "closed") is Verdict.STALE


def test_an_inspector_submits_but_does_not_review():
    assert check_move("inspection", "inspector", "draft", "submitted") is Verdict.ALLOWED
    assert check_move("inspection", "inspector", "submitted", "reviewed") is Verdict.FORBIDDEN


def test_a_reading_outside_its_limits_counts_as_a_fail():
    gauge = {"kind": "number", "min": 1.0, "max": 1.4}

    assert item_outcome(gauge, 0.8) == "fail"
    assert item_outcome(gauge, 1.2) == "pass"
    assert answer_problem(gauge, 0.8) is None


def test_answers_must_fit_their_item_kind():
    assert answer_problem({"kind": "pass_fail"}, "maybe")
    assert answer_problem({"kind": "score", "min": 1, "max": 5}, 6)
    assert answer_problem({"kind": "score", "min": 1, "max": 5}, True)
    assert answer_problem({"kind": "choice", "choices": ["ok"]}, "stuck")
    assert answer_problem({"kind": "text"}, 3)
    assert answer_problem({"kind": "pass_fail"}, None) is None


def test_the_sync_engine_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, sync.merge, sync.clock, sync.workflow, sync.checklist; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'server', 'marshmallow')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_no_module_of_the_sync_engine_imports_flask_or_sqlalchemy():
    code = (
        "import importlib, pkgutil, sys, sync; "
        "[importlib.import_module(f'sync.{m.name}') for m in pkgutil.iter_modules(sync.__path__)]; "
        "assert 'sync.stamps' in sys.modules; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'server', 'marshmallow')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
