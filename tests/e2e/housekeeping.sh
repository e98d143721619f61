# mprof-style housekeeping: list (numbered, oldest first), peak (per process, children too),
# clean (--dry-run), snapshot PID --name, and the RSS threshold's stop and snapshot actions.
source "$(dirname "$0")/lib.sh"

"$LEAKRANK" run -o a.lrk -- "$TOKENIZER" --docs 2000 >/dev/null 2>err || fail "run a: $(cat err)"
sleep 1.1  # distinct modification times: list orders by them
"$LEAKRANK" run -o b.lrk -- "$TOKENIZER" --docs 4000 >/dev/null 2>err || fail "run b: $(cat err)"

# list: "INDEX FILE DATE TIME COMMAND", 0 the oldest.
"$LEAKRANK" list >list.out 2>err || fail "list: $(cat err)"
expect_eq "$(wc -l <list.out)" 2 "lines of list"
read -r index file _ _ program args <<<"$(sed -n 1p list.out)"
expect_eq "$index $file" "0 a.lrk" "first list entry"
expect_eq "$(basename "$program") $args" "tokenizer --docs 2000" "command in list"
[[ $(sed -n 2p list.out) == "1  b.lrk  "* ]] || fail "second list entry: $(sed -n 2p list.out)"

# peak: of the newest by default, of a list number, of a file.
peak=$("$LEAKRANK" peak 2>err) || fail "peak: $(cat err)"
[[ $peak == "b.lrk  pid "*"(tokenizer): peak heap "*" MiB at "*" s, peak RSS "*" MiB" ]] || fail "peak output: $peak"
[[ $("$LEAKRANK" peak 0) == "a.lrk  pid "* ]] || fail "peak 0 does not report a.lrk"
status=0
"$LEAKRANK" peak 7 >/dev/null 2>err || status=$?
expect_eq "$status" 2 "peak of a missing recording number"

# peak with children: one line per recorded process.
"$LEAKRANK" run --include-children -o fam.lrk -- "$LIFECYCLE" fork >/dev/null 2>err || fail "run with children: $(cat err)"
"$LEAKRANK" peak fam.lrk >fam.out 2>err || fail "peak fam.lrk: $(cat err)"
grep -q "^fam.lrk  pid " fam.out || fail "no parent line: $(cat fam.out)"
grep -q "^  child fam\.[0-9]*\.lrk  pid " fam.out || fail "no child line: $(cat fam.out)"
"$LEAKRANK" plot fam.lrk -o fam.svg >/dev/null 2>err || fail "plot fam.lrk: $(cat err)"
grep -q "series: child [0-9]*.* heap$" fam.svg || fail "the child has no series of its own"

# clean: --dry-run removes nothing; clean removes every recording, and only recordings.
touch keep.txt
expect_eq "$("$LEAKRANK" clean --dry-run | grep -c '^would remove ')" "$(ls ./*.lrk | wc -l)" "clean --dry-run lines"
ls a.lrk b.lrk >/dev/null || fail "clean --dry-run removed recordings"
"$LEAKRANK" clean >/dev/null 2>err || fail "clean: $(cat err)"
[[ -z $(ls ./*.lrk 2>/dev/null) ]] || fail "recordings left after clean: $(ls ./*.lrk)"
[[ -e keep.txt ]] || fail "clean removed a file that is not a recording"

# snapshot PID --name: the running recorder marks it; diff finds it by name.
status=0
"$LEAKRANK" snapshot "$$" --name x >/dev/null 2>err || status=$?
expect_eq "$status" 2 "snapshot of a process that is not leakrank (this shell)"
grep -q "not a recording leakrank" err || fail "snapshot error: $(cat err)"
status=0
"$LEAKRANK" snapshot 999999999 >/dev/null 2>err || status=$?
expect_eq "$status" 2 "snapshot of a missing pid"

"$LEAKRANK" run -o served.lrk -- "$TOKENIZER" --serve --rate 4000 >/dev/null 2>served.err &
recorder=$!
sleep 1.5
status=0
"$LEAKRANK" snapshot "$recorder" --name 30s >/dev/null 2>err || status=$?
expect_eq "$status" 2 "a snapshot name that reads as a time"
"$LEAKRANK" snapshot "$recorder" --name warm >snap.out 2>err || fail "snapshot --name warm: $(cat err)"
grep -q "marked snapshot 'warm'" snap.out || fail "snapshot output: $(cat snap.out)"
target=$(pgrep -P "$recorder" tokenizer) || fail "no tokenizer under the recorder"
status=0
"$LEAKRANK" snapshot "$target" >/dev/null 2>err || status=$?
expect_eq "$status" 2 "snapshot of the target instead of its recorder"
grep -q "leakrank snapshot $recorder" err || fail "no hint at the recorder's pid: $(cat err)"
sleep 1
kill -INT "$target"
wait "$recorder" || fail "the served run failed: $(cat served.err)"
"$LEAKRANK" diff served.lrk@warm served.lrk@end >diff.out 2>err || fail "diff @warm @end: $(cat err)"

# --rss-threshold with --on-threshold stop: the target is stopped, not killed.
"$LEAKRANK" run --rss-threshold 40MiB --on-threshold stop -o stop.lrk -- "$TOKENIZER" --docs 200000 \
  >/dev/null 2>stop.err &
recorder=$!
state=""
for _ in $(seq 100); do
  target=$(pgrep -P "$recorder" tokenizer || true)
  [[ -n $target ]] && state=$(ps -o stat= -p "$target" | cut -c1)
  [[ $state == T ]] && break
  sleep 0.1
done
expect_eq "$state" T "state of the target after crossing the threshold"
grep -q "target stopped" stop.err || fail "run did not say it stopped the target: $(cat stop.err)"
kill -CONT "$target"
kill -TERM "$target"
wait "$recorder" || true

# --on-threshold snapshot: a snapshot named rss-threshold that diff accepts.
"$LEAKRANK" run --rss-threshold 40MiB --on-threshold snapshot -o snap.lrk -- "$TOKENIZER" --docs 40000 \
  >/dev/null 2>snap.err || fail "threshold snapshot run: $(cat snap.err)"
grep -q "snapshot 'rss-threshold' marked" snap.err || fail "no threshold snapshot: $(cat snap.err)"
"$LEAKRANK" diff snap.lrk@rss-threshold snap.lrk@end >diff.out 2>err || fail "diff @rss-threshold: $(cat err)"
echo "housekeeping: ok"
