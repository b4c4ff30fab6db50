"""Each read rule's two forms agree: the check of one record (rights.can_read) and the pull's SQL (rights.read_condition)."""

import uuid

from sqlalchemy import select

from server.extensions import db
from server.models import Record, User
from server.records.read import contractor_places
from server.services.actor import Actor
from server.services.mutations import apply_server_edit
from server.services.rights import Reader, can_read, read_condition


def readable_by_sql(actor: Actor) -> set[str]:
    if actor.is_contractor:
        reader = Reader(company=actor.company_id, places=contractor_places(actor.company_id))
    else:
        reader = Reader(sites=None if actor.site_ids is None else sorted(actor.site_ids))
    condition = read_condition(actor.is_contractor, reader)
    query = select(Record.id) if condition is True else select(Record.id).where(condition)
    return set(db.session.execute(query).scalars())


def test_the_check_of_one_record_and_the_pull_filter_agree_for_every_role(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        office = db.session.execute(select(User).where(User.username == "office")).scalar_one()
        author = Actor(user_id=office.id, role="office", device_id="d")
        for parent in db.session.execute(select(Record).where(Record.type.in_(("finding", "photo", "inspection")))).scalars().all():
            result = apply_server_edit(author, "comment", {"parent_type": parent.type, "parent_id": parent.id, "body": "Seen."})
            assert result["status"] == "applied", result
        records = db.session.execute(select(Record)).scalars().all()
        assert {"site", "area", "checkpoint", "company", "template", "inspection", "finding", "photo", "comment"} <= {r.type for r in records}
        site = next(r.id for r in records if r.type == "site")
        actors = [Actor(user_id=u.id, role=u.role, device_id="d", company_id=u.company_id) for u in db.session.execute(select(User)).scalars()]
        actors += [
            Actor(user_id="limited", role="inspector", device_id="d", site_ids=frozenset({site})),
            Actor(user_id="elsewhere", role="office", device_id="d", site_ids=frozenset({str(uuid.uuid4())})),
        ]
        for actor in actors:
            by_check = {record.id for record in records if can_read(actor, record)}
            assert by_check == readable_by_sql(actor), actor
            assert by_check or actor.user_id == "elsewhere"
