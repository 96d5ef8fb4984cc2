# Vetdesk: `make run` starts the app, `make test` runs every check. Both set up what is missing.
#
# The desktop shell embeds ui/dist at compile time (tauri's generate_context!), so every target
# that compiles src-tauri depends on the UI build, which reruns only when ui/ sources changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
# make test builds from clean on CI: the incremental cache costs time and gigabytes there and
# saves nothing. Set CARGO_INCREMENTAL=1 in the environment to keep it for a local edit loop.
export CARGO_INCREMENTAL ?= 0
NPM ?= npm

UI_DIST := ui/dist/index.html
UI_SOURCES := $(shell find ui/src ui/public -type f 2>/dev/null) \
	ui/index.html ui/vite.config.ts ui/tsconfig.json ui/package.json ui/package-lock.json

.PHONY: help setup ui run test fmt-check clippy test-rust bindings bindings-check \
	ui-typecheck ui-test app e2e cli bench-ui bench module-graph fuzz team-demo team-demo-stop

help:
	@echo "make run       set up what is missing, build the UI, start the Vetdesk desktop app"
	@echo "make test      set up what is missing, then run every check (Rust, UI, end to end)"
	@echo "make bindings  regenerate ui/src/bindings/ from the Rust types"
	@echo "make e2e       only the end-to-end test of the real app window (screenshots in"
	@echo "               target/artifacts/e2e/)"
	@echo "make module-graph  print every import between modules; fails on an import circle"
	@echo "               (also part of make test)"
	@echo "make bench-ui  time the app with 10,000 cases: start to queue (plain and encrypted), click to case, scrolling"
	@echo "make bench     every benchmark (release build): bench-ui, evidence ingest, links among"
	@echo "               100,000 candidates, import/case show/search/verify at 100,000, the"
	@echo "               100-photo report, audit packs, encrypted ingest, a 1,000,000-event"
	@echo "               telemetry import beside jq, team mode (PostgreSQL) beside solo mode"
	@echo "               (links, import, 4 concurrent writers); ends with one summary"
	@echo "               table, also written to docs/benchmarks.md; with"
	@echo "               VETDESK_BENCH_BASELINE_BIN=an earlier vetdesk binary, the 100,000-row"
	@echo "               import's CPU time and size also as a ratio to that binary's"
	@echo "make team-demo team mode on a throwaway local PostgreSQL cluster (target/team-demo/):"
	@echo "               the sample cohort pushed into a team database, three logins (reviewer,"
	@echo "               investigator, compliance), how each signs in with the CLI, then the"
	@echo "               app signed in as the reviewer; make team-demo-stop ends it"
	@echo "make fuzz      coverage-guided fuzzing (libFuzzer, stable Rust): the MRZ reader, the"
	@echo "               candidate CSV reader, verify-pack's archive reader and the telemetry"
	@echo "               readers, 5 minutes each (FUZZ_SECONDS=N to change); not part of make test"

setup:
	@scripts/setup.sh all

# The UI bundle the app embeds; rebuilt only when a UI source is newer than it.
ui: setup $(UI_DIST)
$(UI_DIST): $(UI_SOURCES)
	cd ui && $(NPM) run --silent build

# The app keeps its data in VETDESK_DATA_DIR, else the platform data directory (as the CLI).
DATA_DIR_SHOWN = $${VETDESK_DATA_DIR:-$${XDG_DATA_HOME:-$$HOME/.local/share}/vetdesk}

run: ui
	@if [ -n "$${VETDESK_DATABASE_URL:-}" ]; then \
		echo "Team mode: $${VETDESK_DATABASE_URL%%\?*} (the app signs in as the URL's login)"; fi
	@echo "Data directory: $(DATA_DIR_SHOWN) (set VETDESK_DATA_DIR to use another)"
	@echo "New here? Create your admin user, then press \"Load sample data\" on the empty queue,"
	@echo "  or fill a new directory from the command line first:"
	@echo "  cargo run --bin vetdesk -- --data-dir /tmp/vetdesk-demo demo"
	@echo "  VETDESK_DATA_DIR=/tmp/vetdesk-demo make run"
	$(CARGO) run -p vetdesk-app

cli: setup
	$(CARGO) run --quiet --bin vetdesk -- --help

test: setup fmt-check clippy test-rust ui-typecheck ui-test e2e

fmt-check:
	$(CARGO) fmt --all -- --check

clippy: ui
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Includes the bindings drift check (src-tauri/tests/bindings.rs).
test-rust: ui
	$(CARGO) test --workspace

# Part of test-rust too; this prints the module graph it checks (tests/module_graph.rs).
module-graph:
	$(CARGO) test -p vetdesk --test module_graph -- --nocapture

bindings-check: ui
	$(CARGO) test -p vetdesk-app --test bindings

bindings: ui
	VETDESK_UPDATE_BINDINGS=1 $(CARGO) test -p vetdesk-app --test bindings
	@echo "ui/src/bindings/ regenerated; review and commit it"

ui-typecheck: setup
	cd ui && $(NPM) run --silent typecheck

ui-test: setup
	cd ui && $(NPM) test --silent

# The app and the CLI: the end-to-end tests read back through the CLI what the app recorded.
app: ui
	$(CARGO) build --workspace --bins

# The test starts and stops its own Xvfb and tauri-driver (tests/e2e/).
e2e: app
	node --test --test-reporter=spec tests/e2e/

# Not a test: prints timings (tests/e2e/bench-ui.mjs) of the release app, as people run it.
# The 10,000 cases (VETDESK_BENCH_CASES) are made once by src-tauri/examples/seed_cases.rs
# into target/bench-ui-seed-10000/ and copied for each run.
bench-ui: ui
	$(CARGO) build --release -p vetdesk --bin vetdesk -p vetdesk-app --bin vetdesk-app --example seed_cases
	VETDESK_APP_BIN=$(CURDIR)/target/release/vetdesk-app VETDESK_BENCH_BIN_DIR=$(CURDIR)/target/release \
	  node tests/e2e/bench-ui.mjs

# Not tests: each prints its figures next to a baseline measured in the same run (cp + openssl,
# zip -0 + sha256sum, one indexed SQL lookup; SQLite for team mode's figures, which start a
# throwaway PostgreSQL cluster). Release builds; the first takes several minutes.
# Each adds its headline figures to target/bench-summary.tsv; the run ends with them as one
# table (scripts/bench-summary.sh), also written to docs/benchmarks.md.
bench: setup
	rm -f target/bench-summary.tsv
	$(MAKE) bench-ui
	$(CARGO) bench --bench evidence_ingest
	$(CARGO) bench --bench links
	$(CARGO) bench --bench scale
	$(CARGO) bench --bench team
	$(CARGO) bench --bench telemetry_import
	$(CARGO) bench --bench report
	$(CARGO) bench --bench pack
	$(CARGO) bench -p vetdesk-crypto --bench encrypted_ingest
	scripts/bench-summary.sh

# Team mode for a newcomer: a local PostgreSQL cluster under target/team-demo/, the sample cohort
# pushed in by its owner, three logins; prints how each signs in and opens the app as one of
# them. Stopped by team-demo-stop.
team-demo: setup
	scripts/team-demo.sh

team-demo-stop:
	scripts/team-demo.sh stop

# Not a test: runs each fuzz target FUZZ_SECONDS (default 300) from its seeds in fuzz/corpus/;
# fails when a target crashes (the input is kept under target/fuzz/artifacts/).
fuzz: setup
	scripts/fuzz.sh
