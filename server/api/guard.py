"""Bearer-token authentication for API routes, and role checks."""

from datetime import UTC
from functools import wraps

from flask import g, request

from server.errors import Forbidden
from server.models import utcnow
from server.services.accounts import authenticate
from server.services.actor import Actor

LAST_SEEN_RESOLUTION = 60  # seconds; avoids a write on every request


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def login_required(*roles: str):
    """Authenticate the caller into `g.actor`; with roles, only those may call."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            actor, device = authenticate(bearer_token())
            if roles and actor.role not in roles:
                raise Forbidden(f"This needs the role {' or '.join(roles)}.")
            now = utcnow()
            if device.last_seen_at is None or (now - as_utc(device.last_seen_at)).total_seconds() > LAST_SEEN_RESOLUTION:
                device.last_seen_at = now
            g.actor, g.device = actor, device
            return view(*args, **kwargs)

        return guarded

    return decorate


def as_utc(moment):
    # SQLite hands back naive datetimes even for timezone-aware columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def current_actor() -> Actor:
    return g.actor
