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

from server.extensions import db
from server.models import Blob, Record, User, utcnow
from server.services import accounts, blobs
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
    build_templates(writer)
    build_findings(writer, estate, made, lobby_round=build_inspection(writer, estate))
    return [(username, role) for username, role, _, _ in users]


class DemoWriter:
    """Writes records as a given demo user, failing loudly if any rule refuses."""

    def __init__(self, users: dict[str, User]):
        self.users = users
        self.batch = Batch()  # the demo's records, each loaded once however often it is referred to

    def actor(self, username: str) -> Actor:
        user = self.users[username]
        return Actor(user_id=user.id, role=user.role, device_id=accounts.SYSTEM_DEVICE, company_id=user.company_id)

    def put(self, record_type: str, fields: dict, as_user: str = "admin", record_id: str | None = None) -> str:
        record_id = record_id or str(uuid.uuid4())
        result = apply_server_edit(self.actor(as_user), record_type, fields, record_id=record_id, batch=self.batch)
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


def item(key, label, zh, kind="pass_fail", **extra) -> dict:
    return {"key": key, "label": label, "labels": {"zh": zh}, "kind": kind, "required": kind != "photo", **extra}


TEMPLATES = [
    (
        "Cleaning quality",
        "保洁质量检查",
        "cleaning",
        [
            item("floor", "Floor and skirting clean", "地面及踢脚线洁净", "score", min=1, max=5),
            item("bins", "Bins emptied, no overflow", "垃圾桶已清运、无满溢"),
            item("glass", "Glass and handrails wiped", "玻璃及扶手已擦拭"),
            item("stairs", "Stairwell clear of debris", "楼梯间无杂物"),
            item("odour", "No odour", "无异味"),
            item("overview", "Overview photo", "整体照片", "photo"),
            item("remarks", "Remarks", "备注", "text", required=False),
        ],
    ),
    (
        "Greening",
        "绿化养护检查",
        "greening",
        [
            item("lawn_height", "Lawn height", "草坪高度", "number", min=3, max=8, unit="cm"),
            item("weeds", "Free of weeds", "无杂草"),
            item("irrigation", "Irrigation working", "灌溉正常"),
            item("pruning", "Shrubs pruned", "灌木已修剪"),
            item(
                "pests",
                "Pests or disease",
                "病虫害",
                "choice",
                choices=["none", "minor", "severe"],
                choice_labels={"zh": {"none": "无", "minor": "轻微", "severe": "严重"}},
            ),
            item("overview", "Overview photo", "整体照片", "photo"),
        ],
    ),
    (
        "Fire facilities",
        "消防设施月检",
        "fire",
        [
            item("extinguisher_pressure", "Extinguisher gauge pressure", "灭火器压力表读数", "number", min=1.0, max=1.4, unit="MPa"),
            item("extinguisher_seal", "Extinguisher seal intact", "灭火器铅封完好"),
            item("extinguisher_expiry", "Extinguisher within service date", "灭火器在有效期内"),
            item("hose", "Hose not aged or cracked", "水带无老化破损"),
            item("cabinet", "Cabinet opens freely", "消防箱开启灵活"),
            item("hydrant_pressure", "Hydrant static pressure", "消火栓静压", "number", min=0.1, max=1.0, unit="MPa"),
            item("hydrant_parts", "Hydrant door, nozzle, coupling, valve", "消火栓门、水枪、接口、阀门完好"),
            item("emergency_light", "Emergency light lit on test", "应急灯测试点亮"),
            item("exit_sign", "Exit sign lit", "安全出口标志点亮"),
            item("fire_door", "Fire door closed and self-closing", "防火门关闭且能自闭"),
            item("exits_clear", "Stairs and exits clear", "楼梯及出口畅通"),
            item("photo", "Photo of the equipment", "设备照片", "photo"),
        ],
    ),
    (
        "Decoration supervision",
        "装修巡查",
        "decoration",
        [
            item(
                "outcome",
                "Visit outcome",
                "巡查结果",
                "choice",
                choices=["inspected", "nobody_home", "refused_entry"],
                choice_labels={"zh": {"inspected": "已检查", "nobody_home": "无人在家", "refused_entry": "拒绝入户"}},
            ),
            item("load_bearing", "Load-bearing walls untouched", "未改动承重墙"),
            item("gas_pipe", "Gas pipe and meter not moved", "未移动燃气管道及表具"),
            item("flue", "Flue and exhaust duct in place", "烟道及排气道未拆除"),
            item("window_grille", "No window grille added, railings kept", "未加装防盗网、未拆栏杆"),
            item("entrance_door", "Entrance door not moved into corridor", "入户门未外移占用走廊"),
            item("debris", "No debris left in corridors", "走廊无装修垃圾"),
            item("extinguisher", "Extinguisher on site", "现场配备灭火器"),
            item("hours", "Work within permitted hours", "在规定时间内施工"),
            item("photo", "Site photo", "现场照片", "photo"),
        ],
    ),
    (
        "HV room patrol",
        "高压配电房巡检",
        "other",
        [
            item("incoming_kv", "Incoming voltage", "进线电压", "number", min=9.5, max=10.7, unit="kV"),
            item("outgoing_v", "Low-voltage bus voltage", "低压母线电压", "number", min=380, max=420, unit="V"),
            item("transformer_temp", "Transformer temperature", "变压器温度", "number", min=0, max=80, unit="°C"),
            item("room_temp", "Room temperature", "室内温度", "number", min=0, max=35, unit="°C"),
            item("odour", "No burning odour", "无焦糊味"),
            item("water", "No water ingress", "无渗漏水"),
            item("noise", "No abnormal noise", "无异常声响"),
            item("handover", "Shift handover signed", "交接班已签字"),
            item("photo", "Panel photo", "配电柜照片", "photo"),
        ],
    ),
]


def build_templates(writer: DemoWriter) -> None:
    for name, zh, category, items in TEMPLATES:
        writer.put("template", {"name": name, "names": {"zh": zh}, "category": category, "items": items, "active": True})


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
