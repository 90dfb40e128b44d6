#!/bin/sh
# shunit2: XenDomain's validate-all warns when Xen's xendomains service
# would save, restore, migrate or start at boot a domain Pacemaker manages
# (it would run twice after a failover), and warns only: its exit code is
# the same with or without those settings.
#
# The settings are read from a FAKE ROOT: /etc/default/xendomains,
# /etc/xen/auto/ and the save directory are this machine's own, which a
# test must not change, and a test needs each combination. The agent reads
# them under FERRY_TEST_ROOT, its test seam for exactly this. The files in
# the fake root are real xendomains settings (Debian 12's defaults among
# them), and the agent, ocf-shellfuncs and ferryctl are the real ones.

top=$(cd "$(dirname "$0")/../.." && pwd)
export OCF_ROOT=/usr/lib/ocf
TMP=$(mktemp -d)
PATH=$top/build:$PATH
export PATH

oneTimeTearDown() { rm -rf "$TMP"; }

setUp() {
	rm -rf "$TMP/root"
	mkdir -p "$TMP/root/etc/default" "$TMP/root/etc/xen/auto" "$TMP/root/var/lib/xen/save"
	printf 'name = "vm1"\nmemory = 128\n' >"$TMP/vm1.cfg"
	printf 'name = "other"\nmemory = 128\n' >"$TMP/other.cfg"
}

# settings LINE...: the fake root's /etc/default/xendomains.
settings() {
	printf '%s\n' "$@" >"$TMP/root/etc/default/xendomains"
}

# validate [VAR=VALUE...]: XenDomain validate-all on vm1 with the fake
# root; the warnings (ocf_log warn) in $TMP/warn, the exit code returned.
validate() {
	env -i PATH="$PATH" OCF_ROOT="$OCF_ROOT" OCF_RESOURCE_INSTANCE=t \
		__OCF_ACTION=validate-all HA_RSCTMP="$TMP" FERRY_TEST_ROOT="$TMP/root" \
		OCF_RESKEY_config="$TMP/vm1.cfg" OCF_RESKEY_storage=shared "$@" \
		"$top/agents/XenDomain" validate-all >"$TMP/out" 2>"$TMP/err"
	rc=$?
	grep 'WARNING: ' "$TMP/err" >"$TMP/warn"
	return $rc
}

# The code validate-all gives this node without any xendomains settings.
baseline() {
	rm -f "$TMP/root/etc/default/xendomains"
	validate
}

test_no_xendomains_no_warning() {
	baseline
	assertEquals "no /etc/default/xendomains: no warning" "" "$(cat "$TMP/warn")"
}

test_debian_defaults_warn_save_and_restore() {
	baseline
	want=$?
	# Debian 12's /etc/default/xendomains, as xen-utils-common ships it.
	settings 'XENDOMAINS_MIGRATE=""' 'XENDOMAINS_SAVE=/var/lib/xen/save' \
		'XENDOMAINS_RESTORE=true' 'XENDOMAINS_AUTO=/etc/xen/auto' 'XENDOMAINS_STOP_MAXWAIT=300'
	validate
	assertEquals "warnings do not change the exit code" "$want" $?
	assertTrue "save warned" "grep -q 'saves the domains still running.*XENDOMAINS_SAVE=/var/lib/xen/save' '$TMP/warn'"
	assertTrue "restore warned" "grep -q 'restores every domain saved in /var/lib/xen/save' '$TMP/warn'"
	assertFalse "auto: vm1 is not in /etc/xen/auto" "grep -q 'at boot (XENDOMAINS_AUTO' '$TMP/warn'"
	assertFalse "no migration set" "grep -q XENDOMAINS_MIGRATE '$TMP/warn'"
	assertEquals "two warnings" 2 "$(wc -l <"$TMP/warn")"
}

test_restore_false_still_restores_on_debian() {
	# Debian's init script restores whenever XENDOMAINS_RESTORE is set.
	settings 'XENDOMAINS_SAVE=/var/lib/xen/save' 'XENDOMAINS_RESTORE=false'
	validate
	assertTrue "restore warned" "grep -q 'XENDOMAINS_RESTORE=false' '$TMP/warn'"
}

test_auto_start_of_this_config() {
	baseline
	want=$?
	settings 'XENDOMAINS_SAVE=' 'XENDOMAINS_AUTO=/etc/xen/auto'
	# A link to this resource's config, and a copy of another domain's.
	ln -s "$TMP/vm1.cfg" "$TMP/root/etc/xen/auto/vm1"
	cp "$TMP/other.cfg" "$TMP/root/etc/xen/auto/other.cfg"
	validate
	assertEquals "warnings do not change the exit code" "$want" $?
	assertTrue "auto-start of vm1 warned" "grep -q 'starts /etc/xen/auto/vm1 at boot' '$TMP/warn'"
	assertFalse "other.cfg is another domain" "grep -q other.cfg '$TMP/warn'"
	assertEquals "one warning" 1 "$(wc -l <"$TMP/warn")"
	# A copy of the config is the same domain too.
	rm "$TMP/root/etc/xen/auto/vm1"
	cp "$TMP/vm1.cfg" "$TMP/root/etc/xen/auto/vm1.cfg"
	validate
	assertTrue "a copy warned" "grep -q 'starts /etc/xen/auto/vm1.cfg at boot' '$TMP/warn'"
}

test_saved_image_of_this_domain() {
	settings 'XENDOMAINS_SAVE=/var/lib/xen/save' 'XENDOMAINS_RESTORE=true'
	: >"$TMP/root/var/lib/xen/save/vm1"
	validate OCF_RESKEY_domain_name=vm1
	assertTrue "the waiting image named" "grep -q 'saved image of vm1 waits in /var/lib/xen/save/vm1' '$TMP/warn'"
	validate OCF_RESKEY_domain_name=vm2
	assertFalse "no image of vm2" "grep -q 'saved image' '$TMP/warn'"
}

test_migrate_on_shutdown() {
	settings 'XENDOMAINS_MIGRATE="--live node2"'
	validate
	assertTrue "migration warned" "grep -q 'migrates the domains still running' '$TMP/warn'"
	assertEquals "one warning" 1 "$(wc -l <"$TMP/warn")"
}

test_safe_settings_no_warning() {
	settings 'XENDOMAINS_SAVE=' 'XENDOMAINS_RESTORE=true' 'XENDOMAINS_AUTO=/etc/xen/auto' \
		'XENDOMAINS_MIGRATE=""'
	cp "$TMP/other.cfg" "$TMP/root/etc/xen/auto/other.cfg"
	validate
	assertEquals "nothing xendomains would do to vm1" "" "$(cat "$TMP/warn")"
}

test_other_actions_do_not_warn() {
	settings 'XENDOMAINS_SAVE=/var/lib/xen/save' 'XENDOMAINS_RESTORE=true'
	env -i PATH="$PATH" OCF_ROOT="$OCF_ROOT" OCF_RESOURCE_INSTANCE=t __OCF_ACTION=monitor \
		HA_RSCTMP="$TMP" FERRY_TEST_ROOT="$TMP/root" OCF_RESKEY_config="$TMP/vm1.cfg" \
		OCF_RESKEY_storage=shared OCF_RESKEY_CRM_meta_interval=0 \
		"$top/agents/XenDomain" monitor >/dev/null 2>"$TMP/err"
	assertFalse "a probe does not read xendomains' settings" "grep -q xendomains '$TMP/err'"
}

# shellcheck source=/dev/null
. shunit2
