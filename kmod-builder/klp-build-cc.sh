# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034,SC2154 # klp-build's variables, read and set here
#
# klp-build's compile launchers and its progress line, sourced by
# klp-build (which owns compile_cmd and compile_to; klp-build-pool.sh
# calls progress_step as it reaps each job).
#
# --ccache puts ccache before each compiler command, --cc-wrapper CMD
# (distcc, icecc) puts CMD there, or ccache's CCACHE_PREFIX when both
# are given, so that only ccache's misses go out. kbuild's commands name
# the tree's files by relative paths, so an original unit hits in the
# cache from any run; a patched unit is compiled from the overlay in
# the run's scratch directory, whose name is new every run, so it is
# compiled in a directory of the scratch (cc_farm) whose entries link
# to the tree's, with the overlay at a fixed relative name: the command
# line, and so ccache's hash, are then the same in every run, and
# -fdebug-prefix-map gives its debug info the tree's directory, as a
# compile in the tree would have (ccache hashes the directory mapped).
# What kbuild runs after the compiler (objtool) is no compile: it stays
# outside the launcher and runs on the objects of the pairs that differ,
# cached or not (objtool_changed). kbuild's make of the module compiles
# through ccache too (link_cc_args), locally.
#
# For a release built in a build root (klp-build-root.sh) the launcher
# is the root's own ccache or distcc, run with the compile inside the
# root, so that the compiler behind it is the root's gcc; the cache
# directory and distcc's state directory are bound in at their own
# paths. A distcc host then needs that gcc too: klp-build --distccd
# runs distccd from the same root (klp-build-distro.sh).

# cc_setup: the launcher, ccache's settings, -j for a wrapper, the
# directory of the patched compiles. After check_inputs (srcdir known).
cc_setup() {
	local words=()
	[ "$use_ccache" = 1 ] || [ -n "$cc_wrapper" ] || return 0
	if [ -n "$cc_wrapper" ]; then
		read -ra words <<< "$cc_wrapper"
		[ "${#words[@]}" -gt 0 ] || die "$EXIT_USAGE" "--cc-wrapper: empty command"
		cc_have "${words[0]}" ||
			die "$EXIT_USAGE" "--cc-wrapper $cc_wrapper: ${words[0]} not found$(cc_missing_advice 'distcc, or icecc')"
		cc_distcc_dir "${words[0]}"
		cc_jobs "${words[0]}"
	fi
	if [ "$use_ccache" = 1 ]; then
		cc_have ccache ||
			die "$EXIT_USAGE" "--ccache: ccache not found$(cc_missing_advice ccache)"
		cc_ccache_env
		cc_launch='ccache '
		cc_farm_make
		log "patched units compile in $cc_farm"
	else
		cc_launch=$(printf '%q ' "${words[@]}")
	fi
	msg "       compiling through ${cc_launch}(${CCACHE_PREFIX:+its prefix $CCACHE_PREFIX, }-j $jobs)"
}

# cc_have CMD: whether CMD is where the compiles run (the build root, or here).
cc_have() {
	# shellcheck disable=SC2016 # sh's own $1
	in_build_root sh -c 'command -v -- "$1"' sh "$1" > /dev/null 2>&1
}

# cc_missing_advice PACKAGES: what to do about a launcher not found.
cc_missing_advice() {
	if [ -n "${distro_root:-}" ]; then
		printf ' in the %s build root %s, which has ccache and distcc only; use one of them (for icecc, see man klp-build, Build roots)' \
			"$series_build_root" "$distro_root"
	else
		printf '; install it (apt-get install %s)' "$1"
	fi
}

# cc_root_bind DIR: DIR at its own path in the build root, if there is one.
cc_root_bind() {
	[ -z "${distro_root:-}" ] || distro_binds+=("$1")
}

# cc_distcc_dir WRAPPER: in a build root, distcc's state directory (its
# locks, and ~/.distcc/hosts) is this machine's: DISTCC_DIR, else
# ~/.distcc, bound in (the root's /root is read-only).
cc_distcc_dir() {
	[ -n "${distro_root:-}" ] && [ "${1##*/}" = distcc ] || return 0
	export DISTCC_DIR=${DISTCC_DIR:-${HOME:-$scratch}/.distcc}
	{ mkdir -p -- "$DISTCC_DIR" 2> /dev/null && [ -w "$DISTCC_DIR" ]; } ||
		die "$EXIT_USAGE" "--cc-wrapper distcc: cannot write distcc's directory $DISTCC_DIR; set DISTCC_DIR to a writable directory"
	cc_root_bind "$DISTCC_DIR"
}

# cc_jobs WRAPPER: without -j, as many compiles as the wrapper's hosts
# take (distcc -j counts DISTCC_HOSTS' slots); else the CPUs.
cc_jobs() {
	local n=''
	[ "$jobs_given" = 0 ] || return 0
	case ${1##*/} in
	distcc) n=$(in_build_root distcc -j 2> /dev/null || true) ;;
	esac
	if [[ $n =~ ^[1-9][0-9]*$ ]]; then
		jobs=$n
	fi
}

# The user's own ccache settings win; the rest makes kernel objects hit
# across runs: the compiler checked by its content (a rebuilt or
# reinstalled gcc of the same version is no other compiler), paths under
# the compile's directory hashed as relative ones. The directory stays
# hashed (no CCACHE_NOHASHDIR): an object with debug info names it, and
# the patched compiles map it to the tree's. Depend mode: a miss runs
# no preprocessor of its own (a quarter more than the compile, measured
# on fs/namespace.c), ccache reads the headers from the -Wp,-MMD file
# kbuild's command writes; with -nostdinc no header is a system one,
# which -MMD would leave out.
cc_ccache_env() {
	local dir
	dir=${KLP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/klp-build}/ccache
	export CCACHE_DIR=${CCACHE_DIR:-$dir}
	{ mkdir -p -- "$CCACHE_DIR" 2> /dev/null && [ -w "$CCACHE_DIR" ]; } ||
		die "$EXIT_USAGE" "--ccache: cannot write the cache $CCACHE_DIR; set CCACHE_DIR or KLP_CACHE_DIR to a writable directory"
	cc_root_bind "$CCACHE_DIR"
	export CCACHE_COMPILERCHECK=${CCACHE_COMPILERCHECK:-content}
	export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$srcdir}
	[ -n "${CCACHE_NODEPEND+set}" ] || export CCACHE_DEPEND=${CCACHE_DEPEND-1}
	if [ -n "$cc_wrapper" ]; then
		export CCACHE_PREFIX=$cc_wrapper
	fi
}

# The patched units' working directory: a link to each top-level entry
# of the tree (kbuild's relative paths resolve as in the tree) and
# .klp-scratch, the scratch directory under a name that does not change.
cc_farm_make() {
	cc_farm=$scratch/cc-tree
	mkdir -p -- "$cc_farm"
	# One ln for all (one each was half a second of every run).
	find "$srcdir" -mindepth 1 -maxdepth 1 -exec ln -s -t "$cc_farm" -- {} +
	ln -s -- "$scratch" "$cc_farm/.klp-scratch"
}

# cc_farm_paths CMD: a patched unit's command with the overlay named
# through .klp-scratch, for a compile in cc_farm, in REPLY.
cc_farm_paths() {
	local cmd=$1 rel
	rel=.klp-scratch/${overlay#"$scratch/"}
	cmd=${cmd//"$overlay/"/"$rel/"}
	REPLY=${cmd/" -ffunction-sections -fdata-sections "/" -ffunction-sections -fdata-sections -fdebug-prefix-map=$cc_farm=$srcdir "}
}

# cc_in_farm orig|patched: whether the compile runs in cc_farm. Not the
# second compile of a failed unit (compile_plain's overlay): it is for
# the user to read, with paths of the tree, and a failure is not cached.
cc_in_farm() {
	[ -n "$cc_farm" ] && [ "$1" = patched ] && [ "$overlay" = "$scratch/src" ]
}


# ---- progress of the compile phases ----
#
# One line, rewritten, on a terminal; else (or with -v, whose compiler
# output would break it) a plain line every KLP_BUILD_PROGRESS_INTERVAL
# seconds (10; 0: after every compile), so that a short build prints none.

progress_start() {
	progress_total=$1
	progress_done=0
	progress_shown=0
	progress_t0=${EPOCHREALTIME//[!0-9]/}
	progress_last=$progress_t0
	progress_every=${KLP_BUILD_PROGRESS_INTERVAL:-10}
	[[ $progress_every =~ ^[0-9]+$ ]] || progress_every=10
	progress_tty=0
	if [ -t 2 ] && [ "$verbose" = 0 ]; then
		progress_tty=1
	fi
}

# After each compile the pool reaps.
progress_step() {
	local now line
	progress_done=$((progress_done + 1))
	now=${EPOCHREALTIME//[!0-9]/}
	progress_line "$now" line
	if [ "$progress_tty" = 1 ]; then
		printf '\r%s\033[K' "$line" >&2
		progress_shown=1
	elif [ $((now - progress_last)) -ge $((progress_every * 1000000)) ] ||
		{ [ "$progress_shown" = 1 ] && [ "$progress_done" = "$progress_total" ]; }; then
		printf '%s\n' "$line" >&2
		progress_last=$now
		progress_shown=1
	fi
}

# progress_line NOW_US VAR: done / total, compiles per second, time left,
# put in VAR (a $(...) after each compile, in the shell that hands out
# the next one, cost a tenth of a second per ten compiles).
progress_line() {
	local us=$(($1 - progress_t0)) rate eta
	[ "$us" -gt 0 ] || us=1
	rate=$((progress_done * 10000000 / us))
	eta=$(((progress_total - progress_done) * us / progress_done / 1000000))
	printf -v "$2" 'klp-build:        compiled %d/%d (original and patched of %d units), %d.%d/s, ETA %d s' \
		"$progress_done" "$progress_total" $((progress_total / 2)) $((rate / 10)) $((rate % 10)) "$eta"
}

# A message takes the progress line's place; the next compile redraws it.
progress_clear() {
	[ "$progress_shown" = 0 ] || printf '\r\033[K' >&2
	progress_shown=0
}

progress_end() {
	[ "$progress_tty" = 0 ] || [ "$progress_shown" = 0 ] || printf '\n' >&2
	progress_total=0 progress_tty=0
}
