SHELL       := bash
VERSION     := $(shell git describe --tags --dirty --always)
GO          ?= go
BIN         := $(CURDIR)/bin
TOOLS       := $(GO) tool -modfile=$(CURDIR)/tools/go.mod
LDFLAGS     := -X 'github.com/teicor/conduit-connector-teicor.version=$(VERSION)'
TEST_TIMEOUT ?= 30m
BENCH_COUNT ?= 6
BENCH_OUT   ?= $(BIN)/bench.txt

CONNECTOR_BIN := $(BIN)/conduit-connector-teicor
CONDUIT_BIN   := $(BIN)/conduit

.PHONY: build
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(CONNECTOR_BIN) ./cmd/connector

# Conduit v0.14.0 is built from its own module so that its dependencies
# stay out of the connector's go.mod. It is rebuilt only when that module
# changes.
.PHONY: conduit
conduit: $(CONDUIT_BIN)

$(CONDUIT_BIN): tools/conduit/go.mod tools/conduit/go.sum
	cd tools/conduit && $(GO) build -o $(CONDUIT_BIN) github.com/conduitio/conduit/cmd/conduit

.PHONY: emulator
emulator:
	$(GO) build -o $(BIN)/teicor-emulator ./cmd/teicor-emulator

.PHONY: test
test: build conduit
	CONDUIT_BIN=$(CONDUIT_BIN) CONNECTOR_BIN=$(CONNECTOR_BIN) \
		$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...

.PHONY: generate
generate:
	$(GO) generate ./...

# generate-check fails when the committed connector.yaml or README.md
# differ from what the code generates.
.PHONY: generate-check
generate-check: generate
	@changes="$$(git status --porcelain -- connector.yaml README.md)"; \
	if [ -n "$$changes" ]; then \
		echo "generated files are out of date:"; \
		echo "$$changes"; \
		git --no-pager diff -- connector.yaml README.md; \
		echo "run 'make generate' and commit connector.yaml and README.md"; \
		exit 1; \
	fi

# deps-check fails when the Conduit server module enters the connector's
# go.mod. It belongs in tools/conduit, because its dependencies would
# otherwise constrain every dependency of the plugin.
.PHONY: deps-check
deps-check:
	@if grep -Eq '^\s*github.com/conduitio/conduit\s' go.mod; then \
		echo "go.mod requires github.com/conduitio/conduit: remove it and build Conduit with 'make conduit'"; \
		exit 1; \
	fi

.PHONY: lint
lint:
	$(TOOLS) golangci-lint run ./...

.PHONY: fmt
fmt:
	$(TOOLS) gofumpt -l -w .

# bench runs the benchmarks of BENCH_PKGS (default: every package that has
# one) BENCH_COUNT times and keeps the output in BENCH_OUT, ready for
# `go tool -modfile=tools/go.mod benchstat old.txt new.txt`. The e2e
# benchmarks run the real Conduit, so bench builds it first.
BENCH_PKGS ?= $(shell grep -rl --include='*_test.go' '^func Benchmark' . | grep -v '^./tools/' | xargs -r -n1 dirname | sort -u)

.PHONY: bench
bench: build conduit
	@mkdir -p $(BIN)
	@if [ -z "$(strip $(BENCH_PKGS))" ]; then echo "no package has benchmarks"; exit 1; fi
	set -o pipefail; CONDUIT_BIN=$(CONDUIT_BIN) CONNECTOR_BIN=$(CONNECTOR_BIN) \
		$(GO) test -run='^$$' -bench=. -benchmem -count=$(BENCH_COUNT) $(BENCH_PKGS) | tee $(BENCH_OUT)
	$(TOOLS) benchstat $(BENCH_OUT)
	@echo "benchmark output: $(BENCH_OUT)"

.PHONY: demo
demo: build conduit
	$(GO) run ./internal/cmd/demo -conduit $(CONDUIT_BIN) -connector $(CONNECTOR_BIN)

.PHONY: install-tools
install-tools:
	cd tools && $(GO) mod download
	cd tools/conduit && $(GO) mod download

.PHONY: clean
clean:
	rm -rf $(BIN) dist
