"""The area tree of a site: an area hangs under another of the same site, never under itself."""


def test_an_area_cannot_be_made_its_own_ancestor(office, estate):
    floor = office.create("area", {"site_id": estate.site, "parent_id": estate.block, "name": "3F", "kind": "floor"})
    unit = office.create("area", {"site_id": estate.site, "parent_id": floor, "name": "301", "kind": "unit"})
    block = office.fetch(estate.block)

    under_its_floor = office.push_one("area", {"parent_id": floor}, record_id=estate.block, base_version=block["version"])
    under_its_unit = office.push_one("area", {"parent_id": unit}, record_id=estate.block, base_version=block["version"])
    under_itself = office.push_one("area", {"parent_id": estate.block}, record_id=estate.block, base_version=block["version"])

    for result in (under_its_floor, under_its_unit, under_itself):
        assert result["status"] == "rejected" and result["error"]["code"] == "invalid", result
        assert "parent_id" in result["error"]["fields"]
    assert office.fetch(estate.block) == block


def test_an_area_still_moves_under_another_branch_of_its_site(office, estate):
    zone = office.create("area", {"site_id": estate.site, "name": "Garden", "kind": "outdoor"})
    floor = office.create("area", {"site_id": estate.site, "parent_id": estate.block, "name": "3F", "kind": "floor"})

    result = office.push_one("area", {"parent_id": zone}, record_id=floor, base_version=1)

    assert result["status"] == "applied"
    assert office.fetch(floor)["fields"]["parent_id"] == zone


def test_an_area_created_under_itself_is_rejected(office, estate):
    from tests.helpers import new_id

    area = new_id()
    result = office.push_one("area", {"site_id": estate.site, "parent_id": area, "name": "Loop", "kind": "zone"}, record_id=area)

    assert result["status"] == "rejected"
