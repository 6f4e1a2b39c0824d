# Two commands on a fresh machine: `make run` (site with demo data on SQLite)
# and `make test` (lint and the full test suite). Everything lives in .venv.
# For production: `make serve`, `make worker`, `make backup`, `make restore FILE=...` (docs/deploy.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint venv dev-venv migrate demo clean serve worker backup restore bench profile vendor-js

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Marker files make the install re-run whenever a requirements file changes.
$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.requirements

venv: $(VENV)/.requirements
dev-venv: $(VENV)/.requirements-dev

migrate: venv
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=true $(BIN)/python manage.py loaddemo
	DJANGO_DEBUG=true $(BIN)/python manage.py ensure_admin

# The queue's worker (it sends the mail: outbox/) runs beside the server and stops with it.
run: demo
	@echo "Site: http://$(HOST):$(PORT)/   Admin: http://$(HOST):$(PORT)/admin/   Mail: printed here by the worker"
	DJANGO_DEBUG=true $(BIN)/python manage.py resume_mail
	DJANGO_DEBUG=true $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production serving, as on the server: DJANGO_DEBUG stays off, so DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS must be set (in the environment or .env). Gunicorn binds HOST:PORT
# with WEB_CONCURRENCY workers (3 by default; gunicorn.conf.py explains the number).
serve: venv
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py vdlm.wsgi

# The task queue's worker, as its own process (its own systemd unit, docs/deploy.md): it sends
# the mail that requests queue (outbox/), with retries while the mail server is down.
# resume_mail first: what a stopped worker left (queued mail, a mailing half sent) is queued again.
worker: venv
	$(BIN)/python manage.py resume_mail
	$(BIN)/python manage.py db_worker

# Database backups (docs/deploy.md): PostgreSQL with pg_dump/pg_restore, SQLite with its
# backup API. `make backup` writes backups/<database>-<time>.<dump|sqlite3>;
# `make restore FILE=backups/...` replaces the database with the file's content.
backup: venv
	$(BIN)/python manage.py backup_db

restore: venv
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/<file>" >&2; exit 2; }
	$(BIN)/python manage.py restore_db "$(FILE)"

# The benchmark (bench/run.py, docs/deploy.md): a large seeded database of its own, gunicorn
# with production settings on a free loopback port, wrk against every public page, with and
# without the page cache, and raffle entries; writes bench/results.md. Needs wrk (apt-get
# install wrk). BENCH_ARGS="--postgres" uses PostgreSQL, "--proxy" adds nginx's micro-cache.
# Then bench/mailing.py: an announcement to 5,000 members through a local SMTP server, and the
# pages meanwhile (MAILING_BENCH_ARGS="--postgres", "--members 5000", "--rate 10"). Then
# bench/rsvps.py: 500 RSVPs at once for 100 seats, 50 cancellations (RSVP_BENCH_ARGS="--postgres").
bench: dev-venv
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/mailing.py $(MAILING_BENCH_ARGS)
	$(BIN)/python bench/rsvps.py $(RSVP_BENCH_ARGS)

# Where each page's time goes, rendered in this process (bench/profile.py). PROFILE_ARGS:
# page names, --templates N, --postgres, --seed.
profile: venv
	$(BIN)/python bench/profile.py $(PROFILE_ARGS)

lint: dev-venv
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Front-end packages from the npm registry, copied into static/vendor/ and tests/browser/vendor/ (committed: `make run`
# needs no Node.js). Run after changing a version in package.json.
vendor-js:
	npm install --no-save --no-audit --no-fund
	cp node_modules/jsqr/dist/jsQR.js static/vendor/jsqr/jsQR.js
	cp node_modules/jsqr/LICENSE static/vendor/jsqr/LICENSE
	mkdir -p tests/browser/vendor/axe-core
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE tests/browser/vendor/axe-core/
