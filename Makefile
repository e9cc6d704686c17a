# The two commands: `make demo` (install, migrate, build the demo region, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test lint format bench clean up-distributed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	.ci/system-packages
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	@echo "打开 http://$(HOST):$(PORT)/ 用上面的演示账号登录（Ctrl+C 停止）"
	$(BIN)/python manage.py scheduler > data/scheduler.log 2>&1 & trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/python manage.py runserver --insecure $(HOST):$(PORT)

up-distributed: install
	WORKERS=$(or $(WORKERS),2) .ci/up-distributed

serve:
	$(BIN)/python manage.py runserver --insecure $(HOST):$(PORT)

test:
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench:
	$(BIN)/python bench/import_accounts.py
	$(BIN)/python bench/textcheck.py

clean:
	rm -rf $(VENV) data .pytest_cache
