"""Exports for the office: inspections (one row an answer), findings and rounds of a date range, as XLSX or CSV.

Neither format is built whole in memory. Records come from the database a
page at a time (`yield_per`); CSV goes out row by row as the response is
sent; XlsxWriter, in its constant-memory mode, writes each row to a
temporary file as it comes, and the finished file is sent and removed.
XlsxWriter because it is the established writer of real .xlsx files that
streams; the csv module for CSV, with a byte-order mark so Excel reads its
Chinese as UTF-8.

Headers, statuses, categories and severities are in the caller's language
(English or Chinese). Statuses, categories, severities and pass / fail come
from the PWA's own catalogs (pwa/i18n/<language>.json), so the spreadsheet
says what the screens say; the column headers are this module's, so the
phones' catalogs do not carry words only a spreadsheet needs.
Dates are the server's TIME_ZONE's local dates, both ends included.
"""

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import xlsxwriter
from sqlalchemy import and_, func, or_, select

from schemas.fields import format_utc, parse_utc
from server.extensions import db
from server.models import Record, User
from server.services.actor import Actor
from server.services.rounds import local_days, server_zone
from sync.checklist import item_outcome

CATALOGS = Path(__file__).resolve().parents[2] / "pwa" / "i18n"
LANGUAGES = ("en", "zh")
FORMATS = ("xlsx", "csv")
PAGE = 1000
XLSX_ROWS = 1_048_576  # a sheet's rows in Excel, the header's included
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TooManyRows(ValueError):
    pass


@cache
def catalog(language: str) -> dict:
    return json.loads((CATALOGS / f"{language}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    zh: str


@dataclass(frozen=True)
class Sheet:
    """One kind of export: its record type, the field its date range is on, its columns and how a record becomes rows."""

    record_type: str
    time_fields: tuple[str, ...]  # the first present is the record's time (a finding reported offline has reported_at)
    columns: tuple[Column, ...]
    rows: Callable[["Names", dict, str], Iterator[list]]


class Names:
    """What the ids in a record stand for, loaded once per export: places, companies, templates, schedules, people."""

    def __init__(self):
        query = select(Record.id, Record.fields).where(
            Record.type.in_(("site", "area", "checkpoint", "company", "template", "schedule")), Record.deleted.is_(False)
        )
        self.records = dict(db.session.execute(query).all())
        self.people = dict(db.session.execute(select(User.id, User.name)).all())

    def fields(self, record_id: str | None) -> dict:
        return self.records.get(record_id) or {}

    def name(self, record_id: str | None, language: str) -> str:
        fields = self.fields(record_id)
        return (fields.get("names") or {}).get(language) or fields.get("name") or ""

    def checkpoint(self, record_id: str | None, language: str) -> str:
        """A checkpoint by its printed code, else its name."""
        return self.fields(record_id).get("code") or self.name(record_id, language)

    def person(self, user_id: str | None) -> str:
        return self.people.get(user_id, "")


def word(language: str, prefix: str, value) -> str:
    """A status, category or severity (or, with no prefix, pass / fail / na) as the screens say it."""
    if value is None:
        return ""
    return catalog(language).get(f"{prefix}_{value}" if prefix else str(value), str(value))


def local_time(value: str | None) -> str:
    if not value:
        return ""
    return parse_utc(value).astimezone(server_zone()).strftime("%Y-%m-%d %H:%M")


# The three sheets.


INSPECTION_COLUMNS = (
    Column("inspection", "Inspection", "巡检记录"),
    Column("site", "Site", "项目"),
    Column("area", "Place", "位置"),
    Column("checkpoint", "Checkpoint", "巡检点"),
    Column("template", "Checklist", "检查表"),
    Column("inspector", "Inspector", "巡检员"),
    Column("status", "Status", "状态"),
    Column("started", "Started", "开始时间"),
    Column("completed", "Completed", "完成时间"),
    Column("score", "Score", "得分"),
    Column("item", "Item", "检查项"),
    Column("answer", "Answer", "结果"),
    Column("outcome", "Pass / fail", "判定"),
    Column("note", "Note", "备注"),
)


def inspection_rows(names: Names, record: dict, language: str) -> Iterator[list]:
    fields = record["fields"]
    template = names.fields(fields.get("template_id"))
    head = [
        record["id"],
        names.name(fields.get("site_id"), language),
        names.name(fields.get("area_id"), language),
        names.checkpoint(fields.get("checkpoint_id"), language),
        f"{names.name(fields.get('template_id'), language)} r{template.get('revision', 1)}",
        names.person(record["owner_id"]),
        word(language, "status", fields.get("status")),
        local_time(fields.get("started_at")),
        local_time(fields.get("completed_at")),
        fields.get("score"),
    ]
    answers = fields.get("answers") or {}
    items = [item for item in template.get("items") or [] if item.get("kind") != "photo"]
    if not items:
        yield head + ["", "", "", ""]
        return
    for item in items:
        answer = answers.get(item["key"]) or {}
        value = answer.get("value")
        label = (item.get("labels") or {}).get(language) or item.get("label") or item["key"]
        outcome = item_outcome(item, value)
        shown = word(language, "", value) if item.get("kind") == "pass_fail" else value
        yield head + [label, "" if value is None else shown, word(language, "", outcome) if outcome else "", answer.get("note") or ""]


FINDING_COLUMNS = (
    Column("finding", "Finding", "问题"),
    Column("site", "Site", "项目"),
    Column("area", "Place", "位置"),
    Column("checkpoint", "Checkpoint", "巡检点"),
    Column("category", "Category", "类别"),
    Column("severity", "Severity", "严重程度"),
    Column("title", "Title", "标题"),
    Column("description", "Description", "描述"),
    Column("status", "Status", "状态"),
    Column("company", "Contractor", "整改单位"),
    Column("due", "Due", "整改期限"),
    Column("reported", "Reported", "上报时间"),
    Column("reporter", "Reported by", "上报人"),
    Column("fix_note", "Fix note", "整改说明"),
    Column("closed", "Closed", "关闭时间"),
)


def finding_rows(names: Names, record: dict, language: str) -> Iterator[list]:
    fields = record["fields"]
    closed = next((step.get("at") for step in reversed(fields.get("status_history") or []) if step.get("status") == "closed"), None)
    yield [
        record["id"],
        names.name(fields.get("site_id"), language),
        names.name(fields.get("area_id"), language),
        names.checkpoint(fields.get("checkpoint_id"), language),
        word(language, "category", fields.get("category")),
        word(language, "severity", fields.get("severity")),
        fields.get("title") or "",
        fields.get("description") or "",
        word(language, "status", fields.get("status")),
        names.name(fields.get("company_id"), language),
        fields.get("due_date") or "",
        local_time(fields.get("reported_at") or fields.get("received_at")),
        names.person(fields.get("created_by") or record["owner_id"]),
        fields.get("fix_note") or "",
        local_time(closed) if fields.get("status") == "closed" else "",
    ]


ROUND_COLUMNS = (
    Column("round", "Round", "巡检任务"),
    Column("site", "Site", "项目"),
    Column("schedule", "Schedule", "巡检计划"),
    Column("window_start", "Window opens", "开始"),
    Column("window_end", "Window closes", "结束"),
    Column("status", "Status", "状态"),
    Column("points", "Points done", "已巡点数"),
    Column("route", "Points on the route", "路线点数"),
    Column("skipped", "Skipped points", "漏巡点"),
    Column("by_hand", "Chosen by hand (no QR)", "手动选择(未扫码)"),
    Column("completed", "Completed", "完成时间"),
)


def round_rows(names: Names, record: dict, language: str) -> Iterator[list]:
    fields = record["fields"]
    points = fields.get("points") or []
    yield [
        record["id"],
        names.name(fields.get("site_id"), language),
        names.name(fields.get("schedule_id"), language),
        local_time(fields.get("window_start")),
        local_time(fields.get("window_end")),
        word(language, "status", fields.get("status")),
        len({point["checkpoint_id"] for point in points}),
        len(fields.get("checkpoint_ids") or []),
        ", ".join(names.checkpoint(checkpoint, language) for checkpoint in fields.get("skipped_ids") or []),
        ", ".join(names.checkpoint(point["checkpoint_id"], language) for point in points if point.get("method") == "hand"),
        local_time(fields.get("completed_at")),
    ]


SHEETS = {
    "inspections": Sheet("inspection", ("started_at", "completed_at"), INSPECTION_COLUMNS, inspection_rows),
    "findings": Sheet("finding", ("reported_at", "received_at"), FINDING_COLUMNS, finding_rows),
    "rounds": Sheet("round", ("window_start",), ROUND_COLUMNS, round_rows),
}


# Reading and writing.


def records_in_range(actor: Actor, sheet: Sheet, site_id: str | None, first: date, last: date) -> Iterator[dict]:
    """The sheet's records within the actor's sites whose time falls in the local dates, oldest first, a page at a time."""
    start, end = local_days(first, last)
    # Stored times are all canonical UTC text of one width (schemas.fields.UtcDateTime), so they compare as text.
    # A record with none of its time fields is placed by when the server first stored it.
    times = [Record.fields[name].as_string() for name in sheet.time_fields]
    moment = func.coalesce(*times) if len(times) > 1 else times[0]
    in_range = or_(
        and_(moment >= format_utc(start), moment < format_utc(end)),
        and_(moment.is_(None), Record.created_at >= start, Record.created_at < end),
    )
    query = (
        select(Record.id, Record.fields, Record.owner_id)
        .where(Record.type == sheet.record_type, Record.deleted.is_(False), in_range)
        .order_by(moment, Record.id)
    )
    if actor.site_ids is not None:
        query = query.where(Record.site_id.in_(actor.site_ids))
    if site_id:
        query = query.where(Record.site_id == site_id)
    for record_id, fields, owner_id in db.session.execute(query.execution_options(yield_per=PAGE)):
        yield {"id": record_id, "fields": fields, "owner_id": owner_id}


def table(actor: Actor, kind: str, site_id: str | None, first: date, last: date, language: str) -> Iterator[list]:
    """The header row, then every row of the export."""
    sheet = SHEETS[kind]
    names = Names()
    yield [getattr(column, language) for column in sheet.columns]
    for record in records_in_range(actor, sheet, site_id, first, last):
        yield from sheet.rows(names, record, language)


def as_text_cell(value):
    """A CSV cell a spreadsheet will not run: text that would start a formula gets a leading apostrophe (OWASP's advice)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_chunks(rows: Iterator[list]) -> Iterator[bytes]:
    """CSV as it is made, a few hundred rows a chunk, with a byte-order mark for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    for number, row in enumerate(rows, start=1):
        writer.writerow([as_text_cell(value) for value in row])
        if number % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_file(rows: Iterator[list], title: str) -> str:
    """The rows written to a temporary .xlsx file in constant memory; its path (the caller removes it)."""
    handle, path = tempfile.mkstemp(prefix="ep-export-", suffix=".xlsx")
    os.close(handle)
    # A title such as =HYPERLINK(...) stays text: an export never carries a formula or link somebody typed.
    options = {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(path, options)
    worksheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True})
    try:
        for number, row in enumerate(rows):
            if number == 0:
                worksheet.write_row(0, 0, row, bold)
                worksheet.freeze_panes(1, 0)
            elif worksheet.write_row(number, 0, ["" if value is None else value for value in row]) == -1:
                raise TooManyRows(f"More than {XLSX_ROWS - 1:,} rows do not fit in one sheet: choose fewer days, or CSV.")
    except BaseException:
        workbook.close()
        os.remove(path)
        raise
    workbook.close()
    return path
