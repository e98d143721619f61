# The Debian package `cpack -G DEB` builds, unpacked with dpkg-deb -x so that nothing is
# installed: named as Debian names packages, Depends filled in from the linked libraries, and
# usable where it lands (the command finds its libraries relative to itself), with a man page
# that renders without warnings and the completion where bash-completion looks for it.
source "$(dirname "$0")/lib.sh"

version=$("$LEAKRANK" --version)
version=${version#leakrank }
cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$work/packages" >cpack.log 2>&1 ||
  fail "cpack failed: $(tail -20 cpack.log)"
deb=packages/leakrank_${version}_$(dpkg --print-architecture).deb
[[ -f $deb ]] || fail "no $deb among: $(ls packages)"
expect_eq "$(dpkg-deb -f "$deb" Version)" "$version" "the package's version"
# Depends names packages, each with its version bound: "libc6 (>= 2.35), libunwind8, ...".
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | awk '{ print $1 }')
for library in libc6 libunwind8 libdw1 libzstd1 libcairo2; do
  grep -qx "$library" <<<"$depends" || fail "Depends lacks $library: $(dpkg-deb -f "$deb" Depends)"
done

dpkg-deb -x "$deb" root
usr=$work/root/usr
expect_eq "$("$usr/bin/leakrank" --version)" "leakrank $version" "the unpacked leakrank's version"
# The target maps the libleakrank.so next to the unpacked command, not the build's.
unset LEAKRANK_PRELOAD
"$usr/bin/leakrank" run -q -o maps.lrk -- cat /proc/self/maps >maps.txt || fail "run from the package failed"
grep -q " $usr/lib/leakrank/libleakrank.so$" maps.txt ||
  fail "the target did not map the package's libleakrank.so: $(grep libleakrank maps.txt)"
"$usr/bin/leakrank" run -q -o t.lrk -- "$TOKENIZER" --docs 1000 >/dev/null || fail "recording the tokenizer failed"
"$usr/bin/leakrank" report t.lrk >report.txt || fail "report from the package failed"
grep -q "StringStore::intern" report.txt || fail "the packaged report misses the intern site: $(cat report.txt)"
"$usr/bin/leakrank" plot t.lrk -o t.png || fail "plot from the package failed (libleakrank-plot.so)"
[[ -s t.png ]] || fail "plot wrote no chart"

page=$usr/share/man/man1/leakrank.1.gz
[[ -f $page ]] || fail "no man page at share/man/man1"
zcat "$page" | groff -man -Tutf8 -ww -z 2>groff.err || fail "groff failed on the man page"
[[ ! -s groff.err ]] || fail "the man page renders with warnings: $(cat groff.err)"
MANWIDTH=80 man -l "$page" >page.txt 2>man.err  # plain text: stdout is no terminal
[[ ! -s man.err ]] || fail "man -l warns: $(cat man.err)"
grep -q "^EXIT STATUS" page.txt || fail "man -l renders no EXIT STATUS section: $(head page.txt)"

completion=$usr/share/bash-completion/completions/leakrank
cmp -s "$completion" <("$usr/bin/leakrank" completion bash) ||
  fail "the packaged completion is not what leakrank completion bash writes"
echo "package: ok"
