"""Settings on a fresh clone: SQLite's folder var/ is created when missing (git keeps no empty
folder, and `manage.py migrate` failed with "unable to open database file"); Redis is optional:
without REDIS_URL nothing imports it, with REDIS_URL and no package the start fails and says
what to install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

SETTINGS = Path(settings.BASE_DIR) / "uptake" / "settings.py"
UNSET = ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "CACHE_URL", "EMAIL_BACKEND")


def load_settings(base: Path, prelude: str = "", **env: str) -> subprocess.CompletedProcess:
    """Run a copy of settings.py as if it lay in ``base``/uptake/ (its BASE_DIR is ``base``);
    ``prelude`` runs first (to hide or fake a package). Prints the cache backend."""
    (base / "uptake").mkdir(exist_ok=True)
    shutil.copy(SETTINGS, base / "uptake" / "settings.py")
    code = (
        f"{prelude}\nimport runpy\n"
        f"s = runpy.run_path({str(base / 'uptake' / 'settings.py')!r})\n"
        "print(s['CACHES']['default']['BACKEND'])\nprint(s['DATABASES']['default']['NAME'])\n"
    )
    environment = {k: v for k, v in os.environ.items() if k not in UNSET}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=base,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


HIDE_REDIS = "import sys; sys.modules['redis'] = None  # as if it were not installed"
FAKE_REDIS = "import sys, types; sys.modules['redis'] = types.ModuleType('redis')"


class FreshCloneSettingsTest(SimpleTestCase):
    def setUp(self):
        self.base = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.base)

    def test_it_creates_var_for_the_sqlite_default(self):
        self.assertFalse((self.base / "var").exists())
        result = load_settings(self.base)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue((self.base / "var").is_dir())
        self.assertEqual(result.stdout.split()[-1], str(self.base / "var" / "uptake.sqlite3"))

    def test_migrate_can_then_open_the_database_file(self):
        # What "unable to open database file" meant: SQLite makes the file, not its folder.
        import sqlite3

        load_settings(self.base)
        sqlite3.connect(self.base / "var" / "uptake.sqlite3").execute("create table t (x)")

    def test_it_leaves_var_alone_with_a_database_url(self):
        result = load_settings(self.base, DATABASE_URL="postgres://u@127.0.0.1:5432/uptake")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertFalse((self.base / "var").exists())

    def test_without_redis_url_it_counts_in_memory_and_needs_no_redis_package(self):
        result = load_settings(self.base, HIDE_REDIS)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("django.core.cache.backends.locmem.LocMemCache", result.stdout)

    def test_redis_url_without_the_package_stops_the_start_with_the_install_command(self):
        result = load_settings(self.base, HIDE_REDIS, REDIS_URL="redis://127.0.0.1:6379/0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured", result.stderr)
        self.assertIn("pip install -e '.[redis]'", result.stderr)

    def test_cache_url_without_the_package_stops_too(self):
        result = load_settings(self.base, HIDE_REDIS, CACHE_URL="rediss://cache.example:6380/1")
        self.assertIn("pip install -e '.[redis]'", result.stderr)

    def test_redis_url_with_the_package_uses_redis(self):
        result = load_settings(self.base, FAKE_REDIS, REDIS_URL="redis://127.0.0.1:6379/0")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("django.core.cache.backends.redis.RedisCache", result.stdout)
