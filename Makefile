# The two commands: `make demo` and `make check`. Everything else is a helper.
PRESET_RELEASE := release
PRESET_DEBUG := debug
JOBS ?= $(shell nproc)

.PHONY: demo check setup build build-debug test asan bench bench-http format clean web web-test train-recognizer recognize-bench

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

# Plate recognizer: synthetic data, training on CPU (niced, ~2 h on two cores), ONNX export into
# models/recognizer (models/recognizer/MODELS.md). `check` never trains; it runs the committed
# models. The real crops in ../shared/datasets only choose the checkpoint (never trained on).
RECOGNIZER_OUT ?= build/recognizer
RECOGNIZER_MEASURE ?= ../shared/datasets/us-plate-crops
train-recognizer:
	scripts/setup.sh --train
	mkdir -p $(RECOGNIZER_OUT)
	nice -n 15 /usr/bin/python3 tools/recognizer/train_reader.py --out $(RECOGNIZER_OUT) \
	  --steps 2000 --batch 48 --workers 2 --threads 1 --measure-every 250 \
	  $$(test -f $(RECOGNIZER_MEASURE)/groundtruth.csv && echo --measure $(RECOGNIZER_MEASURE))
	nice -n 15 /usr/bin/python3 tools/recognizer/train_reader.py --out $(RECOGNIZER_OUT) \
	  --tag reader2 --style 2 --init $$(ls $(RECOGNIZER_OUT)/reader_best.pt 2>/dev/null || echo $(RECOGNIZER_OUT)/reader_final.pt) \
	  --lr 6e-4 --warmup 50 --steps 1200 --batch 48 --workers 2 --threads 1 --measure-every 200 \
	  $$(test -f $(RECOGNIZER_MEASURE)/groundtruth.csv && echo --measure $(RECOGNIZER_MEASURE))
	nice -n 15 /usr/bin/python3 tools/recognizer/train_reader.py --out $(RECOGNIZER_OUT) \
	  --tag reader3 --style 3 --init $$(ls $(RECOGNIZER_OUT)/reader2_best.pt 2>/dev/null || echo $(RECOGNIZER_OUT)/reader2_final.pt) \
	  --lr 5e-4 --warmup 100 --steps 3600 --batch 48 --workers 1 --threads 1 --measure-every 200 \
	  $$(test -f $(RECOGNIZER_MEASURE)/groundtruth.csv && echo --measure $(RECOGNIZER_MEASURE))
	nice -n 15 /usr/bin/python3 tools/recognizer/train_reader.py --out $(RECOGNIZER_OUT) \
	  --tag reader5 --style 5 --init $$(ls $(RECOGNIZER_OUT)/reader3_best.pt 2>/dev/null || echo $(RECOGNIZER_OUT)/reader3_final.pt) \
	  --lr 4e-4 --warmup 100 --steps 3000 --batch 48 --workers 1 --threads 1 --measure-every 200 \
	  $$(test -f $(RECOGNIZER_MEASURE)/groundtruth.csv && echo --measure $(RECOGNIZER_MEASURE))
	nice -n 15 /usr/bin/python3 tools/recognizer/train_reader.py --out $(RECOGNIZER_OUT) \
	  --tag reader7 --style 7 --init $(RECOGNIZER_OUT)/reader5_final.pt \
	  --lr 2e-4 --warmup 50 --steps 1200 --batch 48 --workers 1 --threads 1 --measure-every 200 \
	  $$(test -f $(RECOGNIZER_MEASURE)/groundtruth.csv && echo --measure $(RECOGNIZER_MEASURE))
	nice -n 15 /usr/bin/python3 tools/recognizer/train_finder.py --out $(RECOGNIZER_OUT) \
	  --steps 1200 --workers 1 --threads 1
	/usr/bin/python3 tools/recognizer/export.py --out models/recognizer \
	  --reader $$(ls $(RECOGNIZER_OUT)/reader3_best.pt 2>/dev/null || echo $(RECOGNIZER_OUT)/reader3_final.pt) \
	  --more-readers $(RECOGNIZER_OUT)/reader7_final.pt \
	  --finder $(RECOGNIZER_OUT)/finder_final.pt
	/usr/bin/python3 tools/recognizer/generate.py --testdata src/recognize/testdata --seed 7

recognize-bench: build
	cmake --build --preset $(PRESET_RELEASE) -j $(JOBS) --target recognize_bench
	./build/release/bench/recognize_bench

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf build
