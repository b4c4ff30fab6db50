"""Log in (a new device session), log out (revoke the caller's token), change one's own password."""

from flask import request

from schemas.api import LoginResultSchema, LoginSchema, PasswordChangeSchema
from server.api.boundary import ApiBlueprint, keep_writes_on
from server.api.guard import current_actor, login_required
from server.api.payload import read_json
from server.errors import TooManyRequests, Unauthorized, WrongPassword
from server.services import accounts

bp = ApiBlueprint("auth", __name__)


@bp.post("/auth/login")
@keep_writes_on(Unauthorized, TooManyRequests)  # the failed attempt must count even though we refuse
def login():
    """Exchange a username and password for a device's bearer token."""
    credentials = LoginSchema().load(read_json())
    session = accounts.login(credentials["username"], credentials["password"], credentials["device_name"], request.remote_addr)
    return LoginResultSchema().dump(session)


@bp.post("/auth/logout")
@login_required()
def logout():
    """Revoke the caller's own token."""
    accounts.revoke_device(current_actor().device_id)
    return {"ok": True}


@bp.post("/auth/password")
@login_required()
@keep_writes_on(WrongPassword, TooManyRequests)  # a wrong current password counts as a failed login
def change_password():
    """Set a new password, giving the current one; the user's other devices are signed out."""
    change = PasswordChangeSchema().load(read_json())
    return accounts.change_password(current_actor(), change["current_password"], change["new_password"], request.remote_addr)
