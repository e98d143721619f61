# The bash completion that `leakrank completion bash` writes (and the build installs): verbs,
# each verb's options, the names a choice option takes, recordings for FILE, commands after
# run. Driven as bash drives it: COMP_WORDS and COMP_CWORD set, _leakrank called, COMPREPLY read.
source "$(dirname "$0")/lib.sh"

"$LEAKRANK" completion bash >completion.bash || fail "leakrank completion bash failed"
source completion.bash
[[ $(complete -p leakrank) == *"-F _leakrank"* ]] || fail "the script does not register _leakrank"

# offered LINE: what completing the last word of LINE offers, sorted, one a line. A LINE
# ending in a space completes an empty word. Bash splits --color=al into "--color" "=" "al"
# (COMP_WORDBREAKS), so LINE spells it so.
offered() {
  local line=$1
  read -r -a COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  (set +eu; _leakrank; printf '%s\n' "${COMPREPLY[@]}") | sort
}

expect_offered() {  # LINE EXPECTED...: exactly these
  local line=$1
  shift
  expect_eq "$(offered "$line" | tr '\n' ' ')" "$(printf '%s\n' "$@" | sort | tr '\n' ' ')" "completion of '$line'"
}

expect_offers() {  # LINE WORD: WORD among what is offered
  offered "$1" | grep -qx -- "$2" || fail "completing '$1' does not offer $2: $(offered "$1" | tr '\n' ' ')"
}

# Every verb --help lists, and only those.
verbs=$("$LEAKRANK" --help | sed -n '/^Subcommands:/,$s/^  \([a-z]\+\) .*/\1/p')
# shellcheck disable=SC2086  # one word a verb
expect_offered "leakrank " $verbs
expect_offered "leakrank re" report
expect_offered "leakrank --v" --version
expect_offered "leakrank help di" diff
expect_offered "leakrank completion " bash

# Options, and the names of choice options, however the value is attached.
expect_offered "leakrank report --fo" --format
expect_offered "leakrank report --format " json text
expect_offered "leakrank report --color =" always auto never
expect_offered "leakrank report --color = al" always
expect_offered "leakrank report --top 3 --group-by s" stack
expect_offered "leakrank diff --format m" markdown
expect_offered "leakrank export --format " folded json pprof
expect_offered "leakrank run --on-threshold " snapshot stop
expect_offers "leakrank run --" --include-children
expect_offers "leakrank attach --" --duration
expect_offered "leakrank clean -" --dry-run --help -h

# Files: recordings (and folders) where a recording goes, any file where an option takes one.
mkdir folder && touch one.lrk two.lrk notes.txt
expect_offered "leakrank report " folder one.lrk two.lrk
expect_offered "leakrank diff one.lrk " folder one.lrk two.lrk
expect_offers "leakrank plot -o " notes.txt
expect_offers "leakrank diff --suppressions " notes.txt

# run's command: a command name first, then that command's own words.
expect_offers "leakrank run ech" echo
expect_offers "leakrank run -o out.lrk --interval 0.5 ech" echo
expect_offers "leakrank run -- ech" echo
expect_offers "leakrank run -- ls " notes.txt
! offered "leakrank run ls --" | grep -qx -- --include-children || fail "run's options offered to its command"
echo "completion: ok"
