# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Result accounting shared by every test suite (sourced, not run).
#
# Each suite records one line per test in $KLP_RESULTS ("pass NAME",
# "fail NAME"), so that a run of several suites (make ci) can print one
# closing total, and each suite can still print its own.

# KLP_VALGRIND=1 (make check-valgrind): the runners start the C tools
# through $klp_wrap, valgrind memcheck, which makes a memory error or a
# leak exit 99 with its report on stderr (lines starting ==PID==).
# shellcheck disable=SC2034,SC2054 # for the suites that source this file; the commas are valgrind's
klp_wrap=()
if [ "${KLP_VALGRIND:-0}" = 1 ]; then
	klp_wrap=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99)
fi
# shellcheck disable=SC2034 # for the suites that source this file
klp_bad_report='Sanitizer|runtime error|^==[0-9]+== '

# The suite that makes the results file removes it after its summary.
klp_results_owned=0
if [ -z "${KLP_RESULTS:-}" ]; then
	KLP_RESULTS=$(mktemp "${TMPDIR:-/tmp}/klp-results.XXXXXX")
	klp_results_owned=1
fi
export KLP_RESULTS
suite_start=$(wc -l < "$KLP_RESULTS")

t_pass() {
	printf 'pass %s\n' "$1" >> "$KLP_RESULTS"
	printf 'ok   %s\n' "$1"
}

# t_fail NAME REASON...
t_fail() {
	local name=$1
	shift
	printf 'fail %s\n' "$name" >> "$KLP_RESULTS"
	printf 'FAIL %s: %s\n' "$name" "$*"
}

# t_vm_fail NAME OUT [NOTE]: a failed run-vm.sh whose output is in OUT:
# shows it, and records the failure with run-vm.sh's reason (and NOTE).
t_vm_fail() {
	local why
	sed 's/^/    /' "$2"
	why=$(sed -n 's/^run-vm: \(FAILED\|error\): //p' "$2" | head -n 1)
	t_fail "$1" "in the VM: ${why:-run-vm.sh failed}${3:+ ($3)}"
}

# t_check NAME CMD...: pass when CMD succeeds, else fail with its output.
t_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		t_pass "$name"
	else
		t_fail "$name" "$out"
	fi
}

# t_interrupt SIG LOG PATTERN DELAY CMD...: starts CMD (stderr to LOG)
# in a process group of its own, waits for PATTERN in LOG and DELAY
# seconds more, then sends SIG: SIGINT to the whole group, as a
# terminal's Ctrl-C does (without job control a background job would
# start with SIGINT ignored); any other to CMD alone, as kill(1) and
# timeout(1) send it. CMD's exit status goes in t_interrupt_rc. CMD
# starts with SIGINT and SIGQUIT at their defaults: a suite started as a
# background job (nohup ... &) inherits them ignored, and a shell cannot
# trap a signal ignored at its start, so klp-build would rightly ignore
# the Ctrl-C that this stands for (perl, of Debian's essential
# perl-base, can reset them before it execs).
t_interrupt_rc=0
t_interrupt() {
	local sig=$1 log=$2 pattern=$3 delay=$4 pid
	shift 4
	set -m
	perl -e '$SIG{INT} = $SIG{QUIT} = "DEFAULT"; exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n"' \
		-- "$@" > /dev/null 2> "$log" &
	pid=$!
	set +m
	for _ in $(seq 600); do
		grep -qs -- "$pattern" "$log" && break
		sleep 0.02
	done
	[ "$delay" = 0 ] || sleep "$delay"
	if [ "$sig" = INT ]; then
		kill -INT -- "-$pid" 2> /dev/null || true
	else
		kill -"$sig" "$pid" 2> /dev/null || true
	fi
	t_interrupt_rc=0
	wait "$pid" || t_interrupt_rc=$?
}

# Prints "N passed, N failed" for the lines this suite added.
t_summary() {
	local p f
	p=$(tail -n +"$((suite_start + 1))" "$KLP_RESULTS" | grep -c '^pass ' || true)
	f=$(tail -n +"$((suite_start + 1))" "$KLP_RESULTS" | grep -c '^fail ' || true)
	printf '%s passed, %s failed\n' "$p" "$f"
	[ "$klp_results_owned" = 0 ] || rm -f "$KLP_RESULTS"
	[ "$f" -eq 0 ]
}

# as_user CMD...: CMD as the suite's $test_user, a user who is not root
# (the suite's own user when it is not run as root).
# shellcheck disable=SC2154 # test_user is the suite's
as_user() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$test_user" -- env PATH=/usr/bin:/bin:/usr/sbin:/sbin "$@"
	else
		"$@"
	fi
}
