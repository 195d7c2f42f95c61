"""Reminders to a nation by SMS (or Zalo), with the scheduler killed mid-way (#18).

A province-sized campaign of ``--units`` units (20,000 by default: a nation's communes and
offices), each with its reporter and a mobile number; nobody has reported on the day, so the
14:00 reminder goes to every reporter. The scheduler runs in a process of its own (as
``manage.py scheduler`` does) whose clock starts at 14:00:00 of the day; the channel's service
is a local server that answers as eSMS.vn (or Zalo's ZNS) documents it and refuses more than
``--rate`` messages a second with HTTP 429, and the channel is set to that rate.

When a third of the messages have been accepted, the scheduler gets SIGKILL in the middle of
its work; a new one is started (its clock where the first one's was) and finishes. Then:

- every reporter has exactly one reminder delivery on the channel, and the service accepted
  exactly one message per delivery (no duplicate), for every reporter (no loss);
- SMS: a message in doubt (claimed, its answer lost with the process) is sent again after the
  claim lapses with the same RequestId, which eSMS answers with 124 (seen before): counted;
  Zalo: ZNS cannot tell a repeat, so a message in doubt is a dead letter, never a second one;
- the time from 14:00:00 to each message's hand-over (p50, p95, last).

The same is done first for a district (Hồng Ngự, 22 units), without a kill.

    .venv/bin/python bench/channels.py [--units 20000] [--rate 400] [--channel sms|zalo]

SQLite file in /tmp, loopback only; never part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections import Counter, deque
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

LEASE = 15  # seconds: how long a killed scheduler's claims stay its own


def environment(db: Path, service, channel: str, rate: float) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "uptake.settings",
        "DATABASE_URL": f"sqlite:///{db}",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "ERROR",
        "SCHEDULER_LEASE_SECONDS": str(LEASE),
        "SITE_URL": "https://uptake.example.vn",
    }
    settings = service.settings()
    if channel == "zalo":
        settings["ZALO_TEMPLATES"] = "afternoon_reminder=301002"
        settings["ZALO_RATE_PER_SECOND"] = str(rate)
    else:
        settings["SMS_RATE_PER_SECOND"] = str(rate)
    env.update({k: str(v) for k, v in settings.items()})
    return env


def make_service(channel: str, rate: float):
    from uptake.notify.channels.zalo import TEMPLATE_PARAMS
    from uptake.notify.models import Kind
    from uptake.notify.tests.fakes import FakeEsms, FakeZalo

    base = FakeZalo if channel == "zalo" else FakeEsms

    class Limited(base):
        """The service, refusing more than ``rate`` messages in any second with 429."""

        def __init__(self, *args):
            super().__init__(*args)
            self.window: deque = deque()
            self.accepted_at: dict[str, float] = {}
            self.counts: Counter = Counter()

        def handle(self, method, path, headers, body):
            now = time.time()
            if path != getattr(self, "OAUTH_PATH", None):
                while self.window and now - self.window[0] > 1:
                    self.window.popleft()
                if len(self.window) >= rate:
                    self.counts["429"] += 1
                    return 429, {"error": "rate limit"}
                self.window.append(now)
            before = len(self.sent)
            status, answer = super().handle(method, path, headers, body)
            if len(self.sent) > before:
                key = self.sent[-1].get("RequestId") or self.sent[-1].get("tracking_id")
                self.counts["accepted"] += 1
                if key in self.accepted_at:
                    self.counts["accepted twice"] += 1
                self.accepted_at[key] = now
            elif isinstance(answer, dict) and str(answer.get("CodeResult")) == "124":
                self.counts["repeat refused (124)"] += 1
            return status, answer

    if channel == "zalo":
        return Limited({"301002": TEMPLATE_PARAMS[Kind.AFTERNOON_REMINDER]})
    return Limited()


def child(start_at: str) -> None:
    """The scheduler process: its clock starts at ``start_at`` and ticks."""
    import django
    import time_machine

    with time_machine.travel(datetime.fromisoformat(start_at), tick=True):
        django.setup()
        from uptake.notify.scheduler import Scheduler

        scheduler = Scheduler()
        signal.signal(signal.SIGTERM, lambda *a: scheduler.stopping.set())
        scheduler.forever(1.0)


def prepare(units: int | None):
    """The campaign (a district, or a province of ``units``), its people with phones, its
    earlier days settled; returns (campaign, reporters, 14:00 of the day)."""
    import scheduler as base
    import time_machine

    from uptake.accounts.models import Profile, Role
    from uptake.campaigns.loader import load_campaign
    from uptake.notify.jobs import job_plan
    from uptake.notify.models import JobRun
    from uptake.test import VN

    data = (
        base.district("https://hooks.example.vn/x")
        if units is None
        else base.province(units, "https://hooks.example.vn/x")
    )
    data.pop("webhooks", None)
    with time_machine.travel(
        datetime.combine(base.DAY - timedelta(days=3), datetime.min.time(), tzinfo=VN), tick=False
    ):
        campaign, _stats = load_campaign(data)
    base.people(campaign)
    reporters = list(
        Profile.objects.filter(role=Role.REPORTER, user__username__startswith=campaign.slug)
    )
    for n, profile in enumerate(reporters):
        profile.phone = f"09{(10_000_000 + n * 37) % 100_000_000:08d}"
    Profile.objects.bulk_update(reporters, ["phone"], batch_size=2000)
    moment = datetime.combine(base.DAY, datetime.strptime("14:00", "%H:%M").time(), tzinfo=VN)
    runs = []
    day = campaign.start
    while day <= base.DAY:
        for job, level, at in job_plan(campaign):
            due = datetime.combine(day, at, tzinfo=VN)
            if day < base.DAY or due < moment:
                runs.append(
                    JobRun(
                        campaign=campaign,
                        job=job,
                        day=day,
                        level=level,
                        due_at=due,
                        next_attempt_at=due,
                        state="done",
                    )
                )
        day += timedelta(days=1)
    JobRun.objects.bulk_create(runs, ignore_conflicts=True)
    return campaign, reporters, moment


def start_child(env: dict, clock: datetime) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, "--child", clock.isoformat()],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(label: str, units: int | None, channel: str, rate: float, kill: bool, db: Path) -> None:
    from uptake.notify.models import Delivery, Kind

    campaign, reporters, moment = prepare(units)
    service = make_service(channel, rate)
    service.__enter__()
    env = environment(db, service, channel, rate)
    expected = len(reporters)
    started = time.time()
    proc = start_child(env, moment)
    kills = 0
    deadline = started + max(120, 3 * expected / rate + 4 * LEASE)
    while time.time() < deadline:
        time.sleep(0.2)
        accepted = service.counts["accepted"]
        if kill and not kills and accepted >= expected // 3:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            clock = moment + timedelta(seconds=time.time() - started)
            proc = start_child(env, clock)
        ours = Delivery.objects.filter(
            channel=channel, kind=Kind.AFTERNOON_REMINDER, campaign=campaign
        )
        if ours.count() >= expected and not ours.exclude(state__in=["sent", "failed"]).exists():
            break
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
    service.__exit__(None, None, None)

    ours = Delivery.objects.filter(channel=channel, kind=Kind.AFTERNOON_REMINDER, campaign=campaign)
    states = Counter(ours.values_list("state", flat=True))
    per_user = Counter(ours.values_list("user_id", flat=True))
    phones = Counter((m.get("Phone") or m.get("phone")) for m in service.sent)
    ids = {str(pk) for pk in ours.values_list("pk", flat=True)}
    accepted_ids = set(service.accepted_at)
    lost = len(ids - accepted_ids)
    doubt = ours.filter(state="failed", last_error__startswith="interrupted").count()
    waits = [t - started for t in service.accepted_at.values()]
    twice = sum(1 for c in per_user.values() if c > 1)
    phones_twice = sum(1 for c in phones.values() if c > 1)
    counts = service.counts
    print(f"\n{label}: {expected} reporters, channel {channel}, limit {rate:g}/s, kills {kills}")
    print(f"  deliveries: {sum(per_user.values())} ({dict(states)}); two for a reporter: {twice}")
    print(
        f"  accepted by the service: {counts['accepted']}; accepted twice: "
        f"{counts['accepted twice']}; phones with two messages: {phones_twice}"
    )
    print(
        f"  repeats refused by RequestId (124): {counts['repeat refused (124)']}; "
        f"refused for the rate (429): {counts['429']}"
    )
    print(
        f"  lost (a delivery the service never accepted): {lost}, of which dead letters in "
        f"doubt (at most once): {doubt}"
    )
    if waits:
        span = max(waits) - min(waits)
        print(
            f"  14:00:00 → hand-over: first {min(waits):.1f} s, "
            f"p50 {percentile(waits, 0.5):.1f} s, "
            f"p95 {percentile(waits, 0.95):.1f} s, last {max(waits):.1f} s; "
            f"{len(waits) / span if span else float('nan'):.0f} messages/s while sending"
        )
    if proc.stderr:
        errors = proc.stderr.read().decode()[-500:]
        if errors.strip():
            print("  scheduler stderr:", errors)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=400)
    parser.add_argument("--channel", choices=["sms", "zalo"], default="sms")
    args = parser.parse_args()
    import scheduler as base

    db = base.setup_django()
    print(f"uptake channels bench, SQLite at {db}")
    run("a district (Hồng Ngự)", None, args.channel, args.rate, kill=False, db=db)
    run(f"a nation of {args.units} units", args.units, args.channel, args.rate, kill=True, db=db)


if __name__ == "__main__":
    main()
