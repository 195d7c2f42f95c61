# Two commands for a fresh machine: `make run` and `make test`.
# The newest of python3.13, python3.12 and python3.11 on PATH that runs (a pyenv shim of a version
# pyenv does not have is on PATH but fails); `make test PYTHON=/path/to/python3.12` overrides.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.13 python3.12 python3.11; do \
	$$p -c 'import ensurepip, venv' >/dev/null 2>&1 && { echo $$p; break; }; done)
endif
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint migrate demo clean system-packages-run system-packages-test

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || test -n "$(PYTHON)" || { echo "uptake needs Python 3.11, 3.12 or 3.13:" \
	  "none of python3.13, python3.12, python3.11 runs here. Install one (Debian 12:" \
	  "apt-get install python3.11 python3.11-venv), or name one: make $(MAKECMDGOALS) PYTHON=..." >&2; \
	  exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

var:
	mkdir -p var

# Pango, Cairo and the fonts for the documents and charts, and Chromium for the browser tests:
# installed with apt-get when they are missing and it can, otherwise the command to run.
system-packages-run:
	@sh scripts/system-packages run

system-packages-test:
	@sh scripts/system-packages test

migrate: $(VENV)/.installed var
	$(PY) manage.py migrate --noinput

demo: migrate
	PORT=$(PORT) $(PY) manage.py demo

# Migrate, load the demo (printing its logins), serve http://127.0.0.1:$(PORT) on SQLite
# (var/uptake.sqlite3), or on PostgreSQL when DATABASE_URL is set, with the scheduler of the
# daily jobs (reminders, the 16:30 draft) beside it; stopping the server stops the scheduler.
run: system-packages-run demo
	SITE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py scheduler & trap 'kill $$!' EXIT INT TERM; \
	SITE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: system-packages-test $(VENV)/.installed var
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) var/uptake.sqlite3 var/uptake.sqlite3-wal var/uptake.sqlite3-shm
