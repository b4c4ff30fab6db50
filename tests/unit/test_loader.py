"""schemas.loader.Loader must answer exactly as Schema.load does: same result, same errors."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, fields, validate

from schemas import fields as strict
from schemas.api import MutationSchema
from schemas.loader import Loader
from schemas.records import RECORD_FIELDS, Answers

UUID = "0b6a8f3e-2c1d-4e5f-8a9b-0c1d2e3f4a5b"

# Values a device might send for any field: right types, wrong types, edge cases.
values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-200, 200),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(
            [
                UUID,
                UUID.upper(),
                "2026-11-26T08:30:00.000Z",
                "2026-11-26T08:30:00",
                "2026-12-01",
                "pass",
                "fail",
                "open",
                "draft",
                "submitted",
                "fire",
                "high",
                "evidence",
                "inspection",
                "finding",
                "a" * 64,
                "",
                "x" * 600,
                "item1",
                "bad key!",
                "upsert",
                "delete",
            ]
        ),
        st.text(max_size=5),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["lat", "lng", "accuracy", "captured_at", "value", "note", "item1", "x"]), children, max_size=4),
    ),
    max_leaves=8,
)


def outcome(load, data, partial):
    try:
        return "loaded", load(data, partial=partial)
    except ValidationError as error:
        return "refused", error.messages


def schema_load(schema):
    """Schema.load as Loader.load means it: partial lets top-level fields be missing, nested objects stay whole."""
    return lambda data, partial: schema.load(data, partial=tuple(schema.load_fields) if partial else None)


def field_data(schema_class):
    """Objects of the schema's field names (and an unknown one) with any values: mostly refused."""
    names = list(schema_class().load_fields) + ["unknown_field"]
    return st.dictionaries(st.sampled_from(names), values, max_size=len(names))


def plausible(field):
    """Values of the field's own type, nearly all of which it takes."""
    one_of = next((v for v in field.validators if isinstance(v, validate.OneOf)), None)
    if one_of is not None:
        return st.sampled_from([*one_of.choices, "nope"])
    if isinstance(field, fields.Nested):
        return st.one_of(st.none(), plausible_object(type(field.schema)))
    by_type = {
        strict.Uuid: st.sampled_from([UUID, UUID.upper()]),
        strict.Sha256: st.just("ab" * 32),
        strict.UtcDateTime: st.sampled_from(["2026-11-26T08:30:00.000Z", "2026-11-26T16:30:00+08:00"]),
        strict.DateText: st.sampled_from(["2026-12-01", "2026-02-30"]),
        strict.StrictInteger: st.integers(-1, 300),
        strict.StrictNumber: st.one_of(st.integers(-200, 200), st.floats(-200, 200)),
        strict.StrictBoolean: st.booleans(),
        strict.Text: st.text(max_size=8),
        strict.Scalar: st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
        Answers: st.dictionaries(
            st.sampled_from(["item1", "item2", "b.c"]),
            st.one_of(
                st.none(),
                st.fixed_dictionaries({"value": st.sampled_from(["pass", 3, None])}, optional={"note": st.one_of(st.none(), st.text(max_size=5))}),
            ),
        ),
    }
    strategy = by_type.get(type(field), values)
    return st.one_of(st.none(), strategy) if field.allow_none else strategy


def plausible_object(schema_class):
    loaded = schema_class().load_fields
    return st.fixed_dictionaries(
        {name: plausible(field) for name, field in loaded.items() if field.required},
        optional={name: plausible(field) for name, field in loaded.items() if not field.required},
    )


@pytest.mark.parametrize("record_type", sorted(RECORD_FIELDS))
@settings(max_examples=150, deadline=None)
@given(data=st.data(), partial=st.booleans())
def test_record_fields_load_as_the_schema_does(record_type, data, partial):
    schema_class = RECORD_FIELDS[record_type]
    raw = data.draw(plausible_object(schema_class) if data.draw(st.integers(0, 2)) else st.one_of(field_data(schema_class), values))
    schema, loader = schema_class(), Loader(schema_class())
    assert outcome(loader.load, raw, partial) == outcome(schema_load(schema), raw, partial)


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(plausible_object(MutationSchema), field_data(MutationSchema)), partial=st.booleans())
def test_mutation_envelope_loads_as_the_schema_does(raw, partial):
    assert outcome(Loader(MutationSchema()).load, raw, partial) == outcome(schema_load(MutationSchema()), raw, partial)


def test_a_valid_inspection_takes_the_plain_path_and_matches():
    raw = {
        "template_id": UUID,
        "site_id": UUID.upper(),
        "status": "submitted",
        "started_at": "2026-11-26T16:30:00+08:00",
        "answers": {"item1": {"value": "pass", "note": None}, "item2": None},
        "score": 92,
        "location": {"lat": 22.2, "lng": 114.1, "accuracy": 8.5},
    }
    schema_class = RECORD_FIELDS["inspection"]
    loader = Loader(schema_class())
    assert loader.plain
    assert loader.load_plain(raw, partial=False) == schema_class().load(raw)
    assert loader.load_plain(raw, partial=False)["started_at"] == "2026-11-26T08:30:00.000Z"


def test_schemas_with_hooks_always_use_the_schema():
    assert not Loader(RECORD_FIELDS["template"]()).plain  # @validates_schema: unique item keys


def test_an_update_names_only_some_fields_but_each_nested_object_whole():
    loader = Loader(RECORD_FIELDS["template"]())

    assert loader.load({"name": "Renamed"}, partial=True) == {"name": "Renamed"}
    with pytest.raises(ValidationError) as refused:
        loader.load({"items": [{}]}, partial=True)  # was a KeyError inside the unique-keys check
    assert "key" in refused.value.messages["items"][0]
    with pytest.raises(ValidationError):
        Loader(RECORD_FIELDS["finding"]()).load({"location": {"lat": 22.3}}, partial=True)
