"""`make bench`: how fast the site is on this machine, as ratios that compare across machines.

    .venv/bin/python bench/run.py [--postgres] [--proxy] [--duration 10] [--connections 32]

1. Seeds a separate database (bench/.data/bench.sqlite3, or with --postgres the
   PostgreSQL database vdlm_bench, dropped and created again) with the large data set
   of bench/seed.py, and counts each page's SQL queries at that size.
2. Starts gunicorn with gunicorn.conf.py and production settings (bench/settings.py)
   on a free port of 127.0.0.1, with the page cache on, and runs wrk (about ten seconds
   each, after two seconds of warm-up) against a constant view (the reference: measured
   before, between and after the pages, the median kept), a static file and the pages;
   then raffle entries: wrk with a Lua script for ten seconds, and a client that sends
   a fixed number of POSTs over 32 connections and checks that every success is a stored row
   (wrk stops counting while requests are still open, so its count cannot be checked).
3. With --proxy, runs nginx with the micro-cache configuration of docs/deploy.md in
   front of that gunicorn, and compares each page through it with nginx sending the
   same bytes from a file.
4. Restarts gunicorn with the page cache off (PAGE_CACHE=off) and measures the pages
   again, rendered from the database every time.
5. Prints the tables and writes them to bench/results.md, replacing the section of
   this configuration and keeping the others.

Only 127.0.0.1 is ever contacted; the processes started here are stopped by their
own ids. Every ratio compares two measurements of the same run. On a shared machine,
a wrk run during which other processes took CPU is measured again (see NOISE_LIMIT),
and --wait-quiet waits for an idle machine before starting.
"""

import argparse
import dataclasses
import datetime
import http.client
import os
import platform
import re
import runpy
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results.md"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
BIN = Path(sys.executable).parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/vdlm_bench"
# The limit of the query-count tests, which measure the same pages at 30 editions:
# tests/test_query_counts.py and, for the deck, tests/decks/test_queries.py.
MAX_QUERIES = 10
WRK_MISSING = (
    "make bench needs wrk, an HTTP benchmarking tool, which is not installed.\n"
    "On Debian or Ubuntu: sudo apt-get install wrk   (elsewhere: https://github.com/wg/wrk)"
)
NGINX_MISSING = (
    "nginx is not installed, so the --proxy measurements are skipped.\n"
    "On Debian or Ubuntu: sudo apt-get install nginx   (the benchmark starts its own, on a free port)"
)
# Seconds of load before each measured wrk run (not counted): see wrk().
WARM_UP_SECONDS = 2
CONSTANT = "/bench/constant/"
# The answer a stored entry gets: a bot that trips a spam guard is shown the same page, but
# then no row exists, which is why rows are counted too.
ENTERED_MARK = b"Thank you for entering!"
# Never cached (a form with a CSRF token), and the page everyone opens on the evening itself.
RAFFLE_PAGE = "raffle page (never cached)"

# --- Measurements -----------------------------------------------------------------------------


@dataclasses.dataclass
class Run:
    """One measured target: requests per second, latency percentiles (ms), errors."""

    name: str
    path: str
    requests: int
    rps: float
    p50: float
    p99: float
    errors: int
    note: str = ""
    queries: int | None = None
    noise: float = 0.0  # the machine's CPU share other processes took meanwhile
    cpu: dict = dataclasses.field(default_factory=dict)  # CPU ms per request by part (the entries' client)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output):
    """(requests, req/s, p50 ms, p99 ms, errors) from `wrk --latency` output."""
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    status_errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if status_errors:
        errors += int(status_errors.group(1))
    return requests, rps, p50, p99, errors


def _cpu_ticks_by_process():
    """{pid: (parent pid, CPU ticks used so far, its ended children's)} of every process on the machine.

    The ended children's ticks are those of the children it has waited for: gunicorn's
    master waits for each worker it replaces, so a worker recycled during a run still counts.
    """
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        found[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]))
    return found


def _database_backends():
    """PostgreSQL's server processes for the benchmark's database: part of what is measured, not noise."""
    name = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    found = set()
    if not name or os.environ.get("DATABASE_URL", "").startswith("sqlite"):
        return found
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                    # Backends name their database in their title: "postgres: postgres vdlm_bench 127.0.0.1(...)".
                    if f" {name} ".encode() in cmdline.read():
                        found.add(int(entry.name))
            except OSError:
                continue
    return found


def _share_of_others(before, after, seconds):
    """The machine's CPU share that processes outside this benchmark used between two snapshots."""
    children = {}
    for pid, (parent, *_ticks) in after.items():
        children.setdefault(parent, []).append(pid)
    ours, todo = _database_backends(), [os.getpid()]
    while todo:
        pid = todo.pop()
        ours.add(pid)
        todo += children.get(pid, [])
    ticks = sum(used - before.get(pid, (0, 0, 0))[1] for pid, (_, used, _) in after.items() if pid not in ours)
    return ticks / os.sysconf("SC_CLK_TCK") / (seconds * os.cpu_count())


# A run during which other processes took more than this share of the machine is measured again.
NOISE_LIMIT = 0.10


def wrk(args, port, name, path, script=None, warm=True):
    """One wrk run; repeated (three times at most) while other processes take CPU, the quietest kept.

    A GET target is first loaded for WARM_UP_SECONDS, not counted: a server just started (or
    a page not asked for yet) answers its first requests slowly while every worker loads
    code, templates and connections, which would make the reference measured first look
    slower than it is and every ratio to it better.
    """
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    url = f"http://127.0.0.1:{port}{path}"
    command.append(url)
    timeout = args.duration + 60
    if warm and not script:
        warm_up = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{WARM_UP_SECONDS}s", url]
        subprocess.run(warm_up, capture_output=True, check=True, timeout=timeout)  # noqa: S603
    best = None
    for _attempt in range(1 if script else 3):  # entries change the data: never posted twice
        before, began = _cpu_ticks_by_process(), time.monotonic()
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=timeout).stdout  # noqa: S603
        run = Run(name, path, *parse_wrk(output))
        run.noise = _share_of_others(before, _cpu_ticks_by_process(), time.monotonic() - began)
        if best is None or run.noise < best.noise:
            best = run
        if run.noise <= NOISE_LIMIT:
            break
        print(f"  ({name}: other processes took {run.noise:.0%} of the CPU; measuring again)")
    print(
        f"  {name:<28} {best.rps:>9.0f} req/s  p50 {best.p50:7.2f} ms  p99 {best.p99:7.2f} ms  errors {best.errors}"
        f"  others {best.noise:.0%}"
    )
    return best


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# --- Processes -------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port, path, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}; see its log in {DATA}")
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {path} within {seconds} s")


def stop(process):
    """Stop a process this script started, by its id: gracefully, then for good."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py and the benchmark's settings, on a free port."""

    def __init__(self, env, page_cache, label, config=GUNICORN_CONF):
        self.port = free_port()
        self.log = DATA / f"gunicorn-{label}.log"
        env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port), "PAGE_CACHE": "on" if page_cache else "off"}
        command = [str(BIN / "gunicorn"), "--config", str(config), "vdlm.wsgi"]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            wait_until_up(self.port, CONSTANT, self.process)
        except Exception:
            stop(self.process)
            raise

    def log_count(self, text):
        return self.log.read_text(errors="replace").count(text)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        stop(self.process)


def documented_nginx(doc=DEPLOY_DOC):
    """(http block, location block) of the micro-cache in docs/deploy.md: the benchmark runs what the docs say."""
    text = Path(doc).read_text()
    blocks = dict(re.findall(r"<!-- bench: nginx (http|location)\b[^>]*-->\s*```nginx\n(.*?)```", text, re.S))
    if set(blocks) != {"http", "location"}:
        raise RuntimeError(f"{doc} lacks the marked nginx blocks (<!-- bench: nginx http/location -->)")
    return blocks["http"], blocks["location"]


def nginx_config(directory, port, sendfile_port, upstream_port, static_root, run_as_root):
    """A complete nginx.conf around the documented blocks, with Debian's http defaults (sendfile, tcp_nopush on)."""
    http_block, location = documented_nginx()
    http_block = http_block.replace("/var/cache/nginx/vdlm", str(directory / "cache"))
    location = location.replace("http://127.0.0.1:8000", f"http://127.0.0.1:{upstream_port}")
    if "sendfile off;" not in location:
        raise RuntimeError("the documented location no longer turns sendfile off; update bench/run.py's comparison")
    with_sendfile = location.replace("sendfile off;", "sendfile on;")
    temp = directory / "temp"
    # As root, nginx hands its workers to "nobody", who may not write the benchmark's folders.
    user = "user root;\n" if run_as_root else ""
    return f"""{user}worker_processes auto;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{ text/html html; text/css css; }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    log_format cache_status '$upstream_cache_status';
    access_log {directory}/access.log cache_status buffer=256k flush=1s;

{http_block}
    server {{
        listen 127.0.0.1:{port};
        location /saved/ {{ alias {directory}/saved/; }}
        location /static/ {{ alias {static_root}/; }}
{location}
    }}
    # The same micro-cache with sendfile on, to show what the documented "sendfile off" is for.
    server {{
        listen 127.0.0.1:{sendfile_port};
{with_sendfile}
    }}
}}
"""


def nginx_binary():
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)


class Nginx:
    """nginx with the documented micro-cache in front of gunicorn, and `saved` pages as plain files."""

    def __init__(self, upstream_port, static_root, saved):
        self.directory = DATA / "nginx"
        shutil.rmtree(self.directory, ignore_errors=True)
        for folder in ("temp", "saved", "cache"):
            (self.directory / folder).mkdir(parents=True)
        for name, body in saved.items():
            (self.directory / "saved" / name).write_bytes(body)
        self.port, self.sendfile_port = free_port(), free_port()
        config = self.directory / "nginx.conf"
        config.write_text(
            nginx_config(self.directory, self.port, self.sendfile_port, upstream_port, static_root, os.geteuid() == 0)
        )
        command = [nginx_binary(), "-p", str(self.directory), "-c", str(config), "-g", "daemon off;"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            wait_until_up(self.port, f"/saved/{next(iter(saved))}", self.process)
        except Exception:
            stop(self.process)
            raise

    def cache_statuses(self):
        """How nginx answered the proxied requests so far: {HIT: n, MISS: n, ...}."""
        stop(self.process)  # flushes the buffered log
        counts = {}
        for line in (self.directory / "access.log").read_text().split():
            if line != "-":
                counts[line] = counts.get(line, 0) + 1
        return counts

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        stop(self.process)


# --- Raffle entries -------------------------------------------------------------------------------------------


def entry_form(csrf_secret, email):
    from vdlm.spam import rendered_at_token

    from . import seed

    return {
        "csrfmiddlewaretoken": csrf_secret,
        # Shown a minute ago, as a person would have: the time guard passes on its own terms.
        "rendered_at": rendered_at_token(time.time() - 60),
        "website": "",
        "email": email,
        "name": "Bench Entrant",
        "answer": seed.RAFFLE_ANSWER,
        "consent": "on",
    }


def wrk_entry_script(tag, csrf_secret):
    """A wrk Lua script that posts entries with distinct addresses: tag-thread-counter@example.org."""
    form = entry_form(csrf_secret, "EMAIL")
    body = urlencode(form).replace("EMAIL", '" .. tag .. "-" .. tid .. "-" .. n .. "%40example.org')
    script = DATA / f"{tag}.lua"
    script.write_text(
        f"""-- Written by bench/run.py: raffle entries with distinct addresses.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local tag = "{tag}"
local headers = {{["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "csrftoken={csrf_secret}"}}
function request()
  n = n + 1
  return wrk.format("POST", "/raffles/{quote(_raffle_slug())}/", headers, "{body}")
end
"""
    )
    return script


def _raffle_slug():
    from . import seed

    return seed.RAFFLE_SLUG


def _entry_requests(port, count, tag, csrf_secret):
    """The raw HTTP/1.1 requests of `count` entries, built before the clock starts."""
    path = f"/raffles/{_raffle_slug()}/"
    requests = []
    for number in range(count):
        body = urlencode(entry_form(csrf_secret, f"{tag}-{number}@example.org")).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Cookie: csrftoken={csrf_secret}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        requests.append(head.encode() + body)
    return requests


class _OneExchange:
    """An asyncio protocol: send one request, collect the answer until the server closes.

    Plain callbacks rather than streams and a timeout task per request: the client runs
    on the machine it measures, and with streams it took a fifth of a core at 400 entries/s.
    """

    def __init__(self, request, done):
        self.request = request
        self.done = done
        self.chunks = []

    def connection_made(self, transport):
        transport.write(self.request)

    def data_received(self, data):
        self.chunks.append(data)

    def eof_received(self):
        return False  # close: the answer is complete (the sync worker closes after each)

    def connection_lost(self, error):
        if not self.done.done():
            self.done.set_result(b"".join(self.chunks))

    def pause_writing(self):
        pass

    def resume_writing(self):
        pass


async def _send_all(port, requests, connections):
    """Send every request once over `connections` concurrent connections; [(outcome, seconds)]."""
    import asyncio

    loop = asyncio.get_running_loop()
    pending = iter(requests)
    results = []

    async def client():
        for request in pending:
            began = time.perf_counter()
            try:
                done = loop.create_future()
                transport, _ = await loop.create_connection(lambda: _OneExchange(request, done), "127.0.0.1", port)  # noqa: B023
                try:
                    async with asyncio.timeout(120):
                        answer = await done
                finally:
                    transport.close()
                status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else "no answer"
                outcome = status if ENTERED_MARK in answer or status != 200 else "200 without entry"
            except (OSError, TimeoutError, ValueError) as error:
                outcome = type(error).__name__
            results.append((outcome, time.perf_counter() - began))

    await asyncio.gather(*(client() for _ in range(connections)))
    return results


def post_entries(port, count, connections, tag, csrf_secret, server_pid=None):
    """POST `count` entries over `connections` connections; returns (Run, successes, status counts).

    One asyncio loop with raw sockets, every request built beforehand: the client takes
    as little CPU as it can from the server it measures, on the same machine. With the
    server's pid, the Run's `cpu` says where the CPU time of an entry went.
    """
    import asyncio

    requests = _entry_requests(port, count, tag, csrf_secret)
    ticks_before = _cpu_ticks_by_process()
    began = time.perf_counter()
    results = asyncio.run(_send_all(port, requests, connections))
    elapsed = time.perf_counter() - began
    ticks_after = _cpu_ticks_by_process()
    outcomes = {}
    for outcome, _ in results:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    successes = outcomes.get(200, 0)
    latencies = sorted(seconds * 1000 for _, seconds in results)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    name = f"{count:,} POSTs, {connections} connections"
    errors = len(results) - successes
    path = f"/raffles/{_raffle_slug()}/"
    run = Run(name, path, len(results), successes / elapsed, statistics.median(latencies), p99, errors)
    print(f"  {name:<28} {run.rps:>9.0f} entries/s  p50 {run.p50:7.2f} ms  p99 {run.p99:7.2f} ms  {outcomes}")
    if server_pid and results:
        run.cpu = cpu_per_request(ticks_before, ticks_after, server_pid, len(results))
        print("  CPU ms per entry: " + ", ".join(f"{part} {ms:.2f}" for part, ms in run.cpu.items()))
    return run, successes, outcomes


def cpu_per_request(before, after, server_pid, requests):
    """{"web workers": ms, "database": ms, "client": ms}: CPU time per request between two snapshots.

    The client's share is also a gauge of the machine: the same work took it from 0.32 to
    0.55 ms an entry within one afternoon on one virtual machine (docs/deploy.md).
    """
    children = {}
    for pid, (parent, *_ticks) in after.items():
        children.setdefault(parent, []).append(pid)
    workers, todo = set(), [server_pid]
    while todo:
        pid = todo.pop()
        workers.add(pid)
        todo += children.get(pid, [])
    groups = {"web workers": workers, "database": _database_backends(), "client": {os.getpid()}}
    per_tick = 1000 / os.sysconf("SC_CLK_TCK") / requests

    def used(pid):
        return after[pid][1] - before.get(pid, (0, 0, 0))[1]

    cpu = {name: sum(used(pid) for pid in pids if pid in after) * per_tick for name, pids in groups.items() if pids}
    if server_pid in after and server_pid in before:
        # Workers replaced during the run: the master's ended children's time grew by their
        # whole lives; what they had used before the run is in the first snapshot.
        gone = [pid for pid, (parent, *_ticks) in before.items() if parent == server_pid and pid not in after]
        grown = after[server_pid][2] - before[server_pid][2]
        cpu["web workers"] += max(0, grown - sum(before[pid][1] for pid in gone)) * per_tick
    return cpu


def stored_entries(tag):
    from django.db import connections

    from raffles.models import RaffleEntry

    count = RaffleEntry.objects.filter(email__startswith=f"{tag}-").count()
    connections.close_all()
    return count


# --- Set-up ------------------------------------------------------------------------------------------------------


def prepare_environment(args):
    """The environment of every Django process here: production settings, a throwaway secret, our database."""
    sqlite_url = f"sqlite:///{DATA / 'bench.sqlite3'}"
    database_url = args.database_url or (DEFAULT_POSTGRES_URL if args.postgres else sqlite_url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "DJANGO_STATIC_ROOT": str(DATA / "static"),
        "DJANGO_MEDIA_ROOT": str(DATA / "media"),
        "PAGE_CACHE_VERSION_FILE": str(DATA / "page-cache-version"),
        # Local memory and the version file: the default set-up of one small server.
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    return env


def recreate_database(url):
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(parts.path + suffix).unlink(missing_ok=True)
        return
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop the database {name!r}: the benchmark's database name must contain 'bench'.")
    import psycopg2
    from psycopg2 import sql

    maintenance = psycopg2.connect(
        dbname="postgres", user=parts.username, password=parts.password, host=parts.hostname, port=parts.port or 5432
    )
    maintenance.autocommit = True
    with maintenance.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    maintenance.close()


def seed_database(env):
    """Migrate, seed and collect the static files in this process; returns (counts, fingerprint, seconds)."""
    import django
    from django.core.management import call_command

    recreate_database(env["DATABASE_URL"])
    (DATA / "static").mkdir(exist_ok=True)
    django.setup()
    from django.db import connections

    from . import seed

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    seed.seed(seed.FULL)
    if connections["default"].vendor == "postgresql":
        # Rows written in bulk a moment ago: the planner's statistics still describe empty
        # tables, and no page is marked all-visible yet, so every index-only scan (the
        # counts on the home page) still reads the table. On a running site autovacuum
        # vacuums and analyzes tables after inserts within a minute; here, now (it halved
        # the home page's count query on this machine).
        with connections["default"].cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    call_command("collectstatic", verbosity=0, interactive=False, clear=True)
    elapsed = time.perf_counter() - began
    result = seed.counts(), seed.fingerprint(), elapsed
    connections.close_all()
    return result


def query_counts(paths):
    """SQL queries of each page at the large data set, rendered in this process without the page cache."""
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    with override_settings(PAGE_CACHE_ENABLED=False):
        client.get("/")  # the site profile is cached from now on, as on a running site
        for name, path in paths.items():
            with CaptureQueriesContext(connection) as queries:
                status = client.get(path).status_code
            if status != 200:
                raise RuntimeError(f"{name} ({path}) answered {status} on the seeded site")
            counts[name] = len(queries)
    connections.close_all()
    return counts


def static_path():
    from django.contrib.staticfiles.storage import staticfiles_storage

    return staticfiles_storage.url("css/site.css")


# --- Report -------------------------------------------------------------------------------------------------------


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) / 1024 / 1024
    system = platform.platform()
    with open("/etc/os-release") as release:
        for line in release:
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip().strip(chr(34))}, Linux {platform.release()}"
    return f"{os.cpu_count()} CPUs (nproc), {cpu}, {memory:.1f} GiB memory; {system}"


def versions(postgres):
    found = {"Python": platform.python_version()}
    import django
    import gunicorn

    found["Django"], found["gunicorn"] = django.get_version(), gunicorn.__version__
    wrk_banner = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()  # noqa: S607
    found["wrk"] = wrk_banner[1] if len(wrk_banner) > 1 else "?"
    nginx = nginx_binary()
    if nginx:
        banner = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr  # noqa: S603
        found["nginx"] = banner.strip().rsplit("/", 1)[-1]
    if postgres:
        from django.db import connection

        found["PostgreSQL"] = ".".join(str(connection.pg_version // factor % 100) for factor in (10000, 1))
    else:
        import sqlite3

        found["SQLite"] = sqlite3.sqlite_version
    return ", ".join(f"{name} {version}" for name, version in found.items())


def gunicorn_summary(path):
    config = runpy.run_path(str(path))
    access_log = "on" if config.get("accesslog") else "off"
    return (
        f"{config['workers']} {config.get('worker_class', 'sync')} workers, access log {access_log}, "
        f"workers recycled every ~{config.get('max_requests', 0):,} requests"
    )


def _ms(value):
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


# The constant view's rate on the machine the benchmark's goals were written for (issue #9):
# the one absolute goal, 500 entries a second on PostgreSQL, is also given as a share of it.
REFERENCE_CONSTANT_RPS = 4600


def _ratio(run, reference):
    return f"{100 * run.rps / reference.rps:.0f} %"


def table(runs, reference, reference_label):
    lines = [
        f"| target | path | req/s | p50 ms | p99 ms | errors | vs {reference_label} | queries | others |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        queries = "" if run.queries is None else str(run.queries)
        name = f"{run.name} ({run.note})" if run.note else run.name
        lines.append(
            f"| {name} | `{run.path}` | {run.rps:,.0f} | {_ms(run.p50)} | {_ms(run.p99)} | {run.errors} "
            f"| {_ratio(run, reference)} | {queries} | {run.noise:.0%} |"
        )
    return "\n".join(lines)


def _verdict(ok):
    return "met" if ok else "**not met**"


def write_section(title, body, header):
    """Replace this configuration's section of bench/results.md (or add it); keep the others."""
    sections = {}
    if RESULTS.exists():
        text = RESULTS.read_text()
        for chunk in re.split(r"(?m)^(?=## )", text)[1:]:
            heading = chunk.splitlines()[0][3:].split(" — ")[0].strip()
            sections[heading] = chunk.rstrip() + "\n"
    sections[title.split(" — ")[0]] = f"## {title}\n\n{body.rstrip()}\n"
    order = ["SQLite", "PostgreSQL", "Behind nginx, SQLite", "Behind nginx, PostgreSQL"]
    keys = sorted(sections, key=lambda key: order.index(key) if key in order else len(order))
    RESULTS.write_text(header.rstrip() + "\n\n" + "\n".join(sections[key] for key in keys))


# --- Main ----------------------------------------------------------------------------------------------------------


def median_run(runs, name):
    """The reference from several runs of the constant view: the median of each figure."""
    median = Run(
        name,
        runs[0].path,
        sum(run.requests for run in runs),
        statistics.median(run.rps for run in runs),
        statistics.median(run.p50 for run in runs),
        statistics.median(run.p99 for run in runs),
        sum(run.errors for run in runs),
        note=f"median of {', '.join(f'{run.rps:,.0f}' for run in runs)} req/s",
    )
    median.noise = max(run.noise for run in runs)
    return median


def measure_with_reference(args, server, paths, queries, expect_cached):
    """(reference, static file run, page runs): the constant view is measured before the pages,
    halfway through and after them, and the reference is the median. On a virtual machine
    two runs of the same target a minute apart differ by up to a third; one reference
    run, measured at one moment, would move every ratio with it."""
    names = list(paths)
    half = len(names) // 2
    references = [wrk(args, server.port, "constant view", CONSTANT)]
    static_run = wrk(args, server.port, "static file (WhiteNoise)", static_path())
    runs = measure_pages(args, server, {name: paths[name] for name in names[:half]}, queries, expect_cached)
    references.append(wrk(args, server.port, "constant view", CONSTANT))
    runs += measure_pages(args, server, {name: paths[name] for name in names[half:]}, queries, expect_cached)
    references.append(wrk(args, server.port, "constant view", CONSTANT))
    return median_run(references, "constant view"), static_run, runs


def measure_pages(args, server, paths, queries, expect_cached):
    runs = []
    for name, path in paths.items():
        if expect_cached:
            # Each worker has its own copy: ask until three answers in a row come from the cache.
            streak = 0
            for _ in range(40):
                streak = streak + 1 if get(server.port, path)[1].get("X-Page-Cache") == "hit" else 0
                if streak == 3:
                    break
            else:
                print(f"  ! {name} is not served from the page cache")
        run = wrk(args, server.port, name, path)
        run.queries = queries.get(name)
        runs.append(run)
    return runs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"use PostgreSQL ({DEFAULT_POSTGRES_URL})")
    parser.add_argument("--database-url", help="another benchmark database (its name must contain 'bench')")
    parser.add_argument("--proxy", action="store_true", help="also measure behind nginx (docs/deploy.md's micro-cache)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--posts", type=int, default=2000, help="entries the fixed-count client sends (default 2000)")
    parser.add_argument("--post-connections", type=int, default=32, help="its connections (default 32)")
    parser.add_argument("--gunicorn-config", type=Path, default=GUNICORN_CONF, help="default: gunicorn.conf.py")
    parser.add_argument(
        "--wait-quiet", type=int, default=0, metavar="MINUTES",
        help="first wait up to MINUTES for the machine to be idle (1-minute load average below 1)",
    )
    args = parser.parse_args(argv)

    if not shutil.which("wrk"):
        print(WRK_MISSING, file=sys.stderr)
        return 2
    proxy = args.proxy
    if proxy and not nginx_binary():
        print(NGINX_MISSING, file=sys.stderr)
        proxy = False

    deadline = time.monotonic() + 60 * args.wait_quiet
    while os.getloadavg()[0] >= 1 and time.monotonic() < deadline:
        print(f"Waiting for a quiet machine (load average {os.getloadavg()[0]:.2f})...")
        time.sleep(30)

    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    env = prepare_environment(args)
    postgres = env["DATABASE_URL"].startswith("postgres")
    database = "PostgreSQL" if postgres else "SQLite"
    started = datetime.datetime.now(tz=datetime.UTC)
    load_before = os.getloadavg()

    print(f"Seeding the {database} benchmark database...")
    counts, fingerprint, seed_seconds = seed_database(env)
    print(f"  {counts} in {seed_seconds:.0f} s, fingerprint {fingerprint[:16]}")

    from . import seed

    paths = seed.bench_paths()
    queries = query_counts({**paths, RAFFLE_PAGE: f"/raffles/{seed.RAFFLE_SLUG}/"})
    static = static_path()
    csrf_secret = secrets.token_hex(16)
    tag = f"bench{started:%H%M%S}"

    print("Page cache on:")
    with Gunicorn(env, page_cache=True, label="cached", config=args.gunicorn_config) as server:
        constant, static_run, cached = measure_with_reference(args, server, paths, queries, expect_cached=True)
        raffle_page = wrk(args, server.port, RAFFLE_PAGE, f"/raffles/{seed.RAFFLE_SLUG}/")
        raffle_page.queries = queries[RAFFLE_PAGE]
        proxied = None
        if proxy:
            print("Behind nginx:")
            # Each page is compared with nginx sending the same bytes from a file: what is left
            # is the cost of the micro-cache itself, not of the page's size.
            saved = {f"page{index}.html": get(server.port, path)[2] for index, path in enumerate(paths.values())}
            with Nginx(server.port, DATA / "static", saved) as nginx:
                nginx_css = wrk(args, nginx.port, "nginx: static file", static)
                pairs = []
                # Each page and its file three times, alternately, a third as long each: the pair
                # with the median ratio is kept, so that one disturbed run moves nothing.
                thirds = argparse.Namespace(**{**vars(args), "duration": max(1, round(args.duration / 3))})
                for index, (name, path) in enumerate(paths.items()):
                    for _ in range(3):
                        get(nginx.port, path)  # filled before measuring, as after the first visitor
                    tries = []
                    for _ in range(3):
                        file_path = f"/saved/page{index}.html"
                        as_file = wrk(thirds, nginx.port, f"{name}, saved as a file", file_path, warm=False)
                        tries.append((wrk(thirds, nginx.port, name, path, warm=False), as_file))
                    tries.sort(key=lambda pair: pair[0].rps / pair[1].rps)
                    pairs.append(tries[1])
                sendfile_on = wrk(args, nginx.sendfile_port, "home, sendfile on", "/")
                sendfile_on.note = "same micro-cache, for comparison"
                statuses = nginx.cache_statuses()
            proxied = (nginx_css, pairs, sendfile_on, statuses)
        print("Raffle entries:")
        wrk_posts = wrk(args, server.port, "entries, wrk + Lua", f"/raffles/{seed.RAFFLE_SLUG}/",
                        script=wrk_entry_script(f"{tag}w", csrf_secret))  # fmt: skip
        wrk_rows = stored_entries(f"{tag}w")
        fixed, successes, outcomes = post_entries(
            server.port, args.posts, args.post_connections, f"{tag}f", csrf_secret, server_pid=server.process.pid
        )
        fixed_rows = stored_entries(f"{tag}f")
        locked = server.log_count("database is locked")
        recycled = server.log_count("Autorestarting worker")
        server_errors = server.log_count("Internal Server Error")

    print("Page cache off:")
    with Gunicorn(env, page_cache=False, label="uncached", config=args.gunicorn_config) as server:
        constant_uncached, static_uncached, uncached = measure_with_reference(
            args, server, paths, queries, expect_cached=False
        )

    load_after = os.getloadavg()
    noises = [run.noise for run in [constant, static_run, *cached, raffle_page, constant_uncached, *uncached]]
    # --- The report --------------------------------------------------------------------------------------------
    worst_cached = min(cached, key=lambda run: run.rps)
    worst_cached_p99 = max(cached, key=lambda run: run.p99)
    # The raffle page is never cached: it counts as rendered every time, against its own run's constant view.
    rendered = [(run, constant_uncached) for run in uncached] + [(raffle_page, constant)]
    worst_uncached, worst_reference = min(rendered, key=lambda pair: pair[0].rps / pair[1].rps)
    over_limit = {name: count for name, count in queries.items() if count > MAX_QUERIES}
    most_queries = max(queries.items(), key=lambda item: item[1])
    rows_ok = fixed_rows == successes and fixed.errors == 0
    # The goals of issue #18: cached pages at least as fast as the constant view, uncached ones
    # (plain querysets and templates, no compiler tricks) at 4 % of it at least.
    targets = [
        ("cached pages, req/s vs constant view (lowest)",
         f"{_ratio(worst_cached, constant)} ({worst_cached.name})", "≥ 100 %",
         worst_cached.rps >= constant.rps),
        ("cached pages, p99 vs constant view's p99 (highest)",
         f"{worst_cached_p99.p99 / constant.p99:.1f}× ({worst_cached_p99.name})", "< 4×",
         worst_cached_p99.p99 < 4 * constant.p99),
        ("uncached pages, req/s vs constant view (lowest)",
         f"{100 * worst_uncached.rps / worst_reference.rps:.1f} % ({worst_uncached.name})", "≥ 4 %",
         worst_uncached.rps >= 0.04 * worst_reference.rps),
        (f"raffle entries, {args.posts:,} POSTs over {args.post_connections} connections",
         f"{fixed.rps:,.0f} entries/s, {fixed.errors} errors, {fixed_rows:,} rows = {successes:,} answers"
         if rows_ok else f"{fixed.rps:,.0f} entries/s, {fixed.errors} errors, {fixed_rows:,} rows ≠ {successes:,}",
         "≥ 500/s, 0 errors, rows = answers" if postgres else "0 errors, rows = answers",
         rows_ok and (fixed.rps >= 500 or not postgres)),
        ('"database is locked" / server errors in the log', f"{locked} / {server_errors}", "0 / 0",
         locked == 0 and server_errors == 0),
        ("SQL queries per page at this size (most)", f"{most_queries[1]} ({most_queries[0]})",
         f"≤ {MAX_QUERIES}, as at 30 editions", not over_limit),
    ]  # fmt: skip
    target_lines = ["| target | measured | goal | |", "| --- | --- | --- | --- |"]
    target_lines += [f"| {name} | {measured} | {goal} | {_verdict(ok)} |" for name, measured, goal, ok in targets]
    entry_lines = [
        "| client | requests | req/s | p50 ms | p99 ms | errors | rows stored |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| wrk + Lua, {args.duration} s, {args.connections} connections | {wrk_posts.requests:,} "
        f"| {wrk_posts.rps:,.0f} "
        f"| {_ms(wrk_posts.p50)} | {_ms(wrk_posts.p99)} | {wrk_posts.errors} | {wrk_rows:,} |",
        f"| fixed count: {args.posts:,} POSTs, {args.post_connections} connections "
        f"| {fixed.requests:,} | {fixed.rps:,.0f} "
        f"| {_ms(fixed.p50)} | {_ms(fixed.p99)} | {fixed.errors} | {fixed_rows:,} |",
    ]
    when = f"{started:%Y-%m-%d %H:%M} UTC"
    software = versions(postgres)
    body = f"""Software: {software}.
Data: {", ".join(f"{n:,} {what}" for what, n in counts.items())}; fingerprint `{fingerprint[:16]}`.
Other processes (not this benchmark, its servers or its database) took {statistics.median(noises):.0%} of the
machine's CPU during the median wrk run, {max(noises):.0%} at most (load average {load_before[0]:.2f} before the run,
{load_after[0]:.2f} after). They take CPU from both sides of every ratio: a wrk run during which they took more than
{NOISE_LIMIT:.0%} was measured again (three times at most) and the quietest kept; see the "others" column.

### Targets

{chr(10).join(target_lines)}

### With the page cache (anonymous visitors, as on announcement day)

Each worker keeps its own copy of the pages and starts empty; gunicorn.conf.py replaces a
worker after `max_requests` requests, which happened {recycled} times on this server (these
runs and the entries below), and each new worker renders each page once more: see p99.

{table([constant, static_run, *cached, raffle_page], constant, "constant")}

### Without the page cache (`PAGE_CACHE=off`: every request rendered from the database)

{table([constant_uncached, static_uncached, *uncached], constant_uncached, "constant")}

### Raffle entries (CSRF and spam guards on, rate limit off)

{chr(10).join(entry_lines)}

wrk stops counting while requests are still open, so its rows may exceed its requests;
the fixed-count client's rows must equal its successful answers exactly. Outcomes: {outcomes}.
CPU time per entry of the fixed-count run: {", ".join(f"{part} {ms:.2f} ms" for part, ms in fixed.cpu.items())}.
The fixed-count entries came at {_ratio(fixed, constant)} of the constant view's rate on the same
server; the issue's 500 entries a second were {500 / REFERENCE_CONSTANT_RPS:.0%} of the constant view
on the machine it was written on ({REFERENCE_CONSTANT_RPS:,} req/s).
"""
    header = f"""# Benchmark results

Written by `make bench` (bench/run.py); each run replaces its own section. Every
ratio compares two measurements of the same run, so they compare across machines;
the absolute numbers do not. The load generator (wrk, or the entry client) runs on
the same machine and takes CPU from the server.

- Machine: {machine()}
- Server: gunicorn with `{args.gunicorn_config.name}` ({gunicorn_summary(args.gunicorn_config)}),
  `bench/settings.py` (production settings; rate limit off, emails not sent), DEBUG off, on 127.0.0.1
- Load: `wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency` per target, after
  {WARM_UP_SECONDS} s of the same load that are not counted
- Reference: the constant view, measured before the pages, halfway and after them on each
  server; the median of the three (the runs are in the table)
"""
    write_section(f"{database} — {when}", body, header)
    if proxied:
        nginx_css, pairs, sendfile_on, statuses = proxied
        worst, worst_file = min(pairs, key=lambda pair: pair[0].rps / pair[1].rps)
        home = pairs[0][0]
        lines = [
            "| page | through the micro-cache, req/s | p50 ms | p99 ms | errors | the same bytes as a file, req/s "
            "| p99 ms | ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for run, as_file in pairs:
            lines.append(
                f"| {run.name} | {run.rps:,.0f} | {_ms(run.p50)} | {_ms(run.p99)} | {run.errors} | {as_file.rps:,.0f} "
                f"| {_ms(as_file.p99)} | {_ratio(run, as_file)} |"
            )
        counted = ", ".join(f"{status} {n:,}" for status, n in sorted(statuses.items()))
        proxy_body = f"""Software: {software}.
nginx with the configuration of docs/deploy.md in front of the page-cached gunicorn above.
Each page and the same bytes as a file were measured three times, alternately, for a third of
the usual time each; the table shows the pair with the median ratio.
Cache statuses of the proxied requests: {counted}.

| target | measured | goal | |
| --- | --- | --- | --- |
| pages through the micro-cache vs nginx sending the same page as a file (lowest) | {_ratio(worst, worst_file)} ({worst.name}) | ≥ 75 % | {_verdict(worst.rps >= 0.75 * worst_file.rps)} |

{chr(10).join(lines)}

A small static file (`{nginx_css.path}`): {nginx_css.rps:,.0f} req/s, p99 {_ms(nginx_css.p99)} ms.
The home page through the same micro-cache with `sendfile on`: {sendfile_on.rps:,.0f} req/s, p50 {_ms(sendfile_on.p50)} ms,
p99 {_ms(sendfile_on.p99)} ms (`sendfile off`, as documented: {home.rps:,.0f} req/s, p99 {_ms(home.p99)} ms).
"""  # noqa: E501
        write_section(f"Behind nginx, {database} — {when}", proxy_body, header)
    print()
    print(RESULTS.read_text())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from bench import run as module  # run as a module, so relative imports work

    sys.exit(module.main())
