# The two commands: `make demo` and `make check`. Everything else is a helper.
PRESET_RELEASE := release
PRESET_DEBUG := debug
JOBS ?= $(shell nproc)

.PHONY: demo check setup build build-debug test asan bench bench-http format clean web web-test

setup:
	@scripts/setup.sh

# The release binary only (tests and benchmarks are built by `check` and `bench`).
build: setup
	cmake --preset $(PRESET_RELEASE) >/dev/null
	cmake --build --preset $(PRESET_RELEASE) -j $(JOBS) --target canvass

demo: build web
	./build/release/canvass demo --data-dir var/demo --listen 127.0.0.1:8080

build-debug: setup
	cmake --preset $(PRESET_DEBUG) >/dev/null
	cmake --build --preset $(PRESET_DEBUG) -j $(JOBS)

# Every test, on the release build with warnings as errors.
check: setup web
	cmake --preset ci >/dev/null
	cmake --build --preset ci -j $(JOBS)
	ctest --preset ci -j $(JOBS)
	$(MAKE) --no-print-directory web-test

# The web UI (web/, docs/design/web.md): `npm ci` only when node_modules is missing or the lock
# file changed, then `vite build` into web/dist (served by `canvass serve`, [server] web_dir)
# only when a source changed.
WEB_NPM_STAMP := web/node_modules/.canvass-npm-ci
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
  web/package.json web/tsconfig.json web/vite.config.ts

$(WEB_NPM_STAMP): web/package-lock.json web/package.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: $(WEB_NPM_STAMP) $(WEB_SOURCES)
	cd web && npm run build

web: web/dist/index.html

# The UI in a real browser (Debian's chromium, headless, driven by playwright-core) against a
# real `canvass demo` on a fresh data directory; screenshots go to build/web-artifacts/.
web-test: web
	node web/tests/browser.test.mjs --canvass build/ci/canvass --artifacts build/web-artifacts

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
