"""The fields of scheduled rounds: a schedule, the rounds (occurrences) it yields, and the alert a missed one raises.

Office writes schedules. The server alone writes rounds and alerts
(server/services/rounds.py); office marks an alert read. The recurrence rule
is the small JSON form of `sync/recurrence.py`:

    {"every": "day",   "interval": 1, "times": ["08:00", "20:00"]}
    {"every": "week",  "interval": 1, "weekdays": [1, 3, 5], "times": ["09:00"]}   (1 = Monday)
    {"every": "month", "interval": 6, "day": 15, "times": ["09:00"]}                (day -1 = the last)
"""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from schemas.fields import DateText, StrictBoolean, StrictInteger, Text, UtcDateTime, Uuid
from schemas.records.common import NAME, LocationSchema, Translations
from sync.recurrence import RULE_PROBLEM, rule_problem, zone_problem
from sync.workflow import ALERT_WORKFLOW, ROUND_WORKFLOW

SCHEDULE_MODES = ("fixed", "after_completion")  # after_completion: the next round is counted from the last one done
PRESENCE_METHODS = ("qr", "hand")  # how a route point was reached: its label scanned, or chosen from a list
ALERT_KINDS = ("round_missed",)
ROUTE_LENGTH = 50


class Recurrence(fields.Dict):
    """A recurrence rule, checked by `sync.recurrence.rule_problem` so the desk and the server agree."""

    def _deserialize(self, value, attr, data, **kwargs):
        rule = super()._deserialize(value, attr, data, **kwargs)
        if problem := rule_problem(rule):
            raise ValidationError(problem)
        return rule


class ZoneName(Text):
    def _deserialize(self, value, attr, data, **kwargs):
        zone = super()._deserialize(value, attr, data, **kwargs)
        if problem := zone_problem(zone):
            raise ValidationError(problem)
        return zone


class ScheduleFields(Schema):
    site_id = Uuid(required=True)
    name = Text(required=True, **NAME)
    names = Translations()
    template_family_id = Uuid(required=True)  # the first revision's id; a round is done with the family's active revision
    checkpoint_ids = fields.List(Uuid(), required=True, validate=validate.Length(min=1, max=ROUTE_LENGTH))  # the route, in order
    assignee_ids = fields.List(Uuid(), load_default=list, validate=validate.Length(max=100))  # empty: any inspector of the site
    time_zone = ZoneName(max_length=64, allow_none=True)  # None: the server's TIME_ZONE
    recurrence = Recurrence(required=True, metadata={"description": RULE_PROBLEM})
    window_minutes = StrictInteger(minimum=1, maximum=60 * 24 * 31, required=True)
    grace_minutes = StrictInteger(minimum=0, maximum=60 * 24 * 31, load_default=0)
    mode = Text(validate=validate.OneOf(SCHEDULE_MODES), load_default="fixed")
    starts_on = DateText(required=True)
    ends_on = DateText(allow_none=True)
    active = StrictBoolean(load_default=True)

    @validates_schema
    def check_dates(self, schedule, **kwargs):
        if schedule.get("ends_on") and schedule.get("starts_on") and schedule["ends_on"] < schedule["starts_on"]:
            raise ValidationError("ends_on is before starts_on.", "ends_on")
        route = schedule.get("checkpoint_ids") or []
        if len(route) != len(set(route)):
            raise ValidationError("A checkpoint is on the route twice.", "checkpoint_ids")


class PointSchema(Schema):
    """One route point as the server judged it from the inspection done there."""

    checkpoint_id = Uuid(required=True)
    inspection_id = Uuid(required=True)
    method = Text(validate=validate.OneOf(PRESENCE_METHODS))
    code_matched = StrictBoolean(allow_none=True)  # a QR scan whose code is the checkpoint's own
    at = UtcDateTime(as_text=True)  # the submission's time on the server's clock (sync/clock.py)
    timing = Text()  # early, on_time, late, after_missed (sync/recurrence.py judge)
    location = fields.Nested(LocationSchema, allow_none=True)
    by = Uuid(allow_none=True)


class RoundFields(Schema):
    """An occurrence of a schedule. Every field is the server's: no device writes a round."""

    schedule_id = Uuid(required=True)
    site_id = Uuid(required=True)
    template_family_id = Uuid(required=True)
    checkpoint_ids = fields.List(Uuid(), required=True)
    assignee_ids = fields.List(Uuid(), load_default=list)
    slot = Text(required=True)  # the window's start in the schedule's zone, e.g. 2026-12-04T08:00 (part of the id)
    window_start = UtcDateTime(as_text=True, required=True)
    window_end = UtcDateTime(as_text=True, required=True)
    grace_until = UtcDateTime(as_text=True, required=True)
    status = Text(validate=validate.OneOf(ROUND_WORKFLOW.statuses))
    points = fields.List(fields.Nested(PointSchema), load_default=list)
    completed_at = UtcDateTime(as_text=True, allow_none=True)  # when the last route point was done
    missed_at = UtcDateTime(as_text=True, allow_none=True)
    skipped_ids = fields.List(Uuid(), load_default=list)  # route points not done by the end of the grace


class AlertFields(Schema):
    site_id = Uuid(required=True)
    kind = Text(required=True, validate=validate.OneOf(ALERT_KINDS))
    round_id = Uuid(allow_none=True)
    schedule_id = Uuid(allow_none=True)
    assignee_ids = fields.List(Uuid(), load_default=list)
    raised_at = UtcDateTime(as_text=True, required=True)
    status = Text(validate=validate.OneOf(ALERT_WORKFLOW.statuses))


class PresenceSchema(Schema):
    """How an inspector reached a route point: on an inspection done for a round."""

    method = Text(required=True, validate=validate.OneOf(PRESENCE_METHODS))
    code = Text(max_length=200, allow_none=True)  # what the QR label read
    at = UtcDateTime(as_text=True, allow_none=True)
    location = fields.Nested(LocationSchema, allow_none=True)
