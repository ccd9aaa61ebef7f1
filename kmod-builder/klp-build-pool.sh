# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034,SC2154 # klp-build's variables, read and set here
#
# klp-build's job pool, in which the compiles and the diffs run: at most
# $jobs background commands, tracked by pid so that nothing else
# klp-build runs in the background is waited for by mistake. Sourced by
# klp-build; its state (pool, pool_failed) is declared with klp-build's
# other globals.

# Each job gets a process group of its own (job control is on only for
# the launch), so that stopping it reaches the compiler under it (a
# signal is the supervisor's: it stops the whole session).
pool_run() {
	while [ "${#pool[@]}" -ge "$jobs" ]; do
		pool_wait_one
	done
	set -m
	"$@" &
	set +m
	pool[$!]=1
}

pool_stop() {
	local pid
	for pid in "${!pool[@]}"; do
		kill -TERM -- "-$pid" 2> /dev/null || true
	done
	for pid in "${!pool[@]}"; do
		group_wait "$pid"
	done
	pool=()
}

# group_wait PID: until nothing of PID's process group is left, so that
# no compiler writes after the scratch directory is gone.
group_wait() {
	wait "$1" 2> /dev/null || true
	while kill -0 -- "-$1" 2> /dev/null; do
		sleep 0.05
	done
}

pool_wait_one() {
	local done_pid=''
	wait -n -p done_pid "${!pool[@]}" || pool_failed=1
	if [ -z "$done_pid" ]; then
		pool=()
		return
	fi
	unset "pool[$done_pid]"
	[ "$progress_total" = 0 ] || progress_step
}

# pool_drain: waits for every job; fails if one failed since the last
# drain, also one reaped by pool_run as it waited for a free slot.
pool_drain() {
	local failed
	while [ "${#pool[@]}" -gt 0 ]; do
		pool_wait_one
	done
	failed=$pool_failed
	pool_failed=0
	[ "$failed" = 0 ]
}
