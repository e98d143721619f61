# CPython with and without its debug information (Debian's python3.11-dbg): one recording of
# the Python sample, reported as this machine does and with --debug-dirs-only (no debug
# package found), names the same first site, with the same Python caller, and gives the
# sample's sites the same verdicts. With the symbols the interpreter's own frames get
# file:line and inlined frames, so the symbols were read; without, they get neither. Every
# export of that recording stays within a few times the report's memory: with the symbols
# its stacks run a hundred frames deep, and a copy of each frame per stack took 20 times.
source "$(dirname "$0")/lib.sh"
: "${PYSERVICE:?set by CTest}"
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || fail "no $PYTHON: scripts/setup installs it"
interpreter=$(readlink -f "$PYTHON")
build_id=$(readelf -n "$interpreter" | sed -n 's/^ *Build ID: *//p')
[[ -f /usr/lib/debug/.build-id/${build_id:0:2}/${build_id:2}.debug ]] ||
  fail "no debug information for $interpreter (build-id $build_id): scripts/setup installs python3.11-dbg"
unset DEBUGINFOD_URLS  # symbols from this machine only, whichever way
TOP=50  # the sample's sites are among them; every site would be 80 MB of JSON

"$LEAKRANK" run -q -o service.lrk -- "$PYTHON" "$PYSERVICE" --requests 2000 >run.out 2>run.err ||
  fail "run: $(cat run.err)"
# report NAME OPTIONS...: NAME.json, the report of the one recording.
report() {
  local name=$1
  shift
  "$LEAKRANK" report service.lrk --format json --top $TOP "$@" >"$name.json" || fail "report $name"
}
report with
report without --debug-dirs-only
report with_frames --keep-frames
report without_frames --keep-frames --debug-dirs-only

# One recording, one report: not a byte may depend on how far the symbolizing thread had got
# when the replay sampled the sites (with the interpreter's debug information it lags most).
for again in 1 2; do
  report "again$again"
  cmp -s with.json "again$again.json" ||
    fail "two reports of one recording differ: $(diff <(jq -S . with.json) <(jq -S . "again$again.json") | head -6)"
done

# The first site, its Python caller, then the verdict of every site in the sample's code that
# rose. Steady sites hold next to nothing and tie in rank near the --top cut, where the
# interpreter's sites (one per function with the symbols, one per address without) push
# them to either side of it.
summary() {
  jq -r '.sites[0] | "\(.verdict) \(.function) \(.file | split("/") | last)"' "$1.json"
  python_caller_of "$1.json" Tokenizer_tokenize
  jq -r '.sites[] | select((.file | test("/samples/pyservice/")) and .verdict != "steady") |
      "\(.verdict) \(.function) \(.file | split("/") | last):\(.line)"' "$1.json" | sort
}
summary with >with.txt
summary without >without.txt
caller_line=$(sample_line 'self._tokenizer.tokenize(text)' document_service.py)
expected_start=$'growing token_store_intern token_store.c\nDocumentService.handle document_service.py:'$caller_line
[[ $(head -2 with.txt) == "$expected_start" ]] || fail "with the symbols: $(head -2 with.txt)"
diff without.txt with.txt >sites.diff || fail "the symbols changed the sample's sites: $(cat sites.diff)"
grep -q '^plateau RecentDocuments.remember ' with.txt || fail "the sample's LRU is missing: $(cat with.txt)"

# interpreter_frames NAME: "frames with file:line, inlined frames" of the interpreter in the first
# site's stack.
interpreter_frames() {
  jq -r --arg path "$interpreter" '[.sites[0].frames[] | select(.module == $path)] |
      "\(map(select(.line > 0)) | length) \(map(select(.kind == "inlined")) | length)"' "$1.json"
}
read -r lines inlined <<<"$(interpreter_frames with_frames)"
((lines > 0 && inlined > 0)) ||
  fail "the interpreter's symbols were not read: $lines frames with a line, $inlined inlined"
[[ $(interpreter_frames without_frames) == "0 0" ]] ||
  fail "--debug-dirs-only still found the interpreter's symbols: $(interpreter_frames without_frames)"

# max_rss_kib COMMAND...: the command's peak resident memory, its output thrown away.
max_rss_kib() {
  "$PYTHON" -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@" || fail "failed: $*"
}
report_kib=$(max_rss_kib "$LEAKRANK" report service.lrk)
for format in folded pprof json; do
  export_kib=$(max_rss_kib "$LEAKRANK" export service.lrk --format $format -o -)
  ((export_kib <= 5 * report_kib)) ||
    fail "export --format $format took $export_kib KiB, more than 5 times the report's $report_kib KiB"
done
echo "python_debug_info: $(wc -l <with.txt) lines agree; with the symbols $lines interpreter frames have a line"
echo "python_debug_info: ok"
