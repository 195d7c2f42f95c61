"""Hand-written queries for the few statements every report submission runs (#7).

``POST /api/v1/reports`` reads the token with its user, the campaign with the unit and its
participation, and the unit's latest reports, then inserts the report, its revision and its
audit entry. Built by the ORM, each of those statements cost 0.3 to 1 ms of CPU to put
together and read back, more than PostgreSQL took to run it (measured with cProfile and
EXPLAIN ANALYZE; bench/README.md). Here they are written once per process from the models'
own tables and columns, and PostgreSQL prepares them (server-side binding, settings.py).

Values go in and come out as the ORM's own fields convert them (``get_db_prep_save``,
``from_db_value`` and the backend's converters), so a model read here is the model the ORM
would have read, holding the columns the query selected; any other field is loaded from the
database if asked for, as with ``QuerySet.only()``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models


class Columns:
    """The columns of ``model`` (all concrete fields, or ``names``) under the alias ``alias``."""

    def __init__(self, model: type[models.Model], alias: str, names: Sequence[str] = ()):
        self.model = model
        fields = model._meta.concrete_fields
        self.fields = [f for f in fields if f.attname in names] if names else list(fields)
        self.attnames = [f.attname for f in self.fields]
        self.sql = ", ".join(f"{alias}.{f.column}" for f in self.fields)
        self._converters: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def converters(self, connection) -> list:
        """Per field, the functions the ORM applies to a value read from this database."""
        if connection.alias not in self._converters:
            self._converters[connection.alias] = [
                [
                    (conv, col)
                    for conv in connection.ops.get_db_converters(col)
                    + field.get_db_converters(connection)
                ]
                for field in self.fields
                for col in [field.get_col(self.model._meta.db_table)]
            ]
        return self._converters[connection.alias]

    def read(self, values: Sequence, connection) -> models.Model | None:
        """The instance whose columns are ``values`` (None for a row a LEFT JOIN missed)."""
        if values[self.attnames.index(self.model._meta.pk.attname)] is None:
            return None
        converted = []
        for value, converters in zip(values, self.converters(connection), strict=True):
            for conv, col in converters:
                value = conv(value, col, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, self.attnames, converted)


def select(sql: str, params: Sequence, *columns: Columns, using: str = "default") -> list[list]:
    """Run ``sql`` and read each row into one instance per ``Columns`` (in the order of the
    SELECT list), followed by the remaining values as they came."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        read, start = [], 0
        for part in columns:
            read.append(part.read(row[start : start + len(part)], connection))
            start += len(part)
        result.append(read + list(row[start:]))
    return result


def insert(instance: models.Model, using: str = "default") -> None:
    """INSERT ``instance`` as ``Model.save(force_insert=True)`` would (``pre_save`` applied,
    values prepared by each field) and set its primary key; without the ``pre_save`` and
    ``post_save`` signals, which no model written here has."""
    connection = connections[using]
    meta, quote = instance._meta, connection.ops.quote_name
    fields = [
        f
        for f in meta.concrete_fields
        if not (f.primary_key and getattr(instance, f.attname) is None)
    ]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}"
    )
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        setattr(instance, meta.pk.attname, cursor.fetchone()[0])
    instance._state.adding = False
    instance._state.db = connection.alias


def update(instance: models.Model, *names: str, using: str = "default") -> None:
    """UPDATE the fields ``names`` of ``instance``, as ``save(update_fields=names)`` would."""
    connection = connections[using]
    meta, quote = instance._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    params = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s",
            [*params, instance.pk],
        )
