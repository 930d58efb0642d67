# Kubarium: `make serve` to play, `make test` to check everything. Both install what
# they need first (see scripts/install-tools.sh); a second run reinstalls nothing.

SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
WASM := --target wasm32-unknown-unknown

.PHONY: serve dist test bench scale-browser fuzz tools browser-tools check-style unit wasm e2e clean

tools:
	@scripts/install-tools.sh

browser-tools:
	@scripts/install-tools.sh browser

## Serve the playground on http://127.0.0.1:8080 (release build).
serve: tools
	trunk serve --release --offline

## Build the static site into dist/ (deployable to any static host).
dist: tools
	trunk build --release --offline

## Everything CI checks.
test: browser-tools check-style unit wasm e2e

check-style:
	cargo fmt --all -- --check
	cargo clippy --workspace --exclude kubarium-web --all-targets -- -D warnings
	cargo clippy -p kubarium-web --all-targets $(WASM) -- -D warnings

unit:
	cargo test --workspace --exclude kubarium-web

wasm:
	cargo build -p kubarium-core $(WASM)
	cargo test -p kubarium-web $(WASM)

e2e: dist
	node --test --test-timeout=180000 tests/e2e/

## Bundle sizes, page-to-prompt time, and native command timings.
bench: dist
	node scripts/bundle-size.mjs dist
	node scripts/ready-time.mjs dist
	node scripts/command-time.mjs dist
	cargo run --quiet --profile bench-native -p kubarium-cli --bin kubarium-bench
	$(MAKE) scale-browser

## The scale benchmarks in headless Chromium, built with the page's release profile: a
## 1,000-replica Deployment rolled out on 20 nodes (ROLLOUT="NODES REPLICAS" for another
## size), and 1,000 nodes with 30,000 pods for 10 virtual minutes (SCALE="NODES PODS MINUTES").
scale-browser: tools browser-tools
	cargo build --release --quiet $(WASM) -p kubarium-web-bench
	wasm-bindgen --target web --no-typescript --out-dir target/web-bench target/wasm32-unknown-unknown/release/kubarium_web_bench.wasm
	echo '<!DOCTYPE html><title>Kubarium scale benchmark</title>' > target/web-bench/index.html
	node scripts/scale-browser.mjs target/web-bench $(SCALE)

## Fuzz the manifest decoder, the REST surface, the shell, JSONPath and label selectors for
## FUZZ_SECONDS each (nightly and
## cargo-fuzz). Crashes land in fuzz/artifacts/<target>/: copy each into
## tests/fuzz-regressions/<target>/, where `make test` replays them.
FUZZ_SECONDS ?= 60
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	mkdir -p fuzz/corpus/manifest fuzz/corpus/request fuzz/corpus/shell fuzz/corpus/jsonpath fuzz/corpus/selector
	cargo +nightly fuzz run manifest fuzz/corpus/manifest tests/fuzz-regressions/manifest tests/corpus/website-current -- -max_total_time=$(FUZZ_SECONDS)
	cargo +nightly fuzz run request fuzz/corpus/request tests/fuzz-regressions/request -- -max_total_time=$(FUZZ_SECONDS)
	for t in shell jsonpath selector; do cargo +nightly fuzz run $$t fuzz/corpus/$$t tests/fuzz-regressions/$$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; done

clean:
	cargo clean
	rm -rf dist
