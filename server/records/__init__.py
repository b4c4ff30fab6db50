"""The record types the server knows, one declaration each (`RecordType`, in base.py).

    reference.py   site, area, checkpoint, company, template
    inspection.py  inspection
    finding.py     finding
    children.py    photo, comment
    rounds.py      schedule, round, alert

Adding a type: docs/adding-a-record-type.md.
"""

from server.records.base import RecordType, Rejected
from server.records.children import COMMENT, PHOTO
from server.records.finding import FINDING
from server.records.inspection import INSPECTION
from server.records.reference import AREA, CHECKPOINT, COMPANY, SITE, TEMPLATE
from server.records.rounds import ALERT, ROUND, SCHEDULE

REGISTRY: dict[str, RecordType] = {
    record_type.name: record_type
    for record_type in (SITE, AREA, CHECKPOINT, COMPANY, TEMPLATE, INSPECTION, FINDING, COMMENT, PHOTO, SCHEDULE, ROUND, ALERT)
}

__all__ = ["REGISTRY", "RecordType", "Rejected"]
