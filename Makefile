# The two commands: `make demo` and `make check`. Everything else is a helper.
PRESET_RELEASE := release
PRESET_DEBUG := debug
JOBS ?= $(shell nproc)

.PHONY: demo check setup build build-debug test asan bench bench-http format clean

setup:
	@scripts/setup.sh

# The release binary only (tests and benchmarks are built by `check` and `bench`).
build: setup
	cmake --preset $(PRESET_RELEASE) >/dev/null
	cmake --build --preset $(PRESET_RELEASE) -j $(JOBS) --target canvass

demo: build
	./build/release/canvass demo --data-dir var/demo --listen 127.0.0.1:8080

build-debug: setup
	cmake --preset $(PRESET_DEBUG) >/dev/null
	cmake --build --preset $(PRESET_DEBUG) -j $(JOBS)

# Every test, on the release build with warnings as errors.
check: setup
	cmake --preset ci >/dev/null
	cmake --build --preset ci -j $(JOBS)
	ctest --preset ci -j $(JOBS)

asan: setup
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

bench: build
	cmake --build --preset $(PRESET_RELEASE) -j $(JOBS) --target clip_ingest_bench audit_bench
	./build/release/bench/clip_ingest_bench
	./build/release/bench/audit_bench

bench-http: build
	scripts/setup.sh --bench
	bench/http_json_bench.sh build/release

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf build
