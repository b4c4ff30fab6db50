"""Users, passwords and device sessions.

Passwords are hashed with argon2id, with the parameters of one of
argon2-cffi's profiles named by the PASSWORD_HASH_PROFILE setting: by default
RFC 9106's second recommended profile (argon2-cffi's own default); the tests
use CHEAPEST. A hash carries its parameters, so hashes made under one profile
verify under any other, and a login rehashes a password made under another. A login is a device session with its own random
bearer token; only the token's SHA-256 is stored, so a leaked database holds
no usable token. Failed logins are counted per username in the database, so
the limit holds across workers.
"""

import hashlib
import secrets
import uuid
from datetime import UTC, timedelta
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, delete, func, select

from server.errors import (
    BadCredentials,
    Forbidden,
    InvalidToken,
    MissingToken,
    NotFound,
    TokenExpired,
    TooManyRequests,
    Unprocessable,
    UsernameTaken,
    WrongPassword,
)
from server.extensions import db
from server.models import Device, LoginFailure, Record, User, UserSite, utcnow
from server.services.actor import ROLES, SYSTEM_DEVICE, SYSTEM_USER, Actor, system_actor  # noqa: F401 (SYSTEM_* are used by importers of accounts)
from server.services.mutations import apply_server_edit

# A device that has not called the server for this many days must log in again (0: never). The
# instance config or the environment sets DEVICE_IDLE_DAYS; see README, Configuration.
DEFAULT_IDLE_DAYS = 30
FAILURE_WINDOW = timedelta(minutes=1)
MAX_FAILURES = 10  # for one username from one address, within the window
MAX_ADDRESS_FAILURES = 30  # from one address, whatever the usernames tried

DEFAULT_HASH_PROFILE = "RFC_9106_LOW_MEMORY"


@lru_cache(maxsize=4)
def hasher_for(profile: str) -> PasswordHasher:
    """argon2-cffi's PasswordHasher with the parameters of one of its `argon2.profiles`."""
    parameters = getattr(profiles, profile, None)
    if not isinstance(parameters, profiles.Parameters):
        raise ValueError(f"PASSWORD_HASH_PROFILE {profile!r} is not one of argon2.profiles (e.g. {DEFAULT_HASH_PROFILE}, CHEAPEST for tests)")
    return PasswordHasher.from_parameters(parameters)


def password_hasher() -> PasswordHasher:
    return hasher_for(current_app.config["PASSWORD_HASH_PROFILE"])


@lru_cache(maxsize=4)
def unknown_user_hash(profile: str) -> str:
    """Verified against when the username is unknown, so both failures take as long."""
    return hasher_for(profile).hash(secrets.token_hex(16))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "company_id": user.company_id,
        "site_ids": sorted(site_ids_of(user.id) or []),
    }


def site_ids_of(user_id: str) -> frozenset[str] | None:
    ids = db.session.execute(select(UserSite.site_id).where(UserSite.user_id == user_id)).scalars().all()
    return frozenset(ids) if ids else None


def check_failure_limits(username: str, address: str | None) -> None:
    """TooManyRequests once a username failed too often from this address, or this address over all usernames.

    Never per username alone: otherwise anyone could keep the admin out by
    failing on purpose from elsewhere.
    """
    since = utcnow() - FAILURE_WINDOW
    failures = select(func.count()).select_from(LoginFailure).where(LoginFailure.at > since, LoginFailure.address == address)
    from_here = db.session.execute(failures).scalar_one()
    for_this_name = db.session.execute(failures.where(LoginFailure.username == username)).scalar_one()
    if for_this_name >= MAX_FAILURES or from_here >= MAX_ADDRESS_FAILURES:
        raise TooManyRequests("Too many failed logins; wait a minute and try again.", headers={"Retry-After": "60"})


def login(username: str, password: str, device_name: str, address: str | None = None) -> dict:
    """Open a device session; raise Unauthorized (same for both wrong fields) or TooManyRequests (`check_failure_limits`)."""
    since = utcnow() - FAILURE_WINDOW
    check_failure_limits(username, address)
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if not password_matches(user.password_hash if user else unknown_user_hash(current_app.config["PASSWORD_HASH_PROFILE"]), password) or user is None:
        db.session.add(LoginFailure(username=username, address=address, at=utcnow()))
        raise BadCredentials("Wrong username or password.")
    if password_hasher().check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher().hash(password)
    token = secrets.token_urlsafe(32)
    device = Device(id=str(uuid.uuid4()), user_id=user.id, name=device_name, token_hash=hash_token(token), created_at=utcnow(), last_seen_at=utcnow())
    db.session.add(device)
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= since))
    return {"token": token, "device_id": device.id, "user": user_json(user)}


def change_password(actor: Actor, current_password: str, new_password: str, address: str | None = None) -> dict:
    """A user sets a new password, knowing the current one; their other devices are signed out.

    The current password is asked again so a phone left unlocked cannot take
    the account over, and a wrong one counts as a failed login: a stolen
    token cannot be used to guess the password behind it.
    """
    user = db.session.get(User, actor.user_id)
    check_failure_limits(user.username, address)
    if not password_matches(user.password_hash, current_password):
        db.session.add(LoginFailure(username=user.username, address=address, at=utcnow()))
        raise WrongPassword("That is not your current password.", {"current_password": ["Wrong password."]})
    if new_password == current_password:
        raise Unprocessable("The new password is the current one.", {"new_password": ["Choose a password you do not use now."]})
    user.password_hash = password_hasher().hash(new_password)
    others = (
        db.session.execute(select(Device).where(Device.user_id == user.id, Device.id != actor.device_id, Device.revoked_at.is_(None))).scalars().all()
    )
    for device in others:
        device.revoked_at = utcnow()
    return {"ok": True, "signed_out_devices": len(others)}


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Every request asks this, so it is one query, built once: the device, its user,
# and one row per site the user is limited to.
TOKEN_OWNER = (
    select(Device, User, UserSite.site_id)
    .join(User, User.id == Device.user_id)
    .outerjoin(UserSite, UserSite.user_id == User.id)
    .where(Device.token_hash == bindparam("token_hash"))
)


def authenticate(token: str | None) -> tuple[Actor, Device]:
    """The actor behind a bearer token; Unauthorized for a missing, unknown or revoked one."""
    if not token:
        raise MissingToken("Log in and send the token as 'Authorization: Bearer <token>'.")
    rows = db.session.execute(TOKEN_OWNER, {"token_hash": hash_token(token)}).all()
    if not rows or rows[0].Device.revoked_at is not None:
        raise InvalidToken("This token is not valid; log in again.")
    device, user = rows[0].Device, rows[0].User
    idle_days = current_app.config.get("DEVICE_IDLE_DAYS", DEFAULT_IDLE_DAYS)
    last_seen = device.last_seen_at or device.created_at
    if idle_days and utcnow() - (last_seen if last_seen.tzinfo else last_seen.replace(tzinfo=UTC)) > timedelta(days=idle_days):
        raise TokenExpired(f"This device has not synced for more than {idle_days} days; log in again (what waits on it is kept).")
    sites = frozenset(row.site_id for row in rows if row.site_id is not None) or None
    actor = Actor(user_id=user.id, role=user.role, device_id=device.id, company_id=user.company_id, site_ids=sites)
    return actor, device


def idle_days_setting(value) -> int:
    """DEVICE_IDLE_DAYS as configured (a whole number of days, 0 for no limit); ValueError for anything else."""
    if value is None or value == "":
        return DEFAULT_IDLE_DAYS
    text = str(value).strip()
    if isinstance(value, bool) or not text.isascii() or not text.isdigit():
        raise ValueError(f"DEVICE_IDLE_DAYS must be a whole number of days (0 for no limit), not {value!r}")
    return int(text)


def list_users(viewer: Actor) -> list[dict]:
    """The users the viewer may see (`visible_users`), by username."""
    visible = visible_users(viewer)
    users = db.session.execute(select(User).order_by(User.username)).scalars()
    return [user_json(user) for user in users if visible is None or user.id in visible]


def list_devices(viewer: Actor) -> list[dict]:
    """The device sessions of the users the viewer may see, newest first."""
    visible = visible_users(viewer)
    rows = db.session.execute(select(Device, User).join(User, User.id == Device.user_id).order_by(Device.created_at.desc())).all()
    return [device_json(device, user) for device, user in rows if visible is None or user.id in visible]


def visible_users(viewer: Actor) -> set[str] | None:
    """Ids of the people an office user limited to some sites works with; None for every user.

    They are the users who work on one of its sites: those limited to one of
    them, those limited to no site (they work on every site, these included),
    and the contractors of companies with a finding assigned on one of them
    (past or present: a closed job is still theirs).
    """
    if viewer.site_ids is None:
        return None
    limits: dict[str, set[str]] = {}
    for user_id, site_id in db.session.execute(select(UserSite.user_id, UserSite.site_id)):
        limits.setdefault(user_id, set()).add(site_id)
    companies = set(
        db.session.execute(
            select(Record.company_id).where(
                Record.type == "finding", Record.deleted.is_(False), Record.company_id.is_not(None), Record.site_id.in_(sorted(viewer.site_ids))
            )
        ).scalars()
    )
    visible = set()
    for user_id, role, company_id in db.session.execute(select(User.id, User.role, User.company_id)):
        if role == "contractor":
            works_here = company_id in companies
        else:
            works_here = user_id not in limits or bool(limits[user_id] & viewer.site_ids)
        if works_here or user_id == viewer.user_id:
            visible.add(user_id)
    return visible


def device_json(device: Device, user: User) -> dict:
    return {
        "device_id": device.id,
        "name": device.name,
        "user": user_json(user),
        "created_at": device.created_at,
        "last_seen_at": device.last_seen_at,
        "revoked_at": device.revoked_at,
    }


def revoke_device(device_id: str, viewer: Actor | None = None) -> dict:
    """Revoke a device session; with a viewer, only one of a user it may see (`visible_users`)."""
    device = db.session.get(Device, device_id)
    visible = visible_users(viewer) if viewer is not None else None
    if device is None or (visible is not None and device.user_id not in visible):
        raise NotFound("There is no such device.")
    owner = db.session.get(User, device.user_id)
    if viewer is not None and not may_manage(viewer, owner):
        raise Forbidden(f"{owner.username}'s devices are for an admin, or an office user whose sites cover theirs, to revoke.")
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    return device_json(device, db.session.get(User, device.user_id))


RANK = {"contractor": 0, "inspector": 0, "office": 1, "admin": 2}


def may_manage(viewer: Actor, user: User) -> bool:
    """Whether the viewer may act on the user's account (revoke a device): itself, or someone not above it in role or in sites.

    Seeing a user is not enough: a site-limited office user sees the admin
    (who works on every site) but must not lock them out.
    """
    if viewer.user_id == user.id or viewer.role == "admin":
        return True
    if RANK[user.role] > RANK[viewer.role]:
        return False
    if viewer.site_ids is None or user.role == "contractor":
        return True
    sites = site_ids_of(user.id)
    return sites is not None and sites <= viewer.site_ids


def create_user(username: str, role: str, password: str, name: str | None = None, company: str | None = None, sites: tuple[str, ...] = ()) -> User:
    """Make a user; a named company or site that does not exist yet is created as a record."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "contractor" and not company:
        raise ValueError("a contractor belongs to a company: pass --company")
    if username_taken(username):
        raise ValueError(f"user {username!r} exists already")
    company_id = find_or_create_named("company", company).id if company else None
    return insert_user(username, role, password, name, company_id, [find_or_create_named("site", site).id for site in sites])


def add_user(username: str, role: str, password: str, name: str | None, company_id: str | None, site_ids: list[str]) -> User:
    """An account made from the office screens; the company and sites must exist already."""
    problems = {}
    if role == "contractor" and not company_id:
        problems["company_id"] = ["A contractor belongs to a company."]
    if role != "contractor" and company_id:
        problems["company_id"] = ["Only contractors belong to a company."]
    if company_id and not live_record(company_id, "company"):
        problems["company_id"] = ["No such company."]
    if any(not live_record(site_id, "site") for site_id in site_ids):
        problems["site_ids"] = ["No such site."]
    if problems:
        raise Unprocessable("Some fields of the new user are not valid.", problems)
    if username_taken(username):
        raise UsernameTaken(f"The username {username!r} is taken.", {"username": ["Taken."]})
    return insert_user(username, role, password, name, company_id, site_ids)


def username_taken(username: str) -> bool:
    return db.session.execute(select(User.id).where(User.username == username)).first() is not None


def insert_user(username: str, role: str, password: str, name: str | None, company_id: str | None, site_ids: list[str]) -> User:
    user = User(
        id=str(uuid.uuid4()),
        username=username,
        name=name or username,
        role=role,
        company_id=company_id,
        password_hash=password_hasher().hash(password),
        created_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    for site_id in sorted(set(site_ids)):
        db.session.add(UserSite(user_id=user.id, site_id=site_id))
    db.session.flush()
    return user


def live_record(record_id: str, record_type: str) -> bool:
    record = db.session.get(Record, record_id)
    return record is not None and record.type == record_type and not record.deleted


def find_or_create_named(record_type: str, name: str) -> Record:
    """The live record of this type with this name, made by the system if there is none."""
    candidates = db.session.execute(select(Record).where(Record.type == record_type, Record.deleted.is_(False))).scalars()
    for record in candidates:
        if record.fields.get("name") == name:
            return record
    return create_system_record(record_type, {"name": name})


def create_system_record(record_type: str, fields: dict, record_id: str | None = None) -> Record:
    """A record made from the shell (create-user), written as a push would be: by the system device, its author the system user."""
    record_id = record_id or str(uuid.uuid4())
    system = system_actor()
    result = apply_server_edit(system, record_type, fields, record_id=record_id)
    if result["status"] != "applied":
        raise ValueError(f"the {record_type} was refused: {result.get('error', result)}")
    return db.session.get(Record, record_id)
