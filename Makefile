# Arctic Mirror. `make demo` and `make test` are the two commands; see README.md.
# Variants build side by side in build/<variant>/: plain (-O2), asan (ASan+UBSan), tsan.

.DEFAULT_GOAL := build
SHELL := /bin/bash

# compile jobs: one per core (make test on two cores spends a third of its time compiling)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
VARIANT ?= plain
BUILD := build/$(VARIANT)
DUCK := third_party/duckdb
PKGS := libpq jansson yaml-0.1 libmicrohttpd openssl zlib tcl8.6
CONFIG ?= config.yaml
VERSION := 0.1.0
HEALTH_PORT ?= 8080

CC ?= cc
WARN := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2 -Wvla -fno-common
ifeq ($(VARIANT),plain)
OPT := -O2 -g
else ifeq ($(VARIANT),asan)
OPT := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(VARIANT),tsan)
OPT := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
else ifeq ($(VARIANT),fuzz)
# scripts/fuzz.sh, with CC=clang: coverage for libFuzzer; its binaries add -fsanitize=fuzzer.
# Warnings are gcc's to enforce (clang 14 also flags designated initializers that omit fields).
OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
       -fno-omit-frame-pointer -Wno-error -Wno-missing-field-initializers
else
$(error VARIANT must be plain, asan, tsan or fuzz)
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS := -Isrc -isystem $(DUCK)/include -MMD -MP -DAM_VERSION=\"$(VERSION)\"
CFLAGS := $(WARN) $(OPT)
RPATH := -Wl,-rpath,'$$ORIGIN/../third_party/duckdb/lib' -Wl,-rpath,$(abspath $(DUCK)/lib)
LDFLAGS := $(OPT) $(RPATH) -L$(DUCK)/lib
LDLIBS = $(PKG_LIBS) -lpg_query -lduckdb -lpthread -lm

SRC := $(sort $(wildcard src/*/*.c))
OBJ := $(SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(sort $(wildcard tests/*/test_*.c) $(wildcard tests/support/*.c))
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)

.PHONY: deps build all unit test test-race bench fmt lint install-tools run demo dev rebuild \
        clean docker-run docker-stop status fuzz variant

deps:
	@scripts/deps.sh

$(DUCK)/.version:
	@scripts/deps.sh

build: $(DUCK)/.version
	@$(MAKE) --no-print-directory -j$(JOBS) VARIANT=plain variant
	@mkdir -p bin && cp build/plain/arctic-mirror bin/arctic-mirror.tmp && mv bin/arctic-mirror.tmp bin/arctic-mirror

variant: $(BUILD)/arctic-mirror $(BUILD)/unit_tests $(FUZZ_REPLAY)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $< -o $@

# The tests' own code unoptimised (the sanitizers stay): it only drives the code under test, and
# optimising it was most of a build's time spent on tests (make test builds twice).
TEST_CFLAGS = $(filter-out -O1 -O2,$(CFLAGS)) -O0
$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/libam.a: $(filter-out $(BUILD)/obj/src/main.o,$(OBJ))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/arctic-mirror: $(BUILD)/obj/src/main.o $(BUILD)/libam.a
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/obj/src/main.o: src/main.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/unit_tests: $(TEST_OBJ) $(BUILD)/libam.a
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS) -lcriterion

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(wildcard tests/fuzz/*.h) $(BUILD)/libam.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(LDFLAGS) tests/fuzz/fuzz_$*.c \
	    tests/fuzz/replay_main.c $(BUILD)/libam.a -o $@ $(LDLIBS)

# libFuzzer binaries (VARIANT=fuzz, CC=clang; scripts/fuzz.sh builds and runs them).
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(BUILD)/libam.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer tests/fuzz/fuzz_$*.c \
	    $(BUILD)/libam.a -o $@ $(LDLIBS)

# make test: each test once, under ASan+UBSan or (what the sanitizers make too slow) plain, against
# one private PostgreSQL that the script starts and always stops (scripts/test.sh says which).
test: deps
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory -j$(JOBS) VARIANT=asan variant
	@scripts/test.sh plain asan

test-race: deps
	@$(MAKE) --no-print-directory -j$(JOBS) VARIANT=tsan variant
	@scripts/test.sh tsan

# Coverage-guided fuzzing with clang's libFuzzer: FUZZ_SECONDS per target (FUZZ_TARGETS: some).
FUZZ_SECONDS ?= 60
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: deps build
	@scripts/bench.sh

fmt:
	@clang-format -i $$(find src tests bench -name '*.[ch]')

lint: $(DUCK)/.version
	@scripts/lint.sh

install-tools:
	@scripts/deps.sh
	@command -v clang-format clang-tidy cppcheck promtool >/dev/null && echo "install-tools: ok"

run: build
	@[ -f "$(CONFIG)" ] || { echo "make run: $(CONFIG) not found: cp config.example.yaml config.yaml and edit it, or make run CONFIG=path"; exit 2; }
	@LOG_LEVEL=$${LOG_LEVEL:-info} bin/arctic-mirror --config $(CONFIG) --health-port $(HEALTH_PORT)

demo: deps build
	@scripts/demo.sh

# The everyday loop: format, lint, build, test.
dev: fmt lint test

rebuild: clean build

clean:
	rm -rf build bin

docker-run:
	docker compose up -d --build

docker-stop:
	docker compose down

status:
	@scripts/status.sh $(HEALTH_PORT)

-include $(shell find build -name '*.d' 2>/dev/null)
