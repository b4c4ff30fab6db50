"""Every record the last release stored has its stamps in the one form sync/stamps.py reads.

The per-path form of the first day of development (before 5547b2a) is no
longer decoded: no release wrote it, and this checks the release's own
databases (tests/fixtures, made by release 83eefa5).
"""

from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.models import Record
from sync.merge import flatten
from sync.stamps import decode_stamps
from tests.api.test_migrations import RELEASE_ROWS, load_release_dump
from tests.conftest import TEST_CONFIG


def test_every_record_of_the_last_release_has_stamps_in_the_stored_form(instance_path):
    load_release_dump(instance_path)
    app = create_app(TEST_CONFIG)
    with app.app_context():
        records = db.session.execute(select(Record)).scalars().all()
        assert len(records) == RELEASE_ROWS["records"]
        for record in records:
            assert "edits" in record.stamps, record.id
            assert set(flatten(record.fields)) <= set(decode_stamps(record.stamps, record.fields)), record.id  # every path has its edit
        db.session.remove()
        db.engine.dispose()
