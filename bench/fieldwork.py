"""Door to door (#4): the figures to reach, measured.

- the visit page's bytes on first load (page + its CSS, JS, manifest, service worker) and once
  cached (what the service worker asks the network for again);
- the taps needed after choosing the outcome;
- the hamlet progress page's server time with 100,000 visits in a commune.

Standalone, on a throwaway SQLite file in /tmp (never part of `make test`):

    .venv/bin/python bench/fieldwork.py [--visits 100000] [--runs 15]

``--database-url postgres://...`` runs it on an empty PostgreSQL database instead.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_url: str | None = None) -> Path | None:
    """A throwaway SQLite file in /tmp, unless ``database_url`` names an (empty) database."""
    db = None
    if database_url is None:
        db = Path(tempfile.mkdtemp(prefix="uptake-bench-")) / "fieldwork.sqlite3"
        database_url = f"sqlite:///{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "uptake.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return db


def load(visits: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from uptake.accounts.models import Profile
    from uptake.campaigns.loader import load_campaign, read_file
    from uptake.fieldwork.models import Outcome, Team, Visit
    from uptake.units.models import Unit

    data = read_file(ROOT / "campaigns" / "bluezone-hong-ngu-2020.yaml")
    today = timezone.localdate()
    data["start"], data["target_date"], data["end"] = (
        today - timedelta(days=6),
        today + timedelta(days=2),
        today + timedelta(days=10),
    )
    campaign, _stats = load_campaign(data)
    town = Unit.objects.get(code="870-TTT")
    hamlets = list(Unit.objects.filter(parent=town, kind="hamlet").order_by("code"))

    users = {}
    for name, role, units in (("lan", "reporter", [town]), ("mai", "viewer", [])):
        user = get_user_model().objects.create_user(name, password="bench-password-1")
        Profile.objects.create(user=user, role=role).units.set(units)
        users[name] = user
    teams = []
    for n in range(4):
        team = Team.objects.create(campaign=campaign, commune=town, name=f"Tổ {n + 1}")
        team.hamlets.set(hamlets[n::4])
        teams.append(team)
    teams[0].members.add(users["mai"])

    # 100,000 visits over the campaign's first days: the mix of outcomes a team meets.
    rnd = random.Random(4)
    outcomes = [
        Outcome.INSTALLED,
        Outcome.ALREADY_HAD,
        Outcome.NO_SMARTPHONE,
        Outcome.REFUSED,
        Outcome.NOBODY_HOME,
    ]
    tz = campaign.tz
    batch, nobody = [], []
    for i in range(visits):
        n = rnd.randrange(len(hamlets))
        day = campaign.start + timedelta(days=rnd.randrange(6))
        at = datetime(day.year, day.month, day.day, 8, tzinfo=tz) + timedelta(
            minutes=rnd.randrange(600)
        )
        outcome = rnd.choices(outcomes, [45, 20, 10, 8, 17])[0]
        phones = had = now = 0
        if outcome == Outcome.INSTALLED:
            phones = rnd.randint(1, 4)
            had = rnd.randint(0, phones - 1)
            now = rnd.randint(1, phones - had)
        elif outcome == Outcome.ALREADY_HAD:
            phones = rnd.randint(1, 3)
            had = rnd.randint(1, phones)
        elif outcome == Outcome.REFUSED:
            phones = rnd.randint(1, 2)
        revisit_of = None
        if outcome != Outcome.NOBODY_HOME and nobody and rnd.random() < 0.1:
            revisit_of = nobody.pop()  # a household found at home the second time
        visit = Visit(
            id=uuid.uuid4(),
            campaign=campaign,
            hamlet=hamlets[n],
            commune=town,
            team=teams[n % 4],
            household=f"Số {i % 997}, tổ {i % 13}",
            visited_at=at,
            day=day,
            smartphones=phones,
            already_had=had,
            installed_now=now,
            outcome=outcome,
            revisit_of_id=revisit_of,
            recorded_by=users["mai"],
        )
        if outcome == Outcome.NOBODY_HOME:
            nobody.append(visit.id)
        batch.append(visit)
        if len(batch) == 5000:
            Visit.objects.bulk_create(batch)
            batch = []
    Visit.objects.bulk_create(batch)
    # What autovacuum does after a day of inserts: statistics, and on PostgreSQL the
    # visibility map that lets the covering index answer alone (an index-only scan).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return campaign, town, users


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def page_weight(campaign, user) -> None:
    from django.contrib.staticfiles import finders
    from django.test import Client

    from uptake.fieldwork import offline

    client = Client()
    client.force_login(user)
    url = f"/c/{campaign.slug}/visits/"
    page = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and page["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.content).decode()
    sw = client.get(url + "sw.js", HTTP_ACCEPT_ENCODING="gzip")
    manifest = client.get(url + "manifest.webmanifest")

    files = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    files += re.findall(r'<script src="([^"]+)"', html)
    rows = [("page (HTML, gzip)", len(page.content), len(page.content))]
    for src in files:
        path = finders.find(src.split("?")[0].removeprefix("/static/"))
        raw = Path(path).read_bytes()
        rows.append((src.split("?")[0], len(raw), len(gzip.compress(raw, 6))))
    rows.append(("manifest", len(manifest.content), len(gzip.compress(manifest.content, 6))))
    rows.append(("service worker (gzip)", len(sw.content), len(sw.content)))
    icons = [name for name in offline.ICONS if name.endswith(".png")]
    icon_bytes = sum(Path(finders.find(name)).stat().st_size for name in icons)

    print("Visit page, first load (what the phone downloads):")
    for name, raw, gz in rows:
        print(f"  {name:<34} {kb(raw):>9}   gzip {kb(gz):>8}")
    first_raw = sum(raw for _n, raw, _g in rows)
    first_gz = sum(gz for _n, _r, gz in rows)
    print(f"  {'total, files as served (no gzip)':<34} {kb(first_raw):>9}   (limit 100 KB)")
    print(f"  {'total, all gzip':<34} {kb(first_gz):>9}")
    print(
        f"  + install icons when the phone installs the app: {kb(icon_bytes)} "
        f"({', '.join(icons)}): {kb(first_raw + icon_bytes)} in all"
    )
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"  (its server time, with the commune's visits to revisit: median "
        f"{statistics.median(timings):.1f} ms)"
    )
    again = len(page.content) + len(sw.content)
    print("Visit page, once cached (the service worker asks the network again for):")
    print(
        f"  the page's HTML {kb(len(page.content))} + the worker's update check "
        f"{kb(len(sw.content))} = {kb(again)}   (limit 10 KB; CSS, JS, icons from the cache)"
    )


def taps() -> None:
    js = (ROOT / "uptake" / "static" / "fieldwork" / "visit.js").read_text()
    html = (ROOT / "templates" / "fieldwork" / "visit.html").read_text()
    # The outcome buttons are the form's submit buttons, and their click records the visit
    # (queued on the phone, sent when the network allows) with nothing to confirm.
    buttons = 'name="outcome"' in html and 'type="submit"' in html
    saves = re.search(r'b\.name === "outcome"\)\s*\{\s*ev\.preventDefault\(\);\s*record\(', js)
    asks = re.search(r"\bconfirm\(|\balert\(|\bprompt\(", js)
    after = 0 if buttons and saves and not asks else None
    print("Taps after choosing the outcome:")
    print(
        f"  {after} (the outcome button itself saves the visit; limit 2). "
        "uptake/fieldwork/tests/test_browser_offline.py records three visits so, offline."
    )


def progress_time(campaign, town, user, runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from uptake.fieldwork import progress
    from uptake.fieldwork.models import Visit

    client = Client()
    client.force_login(user)
    url = f"/c/{campaign.slug}/fieldwork/{town.code}/"
    assert client.get(url).status_code == 200  # warm up
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    hamlets = town.children.filter(kind="hamlet")
    total = progress.commune_progress(campaign, town, hamlets, []).hamlets.total
    count = Visit.objects.filter(commune=town).count()
    print(f"Hamlet progress page ({url}), {count:,} visits in the commune:")
    print(
        f"  server time: median {statistics.median(timings):.1f} ms, "
        f"max {max(timings):.1f} ms over {runs} requests   (limit 200 ms)"
    )
    print(
        f"  {len(queries)} queries; households visited {total.households:,} of "
        f"{total.registered:,} registered, installs {total.installed_now:,}, "
        f"revisits due {total.revisits_due:,}"
    )
    aggregate = next(q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"])
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + aggregate)
        plan = "; ".join(str(row[-1]).strip() for row in cursor.fetchall())
    print(f"  per-hamlet aggregate: {plan}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--database-url", help="an empty database to use instead of a throwaway SQLite file"
    )
    args = parser.parse_args()
    db = setup_django(args.database_url)
    started = time.perf_counter()
    campaign, town, users = load(args.visits)
    print(
        f"(database {db or args.database_url}; {args.visits:,} visits made in "
        f"{time.perf_counter() - started:.0f} s)\n"
    )
    page_weight(campaign, users["mai"])
    print()
    taps()
    print()
    progress_time(campaign, town, users["lan"], args.runs)
    if db is not None:
        db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
