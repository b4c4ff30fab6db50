"""The fields of an inspection: a round of a template's checklist at a place, with its answers."""

from marshmallow import Schema, ValidationError, fields, validate

from schemas.fields import MAX_TEXT, Scalar, StrictNumber, Text, UtcDateTime, Uuid, scalar_problem
from schemas.records.common import ITEM_KEY, ITEM_KEY_ERROR, ITEM_KEY_PATTERN, LocationSchema
from schemas.records.rounds import PresenceSchema
from sync.workflow import INSPECTION_WORKFLOW


class AnswerSchema(Schema):
    """An inspector's answer to one item."""

    value = Scalar(load_default=None)
    note = Text(allow_none=True)


class Answers(fields.Dict):
    """An inspection's answers: item key to {value, note}, or null to clear it.

    Documented as a mapping of AnswerSchema, but checked by hand: a patrol
    pushed at once carries thousands of answers, and a nested schema load per
    answer was half the cost of a push (bench/sync_speed.py, profiled).
    """

    def __init__(self, **kwargs):
        super().__init__(keys=Text(validate=ITEM_KEY), values=fields.Nested(AnswerSchema, allow_none=True), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError("Not an object of item keys.")
        answers, problems = {}, {}
        for key, answer in value.items():
            if not isinstance(key, str) or not ITEM_KEY_PATTERN.match(key):
                problems[str(key)] = [ITEM_KEY_ERROR]
            elif answer is None:
                answers[key] = None
            elif not isinstance(answer, dict):
                problems[key] = ["An answer is an object with a value and a note."]
            elif errors := answer_errors(answer):
                problems[key] = errors
            else:
                answers[key] = answer if "value" in answer else {"value": None, **answer}
        if problems:
            raise ValidationError(problems)
        return answers


ANSWER_KEYS = frozenset(("value", "note"))


def answer_errors(answer: dict) -> dict:
    value, note = answer.get("value"), answer.get("note")
    note_fits = note is None or (isinstance(note, str) and len(note) <= MAX_TEXT)
    if note_fits and ANSWER_KEYS.issuperset(answer) and scalar_problem(value) is None:
        return {}  # the usual case, told without building anything
    errors = {name: ["Unknown field."] for name in answer if name not in ANSWER_KEYS}
    if (problem := scalar_problem(value)) is not None:
        errors["value"] = [problem]
    if note is not None and not isinstance(note, str):
        errors["note"] = ["Not a valid string."]
    elif not note_fits:
        errors["note"] = [f"At most {MAX_TEXT} characters."]
    return errors


class InspectionFields(Schema):
    template_id = Uuid(required=True)
    site_id = Uuid(required=True)
    area_id = Uuid(allow_none=True)
    checkpoint_id = Uuid(allow_none=True)
    inspector_id = Uuid(allow_none=True)
    status = Text(validate=validate.OneOf(INSPECTION_WORKFLOW.statuses))
    started_at = UtcDateTime(as_text=True, allow_none=True)
    completed_at = UtcDateTime(as_text=True, allow_none=True)
    answers = Answers(load_default=None)
    score = StrictNumber(minimum=0, maximum=100, allow_none=True)
    location = fields.Nested(LocationSchema, allow_none=True)
    review_note = Text(allow_none=True)
    # Done for a scheduled round (schemas/records/rounds.py): which, and how the inspector reached its checkpoint.
    round_id = Uuid(allow_none=True)
    presence = fields.Nested(PresenceSchema, allow_none=True)
