# Two commands for a fresh machine (see README):
#   make demo   installs everything and runs the main job on the bundled example data
#   make test   installs everything (LibreOffice included) and runs the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install system-deps lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,plot]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	sh scripts/install-system-deps

demo: $(STAMP)
	$(BIN)/costofcare demo -o out/demo --replace

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n auto --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check costofcare tests benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache
