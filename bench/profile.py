"""Where a page's time goes, in this process, at the benchmark's data size (`make profile`).

    .venv/bin/python bench/profile.py [--seed] [--postgres] [--repeat 20] [--templates N] [PAGE ...]

Renders each public page of bench/seed.py's data set with the page cache off, through
Django's test client (the whole middleware stack, no HTTP), and prints the mean
milliseconds per request (wall clock, and this process's CPU time), the response
size and the SQL queries. With --templates N it
also prints the N template lines that took the most time of their own (exclusive of
the nodes inside them): the place to start when a page is slow after its queries are
fixed. PAGE names a page by the start of its name ("archive", "API list (talks)").

The database is the one `make bench` seeds (bench/.data/bench.sqlite3, or vdlm_bench on
PostgreSQL); --seed creates it again, and it is created when there is none yet.
Milliseconds here are for comparing two versions of the code on one machine;
bench/run.py measures the served site.
"""

import argparse
import collections
import gc
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import run  # noqa: E402


class TemplateLineTimer:
    """Time of every template node, by (template, line, node type), while installed."""

    def __init__(self):
        from django.template import base

        self.base = base
        self.original = base.Node.render_annotated
        self.own = collections.Counter()
        self.calls = collections.Counter()
        self._children = []

    def __enter__(self):
        timer = self

        def render_annotated(node, context):
            origin = getattr(node, "origin", None)
            key = (getattr(origin, "template_name", "?"), node.token.lineno if node.token else 0, type(node).__name__)
            began = time.perf_counter()
            timer._children.append(0.0)
            try:
                return timer.original(node, context)
            finally:
                spent = time.perf_counter() - began
                inside = timer._children.pop()
                timer.own[key] += spent - inside
                timer.calls[key] += 1
                if timer._children:
                    timer._children[-1] += spent

        self.base.Node.render_annotated = render_annotated
        return self

    def __exit__(self, *exc):
        self.base.Node.render_annotated = self.original


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="pages to profile (default: all)")
    parser.add_argument("--seed", action="store_true", help="seed the benchmark database first")
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (vdlm_bench)")
    parser.add_argument("--database-url", help="another benchmark database (its name must contain 'bench')")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (default 20)")
    parser.add_argument("--templates", type=int, default=0, metavar="N", help="print the N slowest template lines")
    args = parser.parse_args(argv)

    run.DATA.mkdir(parents=True, exist_ok=True)
    env = run.prepare_environment(types.SimpleNamespace(database_url=args.database_url, postgres=args.postgres))
    if args.seed or (not args.postgres and not args.database_url and not (run.DATA / "bench.sqlite3").exists()):
        print("Seeding the benchmark database...")
        run.seed_database(env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench import seed

    paths = {**seed.bench_paths(), run.RAFFLE_PAGE: f"/raffles/{seed.RAFFLE_SLUG}/"}
    chosen = {
        name: path
        for name, path in paths.items()
        if not args.pages or any(name.lower().startswith(page.lower()) for page in args.pages)
    }
    if not chosen:
        parser.error(f"no page starts with {args.pages}; the pages are: {', '.join(paths)}")
    client = Client(HTTP_HOST="127.0.0.1")
    with override_settings(PAGE_CACHE_ENABLED=False):
        client.get("/")
        for path in chosen.values():
            client.get(path)
        gc.collect()
        gc.freeze()  # as gunicorn.conf.py does before forking its workers
        # "cpu ms" is this process's CPU time alone: it leaves out the database server's
        # time (PostgreSQL), and it moves less than the wall clock when other programs
        # compete for the machine.
        print(f"{'page':<28} {'ms':>7} {'cpu ms':>7} {'bytes':>9} {'queries':>7}")
        for name, path in chosen.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            query_count = len(queries)  # now: the next request empties the connection's log
            began, began_cpu = time.perf_counter(), time.process_time()
            for _ in range(args.repeat):
                client.get(path)
            milliseconds = (time.perf_counter() - began) / args.repeat * 1000
            cpu_milliseconds = (time.process_time() - began_cpu) / args.repeat * 1000
            print(f"{name:<28} {milliseconds:7.2f} {cpu_milliseconds:7.2f} {len(response.content):9,} {query_count:7}")
            if args.templates:
                with TemplateLineTimer() as timer:
                    for _ in range(args.repeat):
                        client.get(path)
                total = sum(timer.own.values()) / args.repeat * 1000
                print(f"  templates: {total:.2f} ms a request (timed, so slower than above)")
                for (template, line, node), seconds in timer.own.most_common(args.templates):
                    calls = timer.calls[(template, line, node)] // args.repeat
                    print(f"  {seconds / args.repeat * 1000:6.2f} ms  x{calls:<4} {template}:{line} {node}")


if __name__ == "__main__":
    main()
