# Thin wrapper over CMake presets. `make demo` and `make test` are the README's quick start: each
# installs missing Debian packages (scripts/install-deps.sh), configures, builds and does its job.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build test tidy demo asan asan-test release bench fuzz clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j $(JOBS)

test: build
	@ctest --preset dev -j $(JOBS)

# clang-tidy with the repository's .clang-tidy over every project .cc file of the dev preset's
# compile_commands.json (configured, not built); any finding fails. The database holds GCC's
# flags, hence -Wno-unknown-warning-option. See docs/testing.md.
CLANG_TIDY ?= clang-tidy
TIDY_BUILD_DIR ?= build/dev
TIDY_FOLDERS = base|platform|variables|sequences|engine|steps|tools|archive|migration|smp|tests|bench|examples
tidy: deps
	@cmake --preset dev -B $(TIDY_BUILD_DIR) >/dev/null
	@bash -o pipefail -c 'grep -o "\"file\": \"[^\"]*\"" $(TIDY_BUILD_DIR)/compile_commands.json | cut -d"\"" -f4 \
	  | grep -E "^$(CURDIR)/($(TIDY_FOLDERS))/.*\.cc$$" | sort -u \
	  | xargs -P $(JOBS) -n 4 $(CLANG_TIDY) -p $(TIDY_BUILD_DIR) --quiet --extra-arg=-Wno-unknown-warning-option 2>&1 \
	  | { grep -v "^[0-9]* warnings\? generated\.$$" || true; }' \
	  || { echo "tidy: clang-tidy findings above" >&2; exit 1; }

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

# Every benchmark area, or those in BENCH_AREAS ("plan store"); see docs/benchmarks.md.
BENCH_AREAS ?=
bench: release
	@bash bench/run.sh build/release $(BENCH_AREAS)

# Runs each libFuzzer target for FUZZ_SECONDS (default 60) with clang; see docs/testing.md.
FUZZ_SECONDS ?= 60
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzzers
	@bash tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build .demo
