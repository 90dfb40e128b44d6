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

# wait_until SECONDS WHAT CMD...: poll CMD every second until it succeeds.
wait_until() {
	local secs=$1 what=$2 deadline=$(($(date +%s) + $1))
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || fail "timed out after ${secs}s waiting for $what"
		sleep 1
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

FERRYCTL=$top/build/ferryctl
FERRYD=$top/build/ferryd

# ferryd on every host (until the ferryd clone agent runs it).
ferryd_up() {
	local n
	for n in $("$LAB" nodes); do
		on "$n" sh -c "[ -f /etc/ferry/authkey ] || { mkdir -p /etc/ferry; cp /lab/ferry-authkey /etc/ferry/authkey; chmod 0400 /etc/ferry/authkey; }
			[ -f /run/ferryd.pid ] && kill -0 \$(cat /run/ferryd.pid) 2>/dev/null || $FERRYD -p /run/ferryd.pid" ||
			fail "ferryd does not start on $n"
	done
	wait_until 60 "ferryd in sync on every host" ferryd_synced
}

ferryd_synced() {
	local n
	for n in $("$LAB" nodes); do
		on "$n" "$FERRYCTL" ledger show 2>/dev/null | grep -q 'in sync, quorate' || return 1
	done
}

# ledger_owner NAME: the owner and epoch of NAME, as "node2 3" (lab nodes
# are named after their corosync nodeid).
ledger_owner() {
	on node1 "$FERRYCTL" ledger show --brief 2>/dev/null |
		awk -v d="$1" '$1 == d { print ($3 ~ /^[0-9]+$/ ? "node" $3 : $3), $4 }'
}

# --- DRBD on LVM, by hand (the baseline's storage) --------------------------

# drbd_create RES MINOR PORT: an LV on each of node1/node2 and a protocol C
# resource on them, synced from node1, both sides UpToDate.
drbd_create() {
	local res=$1 minor=$2 port=$3 n
	for n in node1 node2; do
		on "$n" sh -c "lvs vg0/$res >/dev/null 2>&1 || lvcreate -q -y -L 128M -n $res vg0
cat >/etc/drbd.d/$res.res <<EOF
resource $res {
	net { protocol C; after-sb-0pri discard-zero-changes; after-sb-1pri discard-secondary; after-sb-2pri disconnect; }
	disk { c-plan-ahead 0; resync-rate 100M; }
	device /dev/drbd$minor; disk /dev/vg0/$res; meta-disk internal;
	on node1 { address $NET_CLUSTER.1:$port; }
	on node2 { address $NET_CLUSTER.2:$port; }
}
EOF
drbdadm down $res 2>/dev/null; drbdadm create-md --force $res && drbdadm up $res" \
			>>"$SC_DIR/drbd.log" 2>&1 || fail "drbd: $res up on $n"
	done
	at_exit drbd_destroy "$res"
	wait_until 120 "$res connected" drbd_is "$res" node1 'connection:Connected'
	on node1 drbdadm primary --force "$res" >>"$SC_DIR/drbd.log" 2>&1 || fail "drbd: primary --force"
	on node1 drbdadm wait-sync "$res" >>"$SC_DIR/drbd.log" 2>&1
	# wait-sync also returns 0 when the link drops: read the state again.
	wait_until 300 "$res UpToDate on both sides" drbd_is "$res" node1 'peer-disk:UpToDate'
	drbd_is "$res" node1 'disk:UpToDate' || fail "drbd: $res not UpToDate after sync"
}

# drbd_is RES NODE FIELD: FIELD (e.g. role:Primary) appears in events2 --now.
drbd_is() { on "$2" drbdsetup events2 --now "$1" 2>/dev/null | grep -q -- " $3\( \|$\)"; }

drbd_destroy() {
	local res=$1 n
	for n in node1 node2; do
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

# guest_config NAME DISK [TYPE]: the lab guest's xl config on every host, at
# /etc/xen/NAME.cfg. DISK "" for a diskless guest; TYPE pvh (default) or pv.
guest_config() {
	local name=$1 disk=$2 type=${3:-pvh} n cfg
	cfg="name = \"$name\"
type = \"$type\"
kernel = \"$CACHE/vmlinuz\"
ramdisk = \"$CACHE/guest-initrd.cpio.gz\"
extra = \"console=hvc0 loglevel=3\"
memory = 128
vcpus = 1"
	[ -n "$disk" ] && cfg="$cfg
disk = [ \"phy:$disk,xvda,w\" ]"
	for n in $("$LAB" nodes); do
		printf '%s\n' "$cfg" | on "$n" sh -c "mkdir -p /etc/xen && cat >/etc/xen/$name.cfg &&
			rm -f /var/log/xen/console/guest-$name*.log" || fail "guest config on $n"
	done
}

# boots NAME: how many times the guest booted, from its console.
boots() { console "$1" | grep -c '^guest: boot '; }

# console NAME: the guest's console, from every host's xenconsoled logs
# (the target's file is named NAME--incoming when it was received).
console() {
	local n
	for n in $("$LAB" nodes); do
		on "$n" sh -c "cat /var/log/xen/console/guest-$1*.log 2>/dev/null"
	done | tr -d '\r'
}

acks() { console "$1" | grep -c '^ack '; }
last_tick() { console "$1" | awk '$1 == "tick" && $3 > m { m = $3 } END { print m + 0 }'; }
has_acks() { [ "$(acks "$1")" -ge "$2" ]; }
ticks_after() { [ "$(last_tick "$1")" -gt "$2" ]; }

# runs_on NODE NAME: the domain exists on NODE and is not shut down or dying.
runs_on() { on "$1" xl list "$2" 2>/dev/null | awk -v d="$2" '$1 == d && $5 !~ /[sd]/ { f = 1 } END { exit !f }'; }

# heartbeat_check NAME FROM_SEQ: one boot (no reboot), ticks after FROM_SEQ,
# and the downtime: the largest gap between consecutive ticks from FROM_SEQ,
# less the 100 ms period (the guest's BOOTTIME includes suspended time).
# Prints the downtime in ms, or fails.
heartbeat_check() {
	local out
	out=$(console "$1" | awk -v from="$2" '
		$1 == "tick" { boots[$2] = 1; t[$3] = $4; if ($3 > max) max = $3 }
		END {
			nb = 0; for (b in boots) nb++
			if (nb != 1) { print "boots=" nb; exit }
			gap = 0
			for (s = from + 1; s <= max; s++)
				if ((s in t) && ((s - 1) in t) && t[s] - t[s - 1] > gap) gap = t[s] - t[s - 1]
			print "ok " (gap > 100 ? gap - 100 : 0) " " max
		}')
	case $out in
	ok*) echo "$out" | cut -d' ' -f2 ;;
	*) fail "heartbeat: guest rebooted or never ran ($out)" ;;
	esac
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
