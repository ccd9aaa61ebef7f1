# SPDX-License-Identifier: GPL-2.0
#
# klp-build: make, make check, make check-kernel, make install, make demo.
# `make SANITIZE=1 ...` builds and tests with AddressSanitizer and UBSan
# in a separate build directory. `make fuzz` builds the libFuzzer
# harnesses of tests/fuzz/ with clang in build-fuzz/ and runs each for
# FUZZ_SECONDS; `make fuzz-long` for an hour each, resuming its corpus.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
UNITDIR ?= $(PREFIX)/lib/systemd/system
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

SANITIZE ?= 0
FUZZ ?= 0
ifeq ($(FUZZ),1)
BUILD    ?= build-fuzz
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(SANITIZE),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer
else
BUILD    ?= build
SANFLAGS :=
endif

CC      ?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(filter clean,$(MAKECMDGOALS)),)
# pkg_libs PACKAGE,DEB-PACKAGE: pkg-config's --libs of PACKAGE, or a stop
# that says which Debian package to install.
pkg_libs = $(or $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null),$(error $(1) not found by pkg-config; install it with: apt-get install $(2) (or run scripts/install-deps.sh)))
pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
LIBELF_CFLAGS := $(call pkg_cflags,libelf)
LIBELF_LIBS   := $(call pkg_libs,libelf,libelf-dev pkg-config)
LIBDW_CFLAGS := $(call pkg_cflags,libdw)
LIBDW_LIBS   := $(call pkg_libs,libdw,libdw-dev)
XXHASH_LIBS := $(call pkg_libs,libxxhash,libxxhash-dev)
JSONC_CFLAGS := $(call pkg_cflags,json-c)
JSONC_LIBS   := $(call pkg_libs,json-c,libjson-c-dev)
# libunistring has no pkg-config file: its header says whether it is there.
UNISTRING_LIBS := -lunistring
ifeq ($(wildcard /usr/include/unistr.h),)
$(error libunistring not found; install it with: apt-get install libunistring-dev (or run scripts/install-deps.sh))
endif
CAPSTONE_CFLAGS := $(call pkg_cflags,capstone)
CAPSTONE_LIBS   := $(call pkg_libs,capstone,libcapstone-dev)
CRYPTO_LIBS := $(call pkg_libs,libcrypto,libssl-dev)
endif

CFLAGS  ?= -O2 -g
WARNFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	     -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS = $(CFLAGS) $(WARNFLAGS) $(SANFLAGS) $(LIBELF_CFLAGS) $(JSONC_CFLAGS) $(LIBDW_CFLAGS) \
	     $(CAPSTONE_CFLAGS) \
	     -D_GNU_SOURCE -Ilib -Isupport-templates -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS = $(LIBELF_LIBS) $(XXHASH_LIBS)

LIB_SRCS := $(wildcard lib/*.c)
CDO_SRCS := $(wildcard create-diff-object/*.c)
KC_SRCS  := $(wildcard klp-convert/*.c)
MF_SRCS  := $(wildcard klp-manifest/*.c)
KU_SRCS  := $(wildcard klp-units/*.c)
KV_SRCS  := $(wildcard klp-verify/*.c)
UNIT_SRCS := $(wildcard tests/unit/*.c)

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CDO_OBJS := $(CDO_SRCS:%.c=$(BUILD)/obj/%.o)
KC_OBJS  := $(KC_SRCS:%.c=$(BUILD)/obj/%.o)
MF_OBJS  := $(MF_SRCS:%.c=$(BUILD)/obj/%.o)
KU_OBJS  := $(KU_SRCS:%.c=$(BUILD)/obj/%.o)
KV_OBJS  := $(KV_SRCS:%.c=$(BUILD)/obj/%.o)

TOOLS := $(BUILD)/create-diff-object $(BUILD)/klp-convert $(BUILD)/klp-manifest \
	 $(BUILD)/klp-verify $(BUILD)/klp-units
UNIT_TESTS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check check-kernel check-kernel-612 check-distro check-distro-headers check-distro-user check-distro-cc-root check-deploy sweep ci install clean demo bench \
	shellcheck check-valgrind fuzz fuzz-run fuzz-long
# Keep the unit tests' objects: they are intermediates make would delete.
.SECONDARY:
all: $(TOOLS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libklpelf.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

# Capstone linked in, and not position-independent: its shared library
# carries every architecture's tables, relocated at load time (3 MiB of
# a diff's resident memory); linked in, only the x86 decoder comes along,
# its tables read from the file as used (bench/README.md, row 5).
CDO_LDFLAGS := -no-pie
CDO_CAPSTONE_LIBS := -Wl,-Bstatic $(CAPSTONE_LIBS) -Wl,-Bdynamic

$(BUILD)/create-diff-object: $(CDO_OBJS) $(BUILD)/libklpelf.a
	$(CC) $(ALL_LDFLAGS) $(CDO_LDFLAGS) -o $@ $^ $(LIBDW_LIBS) $(CDO_CAPSTONE_LIBS) $(LIBS)

$(BUILD)/klp-convert: $(KC_OBJS) $(BUILD)/libklpelf.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/klp-manifest: $(MF_OBJS) $(BUILD)/libklpelf.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS) $(UNISTRING_LIBS)

$(BUILD)/klp-verify: $(KV_OBJS) $(BUILD)/libklpelf.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/klp-units: $(KU_OBJS) $(BUILD)/libklpelf.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBDW_LIBS) $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libklpelf.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# The harnesses link the tools' objects but their main() (entry.c).
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_UTIL    := $(BUILD)/obj/tests/fuzz/fuzz-util.o
FUZZERS      := $(BUILD)/fuzz/fuzz-elf $(BUILD)/fuzz/fuzz-cdo \
		$(BUILD)/fuzz/fuzz-klp-convert

$(BUILD)/obj/tests/fuzz/%.o: ALL_CFLAGS += -Icreate-diff-object -Iklp-convert

$(BUILD)/fuzz/fuzz-elf: $(BUILD)/obj/tests/fuzz/fuzz-elf.o $(FUZZ_UTIL) \
		$(BUILD)/libklpelf.a
$(BUILD)/fuzz/fuzz-cdo: $(BUILD)/obj/tests/fuzz/fuzz-cdo.o $(FUZZ_UTIL) \
		$(filter-out %/entry.o,$(CDO_OBJS)) $(BUILD)/libklpelf.a
$(BUILD)/fuzz/fuzz-klp-convert: $(BUILD)/obj/tests/fuzz/fuzz-klp-convert.o \
		$(FUZZ_UTIL) $(filter-out %/entry.o,$(KC_OBJS)) $(BUILD)/libklpelf.a
$(FUZZERS):
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBDW_LIBS) $(CAPSTONE_LIBS) $(LIBS)

fuzz:
	$(MAKE) FUZZ=1 CC=$(FUZZ_CC) fuzz-run

fuzz-run: $(FUZZERS)
	tests/fuzz/run.sh $(BUILD) $(FUZZ_SECONDS)

# Not for CI: FUZZ_LONG_SECONDS per harness (an hour), from and into a
# corpus kept under the cache directory, so that the next run resumes it.
FUZZ_LONG_SECONDS ?= 3600
FUZZ_LONG_CORPUS ?= $(or $(KLP_CACHE_DIR),$(CURDIR)/.cache)/fuzz-corpus
fuzz-long:
	$(MAKE) FUZZ=1 CC=$(FUZZ_CC) FUZZ_SECONDS=$(FUZZ_LONG_SECONDS) \
		FUZZ_CORPUS=$(FUZZ_LONG_CORPUS) fuzz-run

# Userspace tests: ELF model unit tests, differ fixtures, bad input,
# shellcheck. Needs no kernel build.
check: all $(UNIT_TESTS)
	tests/run-check.sh $(BUILD)

# Tests that boot the cached 6.1 kernel in qemu (builds it on first use).
check-kernel: all
	testbed/check-kernel.sh $(BUILD)

# klp-build -s on the 6.12 test kernel with IBT and call padding (built
# on first use: testbed/build-kernel.sh --612), proven in qemu.
check-kernel-612: all
	tests/check-kernel-612.sh $(BUILD)

# klp-build --distro on Debian's stock image, proven on its own vmlinuz.
check-distro: all
	tests/check-distro.sh $(BUILD)

# --distro header patches in qemu (not part of `make ci`: see tests/check-distro.sh).
check-distro-headers: all
	KLP_CACHE_DIR=$${KLP_CACHE_DIR:-$(CURDIR)/.cache} \
		tests/kpatch-suite.sh --distro $(BUILD) test-fixtures/distro-kpatches/h1-header-patches/

# A whole --distro build for Debian 13 by a user who is not root, booted
# with --test (also part of check-distro).
check-distro-user: all
	tests/distro-user-build.sh $(BUILD)

# --ccache and --cc-wrapper distcc in Debian 13's build root, with two
# distccd hosts run by klp-build --distccd (not part of `make ci`).
check-distro-cc-root: all
	KLP_CC_TESTS=root tests/klp-build-cc.sh $(BUILD)

# klpctl, klp.service and klp-deb's packages in a Debian 12 VM with
# systemd on Debian's stock 6.1 (tests/check-deploy.sh).
check-deploy: all
	tests/check-deploy.sh $(BUILD)

# The perturbation sweep over every C object of the cached 6.1 tree
# (tests/perturb-sweep.sh; check-kernel runs a sample).  SWEEP_KEEP=DIR
# keeps the objects and reuses them on a rerun.
sweep: all
	nice -n 10 tests/perturb-sweep.sh -j 2 $(if $(SWEEP_KEEP),--keep $(SWEEP_KEEP)) $(BUILD)

# The README's first command: a livepatch changing a running kernel.
demo:
	scripts/demo.sh

# Speed and memory, each measured against its limit (bench/README.md).
# BENCH_FULL=0 skips the whole-tree build row.
bench: all
	bench/bench.sh $(BUILD)

# What CI runs: everything, with one closing total.
ci:
	tests/run-ci.sh

shellcheck:
	shellcheck -x -e SC1091 $$(git ls-files '*.sh') tests/*.sh testbed/*.sh \
		kmod-builder/klp-build kmod-builder/klp-deb klpctl/klpctl .ci/run

SHAREDIR ?= $(PREFIX)/share/klp-build

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SHAREDIR)/support-templates $(DESTDIR)$(SHAREDIR)/testbed \
		$(DESTDIR)$(SHAREDIR)/series \
		$(DESTDIR)$(SHAREDIR)/klpctl $(DESTDIR)$(SBINDIR) $(DESTDIR)$(UNITDIR)
	install -m 755 $(TOOLS) kmod-builder/klp-build kmod-builder/klp-deb $(DESTDIR)$(BINDIR)/
	install -m 755 klpctl/klpctl $(DESTDIR)$(SBINDIR)/
	sed 's|/usr/sbin/klpctl|$(SBINDIR)/klpctl|' klpctl/klp.service >$(DESTDIR)$(UNITDIR)/klp.service
	chmod 644 $(DESTDIR)$(UNITDIR)/klp.service
	install -m 755 klpctl/klpctl $(DESTDIR)$(SHAREDIR)/klpctl/
	install -m 644 klpctl/klp.service man/klpctl.8 $(DESTDIR)$(SHAREDIR)/klpctl/
	install -m 644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 kmod-builder/*.awk kmod-builder/klp-build-*.sh $(DESTDIR)$(SHAREDIR)/
	install -m 644 support-templates/* $(DESTDIR)$(SHAREDIR)/support-templates/
	install -m 644 kmod-builder/series/* $(DESTDIR)$(SHAREDIR)/series/
	install -m 755 testbed/run-vm.sh $(DESTDIR)$(SHAREDIR)/testbed/
	install -m 644 testbed/vm-lib.sh $(DESTDIR)$(SHAREDIR)/testbed/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/

# The differ and klp-convert on the fixture and regression pairs under
# valgrind memcheck (a plain build: valgrind does not run ASan binaries).
check-valgrind: all
	tests/valgrind.sh $(BUILD)

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJS:.o=.d) $(CDO_OBJS:.o=.d) $(KC_OBJS:.o=.d) $(MF_OBJS:.o=.d) \
	$(KV_OBJS:.o=.d) $(KU_OBJS:.o=.d) \
	$(UNIT_SRCS:%.c=$(BUILD)/obj/%.d) $(wildcard $(BUILD)/obj/tests/fuzz/*.d)
