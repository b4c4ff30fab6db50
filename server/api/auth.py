"""Log in (a new device session) and log out (revoke the caller's token)."""

from flask import Blueprint

from schemas.api import LoginResultSchema, LoginSchema
from server.api.guard import current_actor, login_required
from server.api.payload import read_json
from server.errors import TooManyRequests, Unauthorized
from server.extensions import db
from server.services import accounts

bp = Blueprint("auth", __name__)


@bp.post("/auth/login")
def login():
    """Exchange a username and password for a device's bearer token."""
    credentials = LoginSchema().load(read_json())
    try:
        session = accounts.login(credentials["username"], credentials["password"], credentials["device_name"])
    except (Unauthorized, TooManyRequests):
        db.session.commit()  # the failed attempt must count even though we refuse
        raise
    db.session.commit()
    return LoginResultSchema().dump(session)


@bp.post("/auth/logout")
@login_required()
def logout():
    """Revoke the caller's own token."""
    accounts.revoke_device(current_actor().device_id)
    db.session.commit()
    return {"ok": True}
