# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
BUILD_DIR ?= build
# The same program built by clang-14 with -Wthread-safety -Werror: the lock annotations checked.
TSA_DIR ?= build-clang
JOBS ?= $(shell nproc)
PORT ?= 8080
DATA_DIR ?= $(CURDIR)/var/demo

.PHONY: all deps build thread-safety fuzz fuzz-smoke run test unit integration fault browser bench soak screenshots clean format

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The same build also holds the libFuzzer harnesses (fuzz/), with AddressSanitizer and UBSan.
$(TSA_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(TSA_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DPUPITRE_THREAD_SAFETY=ON -DPUPITRE_FUZZ=ON

thread-safety: deps $(TSA_DIR)/build.ninja
	cmake --build $(TSA_DIR) -j $(JOBS) --target pupitre fuzzers

# Each harness for FUZZ_SECONDS (30 in `make test`; `make fuzz` gives each 10 minutes).
FUZZ_SECONDS ?= 30
fuzz-smoke: thread-safety
	bash scripts/fuzz.sh $(TSA_DIR) $(FUZZ_SECONDS)

fuzz: thread-safety
	bash scripts/fuzz.sh $(TSA_DIR) 600

run: build
	$(BUILD_DIR)/pupitre serve --data-dir $(DATA_DIR) --demo --listen 127.0.0.1:$(PORT)

test: build thread-safety
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 600 -j $(JOBS)
	bash scripts/fuzz.sh $(TSA_DIR) $(FUZZ_SECONDS)

unit integration fault browser: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L $@ -j $(JOBS)

bench: build
	bash bench/run.sh $(BUILD_DIR)

# The 15,000-student morning, then every acknowledged answer checked (about two minutes).
soak: build
	bash bench/soak.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) $(TSA_DIR)

format:
	find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

# Screenshots of the main pages for docs/ and the README (Chromium, a demo server of its own).
screenshots: build
	PUPITRE_BIN=$(BUILD_DIR)/pupitre node tests/browser/screenshots.mjs docs/screenshots
