# safety — PostgreSQL 15 extension built with PGXS.
#
#   make demo     build, install, start a throwaway cluster, load the bundled
#                 Cincinnati burglaries and print the analyst report
#   make test     the same set-up, then every suite; ends "N passed, N failed"
#   make stop     stop and remove the throwaway cluster
#
# Both demo and test install what they need (compiler, PostgreSQL 15,
# PostGIS, ...) with apt-get when it is missing.

EXTENSION = safety
EXTVERSION = 0.2.0

MODULE_big = safety
CORE_SRCS = $(sort $(wildcard src/core/*.c))
PG_SRCS = $(sort $(wildcard src/pg/*.c))
OBJS = $(CORE_SRCS:.c=.o) $(PG_SRCS:.c=.o)

# install SQL is split by topic and concatenated in file-name order
INSTALL_SQL = $(sort $(wildcard sql/install/*.sql))
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql
# earlier releases' install scripts, frozen, and the upgrades between them
DATA = $(sort $(wildcard sql/released/*.sql)) $(sort $(wildcard sql/$(EXTENSION)--*--*.sql))

# pg_regress suites live in test/sql with expected output in test/expected
REGRESS = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --outputdir=test/out --dbname=safety_regress

PG_CPPFLAGS = -Isrc/core
PG_CFLAGS = -Wno-declaration-after-statement -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
# header dependencies (src/core/x.d next to x.o): a changed header rebuilds its users
PG_CFLAGS += -MMD -MP
# calls between our own files go direct (no PLT) and may be inlined at link time
PG_CFLAGS += -fno-semantic-interposition -flto=auto
SHLIB_LINK += -flto=auto

EXTRA_CLEAN = test/out test/unit/bin test/fuzz/bin $(OBJS:.o=.d)

PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
else
# before PostgreSQL's development files are installed only the set-up targets work
all:
	@echo "PostgreSQL 15 development files are missing: run 'make deps' (or 'make test')" >&2; exit 1
endif

-include $(OBJS:.o=.d)

sql/$(EXTENSION)--$(EXTVERSION).sql: $(INSTALL_SQL)
	( printf '%s\n' '-- generated from sql/install/*.sql by make; do not edit' \
	    '\echo Use "CREATE EXTENSION $(EXTENSION) CASCADE" to load this file. \quit'; \
	  for f in $(INSTALL_SQL); do printf '\n-- %s\n' "$$f"; cat "$$f"; done ) > $@

.PHONY: deps demo test stop unit fuzz

deps:
	bash scripts/install-deps.sh

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

stop:
	bash scripts/cluster.sh stop

# C unit tests of the core (no PostgreSQL needed)
UNIT_SRCS = $(sort $(wildcard test/unit/test_*.c))
UNIT_BINS = $(patsubst test/unit/%.c,test/unit/bin/%,$(UNIT_SRCS))

test/unit/bin/%: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(wildcard test/unit/*.h)
	@mkdir -p test/unit/bin
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -Isrc/core -Itest/unit $(CORE_SRCS) $< -lm -o $@

unit: $(UNIT_BINS)
	@bash scripts/run-unit-tests.sh $(UNIT_BINS)

# libFuzzer + AddressSanitizer/UBSan targets of the core's parsers (clang;
# test/suites/fuzz_core.sh runs each for a bounded time).  Only the parsers
# and what they call are instrumented, compiled once and linked into each.
FUZZ_CC = clang
FUZZ_FLAGS = -std=c11 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all -Isrc/core
FUZZ_SRCS = $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_BINS = $(patsubst test/fuzz/%.c,test/fuzz/bin/%,$(FUZZ_SRCS))
FUZZ_CORE = $(patsubst %,test/fuzz/bin/core/%.o,sc_common sc_events sc_grid sc_text sc_ewkb sc_area)

test/fuzz/bin/core/%.o: src/core/%.c $(wildcard src/core/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

test/fuzz/bin/%: test/fuzz/%.c test/fuzz/fuzz_util.h $(FUZZ_CORE)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined -Itest/fuzz $< $(FUZZ_CORE) -lm -o $@

# the parsers' unit tests, under the same sanitizers (memcpy to NULL and the like)
FUZZ_UNITS = $(patsubst %,test/fuzz/bin/unit_%,events grid area)

test/fuzz/bin/unit_%: test/unit/test_%.c $(wildcard test/unit/*.h) $(FUZZ_CORE)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined -Itest/unit $< $(FUZZ_CORE) -lm -o $@

fuzz: $(FUZZ_BINS) $(FUZZ_UNITS)
