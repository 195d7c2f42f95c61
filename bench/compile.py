"""How long the 16:30 report takes: a district's compilation with its three documents (target
≤ 2 s), a 1,000-unit province's (≤ 10 s), and the dashboard's server time for a district
(≤ 100 ms); with the database queries of each, which must not grow with the number of units.

    DJANGO_SETTINGS_MODULE=uptake.settings .venv/bin/python bench/compile.py

Runs against a throwaway SQLite file in /tmp (never the project's database): the district is
the demo (``manage.py demo``: Hồng Ngự, 22 units, four days of history and half of today); the
province is generated: 10 districts of 100 units (10 offices, 90 communes), seven days of
reports inserted in bulk, consistent with the models (a report and its first revision).
"""

from __future__ import annotations

import io
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
DB = Path(tempfile.gettempdir()) / "uptake-bench-compile.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uptake.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402
import openpyxl  # noqa: E402
import pypdf  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from uptake.accounts.models import Profile, Role  # noqa: E402
from uptake.campaigns.loader import load_campaign  # noqa: E402
from uptake.campaigns.models import Campaign, Status  # noqa: E402
from uptake.documents.actions import make_draft  # noqa: E402
from uptake.documents.report import SENT_FORMATS, render  # noqa: E402
from uptake.reports.models import Report, Revision  # noqa: E402

RUNS = 5


def fresh_database() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


def compile_with_documents(campaign: Campaign, user) -> tuple[float, int, dict[str, float]]:
    """Seconds and queries to refresh the day's draft and render PDF, Word and Excel."""
    parts = {}
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        compilation, _created = make_draft(campaign, min(campaign.today(), campaign.end), user)
        parts["snapshot"] = time.perf_counter() - start
        for fmt in SENT_FORMATS:
            t = time.perf_counter()
            render(compilation, fmt)
            parts[fmt] = time.perf_counter() - t
        total = time.perf_counter() - start
    return total, len(queries), parts


def best_of(runs: int, fn):
    results = [fn() for _ in range(runs)]
    return min(results, key=lambda r: r[0]), [r[0] for r in results]


def show(label: str, result, times, limit: float) -> None:
    total, queries, parts = result
    detail = ", ".join(f"{k} {v:.2f}s" for k, v in parts.items())
    verdict = "ok" if total <= limit else "OVER"
    print(
        f"{label}: {total:.2f} s (best of {len(times)}; median {statistics.median(times):.2f} s; "
        f"target ≤ {limit:g} s: {verdict}); {queries} queries [{detail}]"
    )


def district() -> None:
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    campaign = Campaign.objects.select_related("root", "coordinator").get(slug="bluezone-demo")
    user = Profile.objects.filter(role=Role.COORDINATOR).select_related("user").first().user
    units = campaign.participations.count()
    result, times = best_of(RUNS, lambda: compile_with_documents(campaign, user))
    show(f"District ({units} units): compilation + PDF, Word, Excel", result, times, 2)

    client = Client()
    client.force_login(user)
    url = f"/c/{campaign.slug}/dashboard/"
    client.get(url)  # warm the template cache
    samples = []
    for _ in range(20):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    median = statistics.median(samples) * 1000
    verdict = "ok" if median <= 100 else "OVER"
    print(
        f"Dashboard, district ({units} units): median {median:.0f} ms over {len(samples)} "
        f"requests (best {min(samples) * 1000:.0f} ms; target ≤ 100 ms: {verdict}); "
        f"{len(queries)} queries"
    )


def province_file(today) -> dict:
    units = []
    for d in range(10):
        children = []
        for u in range(100):
            office = u < 10
            children.append(
                {
                    "code": f"80-{d}-{u:03d}",
                    "name": (f"Phòng số {u} huyện {d}" if office else f"Xã số {u} huyện {d}"),
                    "kind": "office" if office else "commune",
                    "reports": ["staff"] if office else ["staff", "residents"],
                    "activities": [] if office else ["broadcasts", "leaflets"],
                }
            )
        units.append(
            {"code": f"80-{d}", "name": f"Huyện thử {d}", "kind": "district", "units": children}
        )
    units[0]["units"].insert(
        0, {"code": "80-STTTT", "name": "Sở Thông tin và Truyền thông", "kind": "office"}
    )
    return {
        "slug": "bench-province",
        "app": "Bluezone",
        "title": "Cài đặt, sử dụng ứng dụng Bluezone",
        "start": today - timedelta(days=6),
        "target_date": today + timedelta(days=3),
        "end": today + timedelta(days=10),
        "coordinator": "80-STTTT",
        "groups": {
            "staff": {
                "name": "Cán bộ, công chức, viên chức, người lao động",
                "target_percent": 100,
            },
            "residents": {"name": "Người dân", "target_percent": 60},
        },
        "activities": {
            "broadcasts": {"name": "Phát thanh trên hệ thống loa", "unit": "lượt", "daily_min": 2},
            "leaflets": {"name": "Tờ rơi đã phát", "unit": "tờ"},
        },
        "document": {
            "parent_issuer": "UBND TỈNH THỬ",
            "issuer": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
            "place": "Thử",
            "symbol": "BC-STTTT",
            "signer": {
                "authority": "KT. GIÁM ĐỐC",
                "capacity": "PHÓ GIÁM ĐỐC",
                "name": "Nguyễn Văn A",
            },
            "recipients": [{"name": "UBND Tỉnh", "email": "ubnd@example.org"}, {"name": "Lưu: VT"}],
        },
        "units": [{"code": "80", "name": "Tỉnh Thử", "kind": "province", "units": units}],
    }


def province() -> None:
    tz = timezone.get_default_timezone()
    today = timezone.now().astimezone(tz).date()
    campaign, _stats = load_campaign(province_file(today))
    rng = random.Random(80)
    participations = list(campaign.participations.select_related("unit"))
    reports = []
    for p in participations:
        staff, residents = rng.randint(15, 60), rng.randint(1500, 8000)
        share_s, share_r = rng.uniform(0.3, 0.7), rng.uniform(0.05, 0.25)
        for n in range(7):
            day = campaign.start + timedelta(days=n)
            if day == today and rng.random() < 0.4:
                continue  # not yet reported today
            share_s = min(1.0, share_s + rng.uniform(0.02, 0.09))
            share_r = min(0.9, share_r + rng.uniform(0.01, 0.07))
            figures = {"staff": {"with_smartphone": staff, "installed": int(staff * share_s)}}
            activities = {}
            if "residents" in p.groups:
                figures["residents"] = {
                    "with_smartphone": residents,
                    "installed": int(residents * share_r),
                }
                activities = {"broadcasts": rng.randint(0, 3), "leaflets": rng.randint(0, 400)}
            late = rng.random() < 0.1
            at = datetime.combine(day, campaign.report_due, tzinfo=campaign.tz) + timedelta(
                minutes=rng.randint(1, 90) if late else -rng.randint(5, 300)
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
                    activities=activities,
                )
            )
    Report.objects.bulk_create(reports, batch_size=1000)
    saved = Report.objects.filter(campaign=campaign)
    Revision.objects.bulk_create(
        [
            Revision(
                report=r,
                number=1,
                figures=r.figures,
                activities=r.activities,
                submitted_at=r.submitted_at,
            )
            for r in saved
        ],
        batch_size=1000,
    )
    user = Profile.objects.filter(role=Role.ADMIN).select_related("user").first().user
    units = campaign.participations.count()
    result, times = best_of(3, lambda: compile_with_documents(campaign, user))
    label = f"Province ({units} units, {len(reports)} reports): compilation + PDF, Word, Excel"
    show(label, result, times, 10)
    compilation = campaign.compilations.get()
    pages = len(pypdf.PdfReader(io.BytesIO(render(compilation, "pdf").content)).pages)
    sheet = openpyxl.load_workbook(io.BytesIO(render(compilation, "xlsx").content)).worksheets[0]
    print(f"  the province's PDF has {pages} pages; its workbook's table {sheet.max_row - 2} rows")


def main() -> None:
    started = time.perf_counter()
    fresh_database()
    district()
    province()
    print(f"(bench ran in {time.perf_counter() - started:.0f} s against {DB})")


if __name__ == "__main__":
    main()
