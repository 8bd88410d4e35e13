# The two commands: `make run` and `make test`. Both install what is missing first.
BUILD ?= build
ASAN_BUILD ?= build-asan
DATA ?= var/demo
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

# Let ccache reuse objects compiled in another checkout (CI builds a fresh clone elsewhere).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

.PHONY: deps build run test test-asan bench clean

deps:
	@bash scripts/install-deps.sh
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; fi

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/disan demo --data $(DATA) --listen $(LISTEN)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Unit and integration tests again under AddressSanitizer and UndefinedBehaviorSanitizer. The
# browser tests (label `browser`) run in `make test` only: they took 86 s here, and the portal,
# staff and self-service pages they drive are also requested over HTTP by C++ tests run here.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDISAN_SANITIZE=ON -DDISAN_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -LE browser

bench: build
	@echo "see BENCHMARKS.md for the commands and figures"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
