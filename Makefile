# Two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
# Any Python 3.10-3.13 works (Django 5.2's range): the first of python3.13 ... python3.10 found,
# else python3. Override with `make test PYTHON=/path/to/python VENV=.venv313`.
PYTHON ?= $(shell for v in 3.13 3.12 3.11 3.10; do \
	p=$$(command -v python$$v) && $$p -c "" 2>/dev/null && echo $$p && exit; done; command -v python3)
VENV ?= .venv
PORT ?= 8000
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test venv migrate seed lint format bench bench-db profile fault-load clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo "Serving on http://127.0.0.1:$(PORT)/ (sign in with a demo login above)"
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

# make bench: PostgreSQL and Redis on 127.0.0.1 (as on these machines), wrk from Debian.
# BENCH_DATABASE_URL's database is created when missing; BENCH_REDIS_URL picks the Redis db.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cps_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/1
BENCH_DB = $(lastword $(subst /, ,$(BENCH_DATABASE_URL)))
bench-db:
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $(BENCH_DB)"

bench: venv bench-db
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	redis-cli -h 127.0.0.1 ping >/dev/null
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.run

# make profile: where each page's time goes in process (benchmarks/profile_pages.py).
profile: venv bench-db
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.profile_pages

# make fault-load: clients browse while a provider toggles their sections (see the script).
fault-load: venv bench-db
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.fault_load

lint: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
