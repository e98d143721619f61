# A detach leaves the process as it found it: a pool of 400 threads, nearly all blocked at
# the instant of the detach, holds the same memory and mappings after `leakrank attach` as
# before it. Only libleakrank.so and the libraries it needs stay loaded (and inert), counted
# apart: their file mappings and the zero-filled data after them.
source "$(dirname "$0")/lib.sh"
POOL=$TARGETS_DIR/target_thread_pool
THREADS=400

: >pool.out
"$POOL" "$THREADS" 4 >pool.out 2>pool.err &
pool_pid=$!
trap 'kill -9 $pool_pid 2>/dev/null || true; rm -rf "$work"' EXIT
wait_until_serving pool

# mappings PID: one line per mapping, "start end rss_kb anonymous_kb path" (path "-" if none).
mappings() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { if (range) print range, rss, anon, path
                                  split($1, r, "-"); range = r[1] " " r[2]; rss = 0; anon = 0
                                  path = NF >= 6 ? $6 : "-" }
       /^Rss:/ { rss = $2 }
       /^Anonymous:/ { anon = $2 }
       END { if (range) print range, rss, anon, path }' "/proc/$1/smaps"
}

# summary MAPPINGS LOADED_PATHS: "count rss_kb anonymous_kb anonymous_mappings anonymous_size_kb"
# over every mapping but those of the files in LOADED_PATHS (one a line) and the unnamed
# mapping that directly follows one of them (its zero-filled data).
summary() {
  awk -v loaded="$2" '
    BEGIN { n = split(loaded, list, "\n"); for (i = 1; i <= n; ++i) if (list[i] != "") skip[list[i]] = 1 }
    { start = ("0x" $1) + 0; end = ("0x" $2) + 0
      library = ($5 in skip) || ($5 == "-" && start == previous_end && previous_file)
      previous_end = end; previous_file = $5 in skip
      if (library) next
      count++; rss += $3; anon += $4
      if ($5 == "-" || $5 ~ /^\[(heap|stack|anon)/) { anon_maps++; anon_size += (end - start) / 1024 } }
    END { printf "%d %d %d %d %d\n", count, rss, anon, anon_maps, anon_size }' <<<"$1"
}

before=$(mappings "$pool_pid")
paths_before=$(awk '$5 != "-" {print $5}' <<<"$before" | sort -u)
read -r count0 rss0 anon0 anon_maps0 anon_size0 <<<"$(summary "$before" "")"

"$LEAKRANK" attach "$pool_pid" --duration 60 -o pool.lrk >attach.out 2>attach.err &
leakrank_pid=$!
# Recording until every worker has made its stack caches (leakrank's, 268 kB, and libunwind's,
# 256 kB), so the detach has something to give back; ended with Ctrl-C's signal, as a user
# would. (Adjacent new mappings merge, so their size tells, not their count.)
grown=$((anon_size0 + THREADS * 268))
for _ in $(seq 600); do
  read -r _ _ _ anon_maps_during anon_size_during <<<"$(summary "$(mappings "$pool_pid")" "")"
  ((anon_size_during >= grown)) && break
  kill -0 "$leakrank_pid" 2>/dev/null || fail "leakrank attach ended early: $(cat attach.err)"
  sleep 0.05
done
((anon_size_during >= grown)) ||
  fail "the attached pool never held a stack cache per thread: $anon_size_during kB of anonymous mappings, $anon_size0 kB before"
rss_during=$(awk '/^VmRSS:/ {print $2}' "/proc/$pool_pid/status")
kill -INT "$leakrank_pid"
wait "$leakrank_pid" || fail "leakrank attach exited $?: $(cat attach.err)"
grep -q "detached; pid $pool_pid" attach.err || fail "no detach reported: $(cat attach.err)"
line=$(totals pool.lrk)
(($(field allocations "$line") > THREADS)) || fail "too few allocations recorded: $line"

# Threads stopped inside an event at the detach give back their memory as they leave it.
loaded=""
for _ in $(seq 100); do
  after=$(mappings "$pool_pid")
  loaded=$(comm -13 <(echo "$paths_before") <(awk '$5 != "-" {print $5}' <<<"$after" | sort -u))
  read -r count1 rss1 anon1 anon_maps1 anon_size1 <<<"$(summary "$after" "$loaded")"
  ((count1 <= count0 + 2 && anon_maps1 <= anon_maps0 + 2)) && break
  sleep 0.05
done
kill -0 "$pool_pid" 2>/dev/null || fail "the pool died: $(cat pool.err)"
library_kb=$(($(summary "$after" "" | cut -d' ' -f2) - rss1))
echo "attach_detach_memory: before: $count0 mappings, $anon_maps0 anonymous ($anon_size0 kB), rss $rss0 kB, anonymous $anon0 kB"
echo "attach_detach_memory: attached: $anon_maps_during anonymous mappings ($anon_size_during kB), VmRSS $rss_during kB"
echo "attach_detach_memory: after:  $count1 mappings, $anon_maps1 anonymous ($anon_size1 kB), rss $rss1 kB, anonymous $anon1 kB;" \
  "left loaded: $(echo $loaded | tr '\n' ' '), $library_kb kB resident"

[[ "$loaded" == *libleakrank.so* ]] || fail "libleakrank.so is not among the libraries the attach left loaded: $loaded"
grep -q '/dev/shm/leakrank' <<<"$after" && fail "the session is still mapped after the detach"
# Mappings: glibc's arenas grow inside their own reservations (mprotect splits one in two at
# most), so a couple may differ; a stack cache left behind would be 400.
((count1 <= count0 + 2)) || fail "$count1 mappings after the detach, $count0 before"
((anon_maps1 <= anon_maps0 + 2)) || fail "$anon_maps1 anonymous mappings after the detach, $anon_maps0 before"
((anon_size1 <= anon_size0 + 1024)) || fail "$anon_size1 kB of anonymous mappings after the detach, $anon_size0 kB before"
# Anonymous memory: what glibc itself allocated for the libraries loaded stays, as after any
# dlopen (their link maps, and in each thread that recorded a TLS block and a larger TLS
# vector for libunwind: under 1 kB a thread). 1 kB a thread and 1 MiB more is that, with room;
# a stack cache or ring left behind is 268 kB and 4 MiB each.
margin=$((THREADS + 1024))
((anon1 <= anon0 + margin)) || fail "anonymous memory $anon1 kB after the detach, $anon0 kB before (margin $margin kB)"
# RSS also counts the code of the C library and the loader that the attach ran (dlopen, the
# loader's list of objects) and the program never had: shared file pages, at most their text.
text_kb=$(awk '$2 ~ /x/ && $6 ~ /\/(libc\.so|ld-linux)/ {split($1, r, "-"); kb += (("0x" r[2]) - ("0x" r[1])) / 1024}
               END {printf "%d", kb}' "/proc/$pool_pid/maps")
((rss1 <= rss0 + margin + text_kb)) ||
  fail "RSS $rss1 kB after the detach, $rss0 kB before (margin $margin kB, and $text_kb kB of C library code)"

kill -0 "$pool_pid" 2>/dev/null || fail "the pool died after the detach"
echo "attach_detach_memory: ok"
