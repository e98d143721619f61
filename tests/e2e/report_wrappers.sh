# Allocation wrappers: a program whose every allocation goes through its own xmalloc (and an
# inlined xzalloc) gets a site per caller, not one row named after the wrapper.
source "$(dirname "$0")/lib.sh"

"$LEAKRANK" run -o wrapped.lrk -- "$TARGETS_DIR/target_wrapped" >run.out 2>&1 || fail "run: $(cat run.out)"
"$LEAKRANK" report wrapped.lrk --format json --top 0 >report.json || fail "report"
growing=$(jq -r '[.sites[] | select(.verdict == "growing") | .function] | sort | join(",")' report.json)
expect_eq "$growing" "remember_name,remember_path" "growing sites"
wrapper_sites=$(jq '[.sites[] | select(.function | test("^x(malloc|zalloc)"))] | length' report.json)
expect_eq "$wrapper_sites" 0 "sites named after a wrapper"
jq -e '.sites[] | select(.function == "format_line")' report.json >/dev/null || fail "format_line is no site of its own"
# With every frame kept, the innermost frame is the site again: nothing is hidden.
"$LEAKRANK" report wrapped.lrk --format json --keep-frames >kept.json || fail "report --keep-frames"
expect_eq "$(jq -r '.sites[0].function == .sites[0].frames[0].function' kept.json)" true "--keep-frames site"
echo "report_wrappers: ok"
