# `leakrank run` on the bundled tokenizer: the target's output and exit code are unchanged,
# and the recording holds exactly the allocations memcheck counts on the same run.
source "$(dirname "$0")/lib.sh"

for threads in 1 4; do
  args=(--docs 3000 --threads "$threads")
  "$TOKENIZER" "${args[@]}" >native.out 2>native.err || fail "tokenizer failed natively"
  "$LEAKRANK" run -o "t$threads.lrk" -- "$TOKENIZER" "${args[@]}" >recorded.out 2>recorded.err ||
    fail "leakrank run failed: $(cat recorded.err)"
  cmp -s native.out recorded.out || fail "stdout changed under leakrank ($threads threads)"
  grep -q "wrote t$threads.lrk" recorded.err || fail "run did not say which file it wrote"

  line=$(totals "t$threads.lrk")
  read -r allocs frees bytes <<<"$(valgrind_heap_usage "$TOKENIZER" "${args[@]}")"
  expect_eq "$(field allocations "$line")" "$allocs" "allocations ($threads threads)"
  expect_eq "$(field frees "$line")" "$frees" "frees ($threads threads)"
  worker_threads=$((threads > 1 ? threads : 0))
  expect_eq "$(field bytes "$line")" "$((bytes + worker_threads * DTV_BYTES_PER_THREAD))" "bytes allocated ($threads threads)"
  expect_eq "$(field unmatched_frees "$line")" 0 "frees of unknown addresses ($threads threads)"
  expect_eq "$(field out_of_order "$line")" 0 "records out of time order ($threads threads)"
  expect_eq "$(field complete "$line")" 1 "end record ($threads threads)"
  # Counts of timed records depend on how fast the machine is: only their presence is checked
  # (the first RSS sample is taken at start, snapshot marks every 10 ms at first).
  (($(field snapshots "$line") >= 3)) || fail "too few snapshot marks: $line"
  (($(field rss "$line") >= 1)) || fail "no RSS sample: $line"
done

# Sampling (run --sample-bytes): the program runs unchanged, a small fraction of the
# allocations is recorded, and the estimates still rank the intern table first.
"$TOKENIZER" --docs 20000 >native.out 2>/dev/null || fail "tokenizer failed natively"
"$LEAKRANK" run --sample-bytes 512KiB -o sampled.lrk -- "$TOKENIZER" --docs 20000 >sampled.out 2>sampled.err ||
  fail "sampled run failed: $(cat sampled.err)"
cmp -s native.out sampled.out || fail "stdout changed under sampling"
line=$(totals sampled.lrk)
(($(field allocations "$line") < 20000)) || fail "sampling recorded nearly everything: $line"
"$LEAKRANK" report --format json sampled.lrk >sampled.json || fail "report of a sampled recording failed"
expect_eq "$(jq -r .estimated sampled.json)" true "a sampled report is marked as estimates"
first=$(jq -r '.sites[0] | "\(.verdict) \(.function)"' sampled.json)
[[ "$first" == "growing StringStore::intern"* ]] || fail "sampled: first site is '$first', not a growing StringStore::intern"

# The default name is leakrank.<prog>.<pid>.lrk in the current folder.
"$LEAKRANK" run -- "$TOKENIZER" --docs 200 >/dev/null 2>&1
ls leakrank.tokenizer.*.lrk >/dev/null 2>&1 || fail "no default-named recording"
echo "run_tokenizer: ok"
