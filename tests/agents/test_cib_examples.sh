#!/bin/sh
# shunit2: the CIB examples are valid. cluster.xml against Pacemaker's schema
# (crm_verify); cluster.crm is loaded by every Pacemaker scenario of the lab;
# cluster.pcs with `pcs -f` (make deps installs pcs).

top=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
oneTimeTearDown() { rm -rf "$TMP"; }

# cib FILE.xml: a whole CIB around a configuration section.
cib() {
	{
		echo '<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">'
		sed '/^<!--/,/-->$/d' "$1"
		echo '<status/></cib>'
	} >"$TMP/cib.xml"
}

test_cluster_xml_is_valid() {
	cib "$top/cib-examples/cluster.xml"
	out=$(crm_verify --xml-file "$TMP/cib.xml" 2>&1)
	assertEquals "crm_verify: $out" 0 $?
}

test_cluster_xml_has_the_cluster() {
	cib "$top/cib-examples/cluster.xml"
	for x in "//primitive[@id='vm1'][@provider='ferry'][@type='XenDomain']" \
		"//clone[@id='ferry-storage-clone']/primitive[@type='storage']" \
		"//primitive[@id='vm1']/meta_attributes/nvpair[@name='allow-migrate'][@value='true']" \
		"//nvpair[@name='stonith-enabled'][@value='true']"; do
		n=$(xmllint --xpath "count($x)" "$TMP/cib.xml")
		assertEquals "$x" 1 "$n"
	done
}

test_domains_do_not_depend_on_a_clone() {
	# A clone's failure or stop must never stop or move a running domain.
	cib "$top/cib-examples/cluster.xml"
	n=$(xmllint --xpath "count(//rsc_order[@then='vm1'] | //rsc_colocation[@rsc='vm1'])" "$TMP/cib.xml")
	assertEquals "constraints on vm1" 0 "$n"
}

test_every_ocf_resource_sets_its_timeouts() {
	# Pacemaker does not read timeouts from an agent's meta-data: an op
	# without one gets 20 s, which a start on a loaded host outlives (and a
	# timed-out reload-agent is recovered by a stop and a start). Every
	# action Pacemaker runs by itself, as the agent's meta-data lists them.
	cib "$top/cib-examples/cluster.xml"
	for id in $(xmllint --xpath '//primitive[@class="ocf"]/@id' "$TMP/cib.xml" | sed 's/ id="\([^"]*\)"/\1 /g'); do
		type=$(xmllint --xpath "string(//primitive[@id='$id']/@type)" "$TMP/cib.xml")
		ops=$(OCF_ROOT=/usr/lib/ocf __OCF_ACTION=meta-data "$top/agents/$type" meta-data |
			xmllint --xpath '//action/@name' - | sed 's/ name="\([^"]*\)"/\1 /g')
		assertContains "$type's meta-data lists start" "$ops" start
		for op in $ops; do
			case $op in meta-data | validate-all) continue ;; esac
			n=$(xmllint --xpath "count(//primitive[@id='$id']/operations/op[@name='$op'][@timeout])" "$TMP/cib.xml")
			assertEquals "$id has a $op timeout" 1 "$n"
		done
	done
}

test_crm_and_xml_agree() {
	# The same resources and constraints in both forms.
	ids_crm=$(sed -n 's/^\(primitive\|clone\|location\|order\|colocation\) \([^ ]*\).*/\2/p' \
		"$top/cib-examples/cluster.crm" | sort | tr '\n' ' ')
	cib "$top/cib-examples/cluster.xml"
	ids_xml=$(xmllint --xpath '//resources//primitive/@id | //resources/clone/@id | //constraints/*/@id' \
		"$TMP/cib.xml" | sed 's/ id="\([^"]*\)"/\1\n/g' | sort | tr '\n' ' ')
	# shellcheck disable=SC2086 # one id per word
	assertEquals "$ids_crm" "$(printf '%s\n' $ids_xml | sort | tr '\n' ' ')"
}

# cluster.pcs applied by pcs to an empty CIB file, as an administrator
# would with `pcs -f`. pcs checks every agent parameter against the agent's
# meta-data, which crm_resource finds only under /usr/lib/ocf/resource.d:
# ferry's agents are put there in a mount namespace of this test alone
# (a copy of the directory with ferry/ added), so the host is not touched.
test_cluster_pcs() {
	if ! command -v pcs >/dev/null; then
		echo "SKIP: pcs is not installed (make deps installs it)"
		startSkipping
	elif [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
		echo "SKIP: needs root for a mount namespace"
		startSkipping
	fi
	cibadmin --empty >"$TMP/pcs.xml"
	mkdir -p "$TMP/resource.d/ferry"
	for d in /usr/lib/ocf/resource.d/*; do
		ln -s "$d" "$TMP/resource.d/"
	done
	cp "$top/agents/XenDomain" "$top/agents/storage" "$TMP/resource.d/ferry/"
	sed "s|^pcs |pcs -f $TMP/pcs.xml |" "$top/cib-examples/cluster.pcs" >"$TMP/pcs.sh"
	# shellcheck disable=SC2016 # $1 is the inner shell's
	unshare -m sh -c 'mount --bind "$1/resource.d" /usr/lib/ocf/resource.d && sh "$1/pcs.sh"' \
		sh "$TMP" >"$TMP/pcs.out" 2>&1
	assertEquals "pcs: $(tail -n 3 "$TMP/pcs.out")" 0 $?
	out=$(crm_verify --xml-file "$TMP/pcs.xml" 2>&1)
	assertEquals "crm_verify of pcs's CIB: $out" 0 $?
	# What pcs made is the cluster of cluster.crm: the same resources.
	ids_crm=$(sed -n 's/^\(primitive\|clone\) \([^ ]*\).*/\2/p' \
		"$top/cib-examples/cluster.crm" | sort | tr '\n' ' ')
	ids_pcs=$(xmllint --xpath '//resources//primitive/@id | //resources/clone/@id' \
		"$TMP/pcs.xml" | sed 's/ id="\([^"]*\)"/\1\n/g' | sort | tr '\n' ' ')
	# shellcheck disable=SC2086 # one id per word
	assertEquals "pcs's resources are cluster.crm's" "$ids_crm" \
		"$(printf '%s\n' $ids_pcs | sort | tr '\n' ' ')"
	assertTrue "vm1 migrates" \
		"xmllint --xpath '//primitive[@id=\"vm1\"]//nvpair[@name=\"allow-migrate\"][@value=\"true\"]' '$TMP/pcs.xml'"
}

# shellcheck source=/dev/null
. shunit2
