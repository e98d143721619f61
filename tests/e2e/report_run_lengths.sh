# Verdicts right at any run length: a cache rebuilt every half second (a sawtooth the snapshot
# marks alias) is bounded, not growing, next to a slow genuine leak that ranks first; and in a
# 2 s recording a 10 KiB/s leak ranks first as growing above a pool that filled and stopped.
source "$(dirname "$0")/lib.sh"
SHAPES=$TARGETS_DIR/target_growth_shapes

# site_field FILE FUNCTION LINE FIELD: FIELD of the site FUNCTION at source line LINE.
site_field() {
  jq -r --arg f "$2" --argjson l "$3" --arg field "$4" '.sites[] | select(.function == $f and .line == $l) | .[$field]' "$1"
}
# sites FILE: one line per site, for failure messages.
sites() { jq -r '.sites[] | "\(.rank) \(.verdict) \(.function):\(.line) \(.growth_bytes) \(.resets_every_s)"' "$1" | head -6; }
# The source lines of the shapes' allocations, so a test does not break when the file moves.
line_of() { grep -n "$1" "$SOURCE_DIR/tests/targets/growth_shapes.c" | head -1 | cut -d: -f1; }
word_line=$(line_of "v->words\[v->count++\] = touched_alloc")

"$LEAKRANK" run -o sawtooth.lrk -- "$SHAPES" --seconds 8 --rebuild-every 0.5 --vocabulary-bytes 16777216 \
  --leak-per-second 65536 >run.out 2>&1 || fail "run: $(cat run.out)"
"$LEAKRANK" report sawtooth.lrk --format json --top 0 >sawtooth.json || fail "report of sawtooth.lrk"
first=$(jq -r '.sites[0] | "\(.rank) \(.verdict) \(.function)"' sawtooth.json)
expect_eq "$first" "1 growing leak_slowly" "the first site of the sawtooth run ($(sites sawtooth.json))"
growing_vocabulary=$(jq '[.sites[] | select(.function == "intern_word" and .verdict == "growing")] | length' sawtooth.json)
expect_eq "$growing_vocabulary" 0 "vocabulary sites called growing ($(sites sawtooth.json))"
expect_eq "$(site_field sawtooth.json intern_word "$word_line" verdict)" plateau \
  "the rebuilt vocabulary's verdict ($(sites sawtooth.json))"
every=$(site_field sawtooth.json intern_word "$word_line" resets_every_s)
jq -e -n --argjson every "$every" '$every > 0.4 and $every < 0.6' >/dev/null ||
  fail "the vocabulary is rebuilt every 0.5 s, the report says every $every s"
"$LEAKRANK" report sawtooth.lrk >sawtooth.txt || fail "text report of sawtooth.lrk"
grep -A1 "bounded: .*emptied and rebuilt every 0\.[456] s" sawtooth.txt | grep -q "intern_word" ||
  fail "the text report does not call the vocabulary bounded: $(cat sawtooth.txt)"

"$LEAKRANK" run -o short.lrk -- "$SHAPES" --seconds 2 --vocabulary-bytes 0 --leak-per-second 10240 \
  --pool-bytes 4194304 --pool-fill 0.5 >run.out 2>&1 || fail "run: $(cat run.out)"
"$LEAKRANK" report short.lrk --format json --top 0 >short.json || fail "report of short.lrk"
first=$(jq -r '.sites[0] | "\(.rank) \(.verdict) \(.function)"' short.json)
expect_eq "$first" "1 growing leak_slowly" "the first site of the 2 s run ($(sites short.json))"
pool=$(jq -r '.sites[] | select(.function == "fill_pool") | .verdict' short.json)
expect_eq "$pool" plateau "the pool's verdict ($(sites short.json))"
echo "report_run_lengths: ok"
