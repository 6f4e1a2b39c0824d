"""HTTP caching headers: public pages may be kept by browsers and proxies (with an ETag and
304 answers), personal ones never; and the nginx micro-cache the docs give is the one
`make bench --proxy` runs.

With the page cache off (the tests' default) and on: the headers must not depend on it.
"""

import datetime
import os
import re
import shutil
import subprocess
import time

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from bench import run as bench_run
from contributions.services import proposal_url
from raffles import services as raffle_services
from raffles.models import Raffle
from tests.factories import EditionFactory, PersonFactory, ProposalFactory, RaffleEntryFactory, SuperUserFactory
from tests.site_data import build_meetup_32
from vdlm import page_cache
from vdlm.spam import rendered_at_token

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {
    "/": "max-age=60",
    "/meetups/": "max-age=60",
    "/meetups/32/": "max-age=60",
    "/meetups/32/deck/": "max-age=60",
    "/talks/": "max-age=60",
    "/talks/self-supervised-deep-learning/": "max-age=60",
    "/speakers/": "max-age=60",
    "/speakers/christoph-bonitz/": "max-age=60",
    "/sponsors/": "max-age=60",
    "/jobs/": "max-age=60",
    "/jobs/lead-data-engineer/": "max-age=60",
    "/meetups/feed/": "max-age=60",
    "/talks/feed/": "max-age=60",
    "/sitemap.xml": "max-age=60",
    "/robots.txt": "max-age=60",
    "/privacy/": "max-age=60",
    # Their views chose longer: calendar apps poll, API clients page through.
    "/meetups/calendar.ics": "max-age=600",
    "/meetups/32/calendar.ics": "max-age=600",
    "/api/editions/": "max-age=300",
}


@pytest.fixture(params=[False, True], ids=["page cache off", "page cache on"])
def page_cache_setting(request, settings):
    settings.PAGE_CACHE_ENABLED = request.param
    caches[page_cache.CACHE_ALIAS].clear()
    yield request.param
    caches[page_cache.CACHE_ALIAS].clear()


@pytest.fixture
def site():
    data = build_meetup_32(day=timezone.localdate() + datetime.timedelta(days=7))
    Raffle.objects.filter(pk=data.raffle.pk).update(opens_at=timezone.now() - datetime.timedelta(hours=1))
    return data


@pytest.mark.usefixtures("site", "page_cache_setting")
def test_public_pages_may_be_kept_by_anyone_for_a_while(client):
    for url, max_age in PUBLIC_PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert set(response["Cache-Control"].split(", ")) == {"public", max_age}, url
        assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"]), url


@pytest.mark.usefixtures("site", "page_cache_setting")
def test_a_matching_etag_gets_a_304_without_a_body(client):
    for url in ["/", "/meetups/32/", "/api/talks/", "/meetups/calendar.ics"]:
        etag = client.get(url)["ETag"]
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304, url
        assert response.content == b""
        assert response["ETag"] == etag
        assert "public" in response["Cache-Control"]
        assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
        assert client.get(url, HTTP_IF_NONE_MATCH=f'"x", {etag}').status_code == 304
        assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_etag_follows_the_content(client, settings, site):
    settings.PAGE_CACHE_ENABLED = True
    before = client.get("/meetups/32/")["ETag"]
    assert client.get("/meetups/32/")["ETag"] == before
    site.edition.topic = "Something new"
    site.edition.save()
    after = client.get("/meetups/32/", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200
    assert after["ETag"] != before


@pytest.mark.usefixtures("site")
def test_if_modified_since_gets_a_304_while_the_content_is_the_same(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    caches[page_cache.CACHE_ALIAS].clear()
    first = client.get("/privacy/")
    last_modified = first["Last-Modified"]
    assert client.get("/privacy/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    earlier = http_date(parse_http_date(last_modified) - 3600)
    assert client.get("/privacy/", HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200

    # A change elsewhere renders the page again; its content, and so its date, stay the same.
    PersonFactory()
    again = client.get("/privacy/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == 304
    assert again["Last-Modified"] == last_modified


@pytest.mark.usefixtures("site")
def test_feeds_keep_their_own_last_modified(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    response = client.get("/talks/feed/")
    assert response.has_header("Last-Modified")
    assert client.get("/talks/feed/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(SuperUserFactory())
    return client


@pytest.mark.usefixtures("page_cache_setting")
def test_personal_pages_are_private(client, site, staff_client):
    entry = RaffleEntryFactory(raffle=site.raffle)
    personal = [
        "/raffles/ml-prague-2020/",
        raffle_services.confirmation_url(entry),
        "/contribute/",
        proposal_url(ProposalFactory()),
    ]
    for url in personal:
        response = Client().get(url)
        assert response.status_code == 200, url
        directives = set(response["Cache-Control"].split(", "))
        assert directives & {"private", "no-store"}, url
        assert "public" not in directives, url
        assert "ETag" not in response, url
    for url in ["/admin/", "/meetups/32/", "/api/editions/"]:
        response = staff_client.get(url)
        assert "private" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"], url


@pytest.mark.usefixtures("page_cache_setting", "site")
def test_answers_to_forms_are_not_public(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    form = {"email": "x@example.org", "answer": "Chollet", "consent": "on", "rendered_at": rendered_at_token()}
    response = client.post("/raffles/ml-prague-2020/", form)
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


# --- The documented nginx micro-cache ----------------------------------------------------------


def test_the_benchmark_runs_the_nginx_configuration_of_the_docs(tmp_path):
    http_block, location = bench_run.documented_nginx()
    for directive in ["proxy_cache_path", "map $upstream_http_cache_control"]:
        assert directive in http_block
    for directive in [
        "proxy_cache vdlm_pages;",
        "proxy_no_cache $vdlm_not_public $cookie_sessionid",
        "proxy_cache_bypass $cookie_sessionid",
        "proxy_cache_revalidate on;",
        "proxy_cache_use_stale updating",
        "sendfile off;",
    ]:
        assert directive in location
    config = bench_run.nginx_config(tmp_path, 8001, 8002, 8003, tmp_path / "static", run_as_root=False)
    assert "/var/cache/nginx" not in config
    assert "proxy_pass http://127.0.0.1:8003;" in config
    assert config.count("sendfile off;") == 1 and "sendfile on;" in config


def test_the_documented_nginx_configuration_is_valid(tmp_path):
    """Only where nginx is installed (apt-get install nginx); the rest of the suite never needs it."""
    nginx = bench_run.nginx_binary()
    if nginx is None:
        pytest.skip("nginx is not installed")
    for folder in ("temp", "cache", "saved"):
        (tmp_path / folder).mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(bench_run.nginx_config(tmp_path, 8001, 8002, 8003, tmp_path, run_as_root=False))
    result = subprocess.run(  # noqa: S603 - our own config file, nginx found on this machine
        [nginx, "-t", "-p", str(tmp_path), "-c", str(config)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_change_shows_through_the_documented_nginx_micro_cache_within_seconds(live_server, tmp_path):
    """The location block of docs/deploy.md in front of the site: a cached page, then an edit.

    nginx keeps pages for about a second (up to two: it counts whole seconds) and keeps
    their files open (open_file_cache); neither may leave the old page out for longer.
    """
    nginx = bench_run.nginx_binary()
    if nginx is None:
        pytest.skip("nginx is not installed")
    edition = EditionFactory(number=77, topic="Ada Before")
    for folder in ("temp", "cache", "saved"):
        (tmp_path / folder).mkdir()
    port = bench_run.free_port()
    upstream = int(live_server.url.rsplit(":", 1)[1])
    config = tmp_path / "nginx.conf"
    config.write_text(
        bench_run.nginx_config(tmp_path, port, bench_run.free_port(), upstream, tmp_path, run_as_root=os.geteuid() == 0)
    )
    (tmp_path / "saved" / "up.html").write_text("up")
    process = subprocess.Popen(  # noqa: S603 - our own config file, nginx found on this machine
        [nginx, "-p", str(tmp_path), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        bench_run.wait_until_up(port, "/saved/up.html", process)
        for _ in range(3):  # cached, and its file held open by the worker that answers
            status, _headers, body = bench_run.get(port, "/meetups/77/")
            assert status == 200 and b"Ada Before" in body
        edition.topic = "Ada After"
        edition.save()
        changed = time.monotonic()
        while b"Ada After" not in bench_run.get(port, "/meetups/77/")[2]:
            assert time.monotonic() - changed < 5, "nginx still answers with the page from before the edit"
            time.sleep(0.05)
        assert b"Ada Before" not in bench_run.get(port, "/meetups/77/")[2]
    finally:
        bench_run.stop(process)


def test_the_benchmark_explains_how_to_install_wrk(monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert bench_run.main([]) == 2
    assert "apt-get install wrk" in capsys.readouterr().err
