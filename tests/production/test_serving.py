"""`make serve` runs the production setup: static files collected, database migrated, gunicorn
answering with production settings, JSON logs on stdout. Started for real, on a free port."""

import gzip
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, port):
        self.port = port

    def get(self, path, https=True, headers=None):
        """(status, headers, body); https=True is what a TLS-terminating proxy sends on."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        sent = {"X-Forwarded-Proto": "https"} if https else {}
        connection.request("GET", path, headers={**sent, **(headers or {})})
        response = connection.getresponse()
        result = response.status, response.headers, response.read()
        connection.close()
        return result


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`make serve` on a fresh SQLite database, behind an imagined TLS proxy; stopped afterwards."""
    folder = tmp_path_factory.mktemp("serve")
    port = _free_port()
    # Nothing of this process's configuration leaks in, nor the flags of a `make test` around it.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "LOG_", "MAKE", "MFLAGS", "WEB_CONCURRENCY"))
    }
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_BEHIND_PROXY="true",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        WEB_CONCURRENCY=str(WORKERS),
    )
    log = (folder / "serve.log").open("w+")
    # -o: the test uses the virtualenv as it is, without reinstalling the requirements first;
    # the one running this test (CI's Django 6.1 run has a virtualenv of its own).
    venv = Path(sys.prefix).name if Path(sys.prefix).parent == ROOT else ".venv"
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-o", f"{venv}/.requirements", "serve", f"VENV={venv}", "HOST=127.0.0.1"]  # noqa: S607
        + [f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(port)
    deadline = time.monotonic() + 120
    while True:
        try:
            if server.get("/healthz", https=False)[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            pytest.fail(f"make serve did not come up:\n{log.read()[-5000:]}")
        time.sleep(0.3)
    server.folder = folder

    def output():
        log.flush()
        return (folder / "serve.log").read_text()

    server.output = output
    yield server
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    log.close()


def test_health_answers_over_plain_http_and_everything_else_moves_to_https(served):
    status, headers, body = served.get("/healthz", https=False)
    assert (status, body) == (200, b"ok\n")
    status, headers, _ = served.get("/", https=False)
    assert status == 301
    assert headers["Location"] == f"https://127.0.0.1:{served.port}/"


def test_pages_come_with_the_production_headers_and_secure_cookies(served):
    status, headers, body = served.get("/")
    assert status == 200 and b"<html" in body
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "upgrade-insecure-requests" in headers["Content-Security-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]

    status, headers, _ = served.get("/admin/login/")
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("csrftoken=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in cookie


def test_static_files_are_hashed_compressed_and_cached_for_a_decade(served):
    _, _, page = served.get("/")
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1).decode()
    status, headers, body = served.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert b".site-header" in gzip.decompress(body)
    assert (served.folder / "static" / "staticfiles.json").exists()


def test_static_files_and_a_refused_host_carry_the_security_headers(served):
    _, _, page = served.get("/")
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1).decode()
    answers = [served.get(stylesheet)]
    # A Host header not in DJANGO_ALLOWED_HOSTS, over plain http (refused by the https redirect)
    # and over https (refused by the page cache's key).
    for https in (False, True):
        status, headers, body = served.get("/", https=https, headers={"Host": "evil.example"})
        assert status == 400 and b"could not read what your browser sent" in body
        answers.append((status, headers, body))
    for _, headers, _ in answers:
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_gunicorn_runs_the_configured_workers_and_logs_json_lines_without_tokens(served):
    served.get("/contribute/eyJwIjo0Mn0:1tZ3xK:very-secret-signature/")
    time.sleep(0.5)
    lines = [line for line in served.output().splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    boots = [entry for entry in entries if entry["message"].startswith("Booting worker")]
    assert len(boots) == WORKERS
    access = [entry for entry in entries if entry["logger"] == "gunicorn.access"]
    assert {"method": "GET", "path": "/healthz", "status": "200"}.items() <= access[0].items()
    assert any(entry.get("path") == "/contribute/[redacted]/" for entry in access)
    assert "very-secret-signature" not in served.output()
