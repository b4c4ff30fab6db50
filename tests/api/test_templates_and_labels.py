"""Template revisions (issue #5) and printable QR labels for checkpoint codes."""

import xml.etree.ElementTree as ElementTree

import segno

NEW_ITEMS = [{"key": "seal", "label": "Seal intact and tagged", "kind": "pass_fail"}]


def test_a_template_nobody_used_may_still_change_its_items(office, estate):
    result = office.push_one("template", {"items": NEW_ITEMS}, record_id=estate.template, base_version=1)

    assert result["status"] == "applied"
    assert office.fetch(estate.template)["fields"]["items"][0]["label"] == "Seal intact and tagged"


def test_once_an_inspection_used_a_template_its_items_stay_and_a_new_revision_carries_the_edit(office, inspector, estate):
    inspection = inspector.create("inspection", {"template_id": estate.template, "site_id": estate.site, "answers": {"seal": {"value": "pass"}}})
    old_items = office.fetch(estate.template)["fields"]["items"]

    refused = office.push_one("template", {"items": NEW_ITEMS}, record_id=estate.template, base_version=1)
    renamed = office.push_one("template", {"name": "Fire check (old)", "active": False}, record_id=estate.template, base_version=1)
    revision = office.create("template", {"name": "Fire check", "category": "fire", "items": NEW_ITEMS, "family_id": estate.template, "revision": 2})

    assert refused["status"] == "rejected" and refused["error"]["fields"] == {"items": ["Fixed once inspections use them."]}
    assert renamed["status"] == "applied"
    kept = office.fetch(estate.template)["fields"]
    assert kept["items"] == old_items and kept["active"] is False
    assert office.fetch(inspection)["fields"]["template_id"] == estate.template
    assert office.fetch(revision)["fields"]["revision"] == 2
    moved = office.push_one("template", {"family_id": revision}, record_id=revision, base_version=1)
    assert moved["status"] == "rejected" and "family_id" in moved["error"]["fields"]


def test_a_qr_label_encodes_the_checkpoint_code_as_svg(office):
    response = office.get("/labels/qr.svg?code=HY-A-B1")

    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = ElementTree.fromstring(response.data)
    assert svg.tag.endswith("svg") and svg.find("{http://www.w3.org/2000/svg}title").text == "HY-A-B1"
    expected = segno.make_qr("HY-A-B1", error="m")
    assert (int(svg.get("width")), int(svg.get("height"))) == expected.symbol_size(scale=8, border=4)


def test_a_qr_label_needs_a_short_code_and_an_office_user(office, inspector):
    assert office.get("/labels/qr.svg").status_code == 400
    assert office.get("/labels/qr.svg?code=" + "X" * 33).json["error"]["code"] == "invalid_code"
    assert inspector.get("/labels/qr.svg?code=HY-A-B1").status_code == 403
