# ferry: Pacemaker/Corosync resource agents that keep each Xen domain and its
# DRBD/LVM storage on exactly one node and move it live.
#
#   make            build the helpers (build/ferryd, build/ferryctl)
#   make deps       install the Debian packages ferry needs (idempotent)
#   make check      deps + build + every test tier, one summary line at the end
#   make demo       deps + build + the lab demo
#   make bench-ledger  ledger latency, throughput, 10k state transfer, RSS
#   make install DESTDIR=... PREFIX=...   programs, agents, man pages, unit, ...
#   make man        the man pages, generated (build/man/)
#   make deb        the Debian package (build/deb/ferry_VERSION_ARCH.deb), lintian
#   make bench-transport [BENCH_MIB=N]  migration transport throughput per mode,
#                          kTLS or GnuTLS records (loopback; prints only)
#   make bench-migrate [BENCH_RUNS=N]   lab migrations: xl vs ferry with and
#                          without TLS: downtime, total, MiB/s, phases, ratios
#   make fuzz [FUZZ_S=N]   every libFuzzer harness of tests/fuzz for N s each
#   make bench-monitor     lab: XenDomain's monitor against heartbeat:Xen's
#   make cts [STEPS=N] [SEED=S]  lab: a seeded random fault run on 3 hosts
#   make fuzz-seeds        rewrite the harnesses' seed corpora (tests/fuzz/corpus)

PREFIX    ?= /usr
SBINDIR   ?= $(PREFIX)/sbin
OCFDIR    ?= $(PREFIX)/lib/ocf/resource.d/ferry
LIBEXECDIR ?= $(PREFIX)/lib/ferry
MANDIR    ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= /etc
# Where Debian 12's systemd reads units, drop-ins and tmpfiles.d.
UNITDIR   ?= /lib/systemd/system
TMPFILESDIR ?= /usr/lib/tmpfiles.d
DESTDIR   ?=
BUILD     ?= build
# One version, debian/changelog's; the man pages' date is its date (or
# SOURCE_DATE_EPOCH's), so that they build the same twice.
VERSION    = $(shell dpkg-parsechangelog -l debian/changelog -SVersion)
SOURCE_DATE_EPOCH ?= $(shell dpkg-parsechangelog -l debian/changelog -STimestamp)

CC        ?= gcc
CFLAGS    ?= -O2 -g
PKGS      := xenlight xlutil libqb libcpg libquorum libcmap libcorosync_common gnutls libxml-2.0 yajl devmapper
# Recursive on purpose: pkg-config runs only when something is compiled, so
# `make deps` works on a machine that has none of these yet.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
# Pacemaker's fencing API is dlopen()ed at run time (as dlm_controld does);
# only its headers are needed at build time.
FENCE_CFLAGS = $(shell pkg-config --cflags pacemaker-fencing)

# CPPFLAGS and LDFLAGS too: Debian's hardening flags come through them.
FERRY_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ihelpers/lib \
	       $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
FERRY_LIBS   = $(PKG_LIBS) -ldl -lpthread -lm

LIB_SRC      := $(sort $(wildcard helpers/lib/*.c))
FERRYD_SRC   := $(sort $(wildcard helpers/ferryd/*.c))
# ferryctl is a front linked with libqb alone (front.c: the agent's monitor
# in one IPC round trip); every other command runs in ferryctl-full.
FRONT_SRC    := helpers/ferryctl/front.c helpers/ferryctl/resource_args.c helpers/ferryctl/command.c
FERRYCTL_SRC := $(filter-out helpers/ferryctl/front.c,$(sort $(wildcard helpers/ferryctl/*.c)))
UNIT_SRC     := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ      := $(LIB_SRC:%.c=$(BUILD)/%.o)
FERRYD_OBJ   := $(FERRYD_SRC:%.c=$(BUILD)/%.o)
FERRYCTL_OBJ := $(FERRYCTL_SRC:%.c=$(BUILD)/%.o)
FRONT_OBJ    := $(FRONT_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN     := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)

PROGS := $(BUILD)/ferryd $(BUILD)/ferryctl $(BUILD)/ferryctl-full $(BUILD)/ferry-block

# Debian packages: build, tests and the lab (the lab's hosts share this
# machine's userspace, so everything dom0 runs is installed here too).
# DEB_BUILD and DEB_DOC are debian/control's Build-Depends (gcc and make
# come with build-essential); tests/agents/test_packaging.sh checks it.
DEB_BUILD := gcc make pkg-config libxen-dev libqb-dev libcpg-dev libquorum-dev \
	libcmap-dev libcorosync-common-dev pacemaker-dev libgnutls28-dev \
	libxml2-dev libyajl-dev libdevmapper-dev libcmocka-dev
# The man pages: help2man, DocBook; the agents' meta-data reads ocf-shellfuncs.
DEB_DOC   := help2man xsltproc docbook-xsl resource-agents
# make deb: dpkg-buildpackage, debhelper, lintian.
DEB_DEB   := dpkg-dev debhelper lintian
DEB_FUZZ  := clang libclang-rt-14-dev
# pcs: the agents tier applies cib-examples/cluster.pcs with it.
DEB_TEST  := shunit2 shellcheck libxml2-utils resource-agents corosync \
	pacemaker pacemaker-cli-utils crmsh pcs fence-agents iproute2 procps psmisc \
	util-linux logrotate
DEB_LAB   := qemu-system-x86 qemu-utils xen-utils-4.17 drbd-utils lvm2 socat \
	ipmitool openipmi busybox-static cpio xz-utils zstd kmod \
	openssh-server openssh-client chrony gnutls-bin
DEB_PACKAGES := $(sort $(DEB_BUILD) $(DEB_DOC) $(DEB_DEB) $(DEB_FUZZ) $(DEB_TEST) $(DEB_LAB))

.PHONY: all deps install check check-tiers check-lab-all demo clean lab-down bench-transport bench-ledger \
	bench-migrate bench-monitor cts fuzz fuzz-build fuzz-seeds
.DEFAULT_GOAL := all

# The cluster tier's own programs: a bounded connection flood (also the
# lab's ferry-flood), a misbehaving IPC client, and ferryd built with
# another protocol major (a rolling upgrade's older node; it must differ
# from wire.h's WIRE_VERSION_MAJOR).
FLOOD_BIN    := $(BUILD)/tests/cluster/peer_flood
OTHER_MAJOR  ?= 1
CLUSTER_BIN  := $(FLOOD_BIN) $(BUILD)/tests/cluster/ipc_abuse $(BUILD)/tests/cluster/ferryd-othermajor
OM_OBJ       := $(patsubst %.c,$(BUILD)/othermajor/%.o,$(LIB_SRC) $(FERRYD_SRC))

all: $(PROGS) $(UNIT_BIN) $(CLUSTER_BIN)

$(FLOOD_BIN): tests/cluster/peer_flood.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(CFLAGS) -o $@ $<

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
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(FERRY_LIBS)

$(BUILD)/ferryctl-full: $(FERRYCTL_OBJ) $(BUILD)/libferry.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(FERRY_LIBS)

# libxl's hotplug script for phy: disks: one small exec inside the downtime.
$(BUILD)/ferry-block: $(BUILD)/helpers/hotplug/block.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs xenstore)

# --as-needed: only the libraries the front's objects use (libqb) are loaded.
$(BUILD)/helpers/ferryctl/front.o: FERRY_CFLAGS += -DFERRY_LIBEXECDIR='"$(LIBEXECDIR)"'
$(BUILD)/ferryctl: $(FRONT_OBJ) $(BUILD)/libferry.a
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $(FERRY_LIBS)

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

# Unit tests of ferryctl's command tables (test_ferryctl_*.c): linked with
# the parser, its documentation and the agent's parameters.
FERRYCTL_TEST_OBJ := $(addprefix $(BUILD)/helpers/ferryctl/,command.o command_help.o resource_args.o)
$(BUILD)/tests/unit/test_ferryctl_%: $(BUILD)/tests/unit/test_ferryctl_%.o $(FERRYCTL_TEST_OBJ) \
		$(BUILD)/libferry.a
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS) -lcmocka

$(BUILD)/tests/unit/test_ferryctl_%.o: tests/unit/test_ferryctl_%.c
	@mkdir -p $(@D)
	$(CC) $(FERRY_CFLAGS) -Ihelpers/ferryctl -MMD -MP -c $< -o $@

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
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ihelpers/lib -Ihelpers/ferryd -Itests/fuzz -g -O1 \
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

# Dependency files only (not make deb's copy of the tree under $(BUILD)/deb).
-include $(shell find $(BUILD) -path $(BUILD)/deb -prune -o -name '*.d' -type f -print 2>/dev/null)

.PHONY: progs unit-tests deps-deb man completion deb
# What a node runs (make install), and the unit tier's binaries alone.
progs: $(PROGS)
unit-tests: $(UNIT_BIN)

# apt_install LIST: install the packages of LIST that are missing.
define apt_install
	@missing=; for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all $(words $(1)) packages present"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	$$SUDO apt-get update -q && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing
endef

deps:
	$(call apt_install,$(DEB_PACKAGES))

# What make deb needs, without the lab's and the tests' packages.
deps-deb:
	$(call apt_install,$(sort $(DEB_BUILD) $(DEB_DOC) $(DEB_DEB)))

# Man pages, generated from the programs themselves so that they cannot
# drift: the agents' from their meta-data (man/ocf-refentry.xsl makes
# DocBook of it, docbook-xsl a man page, as resource-agents does),
# ferryd.8 from `ferryd --help` (help2man), ferryctl.8 from ferryctl-full's
# --help and every command group's (man/ferryctl-man).
MAN_DIR   := $(BUILD)/man
AGENTS    := $(notdir $(wildcard agents/*))
MAN_PAGES := $(AGENTS:%=$(MAN_DIR)/ocf_ferry_%.7) $(MAN_DIR)/ferryctl.8 $(MAN_DIR)/ferryd.8
DOCBOOK_MAN_XSL := http://docbook.sourceforge.net/release/xsl/current/manpages/docbook.xsl
# Agents that run as clones: their pages' examples clone them.
MAN_CLONED := storage
MAN_DATE   = $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%d)

man: $(MAN_PAGES)
# Intermediate files (objects of test and fuzz binaries, the agents'
# meta-data) are kept: make would delete and rebuild them on every run.
.SECONDARY:

# OCF_ROOT: ocf-shellfuncs from resource-agents; nothing else of the host.
$(MAN_DIR)/metadata-%.xml: agents/%
	@mkdir -p $(@D)
	env -i PATH="$$PATH" OCF_ROOT=/usr/lib/ocf $< meta-data >$@.tmp && mv $@.tmp $@

$(MAN_DIR)/ocf_ferry_%.xml: $(MAN_DIR)/metadata-%.xml man/ocf-refentry.xsl debian/changelog
	xsltproc --nonet --novalid --stringparam version "$(VERSION)" \
		--stringparam date "$(MAN_DATE)" --stringparam clone "$(filter $*,$(MAN_CLONED))" \
		-o $@ man/ocf-refentry.xsl $<

$(MAN_DIR)/ocf_ferry_%.7: $(MAN_DIR)/ocf_ferry_%.xml
	xsltproc --nonet --stringparam man.output.quietly 1 --stringparam man.output.in.separate.dir 1 \
		--stringparam man.output.subdirs.enabled 0 --stringparam man.output.base.dir $(MAN_DIR)/ \
		$(DOCBOOK_MAN_XSL) $<

$(MAN_DIR)/ferryd.8: $(BUILD)/ferryd man/ferryd.h2m debian/changelog
	@mkdir -p $(@D)
	{ echo '[PROTOCOL VERSIONS]'; echo '.nf'; $(BUILD)/ferryd -V; echo '.fi'; } >$(MAN_DIR)/ferryd-versions.h2m
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) help2man --no-info --section 8 \
		--source "ferry $(VERSION)" --manual "ferry" --version-string "$(VERSION)" \
		--include man/ferryd.h2m --include $(MAN_DIR)/ferryd-versions.h2m \
		--output $@ $(BUILD)/ferryd

$(MAN_DIR)/ferryctl.8: $(BUILD)/ferryctl-full man/ferryctl-man debian/changelog
	@mkdir -p $(@D)
	LIBEXECDIR=$(LIBEXECDIR) man/ferryctl-man $(BUILD)/ferryctl-full "$(VERSION)" "$(MAN_DATE)" >$@.tmp
	mv $@.tmp $@

# Bash completion of ferryctl's command groups, their subcommands and
# options, from the same --help texts (dist/ferryctl-completion).
completion: $(BUILD)/completion/ferryctl

$(BUILD)/completion/ferryctl: $(BUILD)/ferryctl-full dist/ferryctl-completion debian/changelog
	@mkdir -p $(@D)
	dist/ferryctl-completion $(BUILD)/ferryctl-full "$(VERSION)" >$@.tmp
	mv $@.tmp $@

# Everything a node needs. Files under /etc are an administrator's: an
# existing one is left as it is (the package makes them conffiles).
install: progs man completion
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(OCFDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(UNITDIR)/resource-agents-deps.target.d $(DESTDIR)$(TMPFILESDIR) \
		$(DESTDIR)$(SYSCONFDIR)/default $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	install -m 0755 $(BUILD)/ferryd $(BUILD)/ferryctl $(DESTDIR)$(SBINDIR)/
	install -m 0755 $(BUILD)/ferryctl-full $(BUILD)/ferry-block $(DESTDIR)$(LIBEXECDIR)/
	for a in $(AGENTS); do install -m 0755 "agents/$$a" $(DESTDIR)$(OCFDIR)/; done
	install -m 0644 $(filter %.7,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man7/
	install -m 0644 $(filter %.8,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(BUILD)/completion/ferryctl $(DESTDIR)$(BASHCOMPDIR)/ferryctl
	sed 's|/usr/sbin/ferryd|$(SBINDIR)/ferryd|' helpers/ferryd/ferryd.service \
		>$(DESTDIR)$(UNITDIR)/ferryd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ferryd.service
	install -m 0644 dist/resource-agents-deps.conf \
		$(DESTDIR)$(UNITDIR)/resource-agents-deps.target.d/ferry.conf
	install -m 0644 dist/ferry.tmpfiles $(DESTDIR)$(TMPFILESDIR)/ferry.conf
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/ferryd ] || \
		install -m 0644 dist/ferryd.default $(DESTDIR)$(SYSCONFDIR)/default/ferryd
	[ -e $(DESTDIR)$(SYSCONFDIR)/logrotate.d/ferry ] || \
		install -m 0644 dist/ferry.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/ferry

# The Debian package, built by dpkg-buildpackage in a copy of this tree
# (build/deb/ferry-VERSION/: what git tracks, plus new files it does not
# ignore), so that neither this tree's build/ nor its parent directory is
# touched. The results land in build/deb/: ferry_VERSION_ARCH.deb (and
# build/deb/ferry.deb, a link to it), the source package, lintian.txt.
# DEB_BUILD_OPTIONS=nocheck skips the unit tier the build runs.
deb: deps-deb
	@env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dist/make-deb $(BUILD)/deb

# Every tier that exists, then one summary line over all of them.
# The summary line of tests/run-tiers is the last line on stdout.
check: deps
	@$(MAKE) --no-print-directory all fuzz-build
	@tests/run-tiers

check-tiers:
	@tests/run-tiers

# Every lab scenario, not only make check's (tests/lab/run); over an hour.
check-lab-all: deps
	@$(MAKE) --no-print-directory all
	@LAB_SET=all TIERS=lab tests/run-tiers

# Ledger benchmark: 16 then 3 namespace nodes; prints figures, asserts none.
$(BUILD)/tests/cluster/ledger_bench: $(BUILD)/tests/cluster/ledger_bench.o $(BUILD)/libferry.a
	$(CC) $(CFLAGS) -o $@ $^ $(FERRY_LIBS)

bench-ledger: all $(BUILD)/tests/cluster/ledger_bench
	tests/cluster/bench-ledger

# Live migrations on the lab: xl, ferry with TLS, ferry without; medians.
bench-migrate: deps
	$(MAKE) all
	tests/lab/bench-migrate; rc=$$?; [ "$$FERRY_LAB_KEEP" = 1 ] || tests/lab/lab down; exit $$rc

# The monitor's cost on the lab: ferry against heartbeat:Xen, interleaved.
bench-monitor: deps
	$(MAKE) all
	tests/lab/bench-monitor; rc=$$?; [ "$$FERRY_LAB_KEEP" = 1 ] || tests/lab/lab down; exit $$rc

# The random fault run needs a 3-host lab: one of another size goes first.
cts: deps
	@$(MAKE) --no-print-directory all
	@[ "$$(tests/lab/lab nodes | wc -l)" = 3 ] || [ "$$(tests/lab/lab nodes | wc -l)" = 0 ] || tests/lab/lab down
	tests/lab/cts; rc=$$?; [ "$$FERRY_LAB_KEEP" = 1 ] || tests/lab/lab down; exit $$rc

demo: deps
	@$(MAKE) --no-print-directory all
	@tests/lab/demo

lab-down:
	tests/lab/lab down

clean:
	rm -rf $(BUILD)
