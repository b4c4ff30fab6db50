"""Users and their device sessions, for office staff: who is who, every phone, revoke a lost one."""

from schemas.api import DeviceListSchema, DeviceSchema, NewUserSchema, UserListSchema, UserSchema
from schemas.fields import UUID_PATTERN
from server.api.boundary import ApiBlueprint
from server.api.guard import current_actor, login_required
from server.api.payload import read_json
from server.errors import NotFound
from server.services import accounts

bp = ApiBlueprint("devices", __name__)


@bp.get("/users")
@login_required("office", "admin")
def list_users():
    """The users the caller works with (all of them for office not limited to sites), by username: the names the office screens show."""
    return UserListSchema().dump({"users": accounts.list_users(current_actor())})


@bp.post("/users")
@login_required("admin")
def add_user():
    """Make an account (admin): a password of at least ten characters, a company for a contractor."""
    new = NewUserSchema().load(read_json())
    user = accounts.add_user(new["username"], new["role"], new["password"], new.get("name"), new.get("company_id"), new["site_ids"])
    return UserSchema().dump(accounts.user_json(user)), 201


@bp.get("/devices")
@login_required("office", "admin")
def list_devices():
    """The device sessions of the users the caller may list, newest first."""
    return DeviceListSchema().dump({"devices": accounts.list_devices(current_actor())})


@bp.delete("/devices/<device_id>")
@login_required("office", "admin")
def revoke_device(device_id: str):
    """Revoke a device of a user the caller may list: its token stops working at once."""
    if not UUID_PATTERN.match(device_id):
        raise NotFound("There is no such device.")
    device = accounts.revoke_device(device_id.lower(), current_actor())
    return DeviceSchema().dump(device)
