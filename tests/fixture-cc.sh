# SPDX-License-Identifier: GPL-2.0
# Compiles a fixture C file as kbuild compiles kernel code (sourced; the
# sourcing script sets $top to the repository).
# shellcheck shell=bash

fixture_cflags() {
	cat "${top:?}/test-fixtures/diff/cflags"
}

# fixture_cc SRC OUT: compile SRC with the kernel-like flags.
fixture_cc() {
	local flags
	read -r -a flags < <(fixture_cflags)
	gcc "${flags[@]}" -I "$top/test-fixtures/diff/include" -c "$1" -o "$2"
}
