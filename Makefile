# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint migrate demo clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

var:
	mkdir -p var

migrate: $(VENV)/.installed var
	$(PY) manage.py migrate --noinput

demo: migrate
	PORT=$(PORT) $(PY) manage.py demo

# Migrate, load the demo (printing its logins), serve http://127.0.0.1:$(PORT) on SQLite
# (var/uptake.sqlite3), or on PostgreSQL when DATABASE_URL is set, with the scheduler of the
# daily jobs (reminders, the 16:30 draft) beside it; stopping the server stops the scheduler.
run: demo
	SITE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py scheduler & trap 'kill $$!' EXIT INT TERM; \
	SITE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed var
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) var/uptake.sqlite3 var/uptake.sqlite3-wal var/uptake.sqlite3-shm
