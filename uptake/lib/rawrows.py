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

from django.db import IntegrityError, connections, models, transaction


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
    # A part whose columns repeat the row before's (a join's one side: the participation, its
    # campaign and unit beside each of the unit's reports) is that row's instance, read once
    # (#20: reading the same models row after row was a sixth of a report's CPU).
    previous: list = [None] * len(columns)
    for row in rows:
        read, start = [], 0
        for n, part in enumerate(columns):
            values = row[start : start + len(part)]
            if previous[n] is not None and previous[n][0] == values:
                read.append(previous[n][1])
            else:
                instance = part.read(values, connection)
                previous[n] = (values, instance)
                read.append(instance)
            start += len(part)
        result.append(read + list(row[start:]))
    return result


def _fields(instance: models.Model, skip: str = "") -> list[models.Field]:
    """The fields an INSERT of ``instance`` writes: all but an unset primary key (and ``skip``)."""
    return [
        f
        for f in instance._meta.concrete_fields
        if f.attname != skip and not (f.primary_key and getattr(instance, f.attname) is None)
    ]


def _values(instance: models.Model, fields: list[models.Field], connection) -> list:
    return [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def _inserted(instance: models.Model, pk, connection) -> None:
    setattr(instance, instance._meta.pk.attname, pk)
    instance._state.adding = False
    instance._state.db = connection.alias


def insert(instance: models.Model, using: str = "default") -> None:
    """INSERT ``instance`` as ``Model.save(force_insert=True)`` would (``pre_save`` applied,
    values prepared by each field) and set its primary key; without the ``pre_save`` and
    ``post_save`` signals, which no model written here has."""
    connection = connections[using]
    meta, quote = instance._meta, connection.ops.quote_name
    fields = _fields(instance)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _values(instance, fields, connection))
        _inserted(instance, cursor.fetchone()[0], connection)


def _link(child: models.Model, link: str, pk) -> None:
    """Set ``child``'s field ``link`` to the parent's primary key (as text in a text field)."""
    field = child._meta.get_field(link)
    setattr(child, field.attname, pk if field.is_relation else field.to_python(pk))


def insert_family(
    parent: models.Model,
    children: Sequence[tuple[models.Model, str]],
    unique: Sequence[str],
    using: str = "default",
) -> bool:
    """INSERT ``parent`` and each child with its field named ``link`` set to the parent's
    primary key (as text in a text field), or nothing at all when a row with the same
    ``unique`` fields as ``parent`` (a unique constraint) exists: False then, True when all
    were inserted.

    On PostgreSQL one statement does it (``INSERT ... ON CONFLICT DO NOTHING`` with the
    children's INSERTs in data-modifying WITH clauses), so that it needs no transaction of
    its own: one round trip instead of five (#7). Elsewhere, one INSERT each, in a transaction.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        parent_inserted = False
        try:
            with transaction.atomic(using=using):
                insert(parent, using)
                parent_inserted = True
                for child, link in children:
                    _link(child, link, parent.pk)
                    insert(child, using)
        except IntegrityError:
            if parent_inserted:
                raise  # a child's error: all rolled back
            key = {name: getattr(parent, parent._meta.get_field(name).attname) for name in unique}
            if not type(parent)._default_manager.using(using).filter(**key).exists():
                raise  # not the conflict expected
            parent.pk = None
            return False
        return True

    fields = _fields(parent)
    params = _values(parent, fields, connection)
    shape = [(child, child._meta.get_field(link)) for child, link in children]
    child_fields = [_fields(child, skip=link_field.attname) for child, link_field in shape]
    for (child, _link_field), names in zip(shape, child_fields, strict=True):
        params += _values(child, names, connection)
    key = (
        connection.alias,
        type(parent),
        tuple(f.attname for f in fields),
        tuple(unique),
        tuple(
            (type(child), link_field.attname, tuple(f.attname for f in names))
            for (child, link_field), names in zip(shape, child_fields, strict=True)
        ),
    )
    sql = _FAMILY_SQL.get(key)
    if sql is None:
        sql = _FAMILY_SQL[key] = _family_sql(
            connection, parent, fields, unique, shape, child_fields
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    _inserted(parent, row[0], connection)
    for child, link in children:
        _link(child, link, parent.pk)
        child._state.adding = False  # its own primary key was not read back
        child._state.db = connection.alias
    return True


# insert_family's statements, written once per shape (#20: building one took about 0.1 ms
# of CPU, on every report): a model, its fields and its children's.
_FAMILY_SQL: dict[tuple, str] = {}


def _family_sql(connection, parent, fields, unique, shape, child_fields) -> str:
    quote = connection.ops.quote_name
    sql = [
        f"WITH parent AS (INSERT INTO {quote(parent._meta.db_table)}"
        f" ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
        f" ON CONFLICT ({', '.join(quote(parent._meta.get_field(n).column) for n in unique)})"
        f" DO NOTHING RETURNING {quote(parent._meta.pk.column)} AS id)"
    ]
    for n, ((child, link_field), names) in enumerate(zip(shape, child_fields, strict=True)):
        # Typed placeholders: in a SELECT list PostgreSQL cannot guess a parameter's type.
        values = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in names)
        sql.append(
            f", child{n} AS (INSERT INTO {quote(child._meta.db_table)}"
            f" ({quote(link_field.column)}, {', '.join(quote(f.column) for f in names)})"
            f" SELECT CAST(parent.id AS {link_field.db_type(connection)}), {values} FROM parent)"
        )
    sql.append(" SELECT id FROM parent")
    return "".join(sql)


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
