# leakrank plot on the tokenizer: a PNG of the requested size, an SVG naming the top sites,
# one heap series per compared recording, list numbers, and one-line errors with exit 2.
source "$(dirname "$0")/lib.sh"

# png_size FILE: "WIDTH HEIGHT" from the IHDR chunk (big-endian u32 at bytes 16 and 20).
png_size() {
  local bytes
  bytes=$(od -An -tu1 -j16 -N8 "$1") || fail "cannot read $1"
  read -r w1 w2 w3 w4 h1 h2 h3 h4 <<<"$bytes"
  echo "$(((w1 << 24) | (w2 << 16) | (w3 << 8) | w4)) $(((h1 << 24) | (h2 << 16) | (h3 << 8) | h4))"
}

is_png() { [[ $(od -An -tx1 -N8 "$1" | tr -d ' \n') == 89504e470d0a1a0a ]]; }

"$LEAKRANK" run -o t.lrk -- "$TOKENIZER" --docs 20000 >/dev/null 2>run.err || fail "run failed: $(cat run.err)"
"$LEAKRANK" run -o u.lrk -- "$TOKENIZER" --docs 4000 --seed 2 >/dev/null 2>run.err || fail "run failed: $(cat run.err)"

# Without -o: <recording>.png next to the recording, path printed.
expect_eq "$("$LEAKRANK" plot t.lrk 2>err)" "t.png" "default output of plot t.lrk"
is_png t.png || fail "t.png is not a PNG"
expect_eq "$(png_size t.png)" "1200 720" "default picture size"

"$LEAKRANK" plot t.lrk -o small.png --size 640x400 --title "tokenizer" --top 3 >/dev/null 2>err ||
  fail "plot -o small.png: $(cat err)"
is_png small.png || fail "small.png is not a PNG"
expect_eq "$(png_size small.png)" "640 400" "--size 640x400"

"$LEAKRANK" plot t.lrk -o t.svg --slope >/dev/null 2>err || fail "plot -o t.svg: $(cat err)"
grep -q "<svg" t.svg || fail "t.svg is not an SVG"
grep -q "series: RSS" t.svg || fail "no RSS series in t.svg"
grep -q "series: heap" t.svg || fail "no heap series in t.svg"
grep -q "series: StringStore::intern(.*string_store.cpp:[0-9]*)" t.svg || fail "the intern site is not plotted"
grep -q "series: DocumentReader::read(.*document_reader.cpp:[0-9]*)" t.svg || fail "the reader leak is not plotted"
grep -q "marker: peak heap" t.svg || fail "the heap peak is not marked"
first_site=$(grep -o "series: [^(&]*" t.svg | sed -n 3p)
expect_eq "$first_site" "series: StringStore::intern" "the top site comes first after the totals"

# Two recordings overlay: one heap series per file, labels prefixed with the file's short name.
"$LEAKRANK" plot t.lrk u.lrk -o both.svg >/dev/null 2>err || fail "plot t.lrk u.lrk: $(cat err)"
expect_eq "$(grep -c "series: [tu]: heap$" both.svg)" 2 "heap series in a two-file plot"
grep -q "series: t: StringStore::intern" both.svg || fail "t's sites are not prefixed"
grep -q "series: u: StringStore::intern" both.svg || fail "u's sites are not prefixed"

# No FILE: the newest recording; a list number picks as `leakrank list` shows.
touch u.lrk
expect_eq "$("$LEAKRANK" plot 2>err)" "u.png" "plot without FILE (the newest)"
expect_eq "$("$LEAKRANK" plot 0 2>err)" "t.png" "plot 0 (the oldest)"
expect_eq "$("$LEAKRANK" plot -- -1 2>err)" "u.png" "plot -1 (the newest)"

# Errors: one line on stderr, exit 2.
expect_error() {  # what ARGS...
  local what=$1 status=0
  shift
  "$LEAKRANK" plot "$@" >out 2>err || status=$?
  expect_eq "$status" 2 "exit status for $what"
  expect_eq "$(wc -l <err)" 1 "lines on stderr for $what: $(cat err)"
}
expect_error "a missing file" missing.lrk
printf 'not a recording' >junk.lrk
expect_error "a file that is not a recording" junk.lrk
expect_error "a reversed window" t.lrk --window 5,1 -o w.png
expect_error "a window without a comma" t.lrk --window 5 -o w.png
expect_error "an unknown extension" t.lrk -o t.jpg
[[ ! -e t.jpg ]] || fail "a .jpg was written"
expect_error "a recording number out of range" 9

"$LEAKRANK" plot t.lrk --window 1,2 -o window.png >/dev/null 2>err || fail "plot --window 1,2: $(cat err)"
is_png window.png || fail "window.png is not a PNG"
echo "plot: ok"
