"""Alembic environment shared by the content cache and the kiosk state store.

The caller passes an open connection in `config.attributes["connection"]`
(see `content_cache.db.run_migrations`); there is no alembic.ini.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
