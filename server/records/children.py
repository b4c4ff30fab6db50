"""What hangs on an inspection or a finding: photos and comments (a comment may hang on a photo too).

A child takes its parent's place: it is read by whoever reads the parent,
and moves with it (server/services/places.py `moved_family`). Its author
edits and deletes it.
"""

from schemas.records.children import CommentFields, PhotoFields
from server.extensions import db
from server.models import Record
from server.records.base import ON_PARENT, Reads, RecordType, Rejected, Rights, author_only
from server.records.read import THEIR_COMPANY, THEIR_SITES
from server.services.actor import Actor
from sync.workflow import Verdict

LIKE_ITS_PARENT = Reads(staff=THEIR_SITES, contractor=THEIR_COMPANY)  # the parent's keys are the child's


def comment_creates(actor: Actor, site_id: str | None, parent) -> Verdict:
    """Whoever reads a record may comment on it."""
    from server.services.rights import can_read  # the rights read this registry; imported when called

    return Verdict.ALLOWED if parent is not None and can_read(actor, parent) else Verdict.FORBIDDEN


def photo_creates(actor: Actor, site_id: str | None, parent) -> Verdict:
    """Adding a photo is a change of its parent: allowed to whoever may change the parent's "photo"."""
    from server.services.rights import update_verdict  # the rights read this registry; imported when called

    if parent is None:
        return Verdict.FORBIDDEN
    return update_verdict(actor, parent, {"photo"})


def photo_bytes_are_the_authors(actor: Actor, fields: dict) -> None:
    """A photo names bytes not stored yet, or bytes its author's device sent: knowing a hash opens nothing."""
    from server.services.blobs import check_photo_bytes  # the blob service reads the rights, which read this registry

    if not check_photo_bytes(actor, fields.get("blob")):
        raise Rejected(
            "forbidden", "These photo bytes were sent by another device; send them from this one first.", {"blob": ["Not uploaded by you."]}
        )


def photo_author_only(actor: Actor, record, changed: set[str] | None = None) -> Verdict:
    """Its author changes or deletes a photo (and office staff), only while a photo could still be added to its parent."""
    from server.services.rights import update_verdict  # the rights read this registry; imported when called

    if record.owner_id != actor.user_id:
        return Verdict.FORBIDDEN
    parent = db.session.get(Record, record.parent_id) if record.parent_id else None
    if parent is None or parent.deleted:
        return Verdict.STALE
    return update_verdict(actor, parent, {"photo"})


COMMENT = RecordType(
    "comment",
    CommentFields,
    ON_PARENT,
    LIKE_ITS_PARENT,
    Rights(create=comment_creates, update=author_only, delete=author_only),
    fixed_fields=("parent_type", "parent_id", "author_id", "created_at"),
    owner_field="author_id",
    owner_name_field="author_name",
    edit_time_fields=("created_at",),
    receipt_time_of="created_at",
)

PHOTO = RecordType(
    "photo",
    PhotoFields,
    ON_PARENT,
    LIKE_ITS_PARENT,
    Rights(create=photo_creates, update=photo_author_only, delete=photo_author_only),
    fixed_fields=("blob", "parent_type", "parent_id"),
    children=("comment",),
    blob_field="blob",
    receipt_time_of="taken_at",
    check_create=photo_bytes_are_the_authors,
)
