#!/bin/sh
# shunit2: the OCF contract of ferry's agents that holds on any node, with or
# without Xen: meta-data valid against the OCF DTD, defaults, parameter
# validation with exit reasons, probes and stops where nothing runs, usage.
# The contract on a real Xen/DRBD node (start, monitor, stop, idempotence,
# ocf-tester) is the lab's agents-ocf scenario.

top=$(cd "$(dirname "$0")/../.." && pwd)
DTD=/usr/share/resource-agents/ra-api-1.dtd
RNG_1_1=/usr/share/pcs/data/ocf-1.1.rng
export OCF_ROOT=/usr/lib/ocf
TMP=$(mktemp -d)
# The agents call ferryctl; this one is the build's.
PATH=$top/build:$PATH
export PATH

oneTimeTearDown() { rm -rf "$TMP"; }

# agent NAME ACTION [VAR=VALUE...]: run an agent; stdout in $TMP/out, stderr
# in $TMP/err, exit code returned.
agent() {
	a=$1
	act=$2
	shift 2
	env -i PATH="$PATH" OCF_ROOT="$OCF_ROOT" OCF_RESOURCE_INSTANCE=t __OCF_ACTION="$act" \
		HA_RSCTMP="$TMP" "$@" "$top/agents/$a" "$act" >"$TMP/out" 2>"$TMP/err"
}

# OCF exit reasons are printed with this prefix on stderr.
reason() { sed -n 's/^ocf-exit-reason://p' "$TMP/err" | tail -n 1; }

# An agent that claims OCF 1.1 (storage: reload-agent, reloadable
# parameters) is checked against OCF 1.1's schema, which pcs ships; the
# others against resource-agents' OCF 1.0 DTD.
test_metadata_valid() {
	for a in XenDomain storage; do
		agent $a meta-data
		assertEquals "$a meta-data exit" 0 $?
		if [ "$(xmllint --xpath 'string(/resource-agent/version)' "$TMP/out")" = 1.1 ]; then
			xmllint --noout --relaxng "$RNG_1_1" "$TMP/out" 2>"$TMP/xml"
			assertEquals "$a meta-data validates against ocf-1.1.rng: $(cat "$TMP/xml")" 0 $?
		else
			(cd "$(dirname "$DTD")" && xmllint --noout --dtdvalid "$DTD" "$TMP/out" 2>"$TMP/xml")
			assertEquals "$a meta-data validates against ra-api-1.dtd: $(cat "$TMP/xml")" 0 $?
		fi
	done
}

test_metadata_timeouts_have_units() {
	for a in XenDomain storage; do
		agent $a meta-data
		bad=$(grep -o 'timeout="[^"]*"' "$TMP/out" | grep -v 'timeout="[0-9]*s"')
		assertEquals "$a: every timeout ends in s" "" "$bad"
	done
}

test_metadata_actions() {
	agent XenDomain meta-data
	for act in start stop monitor migrate_to migrate_from validate-all meta-data; do
		assertTrue "XenDomain advertises $act" "grep -q 'action name=\"$act\"' $TMP/out"
	done
	agent storage meta-data
	for act in start stop monitor reload-agent validate-all meta-data; do
		assertTrue "storage advertises $act" "grep -q 'action name=\"$act\"' $TMP/out"
	done
}

test_metadata_defaults_match_the_code() {
	agent XenDomain meta-data
	for p in storage:drbd lvm_stack:none shutdown_timeout:60 migration:live encryption:on \
		migration_port:7780 migration_speed:0 keep_source:false; do
		name=${p%%:*}
		want=${p#*:}
		got=$(xmllint --xpath "string(//parameter[@name='$name']/content/@default)" "$TMP/out")
		assertEquals "default of $name" "$want" "$got"
	done
}

test_validate_needs_config() {
	agent XenDomain validate-all OCF_RESKEY_drbd_resource=r0
	assertEquals "no config: not configured" 6 $?
	assertContains "$(reason)" "config parameter is required"
}

test_validate_rejects_bad_values() {
	for bad in storage=nfs lvm_stack=sideways migration=teleport encryption=maybe \
		shutdown_timeout=soon shutdown_timeout=0 migration_port=http migration_speed=fast \
		migration_speed=-5 keep_source=maybe; do
		agent XenDomain validate-all OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=r0 \
			"OCF_RESKEY_$bad"
		assertEquals "$bad: not configured" 6 $?
		assertNotEquals "$bad: an exit reason" "" "$(reason)"
	done
}

test_validate_drbd_storage_needs_a_resource() {
	: >"$TMP/vm.cfg"
	agent XenDomain validate-all OCF_RESKEY_config="$TMP/vm.cfg"
	assertEquals 6 $?
	assertContains "$(reason)" "drbd_resource"
}

# storage=local names its disk: without volume_group and logical_volume
# there is nothing to move.
test_validate_local_storage_needs_its_lv() {
	: >"$TMP/vm.cfg"
	agent XenDomain validate-all OCF_RESKEY_config="$TMP/vm.cfg" OCF_RESKEY_storage=local \
		OCF_RESKEY_volume_group=vg0
	assertEquals 6 $?
	assertContains "$(reason)" "logical_volume"
}

# A missing config is reported as that, before anything that depends on it.
test_validate_missing_config_first() {
	agent XenDomain validate-all
	assertEquals "no config parameter: not configured" 6 $?
	assertContains "$(reason)" "config parameter is required"
	# Set but absent on this node (and no drbd_resource either): the
	# file is what is missing, a node-local gap (README: 5, not 6).
	agent XenDomain validate-all OCF_RESKEY_config="$TMP/missing.cfg"
	assertEquals "config file missing here: not installed" 5 $?
	assertContains "$(reason)" "config file $TMP/missing.cfg is not readable on this node"
	assertNotContains "$(reason)" "drbd_resource"
}

# Up to 16 DRBD resources pass (the next check speaks: here, drbdadm knows
# none of them; the lab's agents-ocf validates real ones); 17 are refused
# with the limit named.
test_validate_many_drbd_resources() {
	: >"$TMP/vm.cfg"
	agent XenDomain validate-all OCF_RESKEY_config="$TMP/vm.cfg" \
		OCF_RESKEY_drbd_resource="r1,r2,r3,r4,r5"
	rc=$?
	assertNotEquals "five resources are not bad arguments" 2 "$rc"
	assertNotEquals "five resources are not a bad parameter" 6 "$rc"
	assertContains "$(reason)" "DRBD resource r1 is not configured on this node"
	list=r1
	for i in 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do list="$list r$i"; done
	agent XenDomain validate-all OCF_RESKEY_config="$TMP/vm.cfg" OCF_RESKEY_drbd_resource="$list"
	assertContains "16 pass" "$(reason)" "DRBD resource r1 is not configured"
	agent XenDomain validate-all OCF_RESKEY_config="$TMP/vm.cfg" \
		OCF_RESKEY_drbd_resource="$list r17"
	assertEquals "17 resources: not configured" 6 $?
	assertContains "$(reason)" "more than 16 DRBD resources"
}

# drbd_resource reaches ferryctl literally (no globbing, no echo) and
# ferryctl refuses what is not a DRBD resource name, saying why.
test_drbd_resource_passed_literally() {
	mkdir -p "$TMP/cwd" && : >"$TMP/cwd/r0-evil"
	(cd "$TMP/cwd" && agent XenDomain validate-all OCF_RESKEY_config=/etc/xen/x.cfg \
		OCF_RESKEY_drbd_resource='r*')
	assertEquals "r*: not configured" 6 $?
	assertContains "$(reason)" "DRBD resource name 'r*' contains '*'"
	agent XenDomain validate-all OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=-n
	assertEquals "-n: not configured" 6 $?
	assertContains "$(reason)" "DRBD resource name '-n' begins with '-'"
	agent XenDomain validate-all OCF_RESKEY_config=/etc/xen/x.cfg \
		OCF_RESKEY_drbd_resource='r0, -n'
	assertEquals "r0, -n: not configured" 6 $?
	assertContains "$(reason)" "'-n' begins with '-'"
	agent XenDomain validate-all OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=all
	assertEquals "all: not configured" 6 $?
	assertContains "$(reason)" "drbdadm reads 'all' as every resource"
}

test_numbers_out_of_range() {
	agent XenDomain validate-all OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=r0 \
		OCF_RESKEY_shutdown_timeout=4294967297
	assertEquals "shutdown_timeout=4294967297: not configured" 6 $?
	assertContains "$(reason)" "shutdown_timeout: 4294967297 is out of range (1..86400)"
	agent XenDomain validate-all OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=r0 \
		OCF_RESKEY_migration_port=70000
	assertEquals "migration_port=70000: not configured" 6 $?
	assertContains "$(reason)" "migration_port: 70000 is out of range (1..65535)"
	agent XenDomain validate-all OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=r0 \
		OCF_RESKEY_migration_port=0
	assertEquals "migration_port=0: not configured" 6 $?
	assertContains "$(reason)" "migration_port: 0 is out of range"
}

test_domain_name_limit() {
	n63=$(printf '%063d' 0 | tr 0 d)
	agent XenDomain validate-all OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=r0 \
		OCF_RESKEY_domain_name="${n63}d"
	assertEquals "64-byte domain_name: not configured" 6 $?
	assertContains "$(reason)" "longer than 63 bytes"
	agent XenDomain validate-all OCF_RESKEY_config="$TMP/missing.cfg" \
		OCF_RESKEY_drbd_resource=r0 OCF_RESKEY_domain_name="$n63"
	assertEquals "63 bytes pass (the config file is what is missing)" 5 $?
}

test_validate_unreadable_config() {
	agent XenDomain validate-all OCF_RESKEY_config="$TMP/missing.cfg" OCF_RESKEY_storage=shared
	assertEquals "missing config file on this node: not installed" 5 $?
	assertContains "$(reason)" "not readable"
}

test_probe_without_config_is_not_running() {
	# A probe on a node that lacks the config must say "not running".
	agent XenDomain monitor OCF_RESKEY_config="$TMP/missing.cfg" OCF_RESKEY_storage=shared \
		OCF_RESKEY_CRM_meta_interval=0
	assertEquals "probe: not running" 7 $?
}

test_probe_without_ferryctl_is_not_running() {
	agent XenDomain monitor OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=r0 \
		OCF_RESKEY_ferryctl=/nonexistent/ferryctl OCF_RESKEY_CRM_meta_interval=0
	assertEquals "probe without ferryctl: not running" 7 $?
	agent XenDomain monitor OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=r0 \
		OCF_RESKEY_ferryctl=/nonexistent/ferryctl OCF_RESKEY_CRM_meta_interval=10000
	assertEquals "recurring monitor without ferryctl: not installed" 5 $?
}

test_stop_without_ferry_succeeds() {
	# Nothing of ferry here, so nothing runs: stop succeeds, twice.
	for i in 1 2; do
		agent XenDomain stop OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=r0 \
			OCF_RESKEY_ferryctl=/nonexistent/ferryctl
		assertEquals "XenDomain stop #$i" 0 $?
		agent storage stop OCF_RESKEY_drbd_resources=r0 OCF_RESKEY_ferryctl=/nonexistent/ferryctl
		assertEquals "storage stop #$i" 0 $?
	done
}

test_storage_started_or_not() {
	# The clone instance's state is its own: DRBD is left up on stop.
	agent storage monitor OCF_RESKEY_drbd_resources=r0 OCF_RESKEY_CRM_meta_interval=0
	assertEquals "storage probe before any start" 7 $?
	touch "$TMP/ferry-storage-t.started"
	agent storage stop OCF_RESKEY_drbd_resources=r0
	assertEquals "storage stop" 0 $?
	assertFalse "stop forgets the instance" "[ -e $TMP/ferry-storage-t.started ]"
	agent storage monitor OCF_RESKEY_drbd_resources=r0 OCF_RESKEY_CRM_meta_interval=0
	assertEquals "storage monitor after stop" 7 $?
}

test_storage_monitor_one_check() {
	# A FAKE ferryctl: it stands in for ferryd to reach the monitor's
	# verdicts without DRBD (the real one answers in every lab scenario).
	# It records how it was called and answers what FAKE_ANSWER says.
	cat >"$TMP/fakectl" <<'FAKE'
#!/bin/sh
echo "$*" >>"$TMP_LOG"
case $FAKE_ANSWER in
up) for r in "$@"; do case $r in drbd | check) ;; *) echo "$r: up, disk UpToDate" ;; esac; done ;;
down) echo "r0: up, disk UpToDate"; echo "r1: not up"; exit 4 ;;
esac
FAKE
	chmod +x "$TMP/fakectl"
	printf '# DRBD resources configured here at start\nr0\nr1\n' >"$TMP/ferry-storage-t.started"
	rm -f "$TMP/calls"
	agent storage monitor OCF_RESKEY_drbd_resources=r0,r1 OCF_RESKEY_ferryctl="$TMP/fakectl" \
		TMP_LOG="$TMP/calls" FAKE_ANSWER=up
	assertEquals "both up" 0 $?
	assertEquals "one check for every resource" "drbd check r0 r1" "$(cat "$TMP/calls")"
	agent storage monitor OCF_RESKEY_drbd_resources=r0,r1 OCF_RESKEY_ferryctl="$TMP/fakectl" \
		TMP_LOG="$TMP/calls" FAKE_ANSWER=down
	assertEquals "one not up" 1 $?
	assertContains "the reason names it" "$(reason)" "r1: not up"
	# none configured here at start: nothing to ask
	printf '# DRBD resources configured here at start\n' >"$TMP/ferry-storage-t.started"
	rm -f "$TMP/calls"
	agent storage monitor OCF_RESKEY_drbd_resources=r0,r1 OCF_RESKEY_ferryctl="$TMP/fakectl" \
		TMP_LOG="$TMP/calls" FAKE_ANSWER=down
	assertEquals "none here" 0 $?
	assertFalse "ferryctl not called" "[ -e $TMP/calls ]"
	rm -f "$TMP/ferry-storage-t.started"
}

test_storage_validate() {
	agent storage validate-all OCF_RESKEY_drbd_resources=
	assertEquals "no resources: not configured" 6 $?
	assertContains "$(reason)" "drbd_resources"
	agent storage validate-all OCF_RESKEY_drbd_resources="ferry-no-such-res"
	assertEquals "a resource this node does not configure is skipped" 0 $?
	agent storage validate-all OCF_RESKEY_drbd_resources=r0 OCF_RESKEY_ferryctl=/nonexistent/ferryctl
	assertEquals "no ferryctl: not installed" 5 $?
}

test_unknown_action() {
	agent XenDomain frobnicate OCF_RESKEY_config=/etc/xen/x.cfg OCF_RESKEY_drbd_resource=r0
	assertEquals "XenDomain unknown action" 3 $?
	agent storage frobnicate OCF_RESKEY_drbd_resources=r0
	assertEquals "storage unknown action" 3 $?
}

test_shellcheck_clean() {
	command -v shellcheck >/dev/null || startSkipping
	out=$(shellcheck -s sh "$top/agents/XenDomain" "$top/agents/storage" 2>&1)
	assertEquals "shellcheck: $out" 0 $?
}

# shellcheck source=/dev/null
. shunit2
