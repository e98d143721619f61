# FILE@TIME wherever a recording is read: plot and peak end at TIME as report, diff and
# export do, with the same parser (30s, a snapshot name, end).
source "$(dirname "$0")/lib.sh"

"$LEAKRANK" run -o t.lrk -- "$TOKENIZER" --docs 20000 >/dev/null 2>err || fail "run: $(cat err)"

# peak_of OUTPUT: "BYTES-TEXT SECONDS" of a peak line: "... peak heap 7.2 MiB at 0.2 s, ..."
peak_of() { sed -n 's/.*peak heap \(.*\) at \([0-9.]*\) s,.*/\1 \2/p' <<<"$1"; }

early=$("$LEAKRANK" peak t.lrk@0.2s 2>err) || fail "peak t.lrk@0.2s: $(cat err)"
whole=$("$LEAKRANK" peak t.lrk 2>err) || fail "peak t.lrk: $(cat err)"
expect_eq "$("$LEAKRANK" peak t.lrk@end)" "$whole" "peak t.lrk@end"
read -r early_heap early_unit early_time <<<"$(peak_of "$early")"
[[ -n $early_time ]] || fail "no peak in: $early"
awk -v t="$early_time" 'BEGIN { exit !(t <= 0.2) }' || fail "peak t.lrk@0.2s is at $early_time s"
[[ "$early_heap $early_unit" != "$(peak_of "$whole" | cut -d' ' -f1,2)" ]] ||
  fail "peak t.lrk@0.2s is the peak of the whole run: $early"

# plot FILE@TIME: drawn up to TIME, written next to FILE under its own name.
expect_eq "$("$LEAKRANK" plot t.lrk@0.2s 2>err)" "t.png" "default output of plot t.lrk@0.2s"
"$LEAKRANK" plot t.lrk@0.2s -o early.svg >/dev/null 2>err || fail "plot t.lrk@0.2s: $(cat err)"
grep -q "peak heap $early_heap $early_unit at $early_time s" early.svg ||
  fail "the plot of t.lrk@0.2s does not show the peak until 0.2 s: $(grep -o 'peak heap[^<]*' early.svg)"
echo "file_at_time: ok"
