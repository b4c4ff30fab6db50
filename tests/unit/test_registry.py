"""Every record type's declaration is whole: a piece left out is a red test here, not a silent drop or a 500 in a push.

The checks follow docs/adding-a-record-type.md; each names the type and the piece.
"""

import pytest
from marshmallow import fields as ma_fields
from marshmallow import validate

from schemas.records import RECORD_FIELDS
from server.records import REGISTRY
from server.records.base import ON_PARENT, ON_SITE, PLACES, ReadRule, Reads, Rights
from sync.merge import MERGED_MAPS
from sync.workflow import WORKFLOWS, Workflow

TYPES = sorted(REGISTRY)


def schema_fields(record_type) -> dict:
    return record_type.schema().load_fields


def choices(field) -> tuple:
    return next((tuple(v.choices) for v in field.validators if isinstance(v, validate.OneOf)), ())


def test_the_registry_and_the_schemas_list_the_same_types():
    assert sorted(RECORD_FIELDS) == TYPES
    for name, record_type in REGISTRY.items():
        assert record_type.name == name
        assert record_type.schema is RECORD_FIELDS[name], f"{name}: its schema is not the one schemas/records lists"


@pytest.mark.parametrize("name", TYPES)
def test_a_type_declares_its_place_reads_and_rights(name):
    record_type = REGISTRY[name]
    assert record_type.place in PLACES, f"{name}: place must be one of {PLACES}"
    assert isinstance(record_type.reads, Reads), f"{name}: reads"
    assert isinstance(record_type.reads.staff, ReadRule) and isinstance(record_type.reads.contractor, ReadRule), f"{name}: a read rule per audience"
    assert isinstance(record_type.rights, Rights), f"{name}: rights"
    for verdict in ("create", "update", "delete"):
        assert callable(getattr(record_type.rights, verdict)), f"{name}: rights.{verdict}"
    for hook in ("check_create", "check_change", "check_values", "status_needs", "implied_status", "stale_change"):
        assert getattr(record_type, hook) is None or callable(getattr(record_type, hook)), f"{name}: {hook}"


@pytest.mark.parametrize("name", TYPES)
def test_every_field_a_type_names_is_one_of_its_fields(name):
    record_type = REGISTRY[name]
    names = set(schema_fields(record_type))
    named = {
        "references": set(record_type.references),
        "same_site": set(record_type.same_site),
        "fixed_fields": set(record_type.fixed_fields),
        "edit_time_fields": set(record_type.edit_time_fields),
        "kept_maps": set(record_type.kept_maps),
    }
    for single in ("owner_field", "company_field", "parent_field", "blob_field", "receipt_time_of"):
        if getattr(record_type, single):
            named[single] = {getattr(record_type, single)}
    for piece, fields in named.items():
        assert fields <= names, f"{name}: {piece} names {sorted(fields - names)}, not fields of its schema"
    if record_type.receipt_time_of:
        received = record_type.schema().dump_fields.get("received_at")
        assert received is not None and received.dump_only, f"{name}: receipt_time_of needs a dump-only received_at field"
    assert set(record_type.kept_maps) <= MERGED_MAPS, f"{name}: kept_maps must be maps the merge merges per key"
    assert set(record_type.same_site) <= set(record_type.references), f"{name}: same_site fields must be references"
    for field_name in (record_type.company_field, record_type.parent_field):
        assert field_name is None or field_name in record_type.references, f"{name}: {field_name} must be a reference"


@pytest.mark.parametrize("name", TYPES)
def test_every_field_naming_a_record_is_a_declared_reference(name):
    record_type = REGISTRY[name]
    for field_name, target in record_type.references.items():
        assert target in REGISTRY, f"{name}.{field_name} refers to an unknown type {target}"
    for field_name in schema_fields(record_type):
        prefix = field_name.removesuffix("_id")
        if field_name.endswith("_id") and prefix in REGISTRY:
            assert record_type.references.get(field_name) == prefix, f"{name}.{field_name} names a {prefix}: declare it in references"


@pytest.mark.parametrize("name", TYPES)
def test_a_type_with_a_site_field_takes_its_place_from_it(name):
    record_type = REGISTRY[name]
    fields = schema_fields(record_type)
    if "site_id" in fields:
        assert record_type.place == ON_SITE, f"{name} has a site_id: its place must be ON_SITE, or no one limited to sites sees it"
        assert fields["site_id"].required, f"{name}.site_id must be required"
    if record_type.place == ON_SITE:
        assert record_type.references.get("site_id") == "site", f"{name}: ON_SITE needs a site_id reference"
        for field_name in record_type.same_site:
            assert REGISTRY[record_type.references[field_name]].place == ON_SITE, f"{name}.{field_name}: same_site of a type with no site"


@pytest.mark.parametrize("name", TYPES)
def test_children_and_parents_name_each_other(name):
    record_type = REGISTRY[name]
    fields = schema_fields(record_type)
    if record_type.place == ON_PARENT:
        assert {"parent_type", "parent_id"} <= set(fields), f"{name}: ON_PARENT needs parent_type and parent_id fields"
        parents = choices(fields["parent_type"])
        assert parents, f"{name}.parent_type must list its parent types (OneOf)"
        for parent in parents:
            assert parent in REGISTRY and name in REGISTRY[parent].children, f"{name} hangs on {parent}: list it in {parent}'s children"
    for child in record_type.children:
        assert child in REGISTRY and REGISTRY[child].place == ON_PARENT, f"{name}'s child {child} must be an ON_PARENT type"
        assert name in choices(schema_fields(REGISTRY[child])["parent_type"]), f"{child}.parent_type must accept {name}"


@pytest.mark.parametrize("name", TYPES)
def test_a_type_with_a_status_has_a_workflow_with_the_same_statuses(name):
    record_type = REGISTRY[name]
    fields = schema_fields(record_type)
    if "status" not in fields:
        assert record_type.workflow is None and name not in WORKFLOWS, f"{name} has a workflow but no status field"
        assert record_type.status_needs is None and record_type.implied_status is None, f"{name}: status checks without a status"
        assert record_type.stale_change is None, f"{name}: stale_change is told the status a change moves to; it has none"
        assert not record_type.unassigned_statuses, f"{name}: unassigned_statuses without a status"
        return
    assert isinstance(record_type.workflow, Workflow), f"{name} has a status field: declare its workflow (sync/workflow.py)"
    assert WORKFLOWS.get(name) is record_type.workflow, f"{name}: sync.workflow.WORKFLOWS must hold its workflow"
    assert set(record_type.unassigned_statuses) <= set(record_type.workflow.statuses), f"{name}: unassigned_statuses"
    assert record_type.company_field or not record_type.unassigned_statuses, f"{name}: unassigned_statuses without a company_field"
    assert isinstance(fields["status"], ma_fields.String) and choices(fields["status"]) == record_type.workflow.statuses, (
        f"{name}.status must accept exactly its workflow's statuses"
    )


def test_every_workflow_belongs_to_a_registered_type():
    assert set(WORKFLOWS) <= set(REGISTRY)
