"""Alembic's environment: run the revisions on the app's database.

Flask-Migrate's template, with two changes. The upgrade the server runs at
start hands in its own connection (Alembic's documented "sharing a
connection" recipe), already inside the transaction that holds the upgrade
lock, so the revisions run in that transaction. And the logging setup of
alembic.ini applies to the shell commands only, so that an upgrade at start
does not replace the logging of the app (or of gunicorn).
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
shared_connection = config.attributes.get("connection")
if shared_connection is None and config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate = current_app.extensions["migrate"]
target_metadata = migrate.db.metadata


def skip_empty_autogenerate(context, revision, directives):
    """`flask db migrate` with no change writes no empty revision."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline():
    """`flask db upgrade --sql`: print the SQL instead of running it."""
    url = migrate.db.engine.url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    options = {"process_revision_directives": skip_empty_autogenerate, **migrate.configure_args}
    if shared_connection is not None:
        context.configure(connection=shared_connection, target_metadata=target_metadata, **options)
        with context.begin_transaction():  # inside the caller's transaction: Alembic leaves the commit to it
            context.run_migrations()
        return
    with migrate.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
