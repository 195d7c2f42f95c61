"""Hand-written queries for the few reads every report submission makes (#7).

``POST /api/v1/reports`` reads the token with its user, the campaign with the unit and its
participation, and the unit's latest reports. Built by the ORM, each of those queries cost
0.5 to 1 ms of CPU to put together, more than PostgreSQL took to answer it (measured with
cProfile and EXPLAIN ANALYZE; bench/README.md): written once from the models' own tables and
columns, and prepared by PostgreSQL (server-side binding, settings.py), they cost a tenth.

``Model.objects.raw()`` reads the main model of such a query; the columns of the models
joined to it are read here into instances holding only those fields (any other field of
theirs is loaded from the database if asked for, as with ``QuerySet.only()``).
"""

from __future__ import annotations

import functools

from django.db import models


@functools.cache
def plain_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The model's columns that read back as they are, with ``Field.to_python``: not JSON
    nor date-times (SQLite returns those as text, which only the ORM's converters read)."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, models.JSONField | models.DateTimeField)
    )


def select_list(model: type[models.Model], alias: str, prefix: str) -> str:
    """``alias.column AS prefix_attname, ...`` for the model's plain fields."""
    return ", ".join(f"{alias}.{f.column} AS {prefix}{f.attname}" for f in plain_fields(model))


def joined(row: models.Model, model: type[models.Model], prefix: str):
    """The instance of ``model`` whose columns ``row`` (from ``raw()``) read with ``prefix``."""
    fields = plain_fields(model)
    return model.from_db(
        row._state.db,
        [f.attname for f in fields],
        [f.to_python(getattr(row, prefix + f.attname)) for f in fields],
    )
