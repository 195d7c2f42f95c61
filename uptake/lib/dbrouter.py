"""Read-only pages on a PostgreSQL replica, everything else on the primary (#7).

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database (a streaming replica of
the primary, read-only) and ``ReplicaRouter``. Reads go to the replica only inside a view marked
``@read_only_db`` (the status page, the dashboard, the API's summary), only for GET and HEAD
requests, and never inside a transaction on the primary: a read that belongs to a write (a
``select_for_update``, a check before an insert) always sees the primary. Every write, and every
read elsewhere, goes to the primary (``default``).

The replica lags the primary by a moment (usually well under a second): the marked pages may
show a report a moment after it was stored. Without ``DATABASE_REPLICA_URL`` nothing changes.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
READ_ONLY_METHODS = ("GET", "HEAD")

# Set while a read-only view runs: per thread and per asyncio task, never shared.
_on_replica: ContextVar[bool] = ContextVar("uptake_reads_on_replica", default=False)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: the replica for reads of read-only views, else the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if (
            _on_replica.get()
            and REPLICA in settings.DATABASES
            and not _in_transaction(connections[DEFAULT_DB_ALIAS])
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema


def _in_transaction(connection) -> bool:
    """In an atomic block of the application's own: those a TestCase wraps each test in do not
    count (as for Django's ``durable`` blocks)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


@contextmanager
def reads_on_replica():
    """Reads in the block may come from the replica (see ``ReplicaRouter``)."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def read_only_db(view):
    """Marks a view as read-only: on GET and HEAD its reads may be served by the replica."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in READ_ONLY_METHODS:
            return view(request, *args, **kwargs)
        with reads_on_replica():
            response = view(request, *args, **kwargs)
            # A lazy response (TemplateResponse) renders here, with the same reads.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    return wrapper
