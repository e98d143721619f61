# Faults around the recording: an unwritable folder, a full disk, the file deleted while
# being written. leakrank must fail with one clear line, keep what it wrote readable, and
# neither hang nor orphan the target.
source "$(dirname "$0")/lib.sh"

# one_line_error FILE: leakrank wrote exactly one line to stderr (the target may add its own).
one_line_error() {
  expect_eq "$(grep -c '^leakrank:' "$1")" 1 "lines of error output ($(head -c 300 "$1"))"
  grep -q "^leakrank: " "$1" || fail "error does not come from leakrank: $(cat "$1")"
}

mounts=()
cleanup() {
  for mount in "${mounts[@]}"; do umount "$mount" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

can_mount=0
if [[ $(id -u) == 0 ]] && mkdir probe && mount -t tmpfs -o size=64k tmpfs probe 2>/dev/null; then
  umount probe
  can_mount=1
fi

# An unwritable output folder: refused before the target starts.
if ((can_mount)); then
  mkdir readonly && mount -t tmpfs -o ro,size=64k tmpfs readonly && mounts+=("$PWD/readonly")
  status=0
  "$LEAKRANK" run -o readonly/x.lrk -- "$LIFECYCLE" leaf >ro.out 2>ro.err || status=$?
  expect_eq "$status" 2 "exit code for a read-only output folder"
  one_line_error ro.err
  grep -q "Read-only file system" ro.err || fail "the error does not say why: $(cat ro.err)"
  [[ ! -s ro.out ]] || fail "the target ran although nothing could be recorded"
fi
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
  mkdir -m 0755 not-mine
  status=0
  setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
    "$LEAKRANK" run -o not-mine/x.lrk -- "$LIFECYCLE" leaf >perm.out 2>perm.err || status=$?
  expect_eq "$status" 2 "exit code for a folder the user may not write"
  one_line_error perm.err
  grep -q "Permission denied" perm.err || fail "the error does not say why: $(cat perm.err)"
  [[ ! -s perm.out ]] || fail "the target ran although nothing could be recorded"
fi

# A full disk: a 1 MiB tmpfs fills within a second of the tokenizer.
if ((can_mount)); then
  mkdir full && mount -t tmpfs -o size=1m tmpfs full && mounts+=("$PWD/full")
  status=0
  (cd full && timeout 120 "$LEAKRANK" run -- "$TOKENIZER" --docs 20000 >../full.out 2>../full.err) || status=$?
  ((status != 124)) || fail "leakrank hung on a full disk"
  ((status != 0)) || fail "leakrank succeeded although the disk was full"
  one_line_error full.err
  grep -q "No space left on device" full.err || fail "the error does not say why: $(cat full.err)"
  recording=$(ls full/leakrank.tokenizer.*.lrk) || fail "no recording on the full disk"
  line=$(totals "$recording")
  (($(field allocations "$line") > 0)) || fail "nothing readable from before the disk filled: $line"
  grep -q "truncated" <<<"$line" || fail "a recording cut by a full disk should say it is truncated: $line"
  "$LEAKRANK" report "$recording" >/dev/null 2>&1 || fail "report of a recording cut by a full disk"
  # The target is named in the file name. It must not be left behind, and never hang.
  target=${recording##*tokenizer.}
  target=${target%.lrk}
  if kill -0 "$target" 2>/dev/null; then
    kill -KILL "$target"
    fail "full disk: leakrank exited and left its target (pid $target) running unrecorded"
  fi
fi

# The recording deleted while it is written: the recorder keeps going on the open file.
"$LEAKRANK" run -o deleted.lrk -- "$LIFECYCLE" sleep >deleted.out 2>deleted.err &
recorder=$!
for _ in $(seq 100); do grep -q sleeping deleted.out 2>/dev/null && break; sleep 0.1; done
grep -q sleeping deleted.out || fail "the target did not start"
rm deleted.lrk
sleep 1.5  # a few periodic flushes into the deleted file
kill -0 "$recorder" 2>/dev/null || fail "leakrank stopped when its recording was deleted: $(cat deleted.err)"
kill -TERM "$recorder"  # forwarded to the target
status=0
wait "$recorder" || status=$?
expect_eq "$status" 143 "exit code after SIGTERM, the recording deleted"
grep -q "wrote deleted.lrk" deleted.err || fail "no summary after the recording was deleted: $(cat deleted.err)"
# The summary cannot analyse a file that is gone; it may say so, and nothing else may fail.
if grep -v "could not be analysed.*No such file" deleted.err | grep -ci "error\|cannot" >/dev/null; then
  fail "errors after the recording was deleted: $(cat deleted.err)"
fi

echo "robustness_faults: ok"
