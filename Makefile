# ferry: Pacemaker/Corosync resource agents that keep each Xen domain and its
# DRBD/LVM storage on exactly one node and move it live.
#
#   make            build the helpers (build/ferryd, build/ferryctl)
#   make deps       install the Debian packages ferry needs (idempotent)
#   make check      deps + build + every test tier, one summary line at the end
#   make demo       deps + build + the lab demo
#   make bench-ledger  ledger latency, throughput, 10k state transfer, RSS
#   make install DESTDIR=... PREFIX=...
#   make bench-transport   migration transport throughput per mode (prints only)
#   make bench-migrate     lab migrations: xl vs ferry with and without TLS
#   make fuzz [FUZZ_S=N]   every libFuzzer harness of tests/fuzz for N s each
#   make fuzz-seeds        rewrite the harnesses' seed corpora (tests/fuzz/corpus)

PREFIX    ?= /usr
SBINDIR   ?= $(PREFIX)/sbin
OCFDIR    ?= $(PREFIX)/lib/ocf/resource.d/ferry
DESTDIR   ?=
BUILD     ?= build

CC        ?= gcc
CFLAGS    ?= -O2 -g
PKGS      := xenlight xlutil libqb libcpg libquorum libcmap libcorosync_common gnutls libxml-2.0
# Recursive on purpose: pkg-config runs only when something is compiled, so
# `make deps` works on a machine that has none of these yet.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
# Pacemaker's fencing API is dlopen()ed at run time (as dlm_controld does);
# only its headers are needed at build time.
FENCE_CFLAGS = $(shell pkg-config --cflags pacemaker-fencing)

FERRY_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ihelpers/lib \
	       $(PKG_CFLAGS) $(CFLAGS)
FERRY_LIBS   = $(PKG_LIBS) -ldl -lpthread

LIB_SRC      := $(sort $(wildcard helpers/lib/*.c))
FERRYD_SRC   := $(sort $(wildcard helpers/ferryd/*.c))
FERRYCTL_SRC := $(sort $(wildcard helpers/ferryctl/*.c))
UNIT_SRC     := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ      := $(LIB_SRC:%.c=$(BUILD)/%.o)
FERRYD_OBJ   := $(FERRYD_SRC:%.c=$(BUILD)/%.o)
FERRYCTL_OBJ := $(FERRYCTL_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN     := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)

PROGS := $(if $(FERRYD_SRC),$(BUILD)/ferryd) $(if $(FERRYCTL_SRC),$(BUILD)/ferryctl)

# Debian packages: build, tests and the lab (the lab's hosts share this
# machine's userspace, so everything dom0 runs is installed here too).
DEB_BUILD := gcc make pkg-config libxen-dev libqb-dev libcpg-dev libquorum-dev \
	libcmap-dev libcorosync-common-dev pacemaker-dev libgnutls28-dev \
	libxml2-dev libcmocka-dev clang libclang-rt-14-dev
DEB_TEST  := shunit2 shellcheck libxml2-utils resource-agents corosync \
	pacemaker pacemaker-cli-utils crmsh fence-agents iproute2 procps psmisc \
	util-linux
DEB_LAB   := qemu-system-x86 qemu-utils xen-utils-4.17 drbd-utils lvm2 socat \
	ipmitool openipmi busybox-static cpio xz-utils zstd kmod \
	openssh-server openssh-client chrony gnutls-bin
DEB_PACKAGES := $(DEB_BUILD) $(DEB_TEST) $(DEB_LAB)

.PHONY: all deps install check check-tiers demo clean lab-down bench-transport bench-ledger \
	bench-migrate fuzz fuzz-build fuzz-seeds
.DEFAULT_GOAL := all

# The cluster tier's own programs: a misbehaving IPC client, and ferryd
# built with another protocol major (a rolling upgrade's older node; it
# must differ from wire.h's WIRE_VERSION_MAJOR).
OTHER_MAJOR  ?= 1
CLUSTER_BIN  := $(BUILD)/tests/cluster/ipc_abuse $(BUILD)/tests/cluster/ferryd-othermajor
OM_OBJ       := $(patsubst %.c,$(BUILD)/othermajor/%.o,$(LIB_SRC) $(FERRYD_SRC))

all: $(PROGS) $(UNIT_BIN) $(CLUSTER_BIN)

$(BUILD)/othermajor/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(FERRY_CFLAGS) -DWIRE_VERSION_MAJOR=$(OTHER_MAJOR) \
		$(if $(findstring fence,$<),$(FENCE_CFLAGS)) -MMD -MP -c $< -o $@

$(BUILD)/tests/cluster/ferryd-othermajor: $(OM_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS)

$(BUILD)/tests/cluster/ipc_abuse: $(BUILD)/tests/cluster/ipc_abuse.o $(BUILD)/libferry.a
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS)

$(BUILD)/libferry.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(FERRY_CFLAGS) $(if $(findstring fence,$<),$(FENCE_CFLAGS)) -MMD -MP -c $< -o $@

$(BUILD)/ferryd: $(FERRYD_OBJ) $(BUILD)/libferry.a
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS)

$(BUILD)/ferryctl: $(FERRYCTL_OBJ) $(BUILD)/libferry.a
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(BUILD)/libferry.a
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS) -lcmocka

# Unit tests of ferryd's own modules (test_ferryd_*.c): linked with them,
# less main.c; what a test process cannot have is in tests/unit/fake_ferryd.h.
$(BUILD)/libferryd.a: $(filter-out %/main.o,$(FERRYD_OBJ))
	ar rcs $@ $^

$(BUILD)/tests/unit/test_ferryd_%: $(BUILD)/tests/unit/test_ferryd_%.o $(BUILD)/libferryd.a \
		$(BUILD)/libferry.a
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS) -lcmocka

$(BUILD)/tests/unit/test_ferryd_%.o: tests/unit/test_ferryd_%.c
	@mkdir -p $(@D)
	$(CC) $(FERRY_CFLAGS) -Ihelpers/ferryd -MMD -MP -c $< -o $@

# Benchmarks: built on demand, never run by the tiers (not named test_*).
$(BUILD)/tests/unit/bench_transport: $(BUILD)/tests/unit/bench_transport.o $(BUILD)/libferry.a
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS)

bench-transport: $(BUILD)/tests/unit/bench_transport
	$(BUILD)/tests/unit/bench_transport $(BENCH_MIB)

# Fuzzing (libFuzzer, ASan, UBSan; clang from Debian). Every
# tests/fuzz/fuzz_<target>.c is one harness, linked with the library and
# ferryd's modules (not its main.c) built again with the sanitizers under
# $(BUILD)/fuzz. tests/fuzz/run runs each for FUZZ_S seconds on its seed
# corpus tests/fuzz/corpus/<target>/.
FUZZ_CC     ?= clang
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ihelpers/lib -Ihelpers/ferryd -g -O1 \
	-fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_SRC    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_D_OBJ  := $(filter-out %/main.o,$(FERRYD_SRC:%.c=$(BUILD)/fuzz/obj/%.o))

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) \
		$(if $(findstring fence,$<),$(FENCE_CFLAGS)) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/libferry.a: $(FUZZ_LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/fuzz/libferryd.a: $(FUZZ_D_OBJ)
	ar rcs $@ $^

$(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o $(BUILD)/fuzz/libferryd.a $(BUILD)/fuzz/libferry.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(FERRY_LIBS)

fuzz-build: $(FUZZ_BIN)

# The seed corpora, written by a small program (committed, rerun on change).
$(BUILD)/tests/fuzz/make_seeds: $(BUILD)/tests/fuzz/make_seeds.o $(BUILD)/libferry.a
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS)

fuzz-seeds: $(BUILD)/tests/fuzz/make_seeds
	$(BUILD)/tests/fuzz/make_seeds

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_S=$${FUZZ_S:-60} tests/fuzz/run

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

deps:
	@missing=; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all $(words $(DEB_PACKAGES)) packages present"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	$$SUDO apt-get update -q && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(OCFDIR)
	$(if $(PROGS),install -m 0755 $(PROGS) $(DESTDIR)$(SBINDIR)/)
	for a in agents/*; do [ -f "$$a" ] && install -m 0755 "$$a" $(DESTDIR)$(OCFDIR)/; done; true

# Every tier that exists, then one summary line over all of them.
# The summary line of tests/run-tiers is the last line on stdout.
check: deps
	@$(MAKE) --no-print-directory all fuzz-build
	@tests/run-tiers

check-tiers:
	@tests/run-tiers

# Ledger benchmark: 16 then 3 namespace nodes; prints figures, asserts none.
$(BUILD)/tests/cluster/ledger_bench: $(BUILD)/tests/cluster/ledger_bench.o $(BUILD)/libferry.a
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS)

bench-ledger: all $(BUILD)/tests/cluster/ledger_bench
	tests/cluster/bench-ledger

# Live migrations on the lab: xl, ferry with TLS, ferry without; medians.
bench-migrate: deps
	$(MAKE) all
	tests/lab/bench-migrate; rc=$$?; [ "$$FERRY_LAB_KEEP" = 1 ] || tests/lab/lab down; exit $$rc

demo: deps
	@$(MAKE) --no-print-directory all
	@tests/lab/demo

lab-down:
	tests/lab/lab down

clean:
	rm -rf $(BUILD)
