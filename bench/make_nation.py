"""A synthetic Vietnam for the benchmarks: its campaign file, and days of history in bulk.

63 provinces (their real names and statistical codes), about 705 districts, about 10,600
communes, towns and wards and 12 offices per district: about 19,000 reporting units under one
national campaign coordinated by the ministry. Names are generated from Vietnamese syllables
with their diacritics; every code is stable (the same seed gives the same country).

    .venv/bin/python bench/make_nation.py --out var/bench/nation.yaml
    .venv/bin/python bench/make_nation.py --db postgres --days 60 --keep   # load and fill

History goes straight into the database (``fill_history``), not through the API, for speed:
per unit and day one Report and its Revision(s), consistent with what ``submit_report`` writes
(status from the first arrival against the deadline, ``first_submitted_at``, cumulative figures
that never go down, a few late, missing and corrected reports). Audit entries are not written.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

SLUG = "bluezone-vn"
SEED = 2020

# (GSO code, name) of the 63 provinces and centrally-run cities of 2020.
PROVINCES = [
    ("01", "Thành phố Hà Nội"),
    ("02", "Tỉnh Hà Giang"),
    ("04", "Tỉnh Cao Bằng"),
    ("06", "Tỉnh Bắc Kạn"),
    ("08", "Tỉnh Tuyên Quang"),
    ("10", "Tỉnh Lào Cai"),
    ("11", "Tỉnh Điện Biên"),
    ("12", "Tỉnh Lai Châu"),
    ("14", "Tỉnh Sơn La"),
    ("15", "Tỉnh Yên Bái"),
    ("17", "Tỉnh Hòa Bình"),
    ("19", "Tỉnh Thái Nguyên"),
    ("20", "Tỉnh Lạng Sơn"),
    ("22", "Tỉnh Quảng Ninh"),
    ("24", "Tỉnh Bắc Giang"),
    ("25", "Tỉnh Phú Thọ"),
    ("26", "Tỉnh Vĩnh Phúc"),
    ("27", "Tỉnh Bắc Ninh"),
    ("30", "Tỉnh Hải Dương"),
    ("31", "Thành phố Hải Phòng"),
    ("33", "Tỉnh Hưng Yên"),
    ("34", "Tỉnh Thái Bình"),
    ("35", "Tỉnh Hà Nam"),
    ("36", "Tỉnh Nam Định"),
    ("37", "Tỉnh Ninh Bình"),
    ("38", "Tỉnh Thanh Hóa"),
    ("40", "Tỉnh Nghệ An"),
    ("42", "Tỉnh Hà Tĩnh"),
    ("44", "Tỉnh Quảng Bình"),
    ("45", "Tỉnh Quảng Trị"),
    ("46", "Tỉnh Thừa Thiên Huế"),
    ("48", "Thành phố Đà Nẵng"),
    ("49", "Tỉnh Quảng Nam"),
    ("51", "Tỉnh Quảng Ngãi"),
    ("52", "Tỉnh Bình Định"),
    ("54", "Tỉnh Phú Yên"),
    ("56", "Tỉnh Khánh Hòa"),
    ("58", "Tỉnh Ninh Thuận"),
    ("60", "Tỉnh Bình Thuận"),
    ("62", "Tỉnh Kon Tum"),
    ("64", "Tỉnh Gia Lai"),
    ("66", "Tỉnh Đắk Lắk"),
    ("67", "Tỉnh Đắk Nông"),
    ("68", "Tỉnh Lâm Đồng"),
    ("70", "Tỉnh Bình Phước"),
    ("72", "Tỉnh Tây Ninh"),
    ("74", "Tỉnh Bình Dương"),
    ("75", "Tỉnh Đồng Nai"),
    ("77", "Tỉnh Bà Rịa - Vũng Tàu"),
    ("79", "Thành phố Hồ Chí Minh"),
    ("80", "Tỉnh Long An"),
    ("82", "Tỉnh Tiền Giang"),
    ("83", "Tỉnh Bến Tre"),
    ("84", "Tỉnh Trà Vinh"),
    ("86", "Tỉnh Vĩnh Long"),
    ("87", "Tỉnh Đồng Tháp"),
    ("89", "Tỉnh An Giang"),
    ("91", "Tỉnh Kiên Giang"),
    ("92", "Thành phố Cần Thơ"),
    ("93", "Tỉnh Hậu Giang"),
    ("94", "Tỉnh Sóc Trăng"),
    ("95", "Tỉnh Bạc Liêu"),
    ("96", "Tỉnh Cà Mau"),
]

# A district's offices (as in Hồng Ngự): code suffix and name. Each reports its staff.
OFFICES = [
    ("NV", "Phòng Nội vụ"),
    ("TP", "Phòng Tư pháp"),
    ("TCKH", "Phòng Tài chính - Kế hoạch"),
    ("TNMT", "Phòng Tài nguyên và Môi trường"),
    ("LDTBXH", "Phòng Lao động - Thương binh và Xã hội"),
    ("VHTT", "Phòng Văn hóa và Thông tin"),
    ("GDDT", "Phòng Giáo dục và Đào tạo"),
    ("YT", "Phòng Y tế"),
    ("TTR", "Thanh tra huyện"),
    ("VP", "Văn phòng HĐND và UBND"),
    ("NNPTNT", "Phòng Nông nghiệp và Phát triển nông thôn"),
    ("KTHT", "Phòng Kinh tế và Hạ tầng"),
]

SYLLABLES = (
    "An Bình Phú Long Tân Hòa Thạnh Mỹ Phước Thới Hưng Đông Tây Nam Bắc Vĩnh Thuận Lộc Hải "
    "Sơn Thủy Trung Hiệp Khánh Lợi Định Xuân Thanh Quang Đức Thành Nghĩa Hậu Tiền Lạc Thường "
    "Hồng Ngự Châu Giang Hà Yên Cẩm Kim Ngọc Hoàng Lâm Tường Quý Điền Thịnh Vạn Hội Đồng "
    "Cát Gia Minh Triệu Lương Tiên Hương Sa Bảo Phong Đạo Nhơn Mỏ Cày Chợ Gạo Cái Bè Ô Môn"
).split()
SUFFIXES = ["", "", "", "", " A", " B", " 1", " 2", " Đông", " Tây", " Thượng", " Hạ"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}{rng.choice(SUFFIXES)}"


def nation_file(start: date, days: int = 60, *, seed: int = SEED, activities: bool = False) -> dict:
    """The campaign file (as loaded by ``load_campaign``) of the whole country.

    ``start`` is its first reporting day; it runs ``days`` days and a fortnight more.
    ``activities`` adds #9's daily activity counts to the communes (off by default: the #2
    summary, which the benchmarks measure against its floor, has none).
    """
    rng = random.Random(seed)
    district_no = commune_no = 0
    provinces = []
    for pcode, pname in PROVINCES:
        districts = [
            {"code": f"{pcode}-STTTT", "name": "Sở Thông tin và Truyền thông", "kind": "office"}
        ]
        city = pname.startswith("Thành phố")
        for _d in range(rng.randint(8, 14)):
            district_no += 1
            dcode = f"{district_no:03d}"
            kind_word = rng.choice(
                ["Quận", "Quận", "Huyện"] if city else ["Huyện"] * 6 + ["Thị xã"]
            )
            units = [
                {"code": f"{dcode}-{suffix}", "name": name, "kind": "office", "reports": ["staff"]}
                for suffix, name in OFFICES
            ]
            for _c in range(rng.randint(8, 22)):
                commune_no += 1
                kind, word = rng.choice(
                    [("ward", "Phường")] * 3 + [("commune", "Xã"), ("town", "Thị trấn")]
                    if kind_word == "Quận"
                    else [("commune", "Xã")] * 8 + [("town", "Thị trấn"), ("ward", "Phường")]
                )
                unit = {
                    "code": f"{commune_no:05d}",
                    "name": f"{word} {_name(rng)}",
                    "kind": kind,
                    "reports": ["staff", "residents"],
                }
                if activities:
                    unit["activities"] = ["broadcasts", "leaflets"]
                units.append(unit)
            districts.append(
                {
                    "code": dcode,
                    "name": f"{kind_word} {_name(rng)}",
                    "kind": "district",
                    "units": units,
                }
            )
        provinces.append({"code": pcode, "name": pname, "kind": "province", "units": districts})

    data = {
        "slug": SLUG,
        "app": "Bluezone",
        "title": "Cài đặt, sử dụng ứng dụng Bluezone trên toàn quốc",
        "timezone": "Asia/Ho_Chi_Minh",
        "start": start,
        "target_date": start + timedelta(days=days - 1),
        "end": start + timedelta(days=days + 13),
        "report_due": "15:00",
        "compile_at": "16:30",
        "coordinator": "VN-BTTTT",
        "groups": {
            "staff": {
                "name": "Cán bộ, công chức, viên chức, người lao động",
                "target_percent": 100,
            },
            "residents": {"name": "Người dân", "target_percent": 60},
        },
        "document": {
            "parent_issuer": "BỘ THÔNG TIN VÀ TRUYỀN THÔNG",
            "issuer": "CỤC AN TOÀN THÔNG TIN",
            "place": "Hà Nội",
            "symbol": "BC-CATTT",
            "signer": {
                "authority": "KT. CỤC TRƯỞNG",
                "capacity": "PHÓ CỤC TRƯỞNG",
                "name": "Nguyễn Văn Thử",
            },
            "recipients": [{"name": "Lãnh đạo Bộ"}, {"name": "Lưu: VT"}],
        },
        "units": [
            {
                "code": "VN",
                "name": "Việt Nam",
                "kind": "nation",
                "units": [
                    {"code": "VN-BTTTT", "name": "Bộ Thông tin và Truyền thông", "kind": "office"},
                    *provinces,
                ],
            }
        ],
    }
    if activities:
        data["activities"] = {
            "broadcasts": {"name": "Phát thanh trên hệ thống loa", "unit": "lượt", "daily_min": 2},
            "leaflets": {"name": "Tờ rơi đã phát", "unit": "tờ"},
        }
    return data


def count_units(data: dict) -> dict[str, int]:
    counts: dict[str, int] = {"reporting": 0}

    def walk(units):
        for unit in units:
            counts[unit["kind"]] = counts.get(unit["kind"], 0) + 1
            counts["reporting"] += bool(unit.get("reports"))
            walk(unit.get("units", []))

    walk(data["units"])
    return counts


def write(path: str | Path, data: dict) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text("# A synthetic Vietnam for the benchmarks (bench/make_nation.py).\n" + text)
    return path


def fill_history(campaign, days: int, *, seed: int = SEED, today_share: float = 1.0) -> int:
    """Reports of the campaign's first ``days`` days for every participating unit, in bulk.

    Per unit and day: about 3% missing, 8% late, 1% corrected once (a second revision). On the
    last day only ``today_share`` of the units have reported. Returns the number of reports.
    """
    from django.db import connection, transaction

    from uptake.campaigns.models import Status
    from uptake.reports.models import Report

    participations = list(campaign.participations.select_related("unit").order_by("unit__path"))
    # Each unit's size and starting shares, stable whatever the order of generation.
    people = {}
    for p in participations:
        r = random.Random(zlib.crc32(p.unit.code.encode()) ^ seed)
        office = p.groups == ["staff"]
        staff = r.randint(12, 60) if office else r.randint(15, 45)
        residents = None if office else r.randint(1500, 16000)
        people[p.pk] = [staff, r.uniform(0.2, 0.6), residents, r.uniform(0.02, 0.2)]
    rng = random.Random(seed)
    due = campaign.report_due
    revision_table = connection.ops.quote_name("reports_revision")
    report_table = connection.ops.quote_name("reports_report")
    total = 0
    for n in range(days):
        day = campaign.start + timedelta(days=n)
        batch = []
        for p in participations:
            person = people[p.pk]
            if rng.random() < 0.03 or (n == days - 1 and rng.random() >= today_share):
                continue
            person[1] = min(1.0, person[1] + rng.uniform(0.0, 0.04))
            person[3] = min(0.95, person[3] + rng.uniform(0.0, 0.03))
            staff, staff_share, residents, residents_share = person
            figures = {"staff": {"with_smartphone": staff, "installed": int(staff * staff_share)}}
            if residents is not None:
                figures["residents"] = {
                    "with_smartphone": residents,
                    "installed": int(residents * residents_share),
                }
            late = rng.random() < 0.08
            first = datetime.combine(day, due, tzinfo=campaign.tz) + timedelta(
                minutes=rng.randint(1, 120) if late else -rng.randint(1, 420)
            )
            corrected = rng.random() < 0.01
            batch.append(
                Report(
                    campaign_id=campaign.pk,
                    unit_id=p.unit_id,
                    date=day,
                    status=Status.LATE if late else Status.ON_TIME,
                    first_submitted_at=first,
                    revision=2 if corrected else 1,
                    submitted_at=first + timedelta(minutes=40) if corrected else first,
                    figures=figures,
                    activities={},
                    note="Sửa số liệu nhập nhầm" if corrected else "",
                )
            )
        with transaction.atomic():
            Report.objects.bulk_create(batch, batch_size=2000)
            # Every report's revisions, as submit_report writes them: the first at its first
            # arrival, a correction 40 minutes later (with the final figures).
            with connection.cursor() as cursor:
                for number, when in ((1, "first_submitted_at"), (2, "submitted_at")):
                    cursor.execute(
                        f"INSERT INTO {revision_table} (report_id, number, figures, activities,"
                        " note, submitted_at, on_behalf, source, via) SELECT id, %s, figures,"
                        f" activities, note, {when}, %s, '', 'api' FROM {report_table}"
                        " WHERE campaign_id = %s AND date = %s AND revision >= %s",
                        [number, False, campaign.pk, day, number],
                    )
        total += len(batch)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="write the campaign file here")
    parser.add_argument("--days", type=int, default=60, help="days of the campaign (default 60)")
    parser.add_argument("--activities", action="store_true", help="communes report activities")
    parser.add_argument("--db", choices=["sqlite", "postgres"], help="load into a bench database")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import campaign_today

    start = campaign_today() - timedelta(days=args.days - 1)
    data = nation_file(start, args.days, activities=args.activities)
    counts = count_units(data)
    print(", ".join(f"{k}: {v:,}" for k, v in counts.items()))
    if args.out:
        print(f"wrote {write(args.out, data)}")
    if args.db:
        import _common

        bench = _common.BenchDatabase(args.db, "nation", keep=args.keep)
        with bench:
            from uptake.campaigns.loader import load_campaign

            t = time.perf_counter()
            campaign, _stats = load_campaign(data)
            print(f"loaded the campaign in {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
            reports = fill_history(campaign, args.days)
            print(f"{reports:,} reports of {args.days} days in {time.perf_counter() - t:.1f} s")
            if args.keep:
                print(f"kept: DATABASE_URL={bench.url}")


if __name__ == "__main__":
    main()
