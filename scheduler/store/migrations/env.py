"""Alembic environment: govcal's models are the target; the URL comes from the config.

`scheduler.store.schema` passes its own connection (config.attributes["connection"]),
already in the transaction that holds the whole upgrade; the migrations then run in it.
"""

from alembic import context

from scheduler.store.database import engine_for
from scheduler.store.tables import Base

config = context.config


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        context.configure(connection=given, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():  # inside the caller's transaction: it commits, or not
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None, "alembic_config() sets the URL"
    engine = engine_for(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
