# Trellis build. `make` builds build/trellis; `make demo` and `make test`
# are the two commands of the README; both first run scripts/bootstrap.

CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libpq libsodium libcurl
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Wno-format-truncation
BASE    := -std=c11 -D_GNU_SOURCE -Isrc -MMD -MP $(WARN)
PKGCF   := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lpthread -lm
CFLAGS  ?= -O2 -g
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined

SRC      := $(shell find src -name '*.c' | sort)
LIBSRC   := $(filter-out src/main.c,$(SRC))
UNITSRC  := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)

OBJ      := $(SRC:%.c=build/obj/%.o)
LIBOBJ   := $(LIBSRC:%.c=build/obj/%.o)
SANOBJ   := $(SRC:%.c=build/san/%.o)
SANLIB   := $(LIBSRC:%.c=build/san/%.o)
UNITBIN  := $(UNITSRC:tests/unit/%.c=build/san/unit/%)

# bench/: the programs that call Trellis code link every object of the
# binary but main.o (as the unit tests do), so a module's new dependency
# cannot break them; the references (bare libmicrohttpd, bare SQLite) link
# only their library. bench/DIR/NAME.c is built as build/bench/DIR/NAME.
BENCHSRC := bench/activities/overlap_bench.c bench/alerts/gen.c \
            bench/analytics/farrington_bench.c bench/analytics/spatial_bench.c \
            bench/analytics/ts_bench.c bench/analytics/warning_bench.c bench/federation/dump.c \
            bench/notify/fanout_bench.c
BENCHBIN := $(BENCHSRC:%.c=build/%)
BENCHREF := build/bench/http/ceiling build/bench/tips/bare build/bench/federation/bare
SANBENCH := $(BENCHSRC:%.c=build/san/%)

.PHONY: all sanitize test unit api web demo bench bench-bins bench-link lint format clean \
        bootstrap fuzz flame

all: build/trellis

build/trellis: $(OBJ)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(PKGLIBS)

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(BASE) $(CFLAGS) $(PKGCF) -c -o $@ $<

sanitize: build/san/trellis

build/san/trellis: $(SANOBJ)
	@echo "  LD san  $@"
	@$(CC) $(SANFLAGS) -o $@ $^ $(PKGLIBS)

build/san/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(BASE) $(SANFLAGS) $(PKGCF) -c -o $@ $<

build/san/unit/%: tests/unit/%.c $(SANLIB)
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	@$(CC) $(BASE) $(SANFLAGS) $(PKGCF) -o $@ $< $(SANLIB) $(PKGLIBS) -lcmocka

bench-bins: $(BENCHBIN) $(BENCHREF)

# the benchmark programs linked against the sanitizer objects make test has
# built anyway: a cheap check that they still build and link
bench-link: $(SANBENCH)

build/bench/%: bench/%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(BASE) $(CFLAGS) $(PKGCF) -o $@ $< $(LIBOBJ) $(PKGLIBS)

build/san/bench/%: bench/%.c $(SANLIB)
	@mkdir -p $(dir $@)
	@echo "  LD san  $@"
	@$(CC) $(BASE) $(SANFLAGS) $(PKGCF) -o $@ $< $(SANLIB) $(PKGLIBS)

build/bench/http/ceiling: bench/http/ceiling.c
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(BASE) $(CFLAGS) -pthread -o $@ $< -lmicrohttpd

build/bench/tips/bare: bench/tips/bare.c
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(BASE) $(CFLAGS) -o $@ $< $(shell pkg-config --cflags --libs sqlite3)

build/bench/federation/bare: bench/federation/bare.c
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(BASE) $(CFLAGS) -o $@ $< $(shell pkg-config --cflags --libs sqlite3 jansson)

bootstrap:
	@scripts/bootstrap

# Every test: unit tests, API tests on SQLite and PostgreSQL, browser tests,
# all against the sanitizer build.
test: bootstrap
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory sanitize unit-bins bench-link
	@scripts/run-tests

unit-bins: $(UNITBIN)

unit: unit-bins
	@scripts/run-tests unit

api: sanitize
	@scripts/run-tests api

web: sanitize
	@scripts/run-tests web

demo:
	@scripts/bootstrap demo
	@$(MAKE) --no-print-directory all
	@scripts/demo

bench:
	@scripts/bootstrap bench
	@$(MAKE) --no-print-directory all bench-bins
	@scripts/bench

# where one endpoint spends its time, as a flame graph (bench/flame/run.sh):
# make flame [FLAME=list|search|related|healthz]; not part of make bench
flame:
	@scripts/bootstrap bench
	@$(MAKE) --no-print-directory all build/bench/alerts/gen
	@bench/flame/run.sh $(FLAME)

fuzz:
	@scripts/bootstrap bench
	@scripts/fuzz

lint:
	@scripts/lint

# the version scripts/lint checks with (clang-format-14, else clang-format)
format:
	@$(shell command -v clang-format-14 || echo clang-format) -i $(SRC) $(shell find src tests -name '*.h')

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(SANOBJ:.o=.d) $(BENCHBIN:=.d) $(BENCHREF:=.d) $(SANBENCH:=.d)
