"""`make bench` (second part): an announcement to 5,000 members through a local SMTP server.

    .venv/bin/python bench/mailing.py [--postgres] [--members 5000] [--rate 10] [--duration 5]

1. Seeds the benchmark's database (as bench/run.py does), adds the members and composes
   the upcoming edition's announcement.
2. Starts an SMTP server on 127.0.0.1 in this process (aiosmtpd, tests/smtp_sink.py),
   gunicorn with the page cache on, and the task queue's worker (`manage.py db_worker`) as
   production runs them, each a process of its own.
3. Measures the public pages with wrk, first with nothing else going on, then while the
   announcement goes out at the production rate (MAILING_RATE, --rate), in the same run.
4. Sends it to everyone at full speed (no rate limit) and reports mails a second; the
   pages are measured meanwhile too, for information.
5. Checks what the SMTP server received: every member exactly once, with List-Unsubscribe
   and List-Unsubscribe-Post; writes the tables to bench/results.md.
"""

import argparse
import collections
import datetime
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from bench import run as bench  # noqa: E402
from tests.smtp_sink import parsed, start_sink  # noqa: E402

PAGES = ("home", "edition detail", "archive, page 1")
# Members a batch takes at full speed: the production default (100) would make one task per
# 100 mails; the figure is about the worker's sending, which the batch size barely changes.
BATCH_SIZE = 100


def add_members(count):
    """`count` confirmed members, in one bulk insert; returns their addresses."""
    from django.utils import timezone

    from members.models import Subscriber

    now = timezone.now()
    addresses = [f"member{n:05}@bench.example.org" for n in range(count)]
    Subscriber.objects.bulk_create(
        Subscriber(email=address, status="subscribed", consent_text="Bench.", consented_at=now, confirmed_at=now)
        for address in addresses
    )
    return addresses


def new_announcement(subject):
    """A composed draft announcing the seeded upcoming edition, as the admin saves it."""

    from meetups.models import Edition
    from members import mailings
    from members.models import Mailing

    edition = Edition.objects.published().upcoming().first()
    mailing = Mailing(kind=Mailing.Kind.ANNOUNCEMENT, edition=edition, subject=subject)
    mailings.compose(mailing, "http://127.0.0.1/")
    mailing.save()
    return mailing


def start_sending(mailing, resend=False):
    from django.contrib.auth import get_user_model

    from members import mailings

    organizer, _ = get_user_model().objects.get_or_create(username="bench-organizer", defaults={"is_staff": True})
    mailings.start_sending(mailing, organizer, resend_confirmed=resend)


def mailing_status(mailing):
    from django.db import connection

    mailing.refresh_from_db(fields=["status"])
    connection.close()  # the worker writes meanwhile: no connection of this process stays open on SQLite
    return mailing.status


class Worker:
    """`manage.py db_worker` with the benchmark's settings, sending through the SMTP server at `rate` a second."""

    def __init__(self, env, smtp_port, rate, label):
        self.log = bench.DATA / f"worker-{label}.log"
        env = {
            **env,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "BENCH_SMTP": "on",
            "MAILING_RATE": str(rate),
            "MAILING_BATCH_SIZE": str(BATCH_SIZE),
        }
        command = [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        bench.stop(self.process)


def measure(args, server, paths, label):
    return {name: bench.wrk(args, server.port, f"{name}{label}", paths[name]) for name in PAGES}


def average(first, second):
    def mean(field):
        return (getattr(first, field) + getattr(second, field)) / 2

    requests, errors = first.requests + second.requests, first.errors + second.errors
    return bench.Run(first.name, first.path, requests, mean("rps"), mean("p50"), mean("p99"), errors)


def check_received(messages, addresses):
    """(exactly once?, both headers on all?, summary) of what the SMTP server received."""
    counts = collections.Counter(address for rcpt_tos, _message in messages for address in rcpt_tos)
    once = set(counts) == set(addresses) and set(counts.values()) == {1}
    headers = all(
        message["List-Unsubscribe"] and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        for _rcpt_tos, message in messages
    )
    doubles = sum(1 for n in counts.values() if n > 1)
    missing = len(set(addresses) - set(counts))
    return once, headers, f"{len(messages):,} mails, {missing} members missing, {doubles} got more than one"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"use PostgreSQL ({bench.DEFAULT_POSTGRES_URL})")
    parser.add_argument("--database-url", help="another benchmark database (its name must contain 'bench')")
    parser.add_argument("--members", type=int, default=5000, help="members on the list (default 5000)")
    parser.add_argument("--rate", type=float, default=10.0, help="mails a second while pages are measured (10)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--gunicorn-config", type=Path, default=bench.GUNICORN_CONF)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print(bench.WRK_MISSING, file=sys.stderr)
        return 2

    shutil.rmtree(bench.DATA, ignore_errors=True)
    bench.DATA.mkdir(parents=True)
    env = bench.prepare_environment(args)
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    started = datetime.datetime.now(tz=datetime.UTC)
    print(f"Seeding the {database} benchmark database...")
    counts, _fingerprint, _seconds = bench.seed_database(env)
    addresses = add_members(args.members)
    from bench import seed

    paths = seed.bench_paths()
    sink, smtp = start_sink()
    try:
        with bench.Gunicorn(env, page_cache=True, label="mailing", config=args.gunicorn_config) as server:
            print("Pages, nothing else going on:")
            quiet_before = measure(args, server, paths, "")

            print("The announcement to everyone at full speed:")
            full = new_announcement("Bench: the announcement, at full speed")
            with Worker(env, smtp.port, 0, "full"):
                began = time.monotonic()
                start_sending(full)
                flat_out = measure(args, server, paths, ", mailing at full speed")
                while len(sink) < args.members and time.monotonic() - began < 3600:
                    time.sleep(0.05)
                seconds = time.monotonic() - began
                time.sleep(2)  # anything sent twice would arrive now
                received = list(sink.received)
                sending_seconds = sink.arrival_times[args.members - 1] - sink.arrival_times[0]

            print(f"Pages while the announcement goes out again at {args.rate:g} mails a second:")
            limited = new_announcement("Bench: the announcement, at the production rate")
            with Worker(env, smtp.port, args.rate, "limited"):
                start_sending(limited, resend=True)
                time.sleep(1)  # the worker has started and is sending
                sent_before = len(sink)
                began_limited = time.monotonic()
                during = measure(args, server, paths, ", mailing at the rate")
                limited_seconds = time.monotonic() - began_limited
                limited_mails = len(sink) - sent_before
                still_sending = mailing_status(limited) == "sending"
            limited_rate = limited_mails / limited_seconds

            print("Pages, nothing else going on, again:")
            quiet_after = measure(args, server, paths, ", again")
    finally:
        smtp.stop()
    once, headers, summary = check_received(parsed(received), addresses)
    # The pages without a mailing: measured before and after it, the mean of the two.
    quiet = {name: average(quiet_before[name], quiet_after[name]) for name in PAGES}
    mails_per_second = (args.members - 1) / sending_seconds

    def row(name):
        base, load, fast = quiet[name], during[name], flat_out[name]
        return (
            f"| {name} | {base.rps:,.0f} | {bench._ms(base.p99)} | {load.rps:,.0f} ({bench._ratio(load, base)}) "
            f"| {bench._ms(load.p99)} | {fast.rps:,.0f} ({bench._ratio(fast, base)}) | {bench._ms(fast.p99)} |"
        )

    worst = min(PAGES, key=lambda name: during[name].rps / quiet[name].rps)
    worst_ratio = during[worst].rps / quiet[worst].rps
    targets = [
        (f"every member exactly once ({args.members:,} members)", summary, "each once", once),
        ("List-Unsubscribe and List-Unsubscribe-Post on every mail", "all" if headers else "missing", "all", headers),
        (
            "mails a second at full speed, first mail to last",
            f"{mails_per_second:,.0f} ({seconds:.0f} s from the click to the last mail)",
            "—",
            True,
        ),
        (
            f"pages' req/s while it goes out at {args.rate:g}/s (lowest)",
            f"{100 * worst_ratio:.0f} % of the same page without ({worst})",
            "≥ 90 %",
            worst_ratio >= 0.9,
        ),
    ]
    lines = ["| target | measured | goal | |", "| --- | --- | --- | --- |"]
    lines += [f"| {name} | {measured} | {goal} | {bench._verdict(ok)} |" for name, measured, goal, ok in targets]
    body = f"""Software: {bench.versions(database == "PostgreSQL")}.
Data: {", ".join(f"{n:,} {what}" for what, n in counts.items())}; {args.members:,} members.
One gunicorn (page cache on) and one worker (`manage.py db_worker`, batches of {BATCH_SIZE}), on this
machine with wrk and the SMTP server (aiosmtpd, in the benchmark's process).

{chr(10).join(lines)}

| page | req/s, nothing else | p99 ms | req/s, mailing at {args.rate:g}/s | p99 ms | req/s, mailing at full speed | p99 ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
{chr(10).join(row(name) for name in PAGES)}

"Nothing else" is the mean of a run before the mailings and one after them. At the rate, the
worker sent {limited_mails:,} mails in the {limited_seconds:.0f} s of measuring
({limited_rate:.1f} a second; still sending at the end: {"yes" if still_sending else "no"}).
At full speed the pages share the machine's two cores with the worker, which then takes one of them.
"""  # noqa: E501
    bench.write_section(f"Announcement to members, {database} — {started:%Y-%m-%d %H:%M} UTC", body, bench_header())
    print()
    print(body)
    return 0 if once and headers else 1


def bench_header():
    # The file's header is bench/run.py's; a run of this script alone keeps what is there.
    text = bench.RESULTS.read_text() if bench.RESULTS.exists() else "# Benchmark results\n"
    return text.split("\n## ", 1)[0]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.exit(main())
