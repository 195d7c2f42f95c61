"""A consistent copy of the whole database while uptake runs, and its restore.

``write_backup(path)`` reads every model inside one read transaction that sees a single moment
of the database: REPEATABLE READ, READ ONLY on PostgreSQL; a deferred read transaction on
SQLite, where WAL gives readers a snapshot while writers go on. A report submitted during the
backup is either wholly in it (report, revision and audit entry) or not at all.

The file is gzip-compressed JSON lines:

1. a header: ``{"format": "uptake-backup", "version": 1, "created_at", "vendor",
   "migrations": [...], "counts": {"reports.report": 812, ...}, "objects": N}``;
2. one line per object, as Django's serializers write them (``model``, ``pk``, ``fields``);
3. a trailer: ``{"end": true, "objects": N, "sha256": ...}``, the SHA-256 of every line
   before it. A file cut short, edited or damaged fails the check.

It is written to a temporary file next to ``path`` and renamed into place at the end, so a
crash never leaves a half backup under the backup's name.

``restore_backup(path)`` checks the file whole before touching anything (format, checksum,
counts, models, the database's migrations), refuses a database that holds data unless
``force`` (which replaces it), then loads everything in one transaction with the foreign keys
checked at commit, and resets PostgreSQL's sequences. Sessions are not kept: after a restore
everyone logs in again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "uptake-backup"
VERSION = 1
BATCH = 1000
# Not kept: who is logged in right now.
SKIPPED = {"sessions.session"}
# Made by `migrate` in every database: a database holding only these is empty.
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """The backup cannot be written, or the file cannot be restored; nothing was changed."""


@dataclass
class Summary:
    path: Path
    counts: dict[str, int]
    objects: int
    sha256: str
    vendor: str


def models_in_order() -> list:
    """Every model whose rows are kept, dependencies first (as dumpdata orders them)."""
    app_list = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed or label(model) in SKIPPED:
            continue
        app_list.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def label(model) -> str:
    return model._meta.label_lower


def applied_migrations() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


@contextmanager
def snapshot() -> Iterator[None]:
    """A read transaction in which every query sees the same moment of the database."""
    if connection.in_atomic_block:  # already inside a transaction (the tests): it is the snapshot
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # Not Django's atomic(): uptake's SQLite begins IMMEDIATE, which would stop every
        # writer for as long as the backup takes. A deferred transaction only reads.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic():
        yield


def _queryset(model):
    m2m = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
    queryset = model._default_manager.using(connection.alias).order_by(model._meta.pk.name)
    return queryset.prefetch_related(*m2m) if m2m else queryset


def _objects(model) -> Iterator[dict]:
    batch = []
    for obj in _queryset(model).iterator(chunk_size=BATCH):
        batch.append(obj)
        if len(batch) >= BATCH:
            yield from serializers.serialize("python", batch)
            batch = []
    if batch:
        yield from serializers.serialize("python", batch)


def _line(data: dict) -> bytes:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return text.encode() + b"\n"


def write_backup(path: str | os.PathLike) -> Summary:
    """Write a consistent, checksummed copy of every model's rows to ``path`` (gzip)."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise BackupError(f"No such folder: {directory}")
    models = models_in_order()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    os.close(handle)
    digest = hashlib.sha256()
    total = 0
    try:
        with snapshot(), gzip.open(temporary, "wb", compresslevel=6) as out:
            counts = {label(m): m._default_manager.using(connection.alias).count() for m in models}
            header = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "vendor": connection.vendor,
                "migrations": applied_migrations(),
                "counts": counts,
                "objects": sum(counts.values()),
            }
            line = _line(header)
            digest.update(line)
            out.write(line)
            for model in models:
                for data in _objects(model):
                    line = _line(data)
                    digest.update(line)
                    out.write(line)
                    total += 1
            if total != header["objects"]:  # cannot happen inside one snapshot
                raise BackupError("The database changed during the backup: try again.")
            out.write(_line({"end": True, "objects": total, "sha256": digest.hexdigest()}))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return Summary(path, counts, total, digest.hexdigest(), connection.vendor)


# --- restore -----------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[bytes]:
    try:
        with gzip.open(path, "rb") as f:
            yield from f
    except FileNotFoundError:
        raise BackupError(f"No such file: {path}") from None
    except (OSError, EOFError) as exc:  # not gzip, or cut short
        raise BackupError(f"{path} is not a complete uptake backup ({exc}).") from None


def read_backup(path: str | os.PathLike) -> dict:
    """Check the file whole (format, checksum, counts, known models); return its header."""
    path = Path(path)
    digest = hashlib.sha256()
    header = trailer = None
    counts: Counter = Counter()
    for number, line in enumerate(_lines(path)):
        try:
            data = json.loads(line)
        except ValueError:
            raise BackupError(f"Line {number + 1} of {path} is damaged.") from None
        if trailer is not None:
            raise BackupError(f"{path} goes on after its end.")
        if number == 0:
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise BackupError(f"{path} is not an uptake backup.")
            if data.get("version") != VERSION:
                raise BackupError(f"{path} is a backup of version {data.get('version')}.")
            header = data
        elif isinstance(data, dict) and data.get("end") is True:
            trailer = data
            continue
        else:
            counts[data.get("model")] += 1
        digest.update(line)
    if header is None or trailer is None:
        raise BackupError(f"{path} is not a complete uptake backup (its end is missing).")
    if trailer.get("sha256") != digest.hexdigest():
        raise BackupError(f"{path} is damaged: its checksum does not match.")
    if dict(counts) != {k: v for k, v in header["counts"].items() if v}:
        raise BackupError(f"{path} is damaged: its rows do not match its header.")
    known = {label(m) for m in models_in_order()}
    unknown = sorted(set(header["counts"]) - known)
    if unknown:
        raise BackupError(f"{path} holds models this uptake does not have: {', '.join(unknown)}.")
    return header


def holds_data() -> list[str]:
    """The models that have rows (besides what `migrate` makes)."""
    return [
        label(m)
        for m in models_in_order()
        if label(m) not in MADE_BY_MIGRATE and m._default_manager.using(connection.alias).exists()
    ]


def _wipe(models) -> None:
    tables = []
    for model in models:
        tables.append(model._meta.db_table)
        for field in model._meta.many_to_many:
            if field.remote_field.through._meta.auto_created:
                tables.append(field.remote_field.through._meta.db_table)
    tables.append(apps.get_model("sessions", "Session")._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def _save(batch: list) -> None:
    """Store deserialised objects of one model: the rows, then their many-to-many links."""
    model = type(batch[0].object)
    model._base_manager.using(connection.alias).bulk_create([d.object for d in batch])
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        if not through._meta.auto_created:
            continue  # an explicit through model is a model of its own in the file
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = [
            through(**{f"{source}_id": d.object.pk, f"{target}_id": pk})
            for d in batch
            for pk in d.m2m_data.get(field.name, [])
        ]
        through._default_manager.using(connection.alias).bulk_create(links, batch_size=BATCH)


def _objects_of(path: Path) -> Iterator[dict]:
    for number, line in enumerate(_lines(path)):
        data = json.loads(line)
        if number and not data.get("end"):
            yield data


def restore_backup(path: str | os.PathLike, force: bool = False) -> dict:
    """Load ``path`` into this database in one transaction; its header (counts) when done."""
    path = Path(path)
    header = read_backup(path)
    ours = applied_migrations()
    if header["migrations"] != ours:
        missing = sorted(set(header["migrations"]) - set(ours))
        extra = sorted(set(ours) - set(header["migrations"]))
        raise BackupError(
            "This backup was taken at another version of the database "
            f"(missing here: {', '.join(missing) or 'none'}; "
            f"not in the backup: {', '.join(extra) or 'none'}). "
            "Restore it with the uptake that made it, after `manage.py migrate`."
        )
    models = models_in_order()
    with transaction.atomic():
        if connection.vendor == "sqlite":
            # Foreign keys are checked at COMMIT, so that rows may come in any order.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA defer_foreign_keys = ON")
        used = holds_data()
        if used and not force:
            raise BackupError(
                "The database is not empty (it holds "
                + ", ".join(used[:5])
                + (", ..." if len(used) > 5 else "")
                + "): restore into a new database, or give --force to replace everything."
            )
        _wipe(models)
        batch: list = []
        stream = serializers.deserialize(
            "python", _objects_of(path), using=connection.alias, handle_forward_references=False
        )
        for item in stream:
            if batch and type(item.object) is not type(batch[0].object):
                _save(batch)
                batch = []
            batch.append(item)
            if len(batch) >= BATCH:
                _save(batch)
                batch = []
        if batch:
            _save(batch)
        loaded = {label(m): m._default_manager.using(connection.alias).count() for m in models}
        expected = {name: header["counts"].get(name, 0) for name in loaded}
        if loaded != expected:
            raise BackupError("The restored rows do not match the backup: nothing was changed.")
        if connection.vendor == "postgresql":
            statements = connection.ops.sequence_reset_sql(no_style(), models)
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        connection.check_constraints()  # every foreign key points at a row, now, not at commit
    ContentType.objects.clear_cache()
    return header
