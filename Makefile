# SPDX-License-Identifier: GPL-2.0
#
# klp-build: make, make check, make check-kernel, make install, make demo.
# `make SANITIZE=1 ...` builds and tests with AddressSanitizer and UBSan
# in a separate build directory.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
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
LIBELF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libelf 2>/dev/null)
LIBELF_LIBS   := $(shell $(PKG_CONFIG) --libs libelf 2>/dev/null)
ifeq ($(LIBELF_LIBS),)
$(error libelf not found by pkg-config; install it with: apt-get install libelf-dev pkg-config (or run scripts/install-deps.sh))
endif
XXHASH_LIBS := $(shell $(PKG_CONFIG) --libs libxxhash 2>/dev/null)
ifeq ($(XXHASH_LIBS),)
$(error libxxhash not found by pkg-config; install it with: apt-get install libxxhash-dev (or run scripts/install-deps.sh))
endif
endif

CFLAGS  ?= -O2 -g
WARNFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	     -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS = $(CFLAGS) $(WARNFLAGS) $(SANFLAGS) $(LIBELF_CFLAGS) \
	     -D_GNU_SOURCE -Ilib -Isupport-templates -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS = $(LIBELF_LIBS) $(XXHASH_LIBS)

LIB_SRCS := $(wildcard lib/*.c)
CDO_SRCS := $(wildcard create-diff-object/*.c)
KC_SRCS  := $(wildcard klp-convert/*.c)
UNIT_SRCS := $(wildcard tests/unit/*.c)

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CDO_OBJS := $(CDO_SRCS:%.c=$(BUILD)/obj/%.o)
KC_OBJS  := $(KC_SRCS:%.c=$(BUILD)/obj/%.o)

TOOLS := $(BUILD)/create-diff-object $(BUILD)/klp-convert
UNIT_TESTS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check check-kernel ci install clean demo bench shellcheck
# Keep the unit tests' objects: they are intermediates make would delete.
.SECONDARY:
all: $(TOOLS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libklpelf.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/create-diff-object: $(CDO_OBJS) $(BUILD)/libklpelf.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/klp-convert: $(KC_OBJS) $(BUILD)/libklpelf.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libklpelf.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Userspace tests: ELF model unit tests, differ fixtures, bad input,
# shellcheck. Needs no kernel build.
check: all $(UNIT_TESTS)
	tests/run-check.sh $(BUILD)

# Tests that boot the cached 6.1 kernel in qemu (builds it on first use).
check-kernel: all
	testbed/check-kernel.sh $(BUILD)

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
	shellcheck -x $$(git ls-files '*.sh') tests/*.sh testbed/*.sh

SHAREDIR ?= $(PREFIX)/share/klp-build

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(SHAREDIR)/support-templates
	install -m 755 $(TOOLS) kmod-builder/klp-build $(DESTDIR)$(BINDIR)/
	install -m 644 kmod-builder/*.awk $(DESTDIR)$(SHAREDIR)/
	install -m 644 support-templates/* $(DESTDIR)$(SHAREDIR)/support-templates/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/

clean:
	rm -rf build build-san

-include $(LIB_OBJS:.o=.d) $(CDO_OBJS:.o=.d) $(KC_OBJS:.o=.d)
