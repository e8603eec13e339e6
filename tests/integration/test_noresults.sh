#!/usr/bin/env bash
# test_noresults.sh -- scans that find nothing (a dead host, --dry-run) run
# cleanly in the sanitizer build: an empty result set is no undefined
# behaviour (qsort of NULL once aborted every such scan under UBSan).
source "$(dirname "$0")/lib.sh"

DEAD=198.18.0.99

if [ ! -x "${FATHOM_DEBUG:-}" ]; then
	ok "scans with no results in the debug build # SKIP FATHOM_DEBUG not built"
	exit 0
fi

# clean NAME ARGS...: exit 0 and no sanitizer report, every format written.
clean() {
	local name=$1
	shift
	ip netns exec fx-scan "$FATHOM_DEBUG" "$@" -oX "$tmp/$name.xml" \
		-oG "$tmp/$name.gnmap" -oJ "$tmp/$name.ndjson" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	local rc=$?
	check "debug build, $name: exit 0 (rc=$rc)" [ "$rc" = 0 ]
	check "debug build, $name: no sanitizer report" \
		sh -c "! grep -q 'runtime error\|Sanitizer' '$tmp/$name.err'"
	check "debug build, $name: the XML is complete" \
		grep -q '</nmaprun>' "$tmp/$name.xml"
}

clean dead-host -n -Pn -p80 "$DEAD"
clean dry-run -n --dry-run -p80 "$DEAD"
