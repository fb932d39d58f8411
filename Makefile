# `make run`   : set up (if needed) and run the service on the embedded default.
# `make check` : set up (if needed) and run everything CI runs: lint, types, deploy lint, tests.
PY := .venv/bin/python

.PHONY: setup setup-system run check lint typecheck deploy-lint test eval bench-smoke lock audit

setup:
	bash scripts/bootstrap

setup-system:
	bash scripts/bootstrap --system

run: setup
	.venv/bin/newswatch run

lint:
	$(PY) -m ruff check worker tests benchmarks
	$(PY) -m ruff format --check worker tests benchmarks

typecheck:
	$(PY) -m mypy

deploy-lint:
	bash scripts/lint-deploy

# The slowest tests are listed at the end, so that a suite creeping towards CI's limit
# shows where (it went from 8 to 13 minutes over 2026-12-06).
test:
	$(PY) -m pytest --durations=15

eval:
	.venv/bin/newswatch eval all

bench-smoke:
	$(PY) benchmarks/run.py --smoke
	$(PY) benchmarks/claims_scale.py --smoke
	$(PY) benchmarks/claims_pipeline.py --smoke
	$(PY) benchmarks/profiles_pipeline.py --smoke
	$(PY) benchmarks/stored_memory.py --smoke
	$(PY) benchmarks/stored_memory.py --smoke --backend embedded

audit:
	$(PY) -m pip_audit --strict --disable-pip -r requirements.lock

check: setup-system lint typecheck deploy-lint test bench-smoke

lock:
	$(PY) -m uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--no-header --quiet -o requirements.lock
