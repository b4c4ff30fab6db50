"""Template packs: a checklist and the schedules that go with it, installable on any estate, demo or not.

    flask --app server install-pack hv-room [--site "Harbour View Gardens"]

A pack brings its templates, the checkpoints its routes need when the site
has none (the HV room's patrol point, a hydrant...), and its suggested
schedules: the high-voltage room is patrolled twice a day, checked once a
month and maintained every six months; fire facilities are checked monthly;
cleaning daily; greening twice a week; renovation units on working days.
Installing a pack twice changes nothing the second time: templates are found
by name, checkpoints by code and schedules by name on the site. Everything is
written as the system actor through the push's own path (apply_server_edit),
so a pack can never hold a state the server would refuse.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from sqlalchemy import select

from server.extensions import db
from server.models import Record
from server.services.actor import Actor, system_actor
from server.services.mutations import apply_server_edit


def item(key, label, zh, kind="pass_fail", **extra) -> dict:
    return {"key": key, "label": label, "labels": {"zh": zh}, "kind": kind, "required": kind != "photo", **extra}


CHECKLISTS = [
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


# The HV ladder's other two rungs: the monthly check and the six-monthly maintenance.
CHECKLISTS += [
    (
        "HV room monthly check",
        "高压配电房月检",
        "other",
        [
            item("relays", "Protection relays show no alarm", "继电保护装置无告警"),
            item("indicators", "Breaker position indicators match the panel", "断路器分合闸指示与实际一致"),
            item("mats", "Insulating mats and gloves in date", "绝缘垫、绝缘手套在有效期内"),
            item("earthing", "Earthing connections tight, no corrosion", "接地连接牢固、无锈蚀"),
            item("trench", "Cable trench covers in place, no water", "电缆沟盖板齐全、无积水"),
            item("rodent", "Rodent boards fitted at the doors", "门口挡鼠板完好"),
            item("lighting", "Emergency lighting works", "应急照明正常"),
            item("co2", "CO2 extinguishers present and charged", "二氧化碳灭火器在位且压力正常"),
            item("log", "Patrol log complete for the month", "本月巡检记录完整"),
            item("photo", "Room photo", "配电房照片", "photo"),
        ],
    ),
    (
        "HV room maintenance",
        "高压配电房半年维保",
        "other",
        [
            item("insulation", "Transformer insulation resistance", "变压器绝缘电阻", "number", min=300, max=100000, unit="MΩ"),
            item("earth_resistance", "Earthing resistance", "接地电阻", "number", min=0, max=4, unit="Ω"),
            item("busbar", "Busbar bolts re-torqued", "母线连接螺栓已紧固"),
            item("cleaning", "Switchgear and transformer cleaned", "开关柜及变压器已清扫"),
            item("breaker_test", "Breakers operated and tripped on test", "断路器分合闸及脱扣试验正常"),
            item("relay_test", "Relay settings checked", "继电保护定值已校验"),
            item("report", "Contractor's test report filed", "维保单位试验报告已归档"),
            item("photo", "Photo of the work", "维保照片", "photo"),
        ],
    ),
]


@dataclass(frozen=True)
class SuggestedSchedule:
    name: str
    zh: str
    checklist: str  # a CHECKLISTS name
    recurrence: dict
    window_minutes: int
    grace_minutes: int


@dataclass(frozen=True)
class Pack:
    name: str
    checklists: tuple[str, ...]
    category: str  # the route: every checkpoint of the site in this category, in code order...
    codes: tuple[str, ...] = ()  # ...or, when given, just these checkpoints
    # The checkpoints made when the site has none of the route: (code, name, Chinese name).
    starter_checkpoints: tuple[tuple[str, str, str], ...] = ()
    schedules: tuple[SuggestedSchedule, ...] = field(default_factory=tuple)


def daily(*times):
    return {"every": "day", "interval": 1, "times": list(times)}


PACKS = {
    pack.name: pack
    for pack in (
        Pack(
            "hv-room",
            ("HV room patrol", "HV room monthly check", "HV room maintenance"),
            "other",
            codes=("HV-01",),
            starter_checkpoints=(("HV-01", "HV room patrol point", "高压配电房巡检点"),),
            schedules=(
                # One patrol per shift, each in a two-hour window with an hour's grace.
                SuggestedSchedule("HV room patrol", "高压配电房巡检", "HV room patrol", daily("08:00", "20:00"), 120, 60),
                SuggestedSchedule(
                    "HV room monthly check",
                    "高压配电房月检",
                    "HV room monthly check",
                    {"every": "month", "interval": 1, "day": 1, "times": ["09:00"]},
                    8 * 60,
                    24 * 60,
                ),
                SuggestedSchedule(
                    "HV room maintenance",
                    "高压配电房半年维保",
                    "HV room maintenance",
                    {"every": "month", "interval": 6, "day": 15, "times": ["09:00"]},
                    5 * 24 * 60,
                    7 * 24 * 60,
                ),
            ),
        ),
        Pack(
            "fire",
            ("Fire facilities",),
            "fire",
            starter_checkpoints=(("HY-01", "Hydrant", "消火栓"), ("EX-01", "Extinguisher", "灭火器"), ("EL-01", "Emergency light", "应急灯")),
            schedules=(
                SuggestedSchedule(
                    "Fire facilities monthly check",
                    "消防设施月检",
                    "Fire facilities",
                    {"every": "month", "interval": 1, "day": 5, "times": ["09:00"]},
                    3 * 24 * 60,
                    2 * 24 * 60,
                ),
            ),
        ),
        Pack(
            "cleaning",
            ("Cleaning quality",),
            "cleaning",
            starter_checkpoints=(("CL-01", "Lobby", "大堂"),),
            schedules=(SuggestedSchedule("Daily cleaning check", "每日保洁检查", "Cleaning quality", daily("10:00"), 4 * 60, 2 * 60),),
        ),
        Pack(
            "greening",
            ("Greening",),
            "greening",
            starter_checkpoints=(("GR-01", "Central lawn", "中心草坪"),),
            schedules=(
                SuggestedSchedule(
                    "Greening check",
                    "绿化养护检查",
                    "Greening",
                    {"every": "week", "interval": 1, "weekdays": [1, 4], "times": ["09:00"]},
                    8 * 60,
                    4 * 60,
                ),
            ),
        ),
        Pack(
            "decoration",
            ("Decoration supervision",),
            "decoration",
            starter_checkpoints=(("DC-01", "Renovation unit", "装修单元"),),
            schedules=(
                # Renovation works run on working days: a visit each afternoon while they go on (end the schedule with the permit).
                SuggestedSchedule(
                    "Renovation visit",
                    "装修巡查",
                    "Decoration supervision",
                    {"every": "week", "interval": 1, "weekdays": [1, 2, 3, 4, 5], "times": ["14:00"]},
                    4 * 60,
                    2 * 60,
                ),
            ),
        ),
    )
}


def install_pack(name: str, site_name: str | None = None, starts_on: date | None = None, actor: Actor | None = None) -> dict:
    """Install a pack on a site (the only one, the one named, or a new one of that name): what was made, by kind.

    Written by `actor` (the demo's admin), else by the system, as the shell's other commands write.
    """
    pack = PACKS[name]
    made = {"site": 0, "template": 0, "checkpoint": 0, "schedule": 0}
    write = partial(write_as, actor or system_actor())
    site_id = find_or_make_site(write, site_name, made)
    families = {checklist: find_or_make_template(write, checklist, made) for checklist in pack.checklists}
    route = route_of(write, pack, site_id, made)
    existing = {r.fields.get("name") for r in live_records("schedule") if r.site_id == site_id}
    for suggested in pack.schedules:
        if suggested.name in existing:
            continue
        write(
            "schedule",
            {
                "site_id": site_id,
                "name": suggested.name,
                "names": {"zh": suggested.zh},
                "template_family_id": families[suggested.checklist],
                "checkpoint_ids": route,
                "recurrence": suggested.recurrence,
                "window_minutes": suggested.window_minutes,
                "grace_minutes": suggested.grace_minutes,
                "starts_on": (starts_on or date.today()).isoformat(),
            },
        )
        made["schedule"] += 1
    return made


def live_records(record_type: str) -> list[Record]:
    return list(db.session.execute(select(Record).where(Record.type == record_type, Record.deleted.is_(False))).scalars())


def write_as(actor: Actor, record_type: str, fields: dict) -> str:
    record_id = str(uuid.uuid4())
    result = apply_server_edit(actor, record_type, fields, record_id=record_id)
    if result["status"] != "applied":
        raise ValueError(f"the pack's {record_type} was refused: {result.get('error')}")
    return record_id


def find_or_make_site(write, site_name: str | None, made: dict) -> str:
    sites = live_records("site")
    if site_name is None and len(sites) == 1:
        return sites[0].id
    if site_name is None and len(sites) > 1:
        raise ValueError("There is more than one site: name one with --site.")
    site_name = site_name or "My estate"
    for site in sites:
        if site.fields.get("name") == site_name:
            return site.id
    made["site"] += 1
    return write("site", {"name": site_name})


def find_or_make_template(write, checklist: str, made: dict) -> str:
    """The template family of that name (its first revision's id), made from the pack's checklist if missing."""
    for template in live_records("template"):
        if template.fields.get("name") == checklist:
            return template.fields.get("family_id") or template.id
    name, zh, category, items = next(entry for entry in CHECKLISTS if entry[0] == checklist)
    made["template"] += 1
    return write("template", {"name": name, "names": {"zh": zh}, "category": category, "items": items, "active": True})


def route_of(write, pack: Pack, site_id: str, made: dict) -> list[str]:
    on_site = sorted((c for c in live_records("checkpoint") if c.site_id == site_id), key=lambda c: c.fields.get("code") or "")
    if pack.codes:
        route = [c.id for code in pack.codes for c in on_site if c.fields.get("code") == code]
    else:
        route = [c.id for c in on_site if c.fields.get("category") == pack.category]
    if route:
        return route
    for code, name, zh in pack.starter_checkpoints:
        made["checkpoint"] += 1
        route.append(write("checkpoint", {"site_id": site_id, "name": name, "names": {"zh": zh}, "category": pack.category, "code": code}))
    return route
