# `leakrank attach` from the host into a container: a target in its own pid and mount
# namespaces, with private /dev/shm and /tmp, where the folder holding libleakrank.so is
# hidden and the program itself exists only inside. It is recorded with symbols and left
# running natively; a dlopen that fails inside says why and leaves nothing loaded.
source "$(dirname "$0")/lib.sh"
PROBE=$TARGETS_DIR/target_attach_probe
LIBRARY_DIR=$(dirname "$(readlink -f "$BUILD_DIR/libleakrank.so")")

if [[ $(id -u) != 0 ]] || ! unshare --mount --pid --fork true 2>/dev/null; then
  echo "attach_container: SKIP: making mount and pid namespaces needs root" >&2
  exit 0
fi

containers=()
trap 'for pid in "${containers[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$work"' EXIT

# contain NAME PROGRAM [ARGS...]: runs a copy of PROGRAM, as /tmp/NAME, as pid 1 of new
# mount and pid namespaces with tmpfs over /dev/shm, /tmp and the library's folder, plus
# whatever $HIDE names (bind-mounted over with /dev/null). Sets $target_pid (the host's pid)
# once it serves.
contain() {
  local name=$1 program=$2
  shift 2
  : >"$name.out"
  unshare --mount --pid --fork bash -c '
    set -e
    name=$1 program=$2 library_dir=$3 hide=$4
    shift 4
    exec 3<"$program"  # opened before /tmp is covered: the build may live under /tmp
    mount -t tmpfs tmpfs /dev/shm
    mount -t tmpfs tmpfs /tmp
    cat <&3 >"/tmp/$name"
    exec 3<&-
    chmod +x "/tmp/$name"
    # A library folder under /tmp is hidden already; any other is covered.
    [[ ! -d "$library_dir" ]] || mount -t tmpfs tmpfs "$library_dir"
    [[ -z "$hide" ]] || mount --bind /dev/null "$hide"
    exec "/tmp/$name" "$@"' contain "$name" "$program" "$LIBRARY_DIR" "${HIDE:-}" "$@" >"$name.out" 2>"$name.err" &
  local unshare_pid=$!
  containers+=("$unshare_pid")
  target_pid=
  for _ in $(seq 200); do
    target_pid=$(cat "/proc/$unshare_pid/task/$unshare_pid/children" 2>/dev/null | tr -d ' ' || true)
    [[ -n "$target_pid" ]] && grep -q '^serving pid' "$name.out" && break
    sleep 0.05
  done
  grep -q '^serving pid 1$' "$name.out" || fail "$name never served as pid 1 of its namespace: $(cat "$name.err")"
  containers+=("$target_pid")
  [[ $(readlink "/proc/$target_pid/exe") == "/tmp/$name" ]] || fail "$name's host pid is not $target_pid"
  [[ ! -e "/tmp/$name" ]] || fail "/tmp/$name exists on the host too: the test needs a program only the container has"
}

# The tokenizer service leaks through StringStore::intern; attach finds it, with symbols read
# from a program file the host does not have at that path.
contain tokenizer "$TOKENIZER" --serve --rate 3000
"$LEAKRANK" attach "$target_pid" --duration 3 -o contained.lrk >attach.out 2>attach.err ||
  fail "attach into the container exited $?: $(cat attach.err)"
grep "paused" attach.err
line=$(totals contained.lrk)
(($(field allocations "$line") > 1000)) || fail "too few allocations recorded in the container: $line"
expect_eq "$(field complete "$line")" 1 "end record"
"$LEAKRANK" report contained.lrk --format json >report.json || fail "report failed on the container's recording"
# Named and placed from the program's own file, which only the container has at /tmp. (Its
# verdict is attach.sh's to check: on a loaded machine three seconds may read as a plateau.)
intern=$(jq -r '.sites[] | select(.function | startswith("StringStore::intern")) |
  "\(.verdict) \(.growth_bytes) \(.file)"' report.json | head -1)
[[ -n "$intern" ]] || fail "no StringStore::intern site: $(jq -c '[.sites[] | .function]' report.json)"
read -r verdict growth file <<<"$intern"
((growth > 0)) || fail "StringStore::intern did not grow: $intern"
[[ "$file" == *string_store.cpp ]] || fail "StringStore::intern has no source file: $intern"
echo "attach_container: StringStore::intern is $verdict, +$growth bytes, in $file"
[[ $(grep -c 'memfd:libleakrank' "/proc/$target_pid/maps") -ge 1 ]] ||
  fail "the library was not loaded from memory: $(grep leakrank "/proc/$target_pid/maps")"

# Attached again twice: the copy loaded the first time is reused, never a second one.
for cycle in 1 2; do
  "$LEAKRANK" attach "$target_pid" --duration 0.3 -o "again$cycle.lrk" >/dev/null 2>again.err ||
    fail "attach $cycle more into the container exited $?: $(cat again.err)"
done
copies=$(sed -n 's/.*\(memfd:libleakrank[^ ]*\).*/\1/p' "/proc/$target_pid/maps" | sort -u | wc -l)
expect_eq "$copies" 1 "copies of libleakrank.so in the container's process after three attaches"
ls -l "/proc/$target_pid/fd" | grep -q memfd && fail "a memfd descriptor was left open in the target: $(ls -l "/proc/$target_pid/fd")"
kill -TERM "$target_pid"

# Detached, the probe's malloc GOT slot is its own again (it says so in a file of its /tmp).
contain probe "$PROBE" 2 /tmp/probe.state
"$LEAKRANK" attach "$target_pid" --duration 0.5 -o probe.lrk >/dev/null 2>probe_attach.err ||
  fail "attach into the probe's container exited $?: $(cat probe_attach.err)"
for _ in $(seq 100); do
  [[ $(cat "/proc/$target_pid/root/tmp/probe.state") == native ]] && break
  sleep 0.05
done
expect_eq "$(cat "/proc/$target_pid/root/tmp/probe.state")" native "the probe's malloc slot after detach"
line=$(totals probe.lrk)
(($(field allocations "$line") > 1000)) || fail "too few allocations recorded from the probe: $line"
kill -9 "$target_pid"

# A JIT runtime in the container writes its perf map to its own /tmp, named by the pid it
# knows itself by (1): its JavaScript frames are named from there, not "??".
contain node "$(command -v node)" --perf-basic-prof -e '
console.log("serving pid " + process.pid);
const table = new Map();
let next = 0;
function fillTable() {
  for (let i = 0; i < 2000; i++, next++) table.set(next % 200000, {a: next, b: "x" + next});
}
setInterval(fillTable, 10);'
"$LEAKRANK" attach "$target_pid" --duration 2 -o node.lrk >/dev/null 2>node_attach.err ||
  fail "attach to node in the container exited $?: $(cat node_attach.err)"
"$LEAKRANK" report node.lrk --top 0 --format json >node.json || fail "report failed on the container's node"
jq -e '[.sites[].frames[] | select(.kind == "jit" and (.function | test("fillTable")))] | length > 0' node.json \
  >/dev/null || fail "no JIT frame names fillTable in the container: $(jq -c '[.sites[].frames[] | .function] | unique | .[0:12]' node.json)"
kill -9 "$target_pid"

# Without libunwind in the container's view the library cannot load: the refusal gives the
# loader's reason, and the target keeps neither the library nor the in-memory file.
unwind=$(ldd "$BUILD_DIR/libleakrank.so" | awk '/libunwind/ {print $3}')
[[ -n "$unwind" ]] || fail "ldd names no libunwind for libleakrank.so"
HIDE=$(readlink -f "$unwind") contain hidden "$PROBE" 1 /tmp/probe.state
status=0
"$LEAKRANK" attach "$target_pid" --duration 1 -o hidden.lrk 2>refusal.err || status=$?
expect_eq "$status" 2 "exit code when the library cannot load in the container"
grep -q "dlopen of .*libleakrank.so failed inside pid $target_pid: .*libunwind.so.8: file too short" refusal.err ||
  fail "the failed dlopen does not give the loader's reason: $(cat refusal.err)"
grep -q leakrank "/proc/$target_pid/maps" && fail "the failed attach left libleakrank.so mapped"
ls -l "/proc/$target_pid/fd" | grep -q memfd && fail "the failed attach left a memfd open in the target"
kill -0 "$target_pid" || fail "the target died after the failed attach"

echo "attach_container: ok"
