"""Users and their device sessions, for office staff: who is who, every phone, revoke a lost one."""

from flask import Blueprint

from schemas.api import DeviceListSchema, DeviceSchema, UserListSchema
from schemas.fields import UUID_PATTERN
from server.api.guard import login_required
from server.errors import NotFound
from server.extensions import db
from server.services import accounts

bp = Blueprint("devices", __name__)


@bp.get("/users")
@login_required("office", "admin")
def list_users():
    """Every user, by username: the names the office screens show for user ids."""
    return UserListSchema().dump({"users": accounts.list_users()})


@bp.get("/devices")
@login_required("office", "admin")
def list_devices():
    """Every device session, newest first."""
    return DeviceListSchema().dump({"devices": accounts.list_devices()})


@bp.delete("/devices/<device_id>")
@login_required("office", "admin")
def revoke_device(device_id: str):
    """Revoke a device: its token stops working at once."""
    if not UUID_PATTERN.match(device_id):
        raise NotFound("There is no such device.")
    device = accounts.revoke_device(device_id.lower())
    db.session.commit()
    return DeviceSchema().dump(device)
