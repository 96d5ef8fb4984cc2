# Vetdesk: `make run` starts the app, `make test` runs every check. Both set up what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo

.PHONY: help setup run test fmt-check clippy test-rust

help:
	@echo "make run    set up what is missing, then start Vetdesk"
	@echo "make test   set up what is missing, then run every check"

setup:
	@scripts/setup.sh all

run: setup
	$(CARGO) run --quiet --bin vetdesk -- --help

test: setup fmt-check clippy test-rust

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --workspace
