"""`make` builds .venv with the newest of python3.13, python3.12 and python3.11 that runs (a pyenv
shim of a version pyenv lacks is on PATH but fails), `PYTHON=` overrides, and with none it stops
with what to install. Read with `make -n` on a copy of the Makefile, with fake Pythons on PATH."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def run_make(tmp_path: Path, works: list[str], fails: list[str], *args: str, dry: bool = True):
    """``make -n .venv/.installed`` (without -n when not ``dry``) in a copy of the project's
    Makefile, with PATH holding only the fake Pythons (``works`` run, ``fails`` exit 127 as a
    pyenv shim does) and sh's tools."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").touch()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, code in [(n, 0) for n in works] + [(n, 127) for n in fails]:
        (bin_dir / name).write_text(f"#!/bin/sh\nexit {code}\n")
        (bin_dir / name).chmod(0o755)
    tools = {Path(shutil.which(t)).parent for t in ("sh", "test", "echo")}
    return subprocess.run(
        ["make", *(["-n"] if dry else []), *args, ".venv/.installed"],
        cwd=tmp_path,
        env={"PATH": ":".join([str(bin_dir), *map(str, tools)])},
        capture_output=True,
        text=True,
        timeout=30,
    )


def venv_line(result) -> str:
    return next(line for line in result.stdout.splitlines() if "-m venv" in line)


def test_it_takes_python3_13_when_it_runs(tmp_path):
    result = run_make(tmp_path, ["python3.13", "python3.12", "python3.11"], [])
    assert venv_line(result) == "test -x .venv/bin/python || python3.13 -m venv .venv"


def test_it_passes_over_a_shim_that_fails_to_the_newest_that_runs(tmp_path):
    result = run_make(tmp_path, ["python3.12", "python3.11"], ["python3.13"])
    assert "|| python3.12 -m venv" in venv_line(result)


def test_it_falls_back_to_python3_11(tmp_path):
    result = run_make(tmp_path, ["python3.11"], ["python3.13", "python3.12"])
    assert "|| python3.11 -m venv" in venv_line(result)


def test_python_given_on_the_command_line_wins(tmp_path):
    result = run_make(tmp_path, ["python3.13"], [], "PYTHON=/opt/py/bin/python3.12")
    assert "|| /opt/py/bin/python3.12 -m venv" in venv_line(result)


def test_without_any_it_stops_and_says_what_to_install(tmp_path):
    # Not a dry run: the check is the recipe's first line, so nothing else runs.
    result = run_make(tmp_path, [], ["python3.13", "python3.12", "python3.11"], dry=False)
    assert result.returncode != 0
    assert "uptake needs Python 3.11, 3.12 or 3.13" in result.stderr
    assert "apt-get install python3.11 python3.11-venv" in result.stderr
    assert not (tmp_path / ".venv").exists()
