# shellcheck shell=bash
# Shared steps of the lab scenarios. Source it, then call scenario_init NAME.
# A scenario's last line is "NAME: ok k=v ..." or "NAME: FAILED reason";
# on failure the dom0 logs are collected and the results path is printed.

sc_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$sc_here/../../.." && pwd)
LAB=$top/tests/lab/lab
CACHE=${FERRY_LAB_CACHE:-$top/tests/lab/cache}
NET_CLUSTER=198.18.1
SC_NAME=
SC_DONE=
SC_DIR=
SC_CLEANUP=()

say() { printf '%s: %s\n' "$SC_NAME" "$*" >&2; }
on() { # on NODE CMD...: run CMD in NODE's dom0
	local n=$1
	shift
	"$LAB" exec "$n" -- "$@"
}
now_ms() { date +%s%3N; }

scenario_init() {
	SC_NAME=$1
	trap scenario_exit EXIT
	trap 'fail "interrupted"' INT TERM
	if [ "${FERRY_LAB_KEEP:-}" != 1 ] || ! "$LAB" status | grep -q running; then
		"$LAB" up "${2:-2}" >&2 || fail "lab up failed"
	fi
	SC_DIR=$("$LAB" results)/$SC_NAME
	mkdir -p "$SC_DIR"
	say "results: $SC_DIR"
}

# at_exit CMD...: undo a step when the scenario ends, whatever the outcome.
at_exit() { SC_CLEANUP=("$(printf '%q ' "$@")" "${SC_CLEANUP[@]}"); }

scenario_exit() {
	local rc=$? c
	trap - EXIT INT TERM
	for c in "${SC_CLEANUP[@]}"; do eval "$c" >>"$SC_DIR/cleanup.log" 2>&1; done
	if [ -z "$SC_DONE" ]; then
		"$LAB" collect >/dev/null 2>&1
		printf '%s: FAILED %s\n' "$SC_NAME" "exited $rc before its verdict (results: $SC_DIR)"
		exit 1
	fi
}

fail() {
	SC_DONE=failed
	say "results: $SC_DIR"
	"$LAB" collect >/dev/null 2>&1
	local c
	for c in "${SC_CLEANUP[@]}"; do eval "$c" >>"$SC_DIR/cleanup.log" 2>&1; done
	SC_CLEANUP=()
	printf '%s: FAILED %s\n' "$SC_NAME" "$*"
	exit 1
}

ok() {
	SC_DONE=ok
	local c
	for c in "${SC_CLEANUP[@]}"; do eval "$c" >>"$SC_DIR/cleanup.log" 2>&1; done
	SC_CLEANUP=()
	printf '%s: ok %s\n' "$SC_NAME" "$*"
	exit 0
}

# wait_until SECONDS WHAT CMD...: poll CMD every WAIT_POLL_S seconds
# (default 3) until it succeeds. Not every second: each poll is a command in
# an emulated dom0 (crm_resource alone costs about half a second of its
# CPU there), and a harness that polls too eagerly starves the very control
# plane it is watching.
WAIT_POLL_S=${WAIT_POLL_S:-3}
wait_until() {
	local secs=$1 what=$2 deadline=$(($(date +%s) + $1))
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || fail "timed out after ${secs}s waiting for $what"
		sleep "$WAIT_POLL_S"
	done
}

# wait_quiet SECONDS CMD...: like wait_until, but returns 1 instead of failing.
wait_quiet() {
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep "$WAIT_POLL_S"
	done
}

# Every dom0's clock from the lab's time server: guest clocks travel from one
# host's Xen wallclock to another's, and downtime is read from them.
clock_sync() {
	local n
	for n in $("$LAB" nodes); do
		on "$n" chronyd -q -f /lab/chrony.conf >>"$SC_DIR/chrony.log" 2>&1 ||
			say "warning: clock sync of $n failed"
	done
}

# --- ferry ----------------------------------------------------------------

FERRYCTL=/usr/sbin/ferryctl # installed by the package (tests/lab/dom0/install)

# ferryd on every host: a service bound to corosync (lab-service, the lab's
# systemctl); scenarios only make sure it runs and wait for its ledger.
ferryd_up() {
	local n
	for n in $("$LAB" nodes); do
		on "$n" lab-service start ferryd || fail "ferryd does not start on $n"
	done
	wait_until 120 "ferryd in sync on every host" ferryd_synced
}

ferryd_synced() {
	local n
	for n in $("$LAB" nodes); do
		on "$n" "$FERRYCTL" ledger show 2>/dev/null | grep -q 'in sync, quorate' || return 1
	done
}

# ledger_owner NAME [NODE]: the owner and epoch of NAME in NODE's ledger
# (default node1), as "node2 3" (lab nodes are named after their nodeid).
ledger_owner() {
	on "${2:-node1}" "$FERRYCTL" ledger show --brief 2>/dev/null |
		awk -v d="$1" '$1 == d { print ($3 ~ /^[0-9]+$/ ? "node" $3 : $3), $4 }'
}

# --- DRBD on LVM, by hand (the baseline's storage) --------------------------

# A new resource starts in sync without a resync: the guest's disk writer
# reads only its ring (the first 32 MiB), zeroed on both sides first, and
# DRBD is told that both sides are equal (new-current-uuid --clear-bitmap,
# DRBD's documented way to skip the initial sync of new, identical
# devices). A full resync of 128 MiB between emulated hosts took minutes.
DRBD_ZERO="dd if=/dev/zero bs=1M count=32 oflag=direct status=none of"

# drbd_in_sync RES NODE: both sides of a new, connected resource declared
# UpToDate (see above).
drbd_in_sync() {
	wait_until 120 "$1 connected" drbd_is "$1" "$2" 'connection:Connected'
	on "$2" drbdadm -- --clear-bitmap new-current-uuid "$1" >>"$SC_DIR/drbd.log" 2>&1 ||
		fail "drbd: $1 new-current-uuid --clear-bitmap"
	wait_until 120 "$1 UpToDate on both sides" drbd_is "$1" "$2" 'peer-disk:UpToDate'
	drbd_is "$1" "$2" 'disk:UpToDate' || fail "drbd: $1 not UpToDate"
}

# drbd_create RES MINOR PORT: an LV on each of node1/node2 and a protocol C
# resource on them, both sides UpToDate, Primary on node1. DRBD_FENCING=1
# adds cib-examples' fencing policy and ferry's fence-peer handler.
drbd_create() {
	local res=$1 minor=$2 port=$3 n fence='' handlers=''
	if [ "${DRBD_FENCING:-}" = 1 ]; then
		fence="fencing resource-and-stonith;"
		handlers='handlers { fence-peer "/usr/sbin/ferryctl drbd fence-peer"; }'
	fi
	for n in node1 node2; do
		on "$n" sh -c "lvs vg0/$res >/dev/null 2>&1 || lvcreate -q -y -L 128M -n $res vg0
cat >/etc/drbd.d/$res.res <<EOF
resource $res {
	net { protocol C; after-sb-0pri discard-zero-changes; after-sb-1pri discard-secondary; after-sb-2pri disconnect; }
	disk { c-plan-ahead 0; resync-rate 100M; $fence }
	$handlers
	device /dev/drbd$minor; disk /dev/vg0/$res; meta-disk internal;
	on node1 { address $NET_CLUSTER.1:$port; }
	on node2 { address $NET_CLUSTER.2:$port; }
}
EOF
drbdadm down $res 2>/dev/null; $DRBD_ZERO=/dev/vg0/$res &&
drbdadm create-md --force $res && drbdadm up $res" \
			>>"$SC_DIR/drbd.log" 2>&1 || fail "drbd: $res up on $n"
	done
	at_exit drbd_destroy "$res"
	drbd_in_sync "$res" node1
	on node1 drbdadm primary "$res" >>"$SC_DIR/drbd.log" 2>&1 || fail "drbd: primary on node1"
}

# drbd_is RES NODE FIELD: FIELD (e.g. role:Primary) appears in events2 --now.
drbd_is() { on "$2" drbdsetup events2 --now "$1" 2>/dev/null | grep -q -- " $3\( \|$\)"; }

drbd_destroy() {
	local res=$1 n
	for n in $("$LAB" nodes); do
		on "$n" sh -c "drbdadm secondary $res; drbdadm down $res; lvremove -q -y vg0/$res; rm -f /etc/drbd.d/$res.res"
	done
}

# The dual-primary window, opened by hand as an administrator would.
drbd_window_open() {
	local res=$1 n
	for n in node1 node2; do
		on "$n" drbdadm net-options --allow-two-primaries=yes "$res" >>"$SC_DIR/drbd.log" 2>&1 ||
			fail "drbd: allow-two-primaries on $n"
	done
	on node2 drbdadm primary "$res" >>"$SC_DIR/drbd.log" 2>&1 || fail "drbd: promote node2"
}

# --- the lab guest ------------------------------------------------------------

# guest_config NAME DISK [TYPE [DISK2]]: the lab guest's xl config on every
# host, at /etc/xen/NAME.cfg. DISK "" for a diskless guest; TYPE pvh
# (default) or pv; DISK2 a second disk (xvdb). No CPU cap: dom0's credit2
# weight keeps a busy guest from starving it (README, "Keeping the control
# plane responsive"), and a cap would halve a booting guest's speed (a new
# guest then stayed silent for over a minute in an emulated host).
# 96 MiB: the least the guest kernel boots in (74 MiB of it is the kernel's
# own segment), and every live migration sends it at least once.
# GUEST_BUSY=1 adds a CPU- and disk-busy workload inside the guest (a CPU
# spinner, and 256 KiB written every 100 ms on xvda past the writer's ring).
guest_config() {
	local name=$1 disk=$2 type=${3:-pvh} disk2=${4:-} n cfg
	cfg="name = \"$name\"
type = \"$type\"
kernel = \"$CACHE/vmlinuz\"
ramdisk = \"$CACHE/guest-initrd.cpio.gz\"
extra = \"console=hvc0 loglevel=3${GUEST_BUSY:+ ferry.busy=1}\"
memory = 96
vcpus = 1"
	[ -n "$disk" ] && cfg="$cfg
disk = [ \"phy:$disk,xvda,w\"${disk2:+, \"phy:$disk2,xvdb,w\"} ]"
	for n in $("$LAB" nodes); do
		# /persist/xen: the config survives a reboot of the host.
		printf '%s\n' "$cfg" | on "$n" sh -c "mkdir -p /etc/xen && cat >/etc/xen/$name.cfg &&
			cp /etc/xen/$name.cfg /persist/xen/" || fail "guest config on $n"
	done
	rm -f "$("$LAB" results)"/node*-guests/guest-"$name"*.log
}

# console NAME: the guest's console, from every host's xenconsoled logs,
# which the lab keeps in its results (so a crashed host's are there too;
# the target's file is named NAME--incoming when it was received).
console() {
	cat "$("$LAB" results)"/node*-guests/guest-"$1"*.log 2>/dev/null | tr -d '\r'
}

acks() { console "$1" | grep -c '^ack '; }
has_acks() { [ "$(acks "$1")" -ge "$2" ]; }
# current_boot NAME: the boot id of the guest's latest tick (by wall clock).
current_boot() { console "$1" | awk '$1 == "tick" && $5 > t { t = $5; b = $2 } END { print b }'; }
# last_tick NAME: the highest tick of the current boot.
last_tick() {
	console "$1" | awk -v b="$(current_boot "$1")" '$1 == "tick" && $2 == b && $3 > m { m = $3 } END { print m + 0 }'
}
ticks_after() { [ "$(last_tick "$1")" -gt "$2" ]; }
# boots NAME: how many times the guest booted, from its console.
boots() { console "$1" | awk '$1 == "tick" { b[$2] = 1 } END { n = 0; for (k in b) n++; print n }'; }

# runs_on NODE NAME: the domain exists on NODE and is neither paused, shut
# down, crashed nor dying (a start that hangs leaves a paused domain: that
# is not "running").
runs_on() { on "$1" xl list "$2" 2>/dev/null | awk -v d="$2" '$1 == d && $5 !~ /[psdc]/ { f = 1 } END { exit !f }'; }

# heartbeat_check NAME FROM_SEQ BOOT: the guest still runs boot BOOT (no
# reboot), and the downtime: the largest gap between consecutive ticks of
# that boot from FROM_SEQ, less the 100 ms period (BOOTTIME includes the
# suspended time). Prints the downtime in ms; or prints why and returns 1
# (call it as: d=$(heartbeat_check ...) || fail "$d").
heartbeat_check() {
	local now out last
	# The console must show the guest alive now, not only in the past.
	last=$(last_tick "$1")
	if ! wait_quiet 90 ticks_after "$1" "$last"; then
		echo "heartbeat: no new tick of $1 for 90 s (it is not running)"
		return 1
	fi
	# A guest kernel that oopsed or panicked after a move is not "running",
	# even while its last ticks look fine.
	out=$(console "$1" | grep -m1 -E 'BUG: |Kernel panic|Oops: |general protection fault')
	if [ -n "$out" ]; then
		echo "heartbeat: $1's kernel: $out"
		return 1
	fi
	now=$(current_boot "$1")
	if [ "$now" != "$3" ]; then
		echo "heartbeat: the guest rebooted (boot $3 -> ${now:-none})"
		return 1
	fi
	out=$(console "$1" | awk -v from="$2" -v b="$3" '
		$1 == "tick" && $2 == b { t[$3] = $4; if ($3 > max) max = $3 }
		END {
			gap = 0
			for (s = from + 1; s <= max; s++)
				if ((s in t) && ((s - 1) in t) && t[s] - t[s - 1] > gap) gap = t[s] - t[s - 1]
			print (gap > 100 ? gap - 100 : 0), max
		}')
	if [ "${out#* }" -le 0 ]; then
		echo "heartbeat: no ticks of boot $3"
		return 1
	fi
	echo "${out% *}"
}

# disk_check NAME NODE DEV: every acknowledged write of NAME is on NODE's DEV.
disk_check() {
	local res
	console "$1" | grep '^ack ' >"$SC_DIR/$1.acks"
	res=$(on "$2" "$CACHE/bin/seqcheck" "$3" <"$SC_DIR/$1.acks")
	say "$res"
	case $res in
	"seqcheck: ok"*) ;;
	*) fail "disk: $res" ;;
	esac
}

# --- storage=local ------------------------------------------------------------

# local_leftovers NODE: what a storage=local move left on NODE (a temporary
# DRBD, a table copy, a metadata LV, a resource file, a journal), empty
# when nothing.
local_leftovers() {
	on "$1" sh -c "dmsetup ls 2>/dev/null | grep -o 'ferry-orig[^[:space:]]*';
		lvs --noheadings -o lv_name vg0 2>/dev/null | grep -o 'ferry-meta-[0-9]*';
		drbdsetup status 2>/dev/null | grep -o '^ferry-local-[0-9]*';
		ls /run/ferry/drbd.d/ /var/lib/ferry/local/ 2>/dev/null | grep -v -e ':\$' -e '^\$'" |
		tr '\n' ' '
}

# local_plain NODE LV MIB: NODE's vg0/LV is a plain LV of MIB MiB.
local_plain() { [ "$(on "$1" "$FERRYCTL" lvm table "vg0/$2" 2>&1 | tail -n 1)" = "plain: $(($3 * 2048)) sectors" ]; }

# local_lv LV MIB: vg0/LV on node1 only, its start zeroed (the guest's
# writer ring), removed on both at the end with whatever a move left.
local_lv() {
	local n
	for n in node1 node2; do
		# A move that died leaves the LV slipped over DRBD: its own table
		# back first, or DRBD cannot go down.
		at_exit on $n sh -c "$FERRYCTL lvm move-step src-unslip vg0/$1 --source node1 --target node2 \
			--source-ip $NET_CLUSTER.1 --target-ip $NET_CLUSTER.2;
			for r in \$(drbdsetup status 2>/dev/null | grep -o '^ferry-local-[0-9]*'); do drbdsetup down \$r; done;
			dmsetup remove ferry-orig-vg0-$1; lvremove -q -y vg0/$1 \$(lvs --noheadings -o lv_path vg0 | grep ferry-meta);
			rm -rf /run/ferry/drbd.d /var/lib/ferry/local"
	done
	on node2 lvremove -q -y vg0/$1 >/dev/null 2>&1
	on node1 sh -c "lvcreate -q -y -L ${2}M -n $1 vg0 && $DRBD_ZERO=/dev/vg0/$1" >>"$SC_DIR/setup.log" 2>&1 ||
		fail "lvcreate vg0/$1 on node1: $(tail -n 1 "$SC_DIR/setup.log")"
}

# local_moved LV MIB SRC DST: after a move, DST's LV is plain, SRC's is
# gone, and nothing of the move is left on either node.
local_moved() {
	local n l
	local_plain "$4" "$1" "$2" || fail "$4: vg0/$1 is not a plain LV of $2 MiB after the move"
	on "$3" lvs "vg0/$1" >/dev/null 2>&1 && fail "$3: the source's LV vg0/$1 is still there"
	for n in node1 node2; do
		l=$(local_leftovers $n)
		[ -z "$l" ] || fail "$n: left behind after the move: $l"
	done
}

# --- Pacemaker ----------------------------------------------------------------

DRBD_EXAMPLE=$top/cib-examples/drbd.res.example

# pcmk_storage VM N [HOST_A HOST_B]: the example's DRBD resource for VM
# (DRBD minor N, port 7800+N) on an LV of HOST_A and HOST_B (default node1
# and node2), synced, both Secondary; and VM's config on every host.
pcmk_storage() {
	# (placeholders first: with the pair node2 node3, node1 -> node2 and then
	# node2 -> node3 would turn both host sections into node3)
	local vm=$1 n=$2 a=${3:-node1} b=${4:-node2} h res
	res=$(sed -e "s/vm1/$vm/g" -e "s|/dev/drbd1;|/dev/drbd$n;|" -e "s/:7801;/:$((7800 + n));/" \
		-e "s/on node1 { address $NET_CLUSTER.1:/on @a@ { address $NET_CLUSTER.${a#node}:/" \
		-e "s/on node2 { address $NET_CLUSTER.2:/on @b@ { address $NET_CLUSTER.${b#node}:/" \
		-e "s/@a@/$a/; s/@b@/$b/" "$DRBD_EXAMPLE")
	for h in "$a" "$b"; do
		drbd_is "$vm" "$h" 'disk:UpToDate' || continue
		# The data is in place. A host that rebooted (fenced by an earlier
		# scenario) gets its side up from the storage clone and resyncs:
		# never create it anew under a Primary.
		wait_until 600 "$vm UpToDate on both sides" drbd_is "$vm" "$h" 'peer-disk:UpToDate'
		return 0
	done
	for h in "$a" "$b"; do
		printf '%s\n' "$res" | on "$h" sh -c "cat >/etc/drbd.d/$vm.res &&
			{ lvs vg0/$vm >/dev/null 2>&1 || lvcreate -q -y -L 128M -n $vm vg0; } &&
			drbdadm down $vm 2>/dev/null; $DRBD_ZERO=/dev/vg0/$vm &&
			drbdadm create-md --force $vm && drbdadm up $vm &&
			drbdadm disk-options --c-plan-ahead=0 --resync-rate=100M $vm" \
			>>"$SC_DIR/drbd.log" 2>&1 || fail "DRBD $vm on $h"
	done
	drbd_in_sync "$vm" "$a"
	guest_config "$vm" "/dev/drbd$n"
}

# Pacemaker is asked on PCMK_NODE (a scenario that crashes node1 sets it
# to the survivor).
PCMK_NODE=node1
# pcmk_location VM: the node(s) Pacemaker says VM runs on. A pending start
# already counts (record-pending), so check the domain too (runs_on).
pcmk_location() {
	on "$PCMK_NODE" crm_resource --resource "$1" --locate 2>/dev/null |
		sed -n 's/.*is running on: \(node[0-9]*\).*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//'
}
# pcmk_is VM NODE: runs on NODE and nowhere else, per Pacemaker.
pcmk_is() { [ "$(pcmk_location "$1")" = "$2" ]; }
pcmk_started() { [ -n "$(pcmk_location "$1")" ] && ! pcmk_location "$1" | grep -q ' '; }
# pcmk_settle: wait until the cluster has no pending actions.
pcmk_settle() { on "$PCMK_NODE" crm_resource --wait --timeout=600s >/dev/null 2>&1; }
# pcmk_ops_since EPOCH RSC...: the operations other than monitors that
# Pacemaker recorded on RSC since EPOCH (s), as "id:operation" words.
pcmk_ops_since() {
	local t=$1 r xp=
	shift
	for r in "$@"; do xp="$xp${xp:+ | }//lrm_resource[@id='$r']/lrm_rsc_op[@operation!='monitor'][@last-rc-change>=$t]"; done
	on "$PCMK_NODE" cibadmin -Q --scope status 2>/dev/null |
		xmllint --xpath "$xp" - 2>/dev/null | grep -o 'id="[^"]*" operation_key="[^"]*"\|operation="[^"]*"' |
		tr '\n' ' '
}
# json_field JSON KEY: a number or boolean of a one-line JSON record of
# ferryctl's (`--json`, `ferryctl migrations`).
json_field() { sed -n "s/.*\"$2\": \([-0-9.a-z]*\).*/\1/p" <<<"$1" | head -n 1; }
other_node() { [ "$1" = node1 ] && echo node2 || echo node1; }

# --- the CIB, with Pacemaker's own C tools ------------------------------------
# The scenarios configure the cluster from cib-examples/cluster.xml with
# cibadmin and crm_attribute, not crmsh: crmsh is Python, and one `crm
# configure load` costs an emulated dom0 about a minute of its CPU, enough to
# make pacemakerd kill its own unresponsive subdaemons. The administrator's
# commands under test (`crm resource move`, `crm node standby`) stay crmsh.
# The agents tier checks that cluster.crm and cluster.xml hold the same
# cluster.
CIB_EXAMPLE=$top/cib-examples/cluster.xml

# cib_xpath XPATH [FILE]: the XML of what XPATH selects in FILE (cluster.xml).
cib_xpath() { sed '/^<!--/,/-->$/d' "${2:-$CIB_EXAMPLE}" | xmllint --xpath "$1" - 2>/dev/null; }

# cib_nvpairs SECTION TYPE: crm_config or rsc_defaults values of the example
# set with crm_attribute (TYPE crm_config or rsc_defaults).
cib_nvpairs() {
	local name value
	cib_xpath "//$1//nvpair" | grep -o 'name="[^"]*" value="[^"]*"' |
		while read -r name value; do
			name=${name#name=\"}; name=${name%\"}
			value=${value#value=\"}; value=${value%\"}
			on node1 crm_attribute --type "$2" --name "$name" --update "$value" >/dev/null 2>&1 ||
				echo "crm_attribute $2 $name=$value failed"
		done
}

# cib_create SECTION XML: add one resource or constraint (kept if its id
# exists already).
cib_create() {
	on node1 cibadmin --create --scope "$1" --xml-text "$2" >>"$SC_DIR/cib.log" 2>&1 ||
		on node1 cibadmin --replace --scope "$1" --xml-text "$2" >>"$SC_DIR/cib.log" 2>&1
}

# cib_load: the example's properties, defaults, resources and constraints
# (CIB_VM1_STOPPED set: vm1 configured stopped).
cib_load() {
	local sec i n x out
	out=$(cib_nvpairs crm_config crm_config; cib_nvpairs rsc_defaults rsc_defaults)
	[ -z "$out" ] || fail "$out"
	for sec in resources constraints; do
		n=$(cib_xpath "count(//$sec/*)")
		for ((i = 1; i <= n; i++)); do
			x=$(cib_xpath "(//$sec/*)[$i]")
			[ -n "$x" ] || continue
			[ -z "${CIB_VM1_STOPPED:-}" ] ||
				x=${x/'<meta_attributes id="vm1-meta">'/'<meta_attributes id="vm1-meta"><nvpair id="vm1-target-role" name="target-role" value="Stopped"/>'}
			cib_create "$sec" "$x" || fail "cibadmin: $(tail -n1 "$SC_DIR/cib.log")"
		done
	done
}

# cib_primitive VM [DRBD]: the example's vm1 primitive renamed VM (config
# /etc/xen/VM.cfg, DRBD resources DRBD, default VM), configured stopped.
cib_primitive() {
	cib_xpath "//primitive[@id='vm1']" | sed -e "s/vm1/$1/g" \
		-e "s|name=\"drbd_resource\" value=\"$1\"|name=\"drbd_resource\" value=\"${2:-$1}\"|" \
		-e "s|<meta_attributes id=\"$1-meta\">|&<nvpair id=\"$1-target-role\" name=\"target-role\" value=\"Stopped\"/>|"
}

# pcmk_base [idle]: the cluster of cib-examples/cluster.xml (fencing, the
# storage clone, vm1 with its DRBD storage), vm1 started somewhere. Reused
# when it is there already. With "idle", a scenario that moves a guest of
# its own and does not need vm1: a cluster loaded here gets vm1 configured
# but stopped (make check's Pacemaker scenarios: vm1's boot, its writer and
# its replication would cost the emulated hosts minutes), and a vm1 that
# runs already is left running.
pcmk_base() {
	pcmk_storage vm1 1
	if ! on node1 crm_resource --resource vm1 --query-xml >/dev/null 2>&1; then
		CIB_VM1_STOPPED=${1:-} cib_load
	fi
	if [ "${1:-}" != idle ]; then
		on node1 crm_resource --resource vm1 --meta --delete-parameter target-role >/dev/null 2>&1
		on node1 crm_resource --resource vm1 --cleanup >/dev/null 2>&1
		wait_until 600 "vm1 started" pcmk_started vm1
	fi
	pcmk_settle
	at_exit on node1 crm_resource --resource vm1 --clear
}

# pcmk_add VM N NODE [DRBD]: another domain like vm1 (the example's vm1
# primitive) on DRBD minor N, started on NODE without a migration:
# configured stopped, pinned to NODE, started, unpinned. Its DRBD resource
# joins the storage clone's list, as an administrator adding a domain would
# do.
pcmk_add() {
	local vm=$1 node=$3
	pcmk_storage "$vm" "$2"
	pcmk_configure "$vm" "$node"
	at_exit pcmk_remove "$vm"
}

# pcmk_configure VM NODE [DRBD]: VM's primitive (DRBD resources DRBD,
# default VM) created stopped, pinned to NODE, started there, unpinned.
pcmk_configure() {
	local vm=$1 node=$2 drbd=${3:-$1} r
	cib_create resources "$(cib_primitive "$vm" "$drbd")" || fail "configuring $vm"
	for r in $drbd; do storage_list_add "$r"; done
	on node1 crm_resource --resource "$vm" --move --node "$node" >/dev/null 2>&1 || fail "pinning $vm to $node"
	on node1 crm_resource --resource "$vm" --meta --set-parameter target-role --parameter-value Started \
		>/dev/null 2>&1 || fail "starting $vm"
	wait_until 600 "$vm started on $node" pcmk_is "$vm" "$node"
	on node1 crm_resource --resource "$vm" --clear >/dev/null 2>&1
	pcmk_settle
}

# The storage clone's DRBD resources: the example's, plus or minus one.
storage_list() {
	on node1 crm_resource --resource ferry-storage --get-parameter drbd_resources 2>/dev/null | tail -n 1
}
# storage_list_set LIST: drbd_resources changed, as an administrator adding
# or removing a domain does. The parameter is reloadable (OCF 1.1): each
# running instance must get the agent's reload-agent, and none a stop (the
# CIB's history cannot tell: Pacemaker records a reload as a start, so the
# nodes' logs are read). Returns 1 and says why otherwise (a cleanup's
# removal must not end the scenario there).
storage_list_set() {
	local nodes n i=0 counts=() s r s2 r2
	[ "$(storage_list)" != "$1" ] || return 0
	nodes=$(pcmk_location ferry-storage)
	for n in $nodes; do counts+=("$(storage_op_counts "$n")"); done
	if ! on node1 crm_resource --resource ferry-storage --set-parameter drbd_resources \
		--parameter-value "$1" >/dev/null 2>&1; then
		echo "setting drbd_resources to '$1' failed" >&2
		return 1
	fi
	pcmk_settle
	for n in $nodes; do
		read -r s r <<<"${counts[i]}"
		read -r s2 r2 <<<"$(storage_op_counts "$n")"
		i=$((i + 1))
		if [ "${s2:-0}" -gt "${s:-0}" ] || [ "${r2:-0}" -le "${r:-0}" ]; then
			echo "drbd_resources '$1': the storage clone on $n was not reloaded (stops $s -> $s2, reloads $r -> $r2)" >&2
			return 1
		fi
	done
}
# storage_op_counts NODE: "STOPS RELOADS" of ferry-storage in NODE's log.
storage_op_counts() {
	on "$1" sh -c "printf '%s %s\n' \
		\$(grep -c 'Result of stop operation for ferry-storage on' /var/log/messages) \
		\$(grep -c 'Result of reload-agent operation for ferry-storage on' /var/log/messages)"
}
storage_list_add() {
	local l
	l=$(storage_list)
	case " $l " in *" $1 "*) ;; *) storage_list_set "$l $1" 2>>"$SC_DIR/storage.log" ||
		fail "$(tail -n 1 "$SC_DIR/storage.log")" ;; esac
}
storage_list_del() {
	local l
	l=$(storage_list)
	storage_list_set "$(printf '%s\n' "$l" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ' | sed 's/ $//')"
}

# pcmk_remove_only VM: stop it and delete it from the CIB (its storage is
# the caller's).
pcmk_remove_only() {
	on node1 crm_resource --resource "$1" --meta --set-parameter target-role --parameter-value Stopped
	pcmk_settle
	on node1 cibadmin --delete --scope resources --xml-text "<primitive id=\"$1\"/>"
	local r
	for r in $(storage_list); do
		case $r in "$1"*) storage_list_del "$r" ;; esac
	done
	pcmk_settle
}

# pcmk_remove VM: stop it, delete it from the CIB, and its storage.
pcmk_remove() {
	pcmk_remove_only "$1"
	drbd_destroy "$1"
}

# --- the target's pre-flight ---------------------------------------------------

# preflight_refused NAME FROM TO PATTERN: `ferryctl domain migrate` of NAME
# from FROM to TO is refused (exit 20) with a reason matching PATTERN
# (grep -E), and changed nothing: NAME runs on FROM, the ledger still gives
# it to FROM, no incoming copy on TO.
preflight_refused() {
	local g=$1 from=$2 to=$3 pat=$4 out rc owner
	out=$(on "$from" "$FERRYCTL" domain migrate "$g" "$to" 2>&1)
	rc=$?
	printf '%s\n' "$out" >>"$SC_DIR/preflight.log"
	[ "$rc" = 20 ] || fail "pre-flight: migrate of $g to $to: exit $rc, expected 20 (refused): $out"
	grep -q -E -- "$pat" <<<"$out" || fail "pre-flight: the refusal does not say '$pat': $out"
	runs_on "$from" "$g" || fail "pre-flight: the refused migration disturbed $g on $from"
	read -r owner _ <<<"$(ledger_owner "$g")"
	[ "$owner" = "$from" ] || fail "pre-flight: after the refusal the ledger gives $g to '$owner'"
	! on "$to" xl list "$g--incoming" >/dev/null 2>&1 ||
		fail "pre-flight: an incoming copy of $g was left on $to"
}

# preflight_checks NAME FROM TO: the target's pre-flight (migrate_preflight.c)
# on real hosts. NAME runs on FROM with a disk on an LV and a NIC on a
# bridge that exist on FROM only; TO lacks, in turn, the config file, the
# bridge and the LV, and each migration is refused with that reason before
# anything changed; with everything in place it goes through. Leaves NAME
# running on TO. Needs ferryd up (ferryd_up).
preflight_checks() {
	local g=$1 from=$2 to=$3 lv=pf-$1 br=fpbr0 n out
	for n in "$from" "$to"; do
		at_exit on "$n" sh -c "ip link del $br; lvremove -q -y vg0/$lv"
		at_exit on "$n" "$FERRYCTL" ledger release "$g"
		at_exit on "$n" "$FERRYCTL" domain destroy "$g"
	done
	on "$from" sh -c "lvcreate -q -y -L 16M -n $lv vg0 && ip link add $br type bridge &&
		ip link set $br up" >>"$SC_DIR/preflight.log" 2>&1 ||
		fail "pre-flight: LV $lv and bridge $br on $from"
	guest_config "$g" "/dev/vg0/$lv"
	for n in $("$LAB" nodes); do
		on "$n" sh -c "echo 'vif = [ \"bridge=$br\" ]' >>/etc/xen/$g.cfg" ||
			fail "pre-flight: the NIC in $g's config on $n"
	done
	on "$from" "$FERRYCTL" ledger claim "$g" >/dev/null || fail "pre-flight: ledger claim of $g"
	on "$from" "$FERRYCTL" domain create "/etc/xen/$g.cfg" >>"$SC_DIR/preflight.log" 2>&1 ||
		fail "pre-flight: create of $g on $from (see preflight.log)"
	wait_until 120 "$g's heartbeat" ticks_after "$g" 10

	on "$to" mv "/etc/xen/$g.cfg" "/etc/xen/$g.cfg.away" || fail "pre-flight: moving the config away"
	preflight_refused "$g" "$from" "$to" "config file /etc/xen/$g.cfg is missing on $to"
	on "$to" mv "/etc/xen/$g.cfg.away" "/etc/xen/$g.cfg" || fail "pre-flight: config back"

	preflight_refused "$g" "$from" "$to" "bridge $br of NIC 0 is absent on $to"
	on "$to" sh -c "ip link add $br type bridge && ip link set $br up" ||
		fail "pre-flight: bridge $br on $to"

	preflight_refused "$g" "$from" "$to" \
		"(logical volume /dev/vg0/$lv|volume group vg0 of /dev/vg0/$lv) is absent or not active on $to"
	on "$to" lvcreate -q -y -L 16M -n "$lv" vg0 >>"$SC_DIR/preflight.log" 2>&1 ||
		fail "pre-flight: LV $lv on $to"

	out=$(on "$from" "$FERRYCTL" domain migrate "$g" "$to" 2>&1) ||
		fail "pre-flight: with everything in place the migration failed: $out"
	runs_on "$to" "$g" || fail "pre-flight: $g does not run on $to after the migration"
}
