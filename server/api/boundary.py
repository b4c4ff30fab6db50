"""The request boundary: every API view runs in one transaction, committed once when it returns.

Views and services only flush; `ApiBlueprint` wraps each view it registers
in `one_transaction`, so no route can forget to commit (or commit twice).
When the view returns, the session commits, whatever the status: a handled
answer such as HEAD's 404 still keeps what authentication wrote (a device's
`last_seen_at`). When it raises, the session is rolled back, unless the
view declared with `keep_writes_on` that some refusals must still keep what
was written (a failed login is counted).

PostgreSQL may end a transaction as a deadlock victim or a serialization
failure; then the whole view runs again from the start (authentication
included), up to `ATTEMPTS` times. Code that keeps state of a transaction
outside the database (`session.info`) registers with `on_rollback` to
forget it after each rollback.
"""

from collections.abc import Callable
from functools import wraps

from flask import Blueprint
from sqlalchemy.exc import OperationalError

from server.extensions import db

ATTEMPTS = 3
RETRYABLE = ("40P01", "40001")  # PostgreSQL: deadlock detected, serialization failure
ROLLBACK_HOOKS: list[Callable[[], None]] = []


def on_rollback(hook: Callable[[], None]) -> Callable[[], None]:
    """Call `hook` after every rollback at the boundary."""
    if hook not in ROLLBACK_HOOKS:
        ROLLBACK_HOOKS.append(hook)
    return hook


def keep_writes_on(*errors: type[Exception]):
    """Commit, rather than roll back, when the view raises one of `errors`; the error is still answered."""

    def mark(view):
        view.keep_writes_on = errors
        return view

    return mark


def is_retryable(error: OperationalError) -> bool:
    return getattr(error.orig, "sqlstate", None) in RETRYABLE


def rollback() -> None:
    db.session.rollback()
    for hook in ROLLBACK_HOOKS:
        hook()


def commit_or_roll_back() -> None:
    try:
        db.session.commit()
    except BaseException:
        rollback()
        raise


def one_transaction(view):
    kept_on = getattr(view, "keep_writes_on", ())

    @wraps(view)
    def run(*args, **kwargs):
        attempt = 1
        while True:
            try:
                response = view(*args, **kwargs)
                db.session.commit()
                return response
            except OperationalError as error:
                rollback()
                if attempt == ATTEMPTS or not is_retryable(error):
                    raise
                attempt += 1
            except kept_on:
                commit_or_roll_back()
                raise
            except BaseException:
                rollback()
                raise

    run.one_transaction = True
    return run


class ApiBlueprint(Blueprint):
    """A blueprint whose every view runs in `one_transaction`."""

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        if view_func is not None:
            view_func = one_transaction(view_func)
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options=provide_automatic_options, **options)
