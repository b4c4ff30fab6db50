"""Scheduled rounds: office's schedules, the rounds (occurrences) the server makes of them, and missed-round alerts.

Office writes a schedule; the server makes its rounds a horizon ahead and
judges each from the inspections done for it (server/services/rounds.py);
a missed round raises one alert, which office marks read. Inspectors read
all three on their sites; contractors read none.
"""

from schemas.records.rounds import AlertFields, RoundFields, ScheduleFields
from server.records.base import ON_SITE, Reads, RecordType, Rejected, Rights, office_creates, office_only, system_only
from server.records.read import NOBODY, THEIR_SITES
from sync.workflow import ALERT_WORKFLOW, ROUND_WORKFLOW


def check_route(batch, fields: dict, written: dict) -> None:
    """Every point of the route is a checkpoint of the schedule's site; its template family is one."""
    problems = {}
    for index, checkpoint_id in enumerate(fields.get("checkpoint_ids") or []):
        checkpoint = batch.require(checkpoint_id, "checkpoint", "checkpoint_ids")
        if checkpoint.site_id != fields["site_id"]:
            problems[str(index)] = ["On another site."]
    if problems:
        raise Rejected("invalid", "Some checkpoints of the route are on another site.", {"checkpoint_ids": problems})


def refresh_schedule(schedule_id: str, sources: set[str]) -> None:
    from server.services.rounds import plan_schedule

    plan_schedule(schedule_id)


def refresh_round(round_id: str, sources: set[str]) -> None:
    from server.services.rounds import judge_round

    judge_round(round_id, sources)


def only_status_changes(record, changed: set[str]) -> None:
    """An alert says what happened; only whether it was read changes."""
    if changed - {"status"}:
        raise Rejected("forbidden", "Only an alert's status changes.", {name: ["Set by the server."] for name in sorted(changed - {"status"})})


SCHEDULE = RecordType(
    "schedule",
    ScheduleFields,
    ON_SITE,
    Reads(staff=THEIR_SITES, contractor=NOBODY),
    Rights(create=office_creates, update=office_only, delete=office_only),
    references={"site_id": "site", "template_family_id": "template"},
    fixed_fields=("site_id",),  # its rounds stay on their site: a schedule for another site is a new schedule
    check_values=check_route,
    # A schedule written (made, edited, ended) has its rounds planned again at once, not at the next tick.
    follow_ups=lambda record_id, fields: [("schedule", record_id)],
    refresh=refresh_schedule,
)

ROUND = RecordType(
    "round",
    RoundFields,
    ON_SITE,
    Reads(staff=THEIR_SITES, contractor=NOBODY),
    Rights(create=system_only, update=system_only, delete=system_only),
    references={"schedule_id": "schedule", "site_id": "site", "template_family_id": "template"},
    parent_field="schedule_id",  # its row's parent key: a schedule's rounds are found by an index
    server_written=True,
    workflow=ROUND_WORKFLOW,
    refresh=refresh_round,
)

ALERT = RecordType(
    "alert",
    AlertFields,
    ON_SITE,
    Reads(staff=THEIR_SITES, contractor=NOBODY),
    Rights(create=system_only, update=office_only, delete=system_only),
    references={"site_id": "site", "round_id": "round", "schedule_id": "schedule"},
    parent_field="round_id",
    kept=True,
    workflow=ALERT_WORKFLOW,
    check_change=only_status_changes,
)
