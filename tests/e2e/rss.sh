# RSS is the program's own: the rings it shares with leakrank (4 MiB of shared memory per
# busy thread) are left out, for the target and for its children alike, so a small
# program's peak RSS stays near what it has when run alone.
source "$(dirname "$0")/lib.sh"
RSS_TARGET=$TARGETS_DIR/target_rss
# What leakrank itself adds inside the process: its libraries and the pages of libc they
# use, and a stack cache per thread while the threads run (measured: 1.2 to 2.3 MiB).
ALLOWED_KB=4096

alone_kb=$("$RSS_TARGET")
((alone_kb > 2048)) || fail "the target alone reports a peak RSS of ${alone_kb} kB, below its 2 MiB heap"

# within_allowance WHAT PEAK_BYTES
within_allowance() {
  local peak_kb=$(($2 / 1024))
  echo "$1: peak RSS ${peak_kb} kB, alone ${alone_kb} kB"
  ((peak_kb >= alone_kb / 2)) || fail "$1: peak RSS ${peak_kb} kB is less than half of the ${alone_kb} kB it has alone"
  ((peak_kb <= alone_kb + ALLOWED_KB)) ||
    fail "$1: peak RSS ${peak_kb} kB is more than ${ALLOWED_KB} kB above the ${alone_kb} kB it has alone"
}

"$LEAKRANK" run -o target.lrk -- "$RSS_TARGET" >/dev/null 2>err || fail "run: $(cat err)"
within_allowance target "$("$LEAKRANK" report target.lrk --format json | jq .peak_rss_bytes)"
"$LEAKRANK" peak target.lrk | grep -q "peak RSS" || fail "peak prints no RSS"

# A child records into a session it created itself, every ring's header written.
"$LEAKRANK" run --include-children -o parent.lrk -- sh -c "'$RSS_TARGET'; true" >/dev/null 2>err ||
  fail "run --include-children: $(cat err)"
child_peak=$("$LEAKRANK" report parent.lrk --format json | jq '[.children[].peak_rss_bytes] | max')
within_allowance child "$child_peak"
echo "rss: ok"
