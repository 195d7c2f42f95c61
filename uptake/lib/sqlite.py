"""SQLite's LIKE made exact, as PostgreSQL's is (#15).

Every scope check filters units by their path: ``path__startswith="KA/"``, which Django writes
as ``LIKE 'KA/%'``. SQLite's LIKE ignores the case of ASCII letters, so a coordinator of "KA"
saw the units of a district coded "ka". ``PRAGMA case_sensitive_like = ON`` on every new
connection makes LIKE exact, and lets SQLite answer a prefix LIKE from the path's index (a
range search instead of a scan of every unit).

Django's case-insensitive lookups (``iexact``, ``icontains``...: the admin's searches) are
written with the same LIKE on SQLite; they are rewritten to ``UPPER(column) LIKE UPPER(%s)``,
as on PostgreSQL, so that they keep ignoring case.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.signals import connection_created

CASE_BLIND = ("iexact", "icontains", "istartswith", "iendswith")


def exact_like(sender, connection, **kwargs) -> None:
    if connection.vendor != "sqlite":
        return
    cursor = connection.connection.cursor()  # the raw connection: no Django hooks
    try:
        cursor.execute("PRAGMA case_sensitive_like = ON")
        blind = cursor.execute("SELECT 'a' LIKE 'A'").fetchone()[0]
    finally:
        cursor.close()
    if blind:
        raise ImproperlyConfigured(
            "this SQLite ignores PRAGMA case_sensitive_like: unit scopes would not be exact"
        )
    if getattr(connection, "_case_blind_lookups_upper", False):
        return  # this wrapper was set up before (a connection opened again)
    connection.operators = {
        **type(connection).operators,
        **{name: "LIKE UPPER(%s) ESCAPE '\\'" for name in CASE_BLIND},
    }
    plain_cast = connection.ops.lookup_cast

    def lookup_cast(lookup_type, internal_type=None):
        cast = plain_cast(lookup_type, internal_type)
        return f"UPPER({cast})" if lookup_type in CASE_BLIND else cast

    connection.ops.lookup_cast = lookup_cast
    connection._case_blind_lookups_upper = True


def install() -> None:
    connection_created.connect(exact_like, dispatch_uid="uptake-sqlite-exact-like")
