"""Spreadsheet exports (issue #14, first part): inspections, findings and rounds as XLSX and CSV, in English or Chinese."""

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import insert, select

from server.extensions import db
from server.models import Record
from tests.api.test_rounds import inspection_for, schedule_now


def export(device, kind, **query):
    return device.client.get(f"/api/v1/exports/{kind}", query_string=query, headers=device.headers)


def rows_of(response):
    assert response.status_code == 200, response.get_json()
    data = response.data
    response.close()
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    return rows


def test_findings_inspections_and_rounds_export_as_spreadsheets(app, estate, office, inspector):
    inspection = inspector.create(
        "inspection",
        {
            "template_id": estate.template,
            "site_id": estate.site,
            "checkpoint_id": estate.checkpoint,
            "status": "submitted",
            "answers": {"seal": {"value": "fail", "note": "Broken"}},
        },
    )
    inspector.create("finding", {"site_id": estate.site, "category": "fire", "title": "Seal broken", "severity": "high", "inspection_id": inspection})
    schedule_id, start = schedule_now(office, estate)
    due = next(
        r
        for r in office.sync_down().values()
        if r["type"] == "round"
        and r["fields"]["schedule_id"] == schedule_id
        and r["fields"]["window_start"].startswith(start.strftime("%Y-%m-%dT%H:%M"))
    )
    inspector.push_one("inspection", {**inspection_for(estate, due["id"]), "presence": {"method": "hand"}})

    findings = rows_of(export(office, "findings"))
    assert findings[0][:3] == ("Finding", "Site", "Place") and len(findings) == 2
    row = dict(zip(findings[0], findings[1], strict=True))
    assert (row["Title"], row["Severity"], row["Category"], row["Status"]) == ("Seal broken", "High", "Fire", "Open")

    chinese = rows_of(export(office, "findings", lang="zh"))
    row = dict(zip(chinese[0], chinese[1], strict=True))
    assert (row["标题"], row["严重程度"], row["状态"]) == ("Seal broken", "严重", "待处理")

    answers = rows_of(export(office, "inspections"))
    by_inspection = [dict(zip(answers[0], values, strict=True)) for values in answers[1:]]
    seal = next(r for r in by_inspection if r["Inspection"] == inspection and r["Item"] == "Seal intact")
    assert (seal["Item"], seal["Answer"], seal["Pass / fail"], seal["Note"]) == ("Seal intact", "Fail", "Fail", "Broken")

    rounds = [dict(zip(r[0], v, strict=True)) for r in [rows_of(export(office, "rounds", lang="en"))] for v in r[1:]]
    done = next(r for r in rounds if r["Round"] == due["id"])
    assert (done["Status"], done["Points done"], done["Points on the route"], done["Chosen by hand (no QR)"]) == ("Done", 1, 1, "HY-A-B1")

    as_csv = export(office, "findings", format="csv", lang="zh")
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert "attachment" in as_csv.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(as_csv.data.decode("utf-8-sig"))))
    assert table[0][0] == "问题" and table[1][6] == "Seal broken"


def test_an_export_names_its_problems_and_stays_with_the_office(app, client, estate, office, inspector):
    yesterday = (datetime.now(UTC) - timedelta(days=400)).date().isoformat()
    assert rows_of(export(office, "findings", to=yesterday)) == [rows_of(export(office, "findings"))[0]]  # nothing that long ago
    assert export(office, "findings", format="pdf").status_code == 422
    assert export(office, "findings", **{"from": "2026-03-02", "to": "2026-03-01"}).status_code == 422
    missing = export(office, "permits")
    assert missing.status_code == 404 and "inspections, findings, rounds" in missing.get_json()["error"]["message"]
    assert export(inspector, "findings").status_code == 403
    assert client.get("/api/v1/exports/findings").status_code == 401


def test_fifty_thousand_findings_export_and_open_in_openpyxl(app, estate, office, inspector):
    made = inspector.create("finding", {"site_id": estate.site, "category": "fire", "title": "Gauge low", "severity": "low"})
    with app.app_context():
        model = db.session.execute(select(Record).where(Record.id == made)).scalar_one()
        copies = [
            {
                "id": str(uuid.uuid4()),
                "type": "finding",
                "version": 1,
                "deleted": False,
                "fields": {**model.fields, "title": f"Gauge low {number}"},
                "stamps": model.stamps,
                "site_id": model.site_id,
                "owner_id": model.owner_id,
            }
            for number in range(49_999)
        ]
        db.session.execute(insert(Record.__table__), copies)
        db.session.commit()
    rows = rows_of(export(office, "findings"))
    assert len(rows) == 50_001 and rows[0][6] == "Title"
    assert {row[6] for row in rows[1:]} >= {"Gauge low", "Gauge low 0", "Gauge low 49998"}
