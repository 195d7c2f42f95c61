"""scripts/system-packages, which `make run`, `make test` and .ci/run call: nothing to do when
every package is there; as root it installs what is missing with apt-get; without root or a
sudo that asks no password it stops at once with the command to run. dpkg-query, apt-get, id
and sudo are fakes on PATH here."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "system-packages"
RUN = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 fonts-liberation2"


def fake(bin_dir: Path, name: str, body: str) -> None:
    (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
    (bin_dir / name).chmod(0o755)


def system_packages(tmp_path: Path, *args: str, missing=(), uid=0, sudo=None):
    """Run the script with ``missing`` packages not installed, as user ``uid``; ``sudo`` is
    None (no sudo), "password" (sudo -n refuses) or "free" (sudo -n works). apt-get and sudo
    write their arguments to calls.txt."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "calls.txt"
    absent = " ".join(missing)
    fake(
        bin_dir,
        "dpkg-query",
        f'for p in {absent or "-"}; do [ "$p" = "$3" ] && exit 1; done; '
        'printf "install ok installed"',
    )
    fake(bin_dir, "apt-get", f'echo "apt-get $*" >> {calls}')
    fake(bin_dir, "id", f"echo {uid}")
    if sudo:
        fake(
            bin_dir,
            "sudo",
            f'[ "$1" = -n ] && {{ [ {sudo} = free ] || exit 1; shift; }}; '
            f'echo "sudo $*" >> {calls}; "$@"',
        )
    tools = {Path(shutil.which(t)).parent for t in ("sh", "grep", "env")}
    result = subprocess.run(
        [str(SCRIPT), *args],
        env={"PATH": ":".join([str(bin_dir), *map(str, tools)])},
        capture_output=True,
        text=True,
        timeout=30,
    )
    result.calls = calls.read_text().splitlines() if calls.exists() else []
    return result


def test_it_lists_the_packages_of_run_and_of_test():
    listed = subprocess.run([str(SCRIPT), "--list", "test"], capture_output=True, text=True)
    assert listed.stdout.split() == [*RUN.split(), "chromium"]
    listed = subprocess.run([str(SCRIPT), "--list", "run"], capture_output=True, text=True)
    assert listed.stdout.split() == RUN.split()


def test_it_does_nothing_when_everything_is_installed(tmp_path):
    result = system_packages(tmp_path, "test")
    assert (result.returncode, result.stdout, result.calls) == (0, "", [])


def test_as_root_it_installs_only_what_is_missing(tmp_path):
    result = system_packages(tmp_path, "test", missing=["chromium", "libcairo2"])
    assert result.returncode == 0, result.stderr
    assert result.calls == [
        "apt-get update -q",
        "apt-get install -y -q libcairo2 chromium",
    ]


def test_run_does_not_ask_for_chromium(tmp_path):
    result = system_packages(tmp_path, "run", missing=["chromium"])
    assert (result.returncode, result.calls) == (0, [])


def test_through_a_sudo_without_password_it_installs(tmp_path):
    result = system_packages(tmp_path, "run", missing=["fonts-liberation2"], uid=1000, sudo="free")
    assert result.returncode == 0, result.stderr
    assert "apt-get install -y -q fonts-liberation2" in result.calls
    assert any(call.startswith("sudo env DEBIAN_FRONTEND=noninteractive") for call in result.calls)


def test_otherwise_it_stops_at_once_with_the_command(tmp_path):
    for sudo in (None, "password"):
        result = system_packages(
            tmp_path, "test", missing=["libpango-1.0-0", "chromium"], uid=1000, sudo=sudo
        )
        assert result.returncode == 1
        assert result.calls == []
        assert (
            "sudo sh -c 'apt-get update && apt-get install -y libpango-1.0-0 chromium'"
            in result.stderr
        )


def test_it_refuses_an_unknown_target(tmp_path):
    assert system_packages(tmp_path, "deploy").returncode == 2
