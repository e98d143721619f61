# leakrank(1) documents the command line the binary has: every verb and every long option
# that --help lists, and no option it does not (the options the page explains under .TP).
source "$(dirname "$0")/lib.sh"
page=$SOURCE_DIR/docs/leakrank.1

# help_verbs: the verbs `leakrank --help` lists under "Subcommands:".
help_verbs() { "$LEAKRANK" --help | sed -n '/^Subcommands:/,$s/^  \([a-z]\+\) .*/\1/p'; }

# help_options VERB...: the long options their --help lists, one a line; "" for leakrank's own.
help_options() {
  local verb
  for verb in "$@"; do "$LEAKRANK" ${verb:+"$verb"} --help; done |
    sed -n 's/^ *\(-[^ ]*\).*/\1/p' | tr , '\n' | grep '^--' | sort -u
}

# The page with "\-\-wrappers\-from" read as --wrappers-from; greps read the file, as grep -q
# ending a pipe early would fail it under pipefail.
sed 's/\\-/-/g' "$page" >page.txt

verbs=$(help_verbs)
[[ $verbs == *report* && $verbs == *diff* ]] || fail "no verbs read from leakrank --help: $verbs"
for verb in $verbs; do
  grep -q "^\.SS \"$verb\b" page.txt || fail "the man page has no section for the verb $verb"
done
for section in $(sed -n 's/^\.SS "\([a-z]*\).*/\1/p' page.txt); do
  grep -qx "$section" <<<"$verbs" || fail "the man page has a section for $section, which is no verb"
done

# Options of the verbs, and leakrank's own (-V, --help) with no verb.
# shellcheck disable=SC2086  # one word a verb
options=$(help_options "" $verbs)
(($(wc -l <<<"$options") > 20)) || fail "too few options read from --help: $options"
for option in $options; do
  grep -q -- "$option\b" page.txt || fail "the man page does not document $option"
done
# What .TP paragraphs explain: the line after each .TP names the option.
documented=$(awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' page.txt | grep -o -- '--[a-z-]*[a-z]' | sort -u)
[[ -n $documented ]] || fail "no options found under .TP in the man page"
for option in $documented; do
  grep -qx -- "$option" <<<"$options" || fail "the man page documents $option, which leakrank does not take"
done
echo "man_page: ok"
