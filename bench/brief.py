"""How long the day's picture takes (#17): brief.png and brief.pdf of a district and of a
1,000-unit province (target ≤ 2 s each), their sizes (the PNG ≤ 300 KB) and their queries.

    .venv/bin/python bench/brief.py

Runs against a throwaway SQLite file in /tmp (never the project's database). The district is
the demo (``manage.py demo``: Hồng Ngự, 22 units). The province is made two ways, so that the
figure does not hold on one shape only: ``grid``, 10 districts of 100 units with steady
progress (bench/compile.py's shape), and ``uneven``, 1,000 units in 7 districts of 40 to 300
units with long names, noisy figures, some units that never report and more days.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.gettempdir()) / "uptake-bench-brief.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uptake.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from uptake.campaigns.loader import load_campaign  # noqa: E402
from uptake.campaigns.models import Campaign, Status  # noqa: E402
from uptake.documents.brief import render_brief  # noqa: E402
from uptake.reports.models import Report, Revision  # noqa: E402

RUNS = 5
GROUPS = {
    "staff": {"name": "Cán bộ, công chức, viên chức, người lao động", "target_percent": 100},
    "residents": {"name": "Người dân", "target_percent": 60},
}


def fresh_database() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


def measure(label: str, campaign: Campaign) -> None:
    day = min(campaign.today(), campaign.end)
    root = campaign.root
    units = campaign.participations.count()
    for fmt in ("png", "pdf"):
        render_brief(campaign, day, root, fmt)  # warm: fonts, templates
        times, size, queries = [], 0, 0
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                made = render_brief(campaign, day, root, fmt)
                times.append(time.perf_counter() - start)
            size, queries = len(made.content), len(captured)
        best, median = min(times), statistics.median(times)
        verdict = "ok" if median <= 2 else "OVER"
        size_note = f"{size / 1024:.0f} KB" + (
            "" if fmt != "png" else (" (≤ 300 KB: ok)" if size <= 300_000 else " (OVER 300 KB)")
        )
        print(
            f"{label} ({units} units) brief.{fmt}: median {median:.2f} s, best {best:.2f} s "
            f"over {RUNS} (target ≤ 2 s: {verdict}); {size_note}; {queries} queries"
        )
        if fmt == "png":
            out = Path(tempfile.gettempdir()) / f"brief-{campaign.slug}.png"
            out.write_bytes(made.content)


def district() -> None:
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    measure("District (demo)", Campaign.objects.get(slug="bluezone-demo"))


def province_file(slug: str, today, sizes: list[int], days: int, long_names: bool) -> dict:
    units = []
    for d, size in enumerate(sizes):
        children = []
        for u in range(size):
            office = u < max(3, size // 10)
            name = f"Phòng số {u} huyện {d}" if office else f"Xã số {u} huyện {d}"
            if long_names and not office:
                name = f"Xã Tân Hòa Đông Bắc Thượng Lưu số {u} thuộc huyện {d}"
            children.append(
                {
                    "code": f"{slug[:2]}-{d}-{u:03d}",
                    "name": name,
                    "kind": "office" if office else "commune",
                    "reports": ["staff"] if office else ["staff", "residents"],
                }
            )
        units.append(
            {
                "code": f"{slug[:2]}-{d}",
                "name": f"Huyện thử {d}",
                "kind": "district",
                "units": children,
            }
        )
    units[0]["units"].insert(
        0, {"code": f"{slug[:2]}-STTTT", "name": "Sở Thông tin và Truyền thông", "kind": "office"}
    )
    return {
        "slug": slug,
        "app": "Bluezone",
        "title": "Cài đặt, sử dụng ứng dụng Bluezone",
        "start": today - timedelta(days=days - 1),
        "target_date": today + timedelta(days=3),
        "end": today + timedelta(days=10),
        "coordinator": f"{slug[:2]}-STTTT",
        "groups": GROUPS,
        "units": [{"code": slug[:2], "name": "Tỉnh Thử", "kind": "province", "units": units}],
    }


def fill(campaign: Campaign, days: int, seed: int, noisy: bool) -> int:
    """Reports and their first revisions, inserted in bulk as submit_report writes them."""
    rng = random.Random(seed)
    today = campaign.today()
    reports = []
    for p in campaign.participations.select_related("unit"):
        if noisy and rng.random() < 0.05:
            continue  # a unit that never reports
        staff, residents = rng.randint(5, 120), rng.randint(300, 20000)
        share_s, share_r = rng.uniform(0.1, 0.8), rng.uniform(0.0, 0.3)
        for n in range(days):
            day = campaign.start + timedelta(days=n)
            if (day == today and rng.random() < 0.4) or (noisy and rng.random() < 0.15):
                continue
            step = rng.uniform(-0.02, 0.15) if noisy else rng.uniform(0.02, 0.09)
            share_s = min(1.0, max(share_s, share_s + step))
            share_r = min(0.9, max(share_r, share_r + step / 2))
            figures = {"staff": {"with_smartphone": staff, "installed": int(staff * share_s)}}
            if "residents" in p.groups:
                figures["residents"] = {
                    "with_smartphone": residents,
                    "installed": int(residents * share_r),
                }
            late = rng.random() < (0.25 if noisy else 0.1)
            at = datetime.combine(day, campaign.report_due, tzinfo=campaign.tz) + timedelta(
                minutes=rng.randint(1, 300) if late else -rng.randint(5, 300)
            )
            reports.append(
                Report(
                    campaign=campaign,
                    unit=p.unit,
                    date=day,
                    status=Status.LATE if late else Status.ON_TIME,
                    first_submitted_at=at,
                    revision=1,
                    submitted_at=at,
                    figures=figures,
                    activities={},
                )
            )
    Report.objects.bulk_create(reports, batch_size=1000)
    Revision.objects.bulk_create(
        [
            Revision(
                report=r, number=1, figures=r.figures, activities={}, submitted_at=r.submitted_at
            )
            for r in Report.objects.filter(campaign=campaign)
        ],
        batch_size=1000,
    )
    return len(reports)


def province(shape: str) -> None:
    today = timezone.now().astimezone(timezone.get_default_timezone()).date()
    if shape == "grid":
        sizes, days, seed, noisy, long_names = [100] * 10, 7, 80, False, False
    else:
        sizes, days, seed, noisy, long_names = [40, 300, 95, 180, 60, 200, 125], 21, 17, True, True
    campaign, _stats = load_campaign(province_file(f"p{shape}", today, sizes, days, long_names))
    n = fill(campaign, days, seed, noisy)
    measure(f"Province, {shape} ({n} reports over {days} days)", campaign)


def main() -> None:
    started = time.perf_counter()
    fresh_database()
    district()
    province("grid")
    province("uneven")
    print(f"(bench ran in {time.perf_counter() - started:.0f} s against {DB}; pictures in /tmp)")


if __name__ == "__main__":
    main()
