"""What the benchmarks share: a throwaway database, the machine's facts, timing helpers.

A benchmark runs on SQLite (a file in /tmp) or on the local PostgreSQL (127.0.0.1:5432, user
postgres, trust auth), in a database of its own, ``uptake_bench_<name>``, created and dropped
by ``BenchDatabase``; it never touches the project's database nor the suite's ``test``.
"""

from __future__ import annotations

import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# What the benchmarks run with, in production's shape: DEBUG off (no query log in memory).
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "uptake.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DB_CONN_MAX_AGE": "600",
    "LOG_LEVEL": "ERROR",
}

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def campaign_today() -> date:
    return datetime.now(ZONE).date()


class BenchDatabase:
    """A fresh, migrated database for one benchmark, dropped on exit (unless ``keep``).

    Sets DATABASE_URL and the settings' variables, then sets Django up: enter it before
    importing anything from uptake.
    """

    def __init__(self, kind: str, name: str, *, keep: bool = False):
        if kind not in ("sqlite", "postgres"):
            raise ValueError(f"--db is sqlite or postgres, not {kind!r}")
        self.kind = kind
        self.keep = keep
        self.name = f"uptake_bench_{name}"
        if kind == "postgres":
            self.url = f"{PG_SERVER}/{self.name}"
            self.path = None
        else:
            self.path = Path(tempfile.gettempdir()) / f"{self.name}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def env(self) -> dict[str, str]:
        """The environment of a server process (gunicorn) on this database."""
        return {**os.environ, **BENCH_ENV, "DATABASE_URL": self.url}

    def __enter__(self) -> BenchDatabase:
        self._drop()
        if self.kind == "postgres":
            self._admin(f'CREATE DATABASE "{self.name}"')
        os.environ.update(BENCH_ENV)
        os.environ["DATABASE_URL"] = self.url
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return self

    def __exit__(self, *exc) -> None:
        from django.db import connections

        connections.close_all()
        if not self.keep:
            self._drop()

    def _drop(self) -> None:
        if self.kind == "postgres":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _admin(self, sql: str) -> None:
        import psycopg

        assert self.name.startswith("uptake_bench"), self.name  # never the suite's databases
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    def vacuum(self) -> None:
        """Fresh statistics after a bulk load, as autovacuum would have them in production."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if self.kind == "postgres" else "ANALYZE")


def machine_facts() -> list[str]:
    """Cores, memory, load, Python and the database's version and settings that matter."""
    import django
    from django.db import connection

    mem = ""
    cpu = platform.processor() or platform.machine()
    try:
        meminfo = Path("/proc/meminfo").read_text().split("\n")
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        mem = f"{kib / 1024 / 1024:.1f} GiB"
        cpuinfo = Path("/proc/cpuinfo").read_text().split("\n")
        cpu = next(line for line in cpuinfo if line.startswith("model name")).split(":", 1)[1]
    except (OSError, StopIteration):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    facts = [
        f"machine: {os.cpu_count()} cores ({cpu.strip()}), {mem} memory, load average {load}",
        f"python {platform.python_version()}, Django {django.get_version()}",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers',"
                " 'work_mem', 'max_connections', 'synchronous_commit', 'effective_cache_size',"
                " 'random_page_cost', 'jit') ORDER BY name"
            )
            settings = ", ".join(_pg_setting(*row) for row in cursor.fetchall())
            cursor.execute("SHOW server_version")
            facts.append(f"database: PostgreSQL {cursor.fetchone()[0]} ({settings})")
        else:
            import sqlite3

            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            facts.append(f"database: SQLite {sqlite3.sqlite_version} (journal_mode={journal})")
    return facts


def _pg_setting(name: str, value: str, unit: str | None) -> str:
    if unit == "8kB":
        return f"{name}={int(value) * 8 // 1024}MB"
    if unit == "kB":
        return f"{name}={int(value) // 1024}MB"
    return f"{name}={value}"


def print_facts(title: str) -> None:
    print(f"== {title}")
    for line in machine_facts():
        print(f"   {line}")


def timings(fn, runs: int, warmup: int = 1) -> list[float]:
    """Seconds of each of ``runs`` calls of ``fn``, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def describe(samples: list[float]) -> str:
    """ "median 12.3 ms (best 11.9, worst 14.0; 7 runs)"."""
    return (
        f"median {statistics.median(samples) * 1000:,.1f} ms (best {min(samples) * 1000:,.1f},"
        f" worst {max(samples) * 1000:,.1f}; {len(samples)} runs)"
    )


def verdict(ok: bool) -> str:
    return "ok" if ok else "NOT REACHED"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """uptake (or, with ``settings="floor_settings"``, the burst's floor) under gunicorn on
    127.0.0.1, as in production, in a session of its own: a signal reaches the master and
    every worker at once. ``start``/``stop`` or a ``with`` block; ``kill`` is SIGKILL."""

    def __init__(
        self,
        db: BenchDatabase,
        log: Path,
        *,
        settings: str = "uptake.settings",
        workers: int = 2 * (os.cpu_count() or 1) + 1,
        worker_class: str = "gthread",
        threads: int = 4,
        timeout: int = 60,
        env: dict[str, str] | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [
            str(GUNICORN),
            "uptake.wsgi:application",
            *("--bind", f"127.0.0.1:{self.port}"),
            *("--workers", str(workers), "--worker-class", worker_class),
            *("--threads", str(threads), "--backlog", "2048"),
            *("--timeout", str(timeout), "--graceful-timeout", "5"),
            *("--pythonpath", str(Path(__file__).resolve().parent)),  # floor_settings
            *("--log-level", "warning", "--error-logfile", str(log)),
        ]
        self.env = {**db.env(), "DJANGO_SETTINGS_MODULE": settings, **(env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        self.proc = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("gunicorn did not start within 60 s")

    def kill(self) -> None:
        """SIGKILL to gunicorn's whole session: no graceful anything."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    __enter__ = start

    def __exit__(self, *exc) -> None:
        self.stop()


class CpuShares:
    """Where the machine's CPU went during a phase, from /proc: the server under test (its
    gunicorn session), PostgreSQL's processes, this process (the clients) and everything else
    (other work on the machine), in milliseconds per ``n`` requests, and how busy the machine
    was. A process that ended during the phase is missed (the servers keep their connections).

        shares = CpuShares(server.proc.pid)   # before
        ...                                    # the phase
        print(shares.per(n))                   # after: "server 1.62 ms, PostgreSQL ..."
    """

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, server_session: int):
        self.session = server_session
        self.start = self._read()
        self.busy_start = self._machine()

    def _read(self) -> dict[int, tuple[str, int, int]]:
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            comm = text[text.index("(") + 1 : text.rindex(")")]
            fields = text[text.rindex(")") + 2 :].split()
            session, user, system = int(fields[3]), int(fields[11]), int(fields[12])
            pid = int(entry.name)
            if session == self.session:
                kind = "server"
            elif comm == "postgres" or comm.startswith("postgres:"):
                kind = "PostgreSQL"
            elif pid == os.getpid():
                kind = "clients"
            else:
                kind = "other"
            found[pid] = (kind, user, system)
        return found

    @staticmethod
    def _machine() -> tuple[int, int]:
        values = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = values[3] + values[4]
        return sum(values) - idle, sum(values)

    def per(self, n: int) -> str:
        end = self._read()
        busy_end = self._machine()
        ms: dict[str, float] = {"server": 0.0, "PostgreSQL": 0.0, "clients": 0.0, "other": 0.0}
        kernel = dict.fromkeys(ms, 0.0)
        scale = 1000 / self.TICK / max(n, 1)
        for pid, (kind, user, system) in end.items():
            _kind, user_before, system_before = self.start.get(pid, (kind, 0, 0))
            ms[kind] += (user - user_before + system - system_before) * scale
            kernel[kind] += (system - system_before) * scale
        busy = (busy_end[0] - self.busy_start[0]) / max(busy_end[1] - self.busy_start[1], 1)
        parts = ", ".join(
            f"{kind} {value:.2f} ms ({kernel[kind]:.2f} in the kernel)"
            for kind, value in ms.items()
        )
        return f"CPU per request: {parts}; the machine {busy:.0%} busy"
