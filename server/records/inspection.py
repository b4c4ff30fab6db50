"""Inspections: an inspector's round of a template's checklist at a site, area or checkpoint.

An inspection starts as a draft, is submitted by its inspector and reviewed
(or sent back) by office staff (`sync.workflow.INSPECTION_MOVES`). Its answers
merge per item key and must fit the template's items.
"""

from schemas.records.inspection import InspectionFields
from server.records.base import ON_SITE, Reads, RecordType, Rejected, Rights, fieldwork_creates
from server.records.read import NOBODY, THEIR_SITES
from server.services.actor import Actor
from sync.checklist import answer_problem
from sync.workflow import INSPECTION_WORKFLOW, Verdict


def inspector_updates(actor: Actor, record, changed: set[str]) -> Verdict:
    """Its inspector edits it until it is reviewed."""
    if actor.role != "inspector" or record.owner_id != actor.user_id:
        return Verdict.FORBIDDEN
    return Verdict.STALE if record.fields.get("status") == "reviewed" else Verdict.ALLOWED


def inspector_deletes(actor: Actor, record) -> Verdict:
    """Its inspector deletes it while it is a draft."""
    if actor.role == "inspector" and record.owner_id == actor.user_id:
        return Verdict.ALLOWED if record.fields.get("status") == "draft" else Verdict.STALE
    return Verdict.FORBIDDEN


def check_answers(batch, fields: dict, written: dict) -> None:
    """The answers written must fit the template's items."""
    answers = {path[8:]: value for path, value in written.items() if path.startswith("answers.")}
    if not answers:
        return
    template = batch.require(fields["template_id"], "template", "template_id")
    items = {item["key"]: item for item in template.fields.get("items", [])}
    problems = {}
    for key, answer in answers.items():
        if answer is None:
            continue
        if key not in items:
            problems[key] = ["No such item in the template."]
        elif (problem := answer_problem(items[key], answer.get("value"))) is not None:
            problems[key] = [problem]
    if problems:
        raise Rejected("invalid", "Some answers do not fit their items.", {"answers": problems})


INSPECTION = RecordType(
    "inspection",
    InspectionFields,
    ON_SITE,
    Reads(staff=THEIR_SITES, contractor=NOBODY),
    Rights(create=fieldwork_creates, update=inspector_updates, delete=inspector_deletes),
    references={"template_id": "template", "site_id": "site", "area_id": "area", "checkpoint_id": "checkpoint", "round_id": "round"},
    same_site=("area_id", "checkpoint_id", "round_id"),
    follow_ups=lambda record_id, fields: [("round", fields["round_id"])] if fields.get("round_id") else [],
    fixed_fields=("inspector_id", "template_id"),
    owner_field="inspector_id",
    workflow=INSPECTION_WORKFLOW,
    created_later=True,
    children=("photo", "comment"),
    kept_maps=("answers",),
    check_values=check_answers,
)
