#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the Debian 12 VM of tests/check-deploy.sh, from the root's
# klp-vmtest.service (after multi-user.target and klp.service), with
# the test disk on /test: /test/stage says which boot this is. Each
# check prints "KLP-DEPLOY: ok WHAT" or "KLP-DEPLOY: FAIL WHAT: why" for
# the host to record, the boot ends with KLP-VM-RESULT and a reboot
# (qemu runs with -no-reboot, so that ends the VM).
set -u

rel=$(uname -r)
mods=/test/mods
failed=0
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

ok() {
	echo "KLP-DEPLOY: ok $*"
}

fail() {
	echo "KLP-DEPLOY: FAIL $*"
	failed=1
}

# check WHAT CMD...: ok when CMD succeeds.
check() {
	what=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then
		ok "$what"
	else
		fail "$what: $(tr '\n' ' ' </tmp/check.out | cut -c1-300)"
	fi
}

# The columns of klpctl list for NAME: INSTALLED AT-BOOT LOADED ENABLED TRANSITION.
list_state() {
	klpctl list | awk -v n="$1" '$1 == n { print $2, $3, $4, $5, $6 }'
}

expect_state() {
	got=$(list_state "$2")
	if [ "$got" = "$3" ]; then
		ok "$1: klpctl list $2: $got"
	else
		fail "$1: klpctl list $2: expected '$3', got '${got:-nothing}'"
	fi
}

version_has() {
	grep -q "$1" /proc/version
}

version_lacks() {
	! grep -q "$1" /proc/version
}

wait_transition_done() {
	i=0
	while [ -d "/sys/kernel/livepatch/$1" ] &&
		[ "$(cat "/sys/kernel/livepatch/$1/transition")" != 0 ]; do
		i=$((i + 1))
		[ "$i" -le 120 ] || return 1
		sleep 1
	done
}

# The installed manifest's build id is the running kernel's: its hex is
# among the bytes of /sys/kernel/notes (klpctl compared them at install).
build_id_is_running() {
	bid=$(klpctl info livepatch_deploy1 | sed -n 's/^kernel build id: //p')
	notes=$(od -An -v -tx1 /sys/kernel/notes | tr -d ' \n')
	case $bid in
	"" | "not recorded") echo "klpctl info shows no kernel build id" ;;
	*) case $notes in *"$bid"*) return 0 ;; esac
	   echo "build id $bid is not in /sys/kernel/notes: $notes" ;;
	esac
	return 1
}

stage1() {
	check "dpkg -i klpctl and livepatch-deploy1 (postinst installs and loads)" \
		dpkg -i /test/debs/klpctl_*.deb /test/debs/livepatch-deploy1-*.deb
	check "klp.service enabled" systemctl is-enabled klp.service
	check "deploy1 live after dpkg -i" version_has "klp-deploy 1"
	expect_state "after dpkg -i" livepatch_deploy1 "yes yes yes 1 0"
	check "installed in /var/lib/klp/$rel" test -f "/var/lib/klp/$rel/livepatch_deploy1.ko"
	check "manifest's kernel build id is the running kernel's" build_id_is_running
}

stage2_boot() {
	check "klp.service ran at boot" systemctl is-active klp.service
	journalctl -b -u klp.service --no-pager >/tmp/journal 2>&1
	check "journal line for the patch" grep -q "loaded livepatch_deploy1" /tmp/journal
	expect_state "after reboot" livepatch_deploy1 "yes yes yes 1 0"
	check "deploy1 live after reboot" version_has "klp-deploy 1"
}

stage2_replace() {
	check "dpkg -i livepatch-deploy2 (cumulative)" dpkg -i /test/debs/livepatch-deploy2-*.deb
	check "deploy2 live" version_has "klp-deploy 2"
	check "deploy1 replaced" version_lacks "klp-deploy 1"
	expect_state "after the replace" livepatch_deploy2 "yes yes yes 1 0"
	expect_state "after the replace" livepatch_deploy1 "yes no no - -"
	klpctl info livepatch_deploy2 >/tmp/info 2>&1
	check "klpctl info: patched function" grep -q "version_proc_show,1" /tmp/info
	check "klpctl info: source patch" grep -q "source patches: deploy2.patch" /tmp/info
}

stage2_refuse() {
	rc=0
	klpctl install "$mods/other/livepatch-deploy1.ko" >/tmp/out 2>&1 || rc=$?
	if [ "$rc" = 3 ] && grep -q "not '$rel'" /tmp/out; then
		ok "other release refused: $(cat /tmp/out)"
	else
		fail "other release: exit $rc, $(cat /tmp/out)"
	fi
}

# A reader sleeping in pipe_read() holds the transition of a patch to it.
stage2_hold() {
	rm -f /tmp/hold.fifo
	mkfifo /tmp/hold.fifo
	cat /tmp/hold.fifo >/dev/null &
	holder=$!
	exec 3>/tmp/hold.fifo
	check "install hold" klpctl install "$mods/livepatch-hold.ko"
	rc=0
	klpctl --timeout 3 load livepatch_hold >/tmp/out 2>/tmp/err || rc=$?
	sed 's/^/    /' /tmp/err
	if [ "$rc" = 4 ] && grep -q "pid $holder (cat)" /tmp/err && grep -q "pipe_read" /tmp/err &&
		grep -q "/force" /tmp/err; then
		ok "held transition reported: pid $holder (cat) in pipe_read, exit 4"
	else
		fail "held transition: exit $rc, cat is pid $holder"
	fi
	exec 3>&-
	wait "$holder"
	check "transition completes once the reader left" wait_transition_done livepatch_hold
	check "unload hold" klpctl unload livepatch_hold
	check "uninstall hold" klpctl uninstall livepatch_hold
}

stage2_purge() {
	check "dpkg --purge both" dpkg --purge "livepatch-deploy2-$rel" "livepatch-deploy1-$rel"
	check "no patch live after purge" version_lacks "klp-deploy"
	check "no patch in sysfs" test -z "$(ls /sys/kernel/livepatch)"
	check "store empty" test ! -e "/var/lib/klp/$rel/livepatch_deploy2.ko"
}

# dmesg_order RE...: each RE matches a line of klp messages, in this order.
dmesg_order() {
	dmesg | grep -E 'klp-state|not compatible' >/tmp/klp.dmesg
	cp /tmp/klp.dmesg /tmp/rest
	for re in "$@"; do
		n=$(grep -n -m1 -E "$re" /tmp/rest | cut -d: -f1)
		[ -n "$n" ] || { echo "no '$re' after the earlier ones in:"; cat /tmp/klp.dmesg; return 1; }
		tail -n +"$((n + 1))" /tmp/rest >/tmp/rest.new
		mv /tmp/rest.new /tmp/rest
	done
}

stage2_state() {
	for n in 1 2 3; do
		check "install state$n" klpctl install "$mods/livepatch-state$n.ko"
	done
	check "load state1" klpctl load livepatch_state1
	check "load state2 (takes over)" klpctl load livepatch_state2
	check "state2 live" version_has "klp-state 2"
	rc=0
	klpctl load livepatch_state3 >/tmp/out 2>&1 || rc=$?
	if [ "$rc" = 1 ] && grep -q "not compatible" /tmp/out; then
		ok "state3 (no state) refused by the kernel: $(grep -m1 'not compatible' /tmp/out)"
	else
		fail "state3: exit $rc, $(cat /tmp/out)"
	fi
	check "state2 still live" version_has "klp-state 2"
	check "unload state2" klpctl unload livepatch_state2
	check "callbacks in the documented order" dmesg_order \
		'klp-state 1: pre_patch prev=none' 'klp-state 1: post_patch data=state of 1' \
		'klp-state 2: pre_patch prev=state of 1' 'klp-state 2: post_patch data=state of 1' \
		'livepatch_state3.*not compatible' 'klp-state 2: pre_unpatch' \
		'klp-state 2: post_unpatch freeing state of 1'
	check "replaced state1 ran no unpatch callback" sh -c '! grep -q "klp-state 1: p.*unpatch" /tmp/klp.dmesg'
	for n in 1 2 3; do
		check "uninstall state$n" klpctl uninstall "livepatch_state$n"
	done
}

echo "klp-deploy: stage $(cat /test/stage) on $rel"
case $(cat /test/stage) in
1) stage1 ;;
2)
	stage2_boot
	stage2_replace
	stage2_refuse
	stage2_hold
	stage2_purge
	stage2_state
	;;
*) fail "unknown stage" ;;
esac
sync
if [ "$failed" = 0 ]; then
	echo "KLP-VM-RESULT: PASS"
else
	echo "KLP-VM-RESULT: FAIL"
fi
systemctl reboot
