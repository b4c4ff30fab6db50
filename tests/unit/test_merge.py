"""The merge engine on its own: properties that must hold for any edits."""

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.merge import FieldsState, FieldStamp, Stamp, apply_edit, flatten, merge_edit, unflatten

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
FIELDS = ("title", "severity", "answers.a", "answers.b")
DEVICES = ("d1", "d2", "d3")

edits = st.lists(
    st.tuples(
        st.sampled_from(DEVICES),
        st.dictionaries(st.sampled_from(FIELDS), st.sampled_from(("x", "y", "z", None)), min_size=1, max_size=3),
        st.integers(min_value=0, max_value=50),
    ),
    min_size=1,
    max_size=6,
)


def created() -> FieldsState:
    stamp = Stamp(T0, "creator", "m-create")
    values = {"title": "t", "severity": "low"}
    return FieldsState(1, values, {path: FieldStamp(stamp, 1) for path in values})


def concurrent_edits(raw):
    """Edits all made on version 1, each with its own mutation id."""
    return [(fields, Stamp(T0 + timedelta(seconds=seconds), device, f"m{index}")) for index, (device, fields, seconds) in enumerate(raw)]


def run(state, edit_list):
    conflicts = []
    for fields, stamp in edit_list:
        state, merge = apply_edit(state, fields, stamp, base_version=1)
        conflicts.extend(merge.conflicts)
    return state, conflicts


@settings(max_examples=200, deadline=None)
@given(edits, st.randoms())
def test_concurrent_edits_end_the_same_in_any_arrival_order(raw, random):
    edit_list = concurrent_edits(raw)
    shuffled = list(edit_list)
    random.shuffle(shuffled)

    first, _ = run(created(), edit_list)
    second, _ = run(created(), shuffled)

    assert first.values == second.values


@settings(max_examples=200, deadline=None)
@given(edits)
def test_each_field_ends_with_the_latest_concurrent_value(raw):
    edit_list = concurrent_edits(raw)

    final, _ = run(created(), edit_list)

    for path in FIELDS:
        writers = [(stamp.order(), fields[path]) for fields, stamp in edit_list if path in fields]
        if writers:
            assert final.values[path] == max(writers)[1]


@settings(max_examples=200, deadline=None)
@given(edits)
def test_applying_an_edit_twice_changes_nothing_more(raw):
    edit_list = concurrent_edits(raw)
    once, _ = run(created(), edit_list)

    twice, conflicts = run(once, edit_list[-1:])

    assert twice.values == once.values
    assert twice.version == once.version


@settings(max_examples=200, deadline=None)
@given(edits, st.randoms())
def test_every_value_that_lost_to_another_device_is_kept_as_a_conflict(raw, random):
    edit_list = concurrent_edits(raw)
    random.shuffle(edit_list)

    final, conflicts = run(created(), edit_list)

    kept = {(c.field, c.lost.mid) for c in conflicts} | {(c.field, c.kept.mid) for c in conflicts}
    for path in FIELDS:
        # A device's own later edit replaces its earlier one; only its last value can be lost.
        last_by_device = {}
        for fields, stamp in sorted(edit_list, key=lambda edit: edit[1].order()):
            if path in fields:
                last_by_device[stamp.device_id] = (fields[path], stamp)
        winner = final.stamps[path].stamp if path in final.stamps else None
        for value, stamp in last_by_device.values():
            if final.values.get(path) != value and winner.device_id != stamp.device_id:
                assert (path, stamp.mid) in kept, (path, value, stamp)


def test_a_field_unchanged_since_the_base_version_takes_the_edit_whatever_its_time():
    state = created()
    late = Stamp(T0 + timedelta(hours=1), "d1", "m1")
    state, _ = apply_edit(state, {"title": "from d1"}, late, base_version=1)
    # d2 saw version 2 and edits after it, though its clock says earlier.
    early = Stamp(T0, "d2", "m2")

    state, merge = apply_edit(state, {"title": "from d2"}, early, base_version=2)

    assert state.values["title"] == "from d2"
    assert merge.conflicts == []


def test_edits_of_different_fields_both_survive():
    state = created()
    state, _ = apply_edit(state, {"title": "new title"}, Stamp(T0 + timedelta(seconds=5), "d1", "m1"), 1)

    state, merge = apply_edit(state, {"severity": "high"}, Stamp(T0 + timedelta(seconds=1), "d2", "m2"), 1)

    assert state.values == {"title": "new title", "severity": "high"}
    assert merge.lost == []


def test_an_older_concurrent_edit_loses_and_is_kept_as_a_conflict():
    state = created()
    state, _ = apply_edit(state, {"title": "later"}, Stamp(T0 + timedelta(seconds=9), "d1", "m1"), 1)

    state, merge = apply_edit(state, {"title": "earlier"}, Stamp(T0 + timedelta(seconds=2), "d2", "m2"), 1)

    assert state.values["title"] == "later"
    assert merge.lost == ["title"]
    assert [(c.kept_value, c.lost_value) for c in merge.conflicts] == [("later", "earlier")]


def test_a_tie_in_time_goes_to_the_larger_device_id_then_the_larger_mid():
    stamp_a = Stamp(T0, "device-a", "m9")
    stamp_b = Stamp(T0, "device-b", "m1")
    stamp_b2 = Stamp(T0, "device-b", "m2")

    assert max(stamp_a, stamp_b, key=Stamp.order) is stamp_b
    assert max(stamp_b, stamp_b2, key=Stamp.order) is stamp_b2


def test_answers_merge_per_item_key():
    paths = flatten({"answers": {"a": {"value": "pass"}, "b": {"value": 3}}, "score": 80})

    assert paths == {"answers.a": {"value": "pass"}, "answers.b": {"value": 3}, "score": 80}
    assert unflatten(paths) == {"answers": {"a": {"value": "pass"}, "b": {"value": 3}}, "score": 80}


def test_a_devices_own_sequential_edits_are_not_conflicts():
    creation = Stamp(T0, "d1", "m0")
    state = FieldsState(1, {"title": "t"}, {"title": FieldStamp(creation, 1)})
    first = Stamp(T0 + timedelta(seconds=1), "d1", "m1")
    second = Stamp(T0 + timedelta(seconds=2), "d1", "m2")
    for order in itertools.permutations([("one", first), ("two", second)]):
        current = state
        all_conflicts = []
        for value, stamp in order:
            current, merge = apply_edit(current, {"title": value}, stamp, None)
            all_conflicts += merge.conflicts
        assert current.values["title"] == "two"
        assert all_conflicts == []
    assert merge_edit(state.values, state.stamps, {}, first, 1).values == {}


def test_a_null_merged_map_has_no_paths():
    assert flatten({"answers": None, "score": 80}) == {"score": 80}
    assert unflatten(flatten({"answers": {"a": {"value": 1}, "b": None}})) == {"answers": {"a": {"value": 1}}}
