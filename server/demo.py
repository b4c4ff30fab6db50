"""The demo estate: enough of a real estate to walk every role through the loop.

Everything is written through the same code path as a device's push, with
the same rules, so the demo can never hold a state the server would refuse.
"""

import hashlib
import io
import itertools
import uuid
from datetime import date, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from schemas.fields import format_utc, parse_utc
from server.extensions import db
from server.models import Blob, Record, User, utcnow
from server.packs import PACKS, install_pack
from server.services import accounts, blobs, rounds
from server.services.actor import Actor
from server.services.mutations import Batch, apply_server_edit

PASSWORD = "demo-patrol"
SITE_NAME = "Harbour View Gardens"
COMPANY_TRADES = {"Safeguard Fire Services": "fire", "Evergreen Landscaping": "greening"}


def seed() -> list[tuple[str, str]]:
    """Load the demo estate once; the users made, or [] when it was there already."""
    existing = db.session.execute(select(Record).where(Record.type == "site")).scalars()
    if any(site.fields.get("name") == SITE_NAME for site in existing):
        return []
    users = [
        ("admin", "admin", "Estate administrator", None),
        ("office", "office", "Mei Lin (customer service)", None),
        ("inspector", "inspector", "Wang Jun (patrol)", None),
        ("inspector2", "inspector", "Chen Hui (patrol)", None),
        ("fireco", "contractor", "Li Qiang (Safeguard Fire)", "Safeguard Fire Services"),
        ("greenco", "contractor", "Zhao Min (Evergreen)", "Evergreen Landscaping"),
    ]
    made = {}
    writer = DemoWriter(made)
    for username, role, name, company in users:
        if db.session.execute(select(User).where(User.username == username)).scalar_one_or_none():
            raise RuntimeError(f"user {username} exists already; seed the demo into a fresh database")
        if company:  # the office enters the company before its people get accounts, so the admin is its author
            writer.put("company", {"name": company, "trade": COMPANY_TRADES[company]})
        made[username] = accounts.create_user(username, role, PASSWORD, name=name, company=company)
    estate = build_estate(writer)
    for pack in PACKS:
        install_pack(pack, SITE_NAME, starts_on=date.today() - timedelta(days=8), actor=writer.actor("admin"))  # history from a week ago
    build_findings(writer, estate, made, lobby_round=build_inspection(writer, estate))
    build_rounds_history(writer)
    return [(username, role) for username, role, _, _ in users]


class DemoWriter:
    """Writes records as a given demo user, failing loudly if any rule refuses."""

    def __init__(self, users: dict[str, User]):
        self.users = users
        self.batch = Batch()  # the demo's records, each loaded once however often it is referred to

    def actor(self, username: str) -> Actor:
        user = self.users[username]
        return Actor(user_id=user.id, role=user.role, device_id=accounts.SYSTEM_DEVICE, company_id=user.company_id)

    def put(self, record_type: str, fields: dict, as_user: str = "admin", record_id: str | None = None, edited_at=None) -> str:
        record_id = record_id or str(uuid.uuid4())
        result = apply_server_edit(self.actor(as_user), record_type, fields, record_id=record_id, batch=self.batch, edited_at=edited_at)
        if result["status"] != "applied":
            raise RuntimeError(f"demo {record_type} refused: {result}")
        return record_id

    def company_id(self, name: str) -> str:
        return next(
            user.company_id for user in self.users.values() if user.company_id and db.session.get(Record, user.company_id).fields["name"] == name
        )


def build_estate(writer: DemoWriter) -> dict[str, str]:
    """Three blocks with floors and units, outdoor zones, an HV room, and checkpoints; ids by code."""
    ids: dict[str, str] = {}
    site = writer.put("site", {"name": SITE_NAME, "names": {"zh": "海景花园"}, "address": "88 Harbour Road"})
    ids["site"] = site
    for block in "ABC":
        building = writer.put("area", {"site_id": site, "kind": "building", "name": f"Block {block}", "names": {"zh": f"{block}栋"}})
        ids[f"block-{block}"] = building
        for floor in ("B1", "1F", "2F", "3F"):
            floor_id = writer.put(
                "area",
                {
                    "site_id": site,
                    "parent_id": building,
                    "kind": "floor",
                    "name": f"Block {block} {floor}",
                    "names": {"zh": f"{block}栋 {floor.replace('F', '层').replace('B1', '负一层')}"},
                },
            )
            ids[f"{block}-{floor}"] = floor_id
            if floor.endswith("F") and floor != "1F":
                for unit in ("01", "02"):
                    number = f"{floor[0]}{unit}"
                    ids[f"{block}-{number}"] = writer.put(
                        "area",
                        {
                            "site_id": site,
                            "parent_id": floor_id,
                            "kind": "unit",
                            "name": f"Unit {block}-{number}",
                            "names": {"zh": f"{block}-{number}室"},
                        },
                    )
    for key, name, zh in (
        ("lawn", "Central Lawn", "中心草坪"),
        ("north", "North Garden", "北花园"),
        ("carpark", "Car Park Ramp", "车库坡道"),
        ("gate", "Main Gate", "正门"),
    ):
        ids[key] = writer.put("area", {"site_id": site, "kind": "outdoor", "name": name, "names": {"zh": zh}})
    ids["hv-room"] = writer.put(
        "area", {"site_id": site, "parent_id": ids["A-B1"], "kind": "room", "name": "High-voltage distribution room", "names": {"zh": "高压配电房"}}
    )
    checkpoints = [
        ("HV-01", "hv-room", "HV room patrol point", "高压配电房巡检点", "other"),
        ("CL-A-LOBBY", "A-1F", "Block A lobby", "A栋大堂", "cleaning"),
        ("CL-B-LOBBY", "B-1F", "Block B lobby", "B栋大堂", "cleaning"),
        ("CL-A-STAIR", "A-2F", "Block A stairwell 2F", "A栋2层楼梯间", "cleaning"),
        ("CL-C-STAIR", "C-3F", "Block C stairwell 3F", "C栋3层楼梯间", "cleaning"),
        ("GR-LAWN", "lawn", "Central lawn", "中心草坪", "greening"),
        ("GR-NORTH", "north", "North garden beds", "北花园花坛", "greening"),
        ("HY-A-B1", "A-B1", "Hydrant A-B1", "A栋负一层消火栓", "fire"),
        ("HY-B-2F", "B-2F", "Hydrant B-2F", "B栋2层消火栓", "fire"),
        ("HY-C-1F", "C-1F", "Hydrant C-1F", "C栋1层消火栓", "fire"),
        ("EX-A-1F", "A-1F", "Extinguisher A-1F", "A栋1层灭火器", "fire"),
        ("EX-B-B1", "B-B1", "Extinguisher B-B1", "B栋负一层灭火器", "fire"),
        ("EX-C-3F", "C-3F", "Extinguisher C-3F", "C栋3层灭火器", "fire"),
        ("EL-A-STAIR", "A-2F", "Emergency light, A stairwell", "A栋楼梯应急灯", "fire"),
        ("EL-CARPARK", "carpark", "Emergency lights, car park ramp", "车库坡道应急灯", "fire"),
        ("ES-B-B1", "B-B1", "Exit sign B-B1", "B栋负一层安全出口标志", "fire"),
        ("FD-C-2F", "C-2F", "Fire door C-2F", "C栋2层防火门", "fire"),
        ("DC-B-302", "B-302", "Renovation, Unit B-302", "B-302室装修", "decoration"),
        ("DC-C-201", "C-201", "Renovation, Unit C-201", "C-201室装修", "decoration"),
    ]
    for code, area, name, zh, category in checkpoints:
        ids[code] = writer.put(
            "checkpoint", {"site_id": site, "area_id": ids[area], "name": name, "names": {"zh": zh}, "category": category, "code": code}
        )
    return ids


def build_inspection(writer: DemoWriter, ids: dict[str, str]) -> str:
    """This morning's cleaning round in the Block B lobby, submitted and waiting for the office's review."""
    template = next(
        record
        for record in db.session.execute(select(Record).where(Record.type == "template")).scalars()
        if record.fields["name"] == "Cleaning quality"
    )
    started = (utcnow() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    inspection = writer.put(
        "inspection",
        {
            "template_id": template.id,
            "site_id": ids["site"],
            "area_id": ids["B-1F"],
            "checkpoint_id": ids["CL-B-LOBBY"],
            "status": "submitted",
            "started_at": started,
            "completed_at": started,
            "score": 80,
            "answers": {
                "floor": {"value": 2, "note": "Coffee stains by lift 2"},
                "bins": {"value": "pass"},
                "glass": {"value": "pass"},
                "stairs": {"value": "pass"},
                "odour": {"value": "pass"},
                "remarks": {"value": "Asked the cleaner to mop again."},
            },
        },
        as_user="inspector",
    )
    writer.put(
        "photo",
        {
            "blob": demo_photo("Lobby overview", "#1f4f7a"),
            "parent_type": "inspection",
            "parent_id": inspection,
            "item_key": "overview",
            "role": "evidence",
        },
        as_user="inspector",
    )
    return inspection


def demo_photo(text: str, colour: str) -> str:
    """A small generated JPEG stored as a blob; its hash comes back."""
    image = Image.new("RGB", (640, 480), colour)
    ImageDraw.Draw(image).text((20, 20), text, fill="white")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    data = out.getvalue()
    sha256 = hashlib.sha256(data).hexdigest()
    if db.session.get(Blob, sha256) is None:
        blobs.store_verified(sha256, data)
    blobs.note_uploader(accounts.SYSTEM_DEVICE, sha256)  # the server vouches for the demo's own photos
    return sha256


def build_findings(writer: DemoWriter, ids: dict[str, str], users: dict[str, User], lobby_round: str) -> None:
    """Findings in each state of the workflow, moved there by the roles that would."""
    site = ids["site"]
    fire = writer.company_id("Safeguard Fire Services")
    green = writer.company_id("Evergreen Landscaping")
    today = date.today()

    days_ago = itertools.count()  # each finding reported a day before the next, as on a real estate

    def finding(code, area, category, title, severity, description, as_user="inspector", **origin):
        reported = (utcnow() - timedelta(days=next(days_ago))).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        record_id = writer.put(
            "finding",
            {
                "site_id": site,
                "area_id": ids[area],
                "checkpoint_id": ids.get(code),
                "category": category,
                "title": title,
                "severity": severity,
                "description": description,
                "reported_at": reported,
                **origin,
            },
            as_user=as_user,
        )
        writer.put(
            "photo",
            {"blob": demo_photo(title, "#7a1f1f"), "parent_type": "finding", "parent_id": record_id, "role": "before", "caption": title},
            as_user=as_user,
        )
        return record_id

    def update(record_id, fields, as_user="office"):
        writer.put("finding", fields, as_user=as_user, record_id=record_id)

    finding(
        "CL-B-LOBBY",
        "B-1F",
        "cleaning",
        "Lobby floor stained near the lift",
        "low",
        "Coffee stains in front of lift 2, not mopped since morning.",
        inspection_id=lobby_round,
        item_key="floor",
    )

    pressure = finding("EX-B-B1", "B-B1", "fire", "Extinguisher under-pressure (needle in red)", "high", "Gauge reads 0.8 MPa, below the green zone.")
    update(pressure, {"status": "assigned", "company_id": fire, "due_date": (today + timedelta(days=3)).isoformat()})

    overdue = finding("HY-C-1F", "C-1F", "fire", "Hydrant hose cracked", "medium", "Hose shows cracks along the fold; coupling corroded.")
    update(overdue, {"status": "assigned", "company_id": fire, "due_date": (today - timedelta(days=2)).isoformat()})

    weeds = finding("GR-LAWN", "lawn", "greening", "Weeds along the lawn edge", "low", "Weeds 10-15 cm along the east path.")
    update(weeds, {"status": "assigned", "company_id": green, "due_date": (today + timedelta(days=7)).isoformat()})
    update(weeds, {"status": "in_progress"}, as_user="greenco")

    sign = finding("ES-B-B1", "B-B1", "fire", "Exit sign not lit", "high", "Exit sign above the B1 stair door is dark.")
    update(sign, {"status": "assigned", "company_id": fire, "due_date": (today + timedelta(days=1)).isoformat()})
    writer.put(
        "photo",
        {
            "blob": demo_photo("Exit sign lit after repair", "#1f5f2a"),
            "parent_type": "finding",
            "parent_id": sign,
            "role": "after",
            "caption": "Lamp replaced",
        },
        as_user="fireco",
    )
    update(sign, {"status": "fixed", "fix_note": "Replaced the LED module and tested on battery."}, as_user="fireco")

    light = finding(
        "EL-CARPARK", "carpark", "fire", "Emergency light fails battery test", "medium", "Second light on the ramp goes dark after 20 s on battery."
    )
    update(light, {"status": "assigned", "company_id": fire, "due_date": (today - timedelta(days=5)).isoformat()})
    writer.put(
        "photo",
        {"blob": demo_photo("Emergency light after battery swap", "#1f5f2a"), "parent_type": "finding", "parent_id": light, "role": "after"},
        as_user="fireco",
    )
    update(light, {"status": "fixed", "fix_note": "New battery pack fitted; 90 min test passed."}, as_user="fireco")
    update(light, {"status": "closed"})

    finding(
        "DC-B-302",
        "B-302",
        "decoration",
        "Renovation debris left in corridor",
        "medium",
        "Bags of rubble outside B-302 blocking half the corridor.",
        as_user="inspector2",
    )


# A week of rounds before today, so the desk's compliance and alerts have something to say. One fate per round, in turn:
# visited on time, late (in the grace), missed (nobody came), or with the route's last point skipped.
HISTORY = {
    "HV room patrol": ("on_time", "on_time", "on_time", "late", "on_time", "on_time", "missed"),
    "Daily cleaning check": ("on_time", "on_time", "late", "on_time", "skipped", "on_time", "on_time"),
}


def build_rounds_history(writer: DemoWriter) -> None:
    """The HV patrol and the cleaning check as if scheduled a week ago: their past rounds visited by Chen Hui, reviewed by office."""
    now = utcnow()
    schedules = [r for r in db.session.execute(select(Record).where(Record.type == "schedule")).scalars() if r.fields["name"] in HISTORY]
    for schedule in schedules:
        schedule.created_at = now - timedelta(days=8)
        rounds.plan_schedule(schedule.id, now)
        fates = HISTORY[schedule.fields["name"]]
        template = db.session.get(Record, schedule.fields["template_family_id"])
        past = sorted(
            (r for r in db.session.execute(select(Record).where(Record.parent_id == schedule.id, Record.type == "round")).scalars()),
            key=lambda r: r.fields["window_start"],
        )
        past = [r for r in past if parse_utc(r.fields["grace_until"]) < now]
        for number, done in enumerate(past):
            fate = fates[number % len(fates)]
            if fate == "missed":
                continue
            when = parse_utc(done.fields["window_end"] if fate == "late" else done.fields["window_start"]) + timedelta(minutes=15)
            route = done.fields["checkpoint_ids"][:-1] if fate == "skipped" else done.fields["checkpoint_ids"]
            for step, checkpoint_id in enumerate(route):
                visit(writer, template, done, db.session.get(Record, checkpoint_id), when + timedelta(minutes=5 * step))
    rounds.tick(now)


def visit(writer: DemoWriter, template: Record, done: Record, checkpoint: Record, when) -> None:
    """A round's point visited by scanning its label, the checklist all good, as the phone would have pushed it."""
    at = format_utc(when)
    inspection = writer.put(
        "inspection",
        {
            "template_id": template.id,
            "site_id": checkpoint.site_id,
            "area_id": checkpoint.fields.get("area_id"),
            "checkpoint_id": checkpoint.id,
            "round_id": done.id,
            "presence": {"method": "qr", "code": checkpoint.fields["code"], "at": at},
            "status": "submitted",
            "started_at": at,
            "completed_at": at,
            "answers": {item["key"]: {"value": good_answer(item)} for item in template.fields["items"] if item["kind"] != "photo"},
        },
        as_user="inspector2",
        edited_at=when,
    )
    writer.put("inspection", {"status": "reviewed"}, as_user="office", record_id=inspection)


def good_answer(item: dict):
    if item["kind"] == "pass_fail":
        return "pass"
    if item["kind"] == "score":
        return item.get("max", 5)
    if item["kind"] == "number":
        return round((item.get("min", 0) + item.get("max", item.get("min", 0))) / 2, 1)
    if item["kind"] == "choice":
        return item["choices"][0]
    return "All in order."
