# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034,SC2154 # klp-build's variables, read and set here
#
# klp-build's manifest (klp-manifest's arguments) for a built module, a
# refused or no-change build and a failed one, and the refusal records
# and failure output it carries for CI. Sourced by klp-build.

# Tool messages name the scratch objects; the manifest names tree paths,
# so that it does not change from one run to the next.
unscratch() {
	local line=${1//"$scratch/patched/"/}
	line=${line//"$scratch/src/"/}
	line=${line//"$scratch/plain/"/}
	printf '%s' "${line//"$scratch/orig/"/}"
}

kernel_release() {
	# A distro source tree says its upstream version, not Debian's release.
	if [ "$distro" = 1 ]; then
		printf '%s\n' "$distro_release"
		return
	fi
	cat -- "$srcdir/include/config/kernel.release" 2> /dev/null || true
}

# The differ's --functions records of every object, read once, in the
# objects' order, into fn_obj, fn_kind, fn_name, fn_through and
# fn_aliases (comma-separated), one element a function (the manifest,
# the report and --distro's check each went through the files again,
# forking per object and field: a second of a run).
# Split by hand: read would merge empty fields (a tab is IFS whitespace).
read_function_records() {
	local obj f line
	fn_obj=() fn_kind=() fn_name=() fn_through=() fn_aliases=()
	for obj in "${objects[@]}"; do
		diff_out "$obj" f
		[ -f "$f.functions" ] || continue
		while IFS= read -r line; do
			fn_obj+=("$obj")
			record_unfield "${line%%$'\t'*}"
			fn_kind+=("$REPLY")
			line=${line#*$'\t'}
			record_unfield "${line%%$'\t'*}"
			fn_name+=("$REPLY")
			line=${line#*$'\t'}
			record_unfield "${line%%$'\t'*}"
			fn_through+=("$REPLY")
			record_unfield "${line#*$'\t'}"
			fn_aliases+=("$REPLY")
		done < "$f.functions"
	done
}

# A record field unescaped (record_field's inverse) into REPLY, but for a
# newline: a space. No function name holds any of these bytes.
record_unfield() {
	local s=${1//\\\\/$'\x01'}
	s=${s//\\t/$'\t'}
	s=${s//\\r/$'\r'}
	s=${s//\\n/ }
	REPLY=${s//$'\x01'/\\}
}

# klp-manifest's --new OBJ:FUNC for each new function the differ reported.
new_function_args() {
	local i
	for i in "${!fn_kind[@]}"; do
		[ "${fn_kind[i]}" != new ] ||
			printf '%s\n' --new "${obj_module[${fn_obj[i]}]}:${fn_name[i]}"
	done
}

# klp-manifest's --through and --alias for what the differ said of each
# changed function: the untraceable function it is patched for, its other names.
function_note_args() {
	local i mod a names
	for i in "${!fn_kind[@]}"; do
		[ "${fn_kind[i]}" = changed ] || continue
		mod=${obj_module[${fn_obj[i]}]}
		[ -z "${fn_through[i]}" ] ||
			printf '%s\n' --through "$mod:${fn_name[i]}:${fn_through[i]}"
		IFS=, read -ra names <<< "${fn_aliases[i]}"
		for a in "${names[@]}"; do
			printf '%s\n' --alias "$mod:${fn_name[i]}:$a"
		done
	done
}

# klp-manifest's options every manifest has, one a line.
common_manifest_args() {
	local p w
	printf '%s\n' --tool-version "$VERSION" --kernel-release "$(kernel_release)" \
		--build-seconds "$SECONDS"
	for p in "${patches[@]}"; do
		printf '%s\n' --patch "$p"
	done
	while IFS= read -r w; do
		printf '%s\n' --warning "$w"
	done < "$scratch/warnings"
}

write_manifest() {
	local args=()
	mapfile -t args < <(common_manifest_args; new_function_args; function_note_args)
	[ "$replace" = 1 ] || args+=(--no-replace)
	# Only with a module: a failed build's tree may have no vmlinux, or half of one.
	args+=(--kernel-image "$kernel_notes")
	run "$tools_dir/klp-manifest" "${args[@]}" \
		"$outdir/livepatch-$name.ko" "$outdir/livepatch-$name.json" ||
		die "$EXIT_BUILD" "klp-manifest could not write the manifest (see the log)"
}

# The differ's refusals of object $1: its --refusals records ($2, tab-separated
# OBJ FILE SYMBOL REASON ADVICE, escaped) for klp-manifest --refusal, with
# FILE the tree's object in place of the scratch copy the differ read; the
# warnings of its stderr ($3) are kept as warnings.
record_refusals() {
	local obj=$1 line rest
	# Split by hand: read would merge empty fields (a tab is IFS whitespace).
	while IFS= read -r line; do
		rest=${line#*$'\t'}
		printf '%s\t%s\t%s\n' "${line%%$'\t'*}" "$(record_field "$obj")" "${rest#*$'\t'}" \
			>> "$scratch/refusals"
	done < "$2"
	while IFS= read -r line; do
		line=$(unscratch "$line")
		case $line in
		'create-diff-object: warning: '*) printf '%s\n' "$line" >> "$scratch/warnings" ;;
		esac
	done < "$3"
}

# $1 as a field of a refusal record: backslash, tab, newline and CR escaped.
record_field() {
	local s=${1//\\/\\\\}
	s=${s//$'\t'/\\t}
	s=${s//$'\n'/\\n}
	printf '%s' "${s//$'\r'/\\r}"
}

# A refusal decided from the patch's file list, before any object is known:
# $2 is "REASON; ADVICE".
refuse_file() {
	local advice=
	[[ $2 != *'; '* ]] || advice=${2#*; }
	printf '\t%s\t\t%s\t%s\n' "$(record_field "$1")" "$(record_field "${2%%; *}")" \
		"$(record_field "$advice")" >> "$scratch/refusals"
	end_without_module refused "$1: $2"
}

# klp-manifest's --object OBJ:FILE for each object found (and classified) so far.
object_args() {
	local obj
	for obj in "${objects[@]}"; do
		[ -z "${obj_module[$obj]+set}" ] || printf '%s\n' --object "${obj_module[$obj]}:$obj"
	done
}

# What the failing step said, on stderr and kept for the failed manifest.
failure_output() {
	tee -a "$scratch/failure-output" >&2
}

# end_without_module STATUS MESSAGE: a refused or no-change build still
# tells CI why, in a manifest without a module. A module of an earlier
# build is removed: next to this manifest it would look current.
end_without_module() {
	local status=$1 code=$EXIT_NO_CHANGE args=() line
	[ "$status" = no-change ] || code=$EXIT_REFUSED
	rm -f -- "$outdir/livepatch-$name.ko" "$outdir/livepatch-$name.json"
	mapfile -t args < <(common_manifest_args; object_args)
	while IFS= read -r line; do
		args+=(--refusal "$line")
	done < "$scratch/refusals"
	run "$tools_dir/klp-manifest" --status "$status" "${args[@]}" \
		"$outdir/livepatch-$name.json" ||
		msg "error: klp-manifest could not write the $status manifest (see the log)"
	die "$code" "$2"
}

# A failed build (exit 1) or a patch that does not apply (exit 4) tells
# CI too: the phase, why, and the failing step's output (else the log's
# tail), in a manifest without a module.
# An earlier build's module and manifest go first, as they do for a
# refused build. Before OUTDIR and NAME are checked there is nowhere to write.
end_failed() {
	local args=() line out=$scratch/failure-output
	[ "$outputs_known" = 1 ] || return 0
	rm -f -- "$outdir/livepatch-$name.ko" "$outdir/livepatch-$name.json"
	[ -s "$out" ] || out=$logfile
	mapfile -t args < <(common_manifest_args; object_args)
	args+=(--failure "$phase:${fail_msg:-klp-build stopped unexpectedly; see the log}")
	while IFS= read -r line; do
		args+=(--output-line "$(unscratch "$line")")
	done < <(tail -n 40 "$out")
	run "$tools_dir/klp-manifest" --status failed "${args[@]}" "$outdir/livepatch-$name.json" ||
		msg "error: klp-manifest could not write the failed manifest (see the log)"
}
