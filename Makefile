# tcplab: one non-recursive Makefile.
#
#   make            build ./tcplab (optimised)
#   make check      install missing packages, build with ASan+UBSan, run every test
#   make run        install missing packages, build, start the shell (sim mode)
#   make bench      build optimised, measure the performance figures (tests/bench/run.sh)
#   make install    PREFIX=/usr/local DESTDIR= ...
#   make clean
#
# Sources are found by wildcard: src/*/*.c but src/cmd is the library
# (stack, links, decoder, shell ...), src/main.c and src/cmd/*.c the
# program (its subcommands), tests/check_*.c one Check suite each,
# tests/lib/*.c helpers shared by the suites.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= gcc
PKGS    := libpcap check readline librsvg-2.0 cairo

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# -pthread: the digest of a long stream is hashed by a worker (src/util/digest.c)
APP_LIBS   := $(shell pkg-config --libs libpcap readline librsvg-2.0 cairo 2>/dev/null || echo -lpcap -lreadline -lrsvg-2 -lcairo -lgobject-2.0 -lglib-2.0) -pthread
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
CFLAGS  ?= -O2 -g
VERSION := 0.1.0
CPPFLAGS_ALL := -std=c11 -D_GNU_SOURCE -DTCPLAB_VERSION=\"$(VERSION)\" -Isrc -Itests/lib -MMD -MP -pthread $(PKG_CFLAGS)
ifeq ($(WERROR),1)
WARN += -Werror
endif
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC  := $(sort $(filter-out src/cmd/%,$(wildcard src/*/*.c)))
MAIN_SRC := src/main.c $(sort $(wildcard src/cmd/*.c))
TEST_SRC := $(sort $(wildcard tests/check_*.c))
# the one main of the suites written with CK_TEST, linked from an archive
# (a suite with a main of its own keeps it)
TLIB_MAIN := tests/lib/ckmain_main.c
TLIB_SRC := $(sort $(filter-out $(TLIB_MAIN),$(wildcard tests/lib/*.c)))

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

REL_LIB  := $(LIB_SRC:%.c=build/rel/%.o)
SAN_LIB  := $(LIB_SRC:%.c=build/san/%.o)
SAN_TLIB := $(TLIB_SRC:%.c=build/san/%.o)
TESTS    := $(TEST_SRC:tests/%.c=build/san/tests/%)
# The utilities again under ThreadSanitizer: the stream digest hashes in a
# worker thread (src/util/digest.c), the one place tcplab has a second thread.
UTIL_SRC := $(sort $(wildcard src/util/*.c))
TSAN_TESTS := build/tsan/tests/check_util

# Fuzz targets: clang's libFuzzer with ASan and UBSan.
FUZZ_CC    := clang
FUZZ_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1
FUZZ_LIB   := $(LIB_SRC:%.c=build/fuzz/%.o)
# the helpers of tests/lib (frames built by segtest, the private folder)
FUZZ_TLIB  := $(TLIB_SRC:%.c=build/fuzz/%.o)
FUZZ_BINS  := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_TIME  ?= 60

# make bench: tests/bench/*.c, each one program (make check builds them with
# the sanitizers for tests/steps/bench_smoke.sh)
BENCH_BINS := build/bench/bench build/bench/sink build/bench/tappump build/bench/lossbench \
              build/bench/lwipbench

.PHONY: all check run install clean deps tests fuzz soak bench pictures
all: tcplab pictures

# The pictures of README.md, drawn by tcplab itself from doc/pictures.cmds.
PICTURES := doc/pictures/ladder.svg doc/pictures/states.svg doc/pictures/seq.svg \
            doc/pictures/cwnd.svg
pictures: $(PICTURES)
$(PICTURES) &: tcplab doc/pictures.cmds
	@mkdir -p doc/pictures
	cd doc/pictures && ../../tcplab --seed=7 ../pictures.cmds >/dev/null

tcplab: $(MAIN_SRC:%.c=build/rel/%.o) $(REL_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(APP_LIBS) -lm

build/san/tcplab: $(MAIN_SRC:%.c=build/san/%.o) $(SAN_LIB)
	$(CC) $(SAN) -g -o $@ $^ $(APP_LIBS) -lm

# The optimised build leaves out debug checks (NDEBUG: the state-table check
# of every transition, src/stack/tcp_fsm.h); the sanitizer build keeps them.
build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -DNDEBUG $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) -c -o $@ $<

build/san/libckmain.a: $(TLIB_MAIN:%.c=build/san/%.o)
	rm -f $@ && ar rcs $@ $^

build/san/tests/%: build/san/tests/%.o $(SAN_TLIB) $(SAN_LIB) build/san/libckmain.a
	$(CC) $(SAN) -g -o $@ $^ $(CHECK_LIBS) $(APP_LIBS) -lm

build/tsan/tests/check_util: tests/check_util.c tests/lib/ckmain.c $(TLIB_MAIN) $(UTIL_SRC)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Isrc -Itests/lib -pthread $(PKG_CFLAGS) $(WARN) -O1 -g -fsanitize=thread -o $@ $^ $(CHECK_LIBS)

# lwipbench: Debian's liblwip (liblwip-dev), its headers as system ones
LWIP_FLAGS := -isystem /usr/include/lwip
build/bench/lwipbench: tests/bench/lwipbench.c build/rel/src/util/sha256.o
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(LWIP_FLAGS) $(WARN) $(CFLAGS) -o $@ $^ -llwip -pthread

build/san/bench/lwipbench: tests/bench/lwipbench.c build/san/src/util/sha256.o
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(LWIP_FLAGS) $(WARN) -O1 -g $(SAN) -o $@ $^ -llwip -pthread

build/bench/%: tests/bench/%.c $(REL_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(WARN) $(CFLAGS) -pthread -o $@ $(filter %.c %.o,$^) $(APP_LIBS) -lm

build/san/bench/%: tests/bench/%.c $(SAN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) -pthread -o $@ $(filter %.c %.o,$^) $(APP_LIBS) -lm

build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(CPPFLAGS) -Wall -Wno-unused-parameter $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz_%: build/fuzz/tests/fuzz/fuzz_%.o $(FUZZ_TLIB) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(CHECK_LIBS) $(APP_LIBS) -lm

build/fuzz/pcap2corpus: tests/fuzz/pcap2corpus.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(WARN) -O1 -o $@ $< $(APP_LIBS)

# `make fuzz`: each target for FUZZ_TIME seconds (make check runs them briefly).
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS) build/fuzz/pcap2corpus
	@FUZZ_TIME=$(FUZZ_TIME) sh tests/fuzz/run.sh $(FUZZ_BINS)

deps:
	@sh src/tools/ensure-deps.sh

tests: $(TESTS) $(TSAN_TESTS) build/san/tcplab $(FUZZ_BINS) build/fuzz/pcap2corpus $(BENCH_BINS:build/%=build/san/%)

# Every suite, the decoder against tcpdump's own output, the golden
# transcripts; tests/run.sh prints one closing "N passed, N failed" line.
check: deps
	@$(MAKE) --no-print-directory tests
	@sh tests/run.sh $(TESTS) $(TSAN_TESTS)

# `make soak`: the long soak, SOAK_SEEDS seeds of random faults and
# SOAK_SCRIPTS seeds of shell scripts of 2 to 8 MiB (make check runs a short
# one); SOAK_FIRST=N SOAK_SEEDS=1 SOAK_SCRIPTS=1 replays one seed.
SOAK_SEEDS ?= 3000
SOAK_SCRIPTS ?= 600
soak: deps
	@$(MAKE) --no-print-directory build/san/tests/check_soak
	@SOAK_SEEDS=$(SOAK_SEEDS) SOAK_SCRIPTS=$(SOAK_SCRIPTS) CK_DEFAULT_TIMEOUT=0 ASAN_OPTIONS=detect_leaks=1 build/san/tests/check_soak

# The figures of README "Performance": one table, build/bench.json.  Slow;
# the tap parts need root (each in a network namespace of its own).
bench: deps
	@$(MAKE) --no-print-directory tcplab $(BENCH_BINS)
	@sh tests/bench/run.sh

run: deps
	@$(MAKE) --no-print-directory tcplab
	./tcplab

install: tcplab
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 tcplab $(DESTDIR)$(PREFIX)/bin/tcplab
	for m in man/*.1; do [ -f "$$m" ] && install -m 644 "$$m" $(DESTDIR)$(PREFIX)/share/man/man1/ || true; done
	for m in man/*.5; do [ -f "$$m" ] && install -m 644 "$$m" $(DESTDIR)$(PREFIX)/share/man/man5/ || true; done
	install -d $(DESTDIR)$(PREFIX)/share/tcplab/labs
	install -m 644 labs/*.lab $(DESTDIR)$(PREFIX)/share/tcplab/labs/

clean:
	rm -rf build tcplab

-include $(shell find build -name '*.d' 2>/dev/null)
