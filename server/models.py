"""The database tables, as typed SQLAlchemy 2.0 models.

Every synced thing is a row of `records`: its fields as JSON, beside them the
stamps the merge engine needs, and denormalised scope keys (site, company,
parent) so pulls can filter without reading JSON. `seq` is the record's
position in the change feed; it is handed out at commit time (see
`server.services.positions`) so positions follow commit order.
"""

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Record(db.Model):
    __tablename__ = "records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    fields: Mapped[dict] = mapped_column(JSON)
    # {"edits": [{"at", "device", "mid", "user"}, ...], "paths": {path: [edit index, version, [agreeing edit indexes]?]}}
    # and, on a record never edited since its creation, "rest": [0, 1] for every path of its fields.
    stamps: Mapped[dict] = mapped_column(JSON)
    seq: Mapped[int | None] = mapped_column(BigInteger, index=True)
    site_id: Mapped[str | None] = mapped_column(String(36))
    company_id: Mapped[str | None] = mapped_column(String(36))
    parent_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(36))
    blob: Mapped[str | None] = mapped_column(String(64), index=True)  # a photo's image
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_records_site_seq", "site_id", "seq"),
        Index("ix_records_company_seq", "company_id", "seq"),
    )


class ScopeExit(db.Model):
    """A record left an audience (a company, a site): its devices must drop it."""

    __tablename__ = "scope_exits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, index=True)
    record_id: Mapped[str] = mapped_column(String(36))
    record_type: Mapped[str] = mapped_column(String(20))
    audience: Mapped[str] = mapped_column(String(10))  # "company" or "site"
    audience_id: Mapped[str] = mapped_column(String(36))

    __table_args__ = (Index("ix_scope_exits_audience", "audience", "audience_id", "seq"),)


class ChangeCounter(db.Model):
    """One row: the last position handed out in the change feed."""

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Mutation(db.Model):
    """Every mutation id ever seen, with its first outcome: the exactly-once guard."""

    __tablename__ = "mutations"

    mid: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    record_id: Mapped[str] = mapped_column(String(36))
    result: Mapped[dict | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConflictEntry(db.Model):
    """An entry of the office's conflicts list: a value that lost a concurrent edit, and the one kept."""

    __tablename__ = "conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(200))
    kept: Mapped[dict] = mapped_column(JSON)
    lost: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    site_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(36))


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    company_id: Mapped[str | None] = mapped_column(String(36))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UserSite(db.Model):
    """A site a user is limited to; a user with none reads all sites."""

    __tablename__ = "user_sites"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class Device(db.Model):
    """A login: one phone or browser with its own bearer token (stored hashed)."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginFailure(db.Model):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(150), index=True)
    address: Mapped[str | None] = mapped_column(String(45), index=True)  # where the attempt came from (IPv6 at most 45)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Blob(db.Model):
    """A complete, verified image; its bytes live in the blob folder."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    length: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BlobUploader(db.Model):
    """Which devices sent a blob: they may read it back before any photo names it."""

    __tablename__ = "blob_uploaders"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class RoundDeadline(db.Model):
    """A round still due, and the moment it is missed (its window's end plus the grace): what the missed tick reads.

    Kept beside the round's record so the tick finds the rounds to judge by an index, without reading every
    round's JSON. A round leaves this table once it is done, late or missed (server/services/rounds.py).
    """

    __tablename__ = "round_deadlines"

    round_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
