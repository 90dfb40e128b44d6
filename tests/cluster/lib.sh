#!/bin/sh
# Shared by tests/cluster/run and tests/cluster/bench-ledger: a corosync (+pacemaker)
# cluster of FLC_N nodes, each node a network namespace plus private mount
# and UTS namespaces, all hanging off a bridge in a hub namespace. Nothing
# touches the host's own network: addresses are 198.19.1.0/24 inside the hub.
#
# Node i ("n$i") is powered on by starting a keeper process in a fresh
# mount namespace (tmpfs /run and /dev/shm, private copies of corosync's and
# pacemaker's directories bind-mounted from $FLC_DIR/n$i, the fence agent
# overlaid on /usr/sbin). Powered off = every process in its network
# namespace killed, which is also what fence_flc does for Pacemaker.
# Every process is started and stopped by PID.

FLC_TOP=${FLC_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
FLC_BUILD=${FLC_BUILD:-$FLC_TOP/build}
FLC_N=${FERRY_CLUSTER_NODES:-3}
FLC_ID=$(($$ % 100000))
FLC_NS=flc-$FLC_ID
FLC_DIR=${FLC_DIR:-/tmp/flc-$FLC_ID}
FLC_NET=198.19.1
FLC_PCMK=${FLC_PCMK:-1}
FLC_FAILED=0

flc_log() { echo "# $(date +%H:%M:%S) $*"; }

# ---- TAP ----
flc_ok() { echo "ok - $1"; }
flc_not_ok() {
	echo "not ok - $1"
	FLC_FAILED=$((FLC_FAILED + 1))
}
# flc_check NAME CMD...: one test case from a command's exit status.
flc_check() {
	_c_name=$1
	shift
	if "$@"; then flc_ok "$_c_name"; else flc_not_ok "$_c_name"; fi
}

# flc_wait SECONDS DESCRIPTION CMD...: poll CMD until it succeeds or time
# runs out. Polling with a deadline: never a fixed sleep as proof.
flc_wait() {
	_w_limit=$1
	_w_what=$2
	shift 2
	_w_end=$(($(date +%s) + _w_limit))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		if [ "$(date +%s)" -ge "$_w_end" ]; then
			flc_log "gave up after ${_w_limit}s waiting for: $_w_what"
			return 1
		fi
		sleep 0.5
	done
}

# ---- nodes ----
flc_ns() { echo "$FLC_NS-n$1"; }
flc_keeper() { cat "$FLC_DIR/n$1/keeper" 2>/dev/null; }

# flc_in I CMD...: run CMD inside node I.
flc_in() {
	_i_i=$1
	shift
	_i_k=$(flc_keeper "$_i_i")
	[ -n "$_i_k" ] || return 127
	nsenter -t "$_i_k" -m -u -n -- "$@"
}

flc_corosync_conf() {
	cat <<CONF
totem {
	version: 2
	cluster_name: $FLC_NS
	transport: knet
	crypto_cipher: none
	crypto_hash: none
	token: ${FLC_TOKEN:-3000}
}
quorum {
	provider: corosync_votequorum
}
logging {
	to_logfile: yes
	logfile: /var/log/corosync/corosync.log
	to_syslog: no
	to_stderr: no
	timestamp: hires
}
nodelist {
CONF
	j=1
	while [ $j -le "$FLC_N" ]; do
		printf '\tnode {\n\t\tring0_addr: %s.%s\n\t\tname: n%s\n\t\tnodeid: %s\n\t}\n' \
			"$FLC_NET" "$j" "$j" "$j"
		j=$((j + 1))
	done
	echo "}"
}

# Network: hub namespace with a bridge, one veth per node.
flc_net_up() {
	ip netns add "$FLC_NS-hub" || return 1
	ip -n "$FLC_NS-hub" link set lo up
	ip -n "$FLC_NS-hub" link add br0 type bridge || return 1
	ip -n "$FLC_NS-hub" link set br0 up
	_nu_i=1
	while [ $_nu_i -le "$FLC_N" ]; do
		_nu_ns=$(flc_ns $_nu_i)
		ip netns add "$_nu_ns" || return 1
		ip -n "$FLC_NS-hub" link add "h$_nu_i" type veth peer name eth0 netns "$_nu_ns" || return 1
		ip -n "$FLC_NS-hub" link set "h$_nu_i" master br0 up
		ip -n "$_nu_ns" link set lo up
		ip -n "$_nu_ns" addr add "$FLC_NET.$_nu_i/24" dev eth0
		ip -n "$_nu_ns" link set eth0 up
		_nu_i=$((_nu_i + 1))
	done
}

# Partition / heal: the node's cable to the bridge.
flc_cut() { ip -n "$FLC_NS-hub" link set "h$1" down; }
flc_heal() { ip -n "$FLC_NS-hub" link set "h$1" up; }

# flc_power_on I: a fresh boot of node I (its "disk" in $FLC_DIR/n$I stays).
flc_power_on() {
	_po_i=$1
	_po_d=$FLC_DIR/n$_po_i
	mkdir -p "$_po_d/etc-corosync" "$_po_d/var-lib-corosync" "$_po_d/var-lib-pacemaker" "$_po_d/var-log" \
		"$_po_d/inv" "$_po_d/log" "$FLC_DIR/sbin"
	mkdir -p "$_po_d/var-log/corosync" "$_po_d/var-log/pacemaker" "$_po_d/var-log/crmsh"
	for _po_s in cib pengine blackbox cores; do mkdir -p "$_po_d/var-lib-pacemaker/$_po_s"; done
	chown -R hacluster:haclient "$_po_d/var-lib-pacemaker" "$_po_d/var-log/pacemaker"
	flc_corosync_conf >"$_po_d/etc-corosync/corosync.conf"
	cp "$FLC_TOP/tests/cluster/fence_flc" "$FLC_DIR/sbin/fence_flc"
	rm -f "$_po_d/ready"
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$(flc_ns "$_po_i")" unshare --mount --uts --propagation private sh -c '
		_po_d=$1; sbin=$2; _po_i=$3
		mount -t tmpfs -o mode=0755 tmpfs /run &&
		mkdir -p /run/crm /run/ferry && chown hacluster:haclient /run/crm &&
		mount -t tmpfs -o mode=1777 tmpfs /dev/shm &&
		mount --bind "$_po_d/etc-corosync" /etc/corosync &&
		mount --bind "$_po_d/var-lib-corosync" /var/lib/corosync &&
		mount --bind "$_po_d/var-lib-pacemaker" /var/lib/pacemaker &&
		mount --bind "$_po_d/var-log" /var/log &&
		mount -t overlay overlay -o "lowerdir=$sbin:/usr/sbin" /usr/sbin &&
		hostname "n$_po_i" && touch "$_po_d/ready" || exit 1
		exec sleep infinity' flc-node "$_po_d" "$FLC_DIR/sbin" "$_po_i" \
		</dev/null >>"$_po_d/log/keeper.log" 2>&1 &
	echo $! >"$_po_d/keeper"
	flc_wait 30 "n$_po_i powered on" test -e "$_po_d/ready" || return 1
	readlink "/proc/$(flc_keeper "$_po_i")/ns/net" >"$_po_d/netns"
}

# PIDs of every process in node I's network namespace.
flc_node_pids() {
	_np_target=$(cat "$FLC_DIR/n$1/netns" 2>/dev/null)
	[ -n "$_np_target" ] || return 0
	for _np_p in /proc/[0-9]*; do
		[ "$(readlink "$_np_p/ns/net" 2>/dev/null)" = "$_np_target" ] && echo "${_np_p#/proc/}"
	done
}

# flc_power_off I: kill every process of node I, by PID, until none is left.
flc_power_off() {
	_po_n=0
	while [ $_po_n -lt 60 ]; do
		_po_pids=$(flc_node_pids "$1")
		[ -z "$_po_pids" ] && return 0
		# shellcheck disable=SC2086 # one PID per word
		kill -9 $_po_pids 2>/dev/null
		sleep 0.5
		_po_n=$((_po_n + 1))
	done
	return 1
}

flc_node_dead() { [ -z "$(flc_node_pids "$1")" ]; }

# Daemons run in the foreground as children of this shell: their PIDs and
# exit statuses are ours to read.
flc_start() { # I NAME CMD...
	_s_i=$1
	_s_name=$2
	shift 2
	_s_k=$(flc_keeper "$_s_i")
	[ -n "$_s_k" ] || return 1
	# nsenter execs the daemon without forking: $! is the daemon's own PID
	nsenter -t "$_s_k" -m -u -n -- "$@" </dev/null >>"$FLC_DIR/n$_s_i/log/$_s_name.log" 2>&1 &
	echo $! >"$FLC_DIR/n$_s_i/$_s_name.pid"
}
flc_pid() { cat "$FLC_DIR/n$1/$2.pid" 2>/dev/null; }
flc_kill() { # I NAME SIGNAL
	_k_p=$(flc_pid "$1" "$2")
	[ -n "$_k_p" ] && kill "-$3" "$_k_p" 2>/dev/null
}

flc_corosync_start() { flc_start "$1" corosync corosync -f; }
flc_pacemaker_start() { flc_start "$1" pacemakerd pacemakerd; }
flc_ferryd_start() { # I [ferryd options]
	_fs_fi=$1
	shift
	# The cluster key of this tier (flc_key), not the host's /etc/ferry.
	[ -f "$FLC_DIR/authkey" ] && set -- --keyfile "$FLC_DIR/authkey" "$@"
	flc_start "$_fs_fi" ferryd "$FLC_BUILD/ferryd" -f --inventory-dir "$FLC_DIR/n$_fs_fi/inv" \
		--run-dir /run/ferry "$@"
}
# The cluster key every node's ferryd and ferryctl use here.
flc_key() { [ -f "$FLC_DIR/authkey" ] || "$FLC_BUILD/ferryctl" key generate "$FLC_DIR/authkey" >/dev/null; }

# An extra namespace on the hub's bridge with address ADDR (in 198.19.0.0/16),
# not a cluster node: the stranger of the flood test.
flc_stranger_ns() { echo "$FLC_NS-x"; }
flc_stranger_up() { # ADDR
	_su_ns=$(flc_stranger_ns)
	ip netns add "$_su_ns" || return 1
	ip -n "$FLC_NS-hub" link add hx type veth peer name eth0 netns "$_su_ns" || return 1
	ip -n "$FLC_NS-hub" link set hx master br0 up
	ip -n "$_su_ns" link set lo up
	ip -n "$_su_ns" addr add "$1/24" dev eth0
	ip -n "$_su_ns" link set eth0 up
}
flc_stranger_down() { ip netns del "$(flc_stranger_ns)" 2>/dev/null; }
# PIDs of `ferryctl serve` processes on node I.
flc_serve_pids() {
	for _sp_p in $(flc_node_pids "$1"); do
		tr '\0' ' ' 2>/dev/null <"/proc/$_sp_p/cmdline" | grep -Eq '^[^ ]*ferryctl(-full)? serve ' && echo "$_sp_p"
	done
}
flc_ctl() {
	_c_i=$1
	shift
	flc_in "$_c_i" "$FLC_BUILD/ferryctl" "$@"
}

flc_quorate() { flc_in "$1" corosync-quorumtool -s 2>/dev/null | grep -q 'Quorate:.*Yes'; }
flc_members() { flc_in "$1" corosync-quorumtool -s 2>/dev/null | sed -n 's/^Total votes: *//p'; }
flc_has_members() { [ "$(flc_members "$1")" = "$2" ]; }

# ferryd's status as one JSON line; fields picked with sed (no jq needed).
flc_status() { flc_ctl "$1" ledger status --json -t 5 2>/dev/null; }
flc_field() { sed -n "s/.*\"$1\":\(\"[^\"]*\"\|[^,}]*\).*/\1/p" | tr -d '"'; }
flc_synced() { flc_status "$1" | grep -q '"synced":true'; }
flc_ready() { flc_status "$1" | grep -q '"synced":true,"quorate":true,"rings_agree":true'; }
flc_digest() { flc_status "$1" | flc_field digest; }

# All ferryds in the list agree on the ledger (same digest, same listing).
flc_agree() {
	_a_ref=
	_a_ref_list=
	for _a_i in "$@"; do
		flc_synced "$_a_i" || return 1
		_a_dg=$(flc_digest "$_a_i")
		_a_list=$(flc_ctl "$_a_i" ledger show --brief -t 5) || return 1
		if [ -z "$_a_ref" ]; then
			_a_ref=$_a_dg
			_a_ref_list=$_a_list
		elif [ "$_a_dg" != "$_a_ref" ] || [ "$_a_list" != "$_a_ref_list" ]; then
			return 1
		fi
	done
	[ -n "$_a_ref" ]
}

# One domain's "state owner epoch peer fenced" as node I sees it.
flc_dom() { flc_ctl "$1" ledger show --brief -t 5 | awk -v d="$2" '$1 == d { print $2, $3, $4, $5, $6 }'; }
flc_dom_is() { [ "$(flc_dom "$1" "$2" | cut -d' ' -f1-2)" = "$3" ]; }

# Pacemaker helpers.
flc_pcmk_online() { # I COUNT: node I's pacemaker sees COUNT nodes online with a DC
	flc_in "$1" crm_mon -1 --output-as=xml 2>/dev/null >"$FLC_DIR/crm_mon.$1.xml" || return 1
	grep -q 'with_quorum="true"' "$FLC_DIR/crm_mon.$1.xml" &&
		[ "$(grep -c '<node name=.* online="true"' "$FLC_DIR/crm_mon.$1.xml")" -eq "$2" ]
}
flc_fence_device_ready() { flc_in "$1" stonith_admin --list-registered 2>/dev/null | grep -q fence-flc; }

flc_pcmk_configure() { # on node I
	_pc_i=$1
	_pc_hosts=
	_pc_j=1
	while [ $_pc_j -le "$FLC_N" ]; do
		_pc_hosts="$_pc_hosts${_pc_hosts:+ }n$_pc_j"
		_pc_j=$((_pc_j + 1))
	done
	flc_in "$_pc_i" crm_attribute -t crm_config -n startup-fencing -v false &&
		flc_in "$_pc_i" crm_attribute -t crm_config -n stonith-timeout -v 60s &&
		flc_in "$_pc_i" cibadmin --create -o resources --xml-text "<primitive id=\"fence-flc\" class=\"stonith\" type=\"fence_flc\">
  <instance_attributes id=\"fence-flc-ia\">
    <nvpair id=\"fence-flc-state\" name=\"state_dir\" value=\"$FLC_DIR\"/>
    <nvpair id=\"fence-flc-hosts\" name=\"pcmk_host_list\" value=\"$_pc_hosts\"/>
    <nvpair id=\"fence-flc-check\" name=\"pcmk_host_check\" value=\"static-list\"/>
    <nvpair id=\"fence-flc-reboot\" name=\"pcmk_reboot_action\" value=\"off\"/>
  </instance_attributes>
  <operations><op id=\"fence-flc-mon\" name=\"monitor\" interval=\"60s\"/></operations>
</primitive>" &&
		flc_in "$_pc_i" crm_attribute -t crm_config -n stonith-enabled -v true
}

# ---- whole cluster ----
flc_init() {
	mkdir -p "$FLC_DIR" || return 1
	FLC_RESULTS=${FERRY_RESULTS:+$FERRY_RESULTS/cluster}
	FLC_RESULTS=${FLC_RESULTS:-$FLC_TOP/results/cluster-$(date +%Y%m%d-%H%M%S)}
	trap 'flc_cleanup' EXIT
	trap 'exit 130' INT TERM
}

flc_save_logs() {
	mkdir -p "$FLC_RESULTS" || return
	_sl_i=1
	while [ $_sl_i -le "$FLC_N" ]; do
		mkdir -p "$FLC_RESULTS/n$_sl_i"
		cp -r "$FLC_DIR/n$_sl_i/log" "$FLC_DIR/n$_sl_i/var-log" "$FLC_RESULTS/n$_sl_i/" 2>/dev/null
		_sl_i=$((_sl_i + 1))
	done
	echo "# logs of corosync, pacemaker and ferryd saved in $FLC_RESULTS"
}

flc_cleanup() {
	trap - EXIT
	[ "$FLC_FAILED" -gt 0 ] && flc_save_logs
	_cu_i=1
	while [ $_cu_i -le "$FLC_N" ]; do
		flc_power_off $_cu_i
		ip netns del "$(flc_ns $_cu_i)" 2>/dev/null
		_cu_i=$((_cu_i + 1))
	done
	flc_stranger_down
	ip netns del "$FLC_NS-hub" 2>/dev/null
	wait 2>/dev/null
	case $FLC_DIR in /tmp/flc-*) rm -rf "$FLC_DIR" ;; esac
}
