#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Two (or N) real distccd servers on this machine, each in a network
# namespace of its own joined to the host by a veth pair (10.213.S.1 on
# the host, 10.213.S.2 in the namespace), for the distcc test and the
# bench. Needs root, iproute2 and distcc. On one machine they share its
# CPUs: they show that klp-build fans its compiles out, not a speedup.
#
# With RELEASE, each server is klp-build --distro --release RELEASE
# --distccd: distccd run from that release's build root (Debian 13's:
# trixie's gcc-14), in the foreground, its log on its stderr.
#
# Sourced (tests, bench/):
#   . tests/distcc-hosts.sh
#   distcc_hosts_start DIR [N [SLOTS [RELEASE]]]   # exports DISTCC_HOSTS, DISTCC_DIR
#   ... klp-build --cc-wrapper distcc ...
#   distcc_hosts_served DIR              # "N1 N2": compiles each server did
#   distcc_hosts_errors DIR              # their errors, on stderr
#   distcc_hosts_stop DIR                # servers, namespaces, links gone
# Run:
#   tests/distcc-hosts.sh start DIR [N [SLOTS [RELEASE]]]  # prints the export lines
#   tests/distcc-hosts.sh served DIR
#   tests/distcc-hosts.sh stop DIR
# DIR (created) keeps the servers' logs and what stop needs. A slot S
# (0-199) is taken by creating its veth link, which fails if another
# run holds it, so runs at the same time get different ones.

distcc_hosts_say() {
	printf 'distcc-hosts: %s\n' "$*" >&2
}

distcc_hosts_klp_build=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/kmod-builder/klp-build

# distcc_hosts_slot: the first free slot, taken (its host-side link made).
distcc_hosts_slot() {
	local s
	for ((s = 0; s < 200; s++)); do
		if ip link add "klpdcc$s" type veth peer name "klpdcc${s}ns" 2> /dev/null; then
			printf '%s\n' "$s"
			return 0
		fi
	done
	distcc_hosts_say "error: no free slot (links klpdcc0-199 all exist)"
	return 1
}

# distcc_hosts_server DIR I SLOTS [RELEASE]: server I in a namespace of
# its own, answering.
distcc_hosts_server() {
	local dir=$1 i=$2 slots=$3 rel=${4:-} s ns srv tries=50
	s=$(distcc_hosts_slot) || return 1
	printf '%s\n' "$s" >> "$dir/slots"
	ns=klp-distcc-$s
	# A namespace of this name is a dead run's: its slot was free.
	ip netns delete "$ns" 2> /dev/null || true
	ip netns add "$ns" &&
		ip link set "klpdcc${s}ns" netns "$ns" &&
		ip addr add "10.213.$s.1/30" dev "klpdcc$s" &&
		ip link set "klpdcc$s" up &&
		ip -n "$ns" addr add "10.213.$s.2/30" dev "klpdcc${s}ns" &&
		ip -n "$ns" link set "klpdcc${s}ns" up &&
		ip -n "$ns" link set lo up || return 1
	# distccd drops root for its own user, which must write its log and
	# its temporary files (not in the caller's TMPDIR, which it may not reach).
	srv=$dir/server-$i
	mkdir -p "$srv/tmp"
	: > "$srv/distccd.log"
	chown -R distccd "$srv" 2> /dev/null || chmod -R a+rwX "$srv"
	if [ -z "$rel" ]; then
		ip netns exec "$ns" env TMPDIR="$srv/tmp" distccd --daemon --listen "10.213.$s.2" --allow "10.213.$s.1/32" \
			--jobs "$slots" --log-level info --log-file "$srv/distccd.log" \
			--pid-file "$srv/distccd.pid" || return 1
	else
		distcc_hosts_root_server "$ns" "$srv" "$s" "$slots" "$rel"
	fi
	# klp-build --distccd may make the build root first: minutes.
	[ -z "$rel" ] || tries=6000
	distcc_hosts_wait "10.213.$s.2" "$srv" "$tries" || return 1
	printf '10.213.%s.2/%s\n' "$s" "$slots" >> "$dir/hosts"
}

# distcc_hosts_root_server NS SRV S SLOTS RELEASE: klp-build --distccd,
# in the background; its pid (klp-build's, whose TERM stops distccd) in
# SRV/distccd.pid.
distcc_hosts_root_server() {
	local ns=$1 srv=$2 s=$3 slots=$4 rel=$5
	ip netns exec "$ns" "$distcc_hosts_klp_build" --distro --release "$rel" --distccd -- \
		--no-detach --daemon --listen "10.213.$s.2" --allow "10.213.$s.1/32" \
		--jobs "$slots" --log-level info --log-stderr > "$srv/distccd.log" 2>&1 < /dev/null &
	printf '%s\n' "$!" > "$srv/distccd.pid"
}

# distcc_hosts_wait HOST SRV TRIES: until its distccd accepts
# connections (TRIES tenths of a second), unless the server has exited.
distcc_hosts_wait() {
	local n pid
	for ((n = 0; n < $3; n++)); do
		if timeout 1 bash -c "exec 3<>/dev/tcp/$1/3632" 2> /dev/null; then
			return 0
		fi
		pid=$(cat "$2/distccd.pid" 2> /dev/null || true)
		if [[ $pid =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2> /dev/null; then
			distcc_hosts_say "error: the server for $1 exited: $(tail -n 3 "$2/distccd.log")"
			return 1
		fi
		sleep 0.1
	done
	distcc_hosts_say "error: distccd on $1 does not answer"
	return 1
}

distcc_hosts_start() {
	local dir=$1 n=${2:-2} slots=${3:-2} rel=${4:-} i
	mkdir -p "$dir/distcc"
	: > "$dir/slots"
	: > "$dir/hosts"
	for ((i = 1; i <= n; i++)); do
		if ! distcc_hosts_server "$dir" "$i" "$slots" "$rel"; then
			distcc_hosts_say "error: could not start distccd server $i (ip netns, distccd${rel:+, klp-build --distccd})"
			distcc_hosts_stop "$dir"
			return 1
		fi
	done
	DISTCC_HOSTS=$(paste -sd' ' "$dir/hosts")
	# distcc's lock and state files; no compile on this host itself,
	# and a failed remote compile is an error, not a quiet local one.
	DISTCC_DIR=$dir/distcc
	DISTCC_FALLBACK=0
	export DISTCC_HOSTS DISTCC_DIR DISTCC_FALLBACK
}

# distcc_hosts_served DIR: per server, the compiles it completed.
distcc_hosts_served() {
	local dir=$1 srv counts=()
	for srv in "$dir"/server-*; do
		counts+=("$(grep -c 'COMPILE_OK' "$srv/distccd.log" || true)")
	done
	printf '%s\n' "${counts[*]}"
}

# distcc_hosts_errors DIR: the servers' errors, but for the probes'
# connections (distcc_hosts_wait), on stderr.
distcc_hosts_errors() {
	grep -h -e 'ERROR' -e 'WARNING' "$1"/server-*/distccd.log |
		grep -v -e 'fairy dust' -e 'unexpected eof' -e 'waiting for token "DIST"' >&2 || true
}

# The servers (by their pid files), then the namespaces and links.
distcc_hosts_stop() {
	local dir=$1 srv pid s n
	for srv in "$dir"/server-*; do
		[ -f "$srv/distccd.pid" ] || continue
		pid=$(cat "$srv/distccd.pid")
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -TERM "$pid" 2> /dev/null || true
		for ((n = 0; n < 50; n++)); do
			kill -0 "$pid" 2> /dev/null || break
			sleep 0.1
		done
	done
	[ -f "$dir/slots" ] || return 0
	while IFS= read -r s; do
		# Whatever of the server is left dies with its namespace's network.
		ip netns pids "klp-distcc-$s" 2> /dev/null | xargs -r kill -TERM 2> /dev/null || true
		ip netns delete "klp-distcc-$s" 2> /dev/null || true
		ip link delete "klpdcc$s" 2> /dev/null || true
	done < "$dir/slots"
	rm -f -- "$dir/slots"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	case ${1:-} in
	start)
		distcc_hosts_start "$2" "${3:-2}" "${4:-2}" "${5:-}"
		printf 'export DISTCC_HOSTS=%q DISTCC_DIR=%q DISTCC_FALLBACK=0\n' "$DISTCC_HOSTS" "$DISTCC_DIR"
		;;
	served) distcc_hosts_served "$2" ;;
	stop) distcc_hosts_stop "$2" ;;
	*)
		echo "usage: ${0##*/} start DIR [N [SLOTS [RELEASE]]] | served DIR | stop DIR" >&2
		exit 2
		;;
	esac
fi
