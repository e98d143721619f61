# Memory outside malloc and images replaced by exec (tests/targets/arena.c).
# - An arena grown by anonymous mmap ranks first, as a mapping site, above a small malloc
#   leak; a file mapping grown with mremap is not counted as the program's memory; a heap
#   committed by mprotect inside a reservation is a mapping site too, also when attached
#   after the reservation was made.
# - Through `bash -c '…; exec env …'` the report ranks only the last image's sites: the
#   blocks of bash and env end at their exec, and the recording names each image.
source "$(dirname "$0")/lib.sh"
ARENA=$TARGETS_DIR/target_arena

"$LEAKRANK" run -o arena.lrk -- "$ARENA" >arena.out 2>&1 || fail "run: $(cat arena.out)"
"$LEAKRANK" report arena.lrk --format json >arena.json || fail "report arena.lrk"
first=$(jq -r '.sites[0] | "\(.verdict) \(.kind) \(.function) \(.live_bytes)"' arena.json)
[[ $first == "growing mmap grow_arena 100663296" ]] || fail "first site: '$first'"
jq -e '.sites[] | select(.function == "leak_a_little" and .kind == "heap")' arena.json >/dev/null ||
  fail "the malloc leak is missing: $(jq -c '[.sites[] | .function]' arena.json)"
jq -e '[.sites[] | select(.function == "map_a_file" or .function == "main")] | length == 0' arena.json >/dev/null ||
  fail "a file mapping counted as memory: $(jq -c '[.sites[] | .function]' arena.json)"
# A heap committed by mprotect inside a reservation is a growing mapping site, with exactly
# the bytes committed (a decommit the kernel refuses changes nothing); what is committed and given back each round holds nothing at the end,
# and a guard page turned off and on in a malloc'ed block adds nothing to that block.
second=$(jq -r '.sites[] | select(.function == "commit_heap") | "\(.verdict) \(.kind) \(.live_bytes)"' arena.json)
[[ $second == "growing mmap 50331648" ]] || fail "the heap committed by mprotect: '$second'"
jq -e '[.sites[] | select(.function == "commit_scratch" or .function == "commit_and_uncommit") |
        select(.live_bytes != 0 or .peak_bytes > 2097152)] | length == 0' arena.json >/dev/null ||
  fail "memory committed and given back is counted: $(jq -c '[.sites[] | [.function, .live_bytes, .peak_bytes]]' arena.json)"
guard=$(jq -r '[.sites[] | select(.function == "flip_guard_page") | "\(.kind) \(.live_bytes)"] | join(",")' arena.json)
[[ $guard == "heap 16384" ]] || fail "the malloc'ed block with a guard page: '$guard'"
# RSS grew by the arena, and the report says the recorded mappings explain it.
jq -e '.rss_explained | .mmap_bytes > 0.5 * .rss_growth_bytes and (.mostly_unrecorded | not)' arena.json >/dev/null ||
  fail "RSS accounting: $(jq -c .rss_explained arena.json)"
grep -q "\[mmap\] grow_arena" arena.out || fail "the run summary does not name the arena: $(cat arena.out)"

# Attached after the heap was reserved: its commits from then on still count, the attach
# having read the reservations the target already had.
: >slow.out
"$ARENA" --slowly >slow.out &
slow_pid=$!
for _ in $(seq 100); do
  grep -q reserved slow.out && break
  sleep 0.05
done
grep -q reserved slow.out || fail "the slow arena never reserved its heap"
"$LEAKRANK" attach "$slow_pid" --duration 2 -o slow.lrk >attach.out 2>&1 || fail "attach: $(cat attach.out)"
wait "$slow_pid" || fail "the attached arena exited $?"
committed=$("$LEAKRANK" report slow.lrk --format json |
  jq '[.sites[] | select(.function == "commit_heap" and .kind == "mmap") | .live_bytes] | add // 0')
((committed >= 8 << 20 && committed % (1 << 20) == 0)) ||
  fail "commits after the attach, in a reservation made before it: $committed bytes"

"$LEAKRANK" run -o exec.lrk -- bash -c \
  'declare -a x; for i in $(seq 1 20000); do x[$i]=$i; done; exec env LEAKRANK_TEST=1 '"$ARENA" >exec.out 2>&1 ||
  fail "run through bash and env: $(cat exec.out)"
"$LEAKRANK" report exec.lrk --format json >exec.json || fail "report exec.lrk"
expect_eq "$(jq -r '.images | length' exec.json)" 3 "images: bash, env and the arena"
expect_eq "$(jq -r '.images[0].command[0]' exec.json)" bash "the first image"
expect_eq "$(jq -r '.images[2].command[0]' exec.json)" "$ARENA" "the last image"
expect_eq "$(jq -r '.sites[0].function' exec.json)" grow_arena "the first site after the exec chain"
jq -e '[.sites[].frames[].module | select(test("/(bash|env)$"))] | length == 0' exec.json >/dev/null ||
  fail "a site of a replaced image is ranked: $(jq -c '[.sites[] | .function]' exec.json)"
# What bash allocated is gone with its image: the end state is the last image's alone.
expect_eq "$(jq -r '.end_heap_bytes' exec.json)" "$(jq -r '.end_heap_bytes' arena.json)" "bytes live at exit"
echo "report_exec_mmap: ok"
