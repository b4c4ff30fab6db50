"""The request boundary: one transaction a request, committed once; errors roll back; deadlock victims run again."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError

from server.api.boundary import ApiBlueprint, keep_writes_on
from server.extensions import db
from server.models import Device as DeviceRow
from server.models import LoginFailure, Record
from server.services import mutations as records
from tests.helpers import jpeg_bytes, sha

# Long enough ago that authentication writes the time again, well within the idle limit (DEVICE_IDLE_DAYS).
AN_HOUR_AGO = datetime.now(UTC) - timedelta(hours=1)


def last_seen(app, device_id: str) -> datetime:
    with app.app_context():
        seen = db.session.get(DeviceRow, device_id).last_seen_at
        db.session.remove()
    return seen if seen.tzinfo else seen.replace(tzinfo=UTC)


def forget_last_seen(app, device_id: str) -> None:
    with app.app_context():
        db.session.execute(update(DeviceRow).where(DeviceRow.id == device_id).values(last_seen_at=AN_HOUR_AGO))
        db.session.commit()
        db.session.remove()


READS = {
    "users": ("GET", "/api/v1/users"),
    "devices": ("GET", "/api/v1/devices"),
    "conflicts": ("GET", "/api/v1/conflicts"),
    "labels": ("GET", "/api/v1/labels/qr.svg?code=HY-A-B1"),
    "blob HEAD, held": ("HEAD", "/api/v1/blobs/{held}"),
    "blob HEAD, not held": ("HEAD", "/api/v1/blobs/" + "0" * 64),
    "pull": ("GET", "/api/v1/sync/pull"),
}


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_a_read_keeps_the_last_seen_time_authentication_wrote(app, office, read):
    photo = jpeg_bytes("blue")
    assert office.upload(photo).status_code == 201
    forget_last_seen(app, office.device_id)
    method, path = read

    response = office.client.open(path.format(held=sha(photo)), method=method, headers=office.headers)

    assert response.status_code in (200, 404)
    assert last_seen(app, office.device_id) > datetime.now(UTC) - timedelta(minutes=1)


@pytest.fixture
def probe(app):
    """A test-only blueprint: views that write a row and then answer or fail."""
    bp = ApiBlueprint("probe", __name__)

    def write_failure():
        db.session.add(LoginFailure(username="probe", at=datetime.now(UTC)))
        db.session.flush()

    @bp.post("/probe/fail")
    def fail():
        write_failure()
        raise ValueError("a bug after a write")

    @bp.post("/probe/refuse")
    @keep_writes_on(LookupError)
    def refuse():
        write_failure()
        raise LookupError("refused, but what was written counts")

    @bp.post("/probe/ok")
    def ok():
        write_failure()
        return {"ok": True}

    app.register_blueprint(bp, url_prefix="/api/v1")
    return app.test_client()


def probe_rows(app) -> int:
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(LoginFailure).where(LoginFailure.username == "probe")).scalar_one()
        db.session.remove()
    return count


def test_a_failing_view_leaves_nothing_half_written(app, probe):
    response = probe.post("/api/v1/probe/fail")

    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    assert probe_rows(app) == 0


def test_a_view_may_keep_its_writes_for_a_refusal_it_declares(app, probe):
    assert probe.post("/api/v1/probe/refuse").status_code == 500
    assert probe.post("/api/v1/probe/ok").status_code == 200

    assert probe_rows(app) == 2


def test_every_api_route_runs_in_one_transaction(app):
    views = {rule.endpoint: app.view_functions[rule.endpoint] for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}

    assert len(views) >= 12
    assert [endpoint for endpoint, view in views.items() if not getattr(view, "one_transaction", False)] == []


def deadlock() -> OperationalError:
    return OperationalError("UPDATE change_counter ...", {}, SimpleNamespace(sqlstate="40P01"))


def test_a_push_picked_as_deadlock_victim_runs_again_and_leaves_no_trace_of_the_first_try(app, office, estate, monkeypatch):
    real_apply = records.apply_batch
    tries = []

    def apply_then_deadlock(*args):
        results = real_apply(*args)
        tries.append(results)
        if len(tries) == 1:
            db.session.flush()
            raise deadlock()
        return results

    monkeypatch.setattr(records, "apply_batch", apply_then_deadlock)
    with app.app_context():
        counter_before = db.session.execute(text("SELECT value FROM change_counter")).scalar_one()
        db.session.remove()
    new = [office.mutation("company", {"name": f"Company {n}"}) for n in range(3)]

    results = office.push(*new)

    assert len(tries) == 2 and [result["status"] for result in results] == ["applied"] * 3
    with app.app_context():
        seqs = db.session.execute(select(Record.seq).where(Record.id.in_([m["id"] for m in new])).order_by(Record.seq)).scalars().all()
        counter_after = db.session.execute(text("SELECT value FROM change_counter")).scalar_one()
        db.session.remove()
    # The first try's placeholders and pending positions were forgotten: no gap, no position taken twice.
    assert seqs == [counter_before + 1, counter_before + 2, counter_before + 3] and counter_after == counter_before + 3


def test_a_push_that_keeps_deadlocking_is_answered_500_and_applies_nothing(app, office, estate, monkeypatch):
    def always_deadlock(*args):
        raise deadlock()

    monkeypatch.setattr(records, "apply_batch", always_deadlock)
    mutation = office.mutation("company", {"name": "Never"})

    response = office.push_response([mutation])

    assert response.status_code == 500
    with app.app_context():
        assert db.session.get(Record, mutation["id"]) is None
        db.session.remove()


def test_a_known_api_path_asked_with_the_wrong_method_is_a_json_405_with_allow(office):
    for method, path, allowed in (("GET", "/api/v1/sync/push", "POST"), ("GET", "/api/v1/auth/login", "POST"), ("PUT", "/api/v1/sync/pull", "GET")):
        response = office.client.open(path, method=method, headers=office.headers)

        assert response.status_code == 405, path
        assert response.get_json()["error"]["code"] == "method_not_allowed"
        assert allowed in {method.strip() for method in response.headers["Allow"].split(",")}
    assert office.client.get("/api/v1/no/such/path").get_json()["error"]["code"] == "not_found"
    with office.client.get("/app.js") as page:
        assert page.status_code == 200  # the PWA's files are still served beside the API
