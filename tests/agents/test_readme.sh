#!/bin/sh
# shunit2: the README's "How it works" matches the tree. Every file or
# directory it names in backquotes exists (but tests/lab/cache/, which the
# lab makes on its first run), and every `ferryctl GROUP SUB` it names is a
# command ferryctl's own help lists.

top=$(cd "$(dirname "$0")/../.." && pwd)
README=$top/README.md
FERRYCTL=$top/build/ferryctl-full

# exists PATH: a path of the tree (a glob such as transport*.c allowed; a
# program built from PATH.c counts), or a bare file name found anywhere
# under helpers/, agents/, tests/ or cib-examples/.
exists() {
	case $1 in
	*/*)
		# shellcheck disable=SC2086 # a glob on purpose
		set -- "$top"/$1 "$top"/$1.c
		[ -e "$1" ] || [ -e "$2" ]
		;;
	*) [ -n "$(find "$top/helpers" "$top/agents" "$top/tests" "$top/cib-examples" \
		-name "$1" -print -quit 2>/dev/null)" ] ;;
	esac
}

test_every_named_file_exists() {
	missing=
	# shellcheck disable=SC2016 # backquotes, not an expansion
	for p in $(grep -o '`[^` ]*`' "$README" | tr -d '`' |
		grep -E '^(helpers|agents|tests|cib-examples|debian|man)/|^[a-z_]+[*]?\.(c|h|sh)$' |
		grep -v '[<>]' | grep -v '^tests/lab/cache' | sort -u); do
		exists "$p" || missing="$missing $p"
	done
	assertEquals "files the README names but the tree lacks" "" "$missing"
}

test_every_named_command_exists() {
	assertTrue "ferryctl-full is built" "[ -x '$FERRYCTL' ]"
	missing=
	for c in $(grep -o '`ferryctl [a-z][a-z-]*\( [a-z][a-z-]*\)\?' "$README" | tr -d '`' |
		sed 's/^ferryctl //; s/ /:/' | sort -u); do
		group=${c%%:*}
		sub=${c#*:}
		"$FERRYCTL" --help 2>&1 | grep -q "^  $group " || { missing="$missing $group"; continue; }
		[ "$sub" = "$c" ] && continue
		"$FERRYCTL" "$group" --help 2>&1 | grep -qw -- "$sub" || missing="$missing $group:$sub"
	done
	assertEquals "ferryctl commands the README names but ferryctl lacks" "" "$missing"
}

# shellcheck source=/dev/null
. shunit2
