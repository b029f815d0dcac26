# Thin wrapper over CMake presets. `make demo` and `make test` are the README's quick start: each
# installs missing Debian packages (scripts/install-deps.sh), configures, builds and does its job.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build test demo asan asan-test release bench fuzz clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j $(JOBS)

test: build
	@ctest --preset dev -j $(JOBS)

demo: build
	@bash scripts/demo.sh build/dev

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

asan-test: asan
	@ctest --preset asan -j $(JOBS)

release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

bench: release
	@bash bench/run.sh build/release

# Runs each libFuzzer target for FUZZ_SECONDS (default 60) with clang; see docs/testing.md.
FUZZ_SECONDS ?= 60
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzzers
	@bash tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build .demo
