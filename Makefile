# Symbiot's front door. CMake does the building; this file sets things up and names the tasks.
#
#   make               build (installs missing Debian packages as root, builds llama.cpp once)
#   make run ARGS=...  build and start the assistant
#   make test          build and run every test
#   make asan          ASan+UBSan build, then the tests under it
#   make tsan          ThreadSanitizer build, then the tests of the server's threads under it
#   make valgrind      the unit tests under valgrind memcheck
#   make bench         speed figures next to llama.cpp's own tools, and the memory store's
#   make bench-server  symbiot serve next to llama-server: requests/s and time to first token
#   make bench-memory-1m  the memory store's figures with 1,000,000 facts, the import of
#                         1,000,000 turns, and search among 1,000,000 facts+turns (minutes)
#   make bench-backends   local, remote (llama-server) and RPC (two rpc-servers) side by side
#   make bench-kvstate    a resumed conversation's first turn next to a warm one, and `ask`
#                         next to llama-simple (KV state on disk; the 1B-shaped model)
#   make fuzz          libFuzzer over each parser of untrusted input (FUZZ_SECONDS each, clang)
#   make fuzz-merge    keep what make fuzz found that reaches new code, in fuzz/corpus/NAME/found
#   make crash-long    SIGKILL during memory writes, CRASH_CYCLES times (default 500)
#   make long-session  1000 chat turns: flat memory (build/), no leak (ASan build)
#   make format        clang-format the sources (make format-check: fail if one is not)
#   make install PREFIX=/usr/local  (the program, the man page, bash/zsh/fish completions)
#   make uninstall     remove what the last make install installed
#   make clean         remove build/, build-asan/, build-tsan/ and build-fuzz/ (the llama.cpp cache stays)
#
# Variables: BUILD_TYPE (default RelWithDebInfo), GGML_CUDA=1 (GPU build of llama.cpp),
# LLAMA_CPP_DIR=/path (use that llama.cpp checkout), SYMBIOT_CACHE (cache root), JOBS.
#
# Every target and variable is described in docs/ARCHITECTURE.md ("Building"), the test runs in
# docs/TESTING.md and the benchmarks in docs/BENCHMARKS.md.

BUILD_TYPE ?= RelWithDebInfo
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
GGML_CUDA ?= 0
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
TSAN_DIR ?= build-tsan
ARGS ?=
export GGML_CUDA LLAMA_CPP_DIR SYMBIOT_CACHE JOBS

SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find src tests tools fuzz bench -name '*.[ch]')

.PHONY: all build run test asan tsan valgrind bench bench-server bench-memory-1m bench-backends bench-kvstate fuzz fuzz-merge crash-long long-session format format-check install uninstall clean deps llama

all: build

deps:
	@scripts/deps.sh

# Configure (when needed) and build one build directory: $(1) dir, $(2) extra CMake flags,
# $(3) extra build flags (--target NAME ...).
define cmake_build
	@scripts/deps.sh
	@prefix=$$(scripts/llama.sh) && \
	if [ ! -f $(1)/CMakeCache.txt ] || [ "$$(cat $(1)/.llama-prefix 2>/dev/null)" != "$$prefix" ]; then \
		rm -f $(1)/CMakeCache.txt; \
		cmake -S . -B $(1) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_PREFIX_PATH="$$prefix" \
			-DLLAMA_PREFIX="$$prefix" $(2) >/dev/null && echo "$$prefix" > $(1)/.llama-prefix; \
	fi
	@cmake --build $(1) -j $(JOBS) $(3)
endef

build:
	$(call cmake_build,$(BUILD_DIR),)

run: build
	./$(BUILD_DIR)/symbiot $(ARGS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

asan:
	$(call cmake_build,$(ASAN_DIR),-DSYMBIOT_SANITIZE=ON)
	cd $(ASAN_DIR) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS)

valgrind: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L valgrind

bench: build
	bench/run.sh $(BUILD_DIR)
	bench/server.sh $(BUILD_DIR)

bench-server: build
	bench/server.sh $(BUILD_DIR)

bench-backends: build
	bench/backends.sh $(BUILD_DIR)

bench-kvstate: build
	bench/kvstate.sh $(BUILD_DIR)

bench-memory-1m: build
	./$(BUILD_DIR)/bench_memory --sizes 1000000
	./$(BUILD_DIR)/bench_episodic --import 1000000
	./$(BUILD_DIR)/bench_episodic --speed 1000000

# Fuzzing: each target fuzz/fuzz_NAME.c is built with clang and libFuzzer (CMake option
# SYMBIOT_FUZZ: the whole of Symbiot's code instrumented, with ASan and UBSan) and run for
# FUZZ_SECONDS, starting from its corpus in fuzz/corpus/NAME; new interesting inputs go to
# build-fuzz/corpus-NAME, crashes to build-fuzz/ (add each crash to fuzz/corpus/NAME once fixed:
# `make test` replays them). FUZZ_TARGETS picks some: make fuzz FUZZ_TARGETS="api sse".
FUZZ_SECONDS ?= 60
FUZZ_DIR ?= build-fuzz
FUZZ_TARGETS ?= parse config import when extract llm_facts sse api mcp
FUZZ_TMP = $(shell [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo /tmp)
fuzz:
	@command -v clang >/dev/null || { echo "make fuzz needs clang: apt-get install clang"; exit 1; }
	$(call cmake_build,$(FUZZ_DIR),-DSYMBIOT_FUZZ=ON -DSYMBIOT_WERROR=OFF \
		-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++,--target $(addprefix fuzz_,$(FUZZ_TARGETS)))
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus-$$t; \
		echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
		TMPDIR=$(FUZZ_TMP) $(FUZZ_DIR)/tests/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=1024 \
			-artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus-$$t fuzz/corpus/$$t || exit 1; \
	done

# After `make fuzz`: copy into fuzz/corpus/NAME/found the inputs of build-fuzz/corpus-NAME that
# reach code the committed corpus does not (libFuzzer's -merge=1), so `make test` replays them.
fuzz-merge:
	@for t in $(FUZZ_TARGETS); do \
		[ -x $(FUZZ_DIR)/tests/fuzz_$$t ] && [ -d $(FUZZ_DIR)/corpus-$$t ] || continue; \
		tmp=$$(mktemp -d) && cp -r fuzz/corpus/$$t $$tmp/base && \
		find $$tmp/base -type f | sort >$$tmp/before && \
		TMPDIR=$(FUZZ_TMP) $(FUZZ_DIR)/tests/fuzz_$$t -merge=1 -max_len=1024 $$tmp/base \
			$(FUZZ_DIR)/corpus-$$t >$$tmp/log 2>&1 || { tail -5 $$tmp/log; exit 1; }; \
		mkdir -p fuzz/corpus/$$t/found; \
		find $$tmp/base -type f | sort | comm -13 $$tmp/before - >$$tmp/new; \
		xargs -r cp -t fuzz/corpus/$$t/found <$$tmp/new; \
		echo "$$t: $$(wc -l <$$tmp/new) new inputs in fuzz/corpus/$$t/found"; \
		rm -rf $$tmp; \
	done

# The crash-safety test of `make test` (30 kills) with many more kills.
CRASH_CYCLES ?= 500
crash-long: build
	cd $(BUILD_DIR) && CRASH_CYCLES=$(CRASH_CYCLES) ctest --output-on-failure -V -R '^it_crash$$'

# A long chat session (LONG_TURNS turns with the tiny test model; `make test` runs 200): memory
# use must stay flat in the ordinary build, and LeakSanitizer must find no leak in the ASan build.
LONG_TURNS ?= 1000
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
long-session: build
	cd $(BUILD_DIR) && ctest -R '^make_test_models$$' >/dev/null && \
		./tests/test_long_session test-models/tiny-spm.gguf test-scratch $(LONG_TURNS)
	$(call cmake_build,$(ASAN_DIR),-DSYMBIOT_SANITIZE=ON)
	cd $(ASAN_DIR) && ctest -R '^make_test_models$$' >/dev/null && $(SANITIZER_ENV) \
		./tests/test_long_session test-models/tiny-spm.gguf test-scratch $(LONG_TURNS)

# The threads of `symbiot serve` (workers, the engine, connections, the deadline watch) under
# ThreadSanitizer: the engine's and the worker's unit tests and the server's integration tests.
TSAN_TESTS ?= ^(test_engine|test_server|it_server|it_parallel|it_openai|it_slowclient)$$
TSAN_ENV = TSAN_OPTIONS=halt_on_error=1:exitcode=66:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp
TSAN_TARGETS = symbiot symbiot-mkmodel test_engine test_server test_slowclient test_rawhttp
tsan:
	$(call cmake_build,$(TSAN_DIR),-DSYMBIOT_TSAN=ON,--target $(TSAN_TARGETS))
	cd $(TSAN_DIR) && $(TSAN_ENV) ctest --output-on-failure -j $(JOBS) -R '$(TSAN_TESTS)'

format:
	clang-format -i $(SOURCES)

format-check:
	clang-format --dry-run --Werror $(SOURCES)

install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

# CMake lists what it installed in install_manifest.txt: remove exactly those files.
uninstall:
	@test -f $(BUILD_DIR)/install_manifest.txt || \
		{ echo "make uninstall: nothing installed from $(BUILD_DIR) (no install_manifest.txt)"; exit 1; }
	@while IFS= read -r f || [ -n "$$f" ]; do rm -fv "$$f"; done < $(BUILD_DIR)/install_manifest.txt
	@rm -f $(BUILD_DIR)/install_manifest.txt

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(TSAN_DIR) $(FUZZ_DIR)
