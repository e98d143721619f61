// leakrank completion bash: the bash completion script, made from the verbs and options
// registered with CLI11, so that completion cannot drift from the command line. The build
// runs it and installs its output (cli/CMakeLists.txt).
#include <fmt/core.h>

#include <string>
#include <string_view>
#include <vector>

#include "cli/verbs.h"

namespace leakrank::cli {
namespace {

constexpr std::string_view kShells = "bash";  // the shells a script is written for

// What the completion offers for a value. Options are told apart by the type name CLI11 shows
// in --help: a choice option's is its names ("text|json", cli/choice_option.h), a path's FILE
// or DIR. Operands by their name: a recording for any other (FILE, BASE, NEW).
std::string value_kind(const CLI::Option& option) {
  if (option.get_positional()) {
    const std::string& name = option.get_name();
    if (name == "CMD") return "command";
    if (name == "PID") return "pid";
    if (name == "VERB") return "verb";
    if (name == "SHELL") return fmt::format("choice {}", kShells);
    return "recording";
  }
  if (option.get_expected_min() == 0) return "";  // a flag
  const std::string type = option.get_type_name();
  if (type.find('|') != std::string::npos) {
    std::string words = type;
    for (char& c : words)
      if (c == '|') c = ' ';
    return "choice " + words;
  }
  if (type == "FILE") return "file";
  if (type == "DIR") return "dir";
  return "text";  // a number, size or name: nothing to offer
}

std::vector<const CLI::App*> all_verbs(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

std::vector<const CLI::Option*> named_options(const CLI::App& verb) {
  return verb.get_options([](const CLI::Option* option) { return !option->get_positional(); });
}

// {"-o", "--output"}: every name an option answers to.
std::vector<std::string> option_names(const CLI::Option& option) {
  std::vector<std::string> names;
  for (const std::string& name : option.get_snames()) names.push_back("-" + name);
  for (const std::string& name : option.get_lnames()) names.push_back("--" + name);
  return names;
}

std::string joined(const std::vector<std::string>& words, std::string_view separator) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : std::string(separator)) + word;
  return text;
}

// _leakrank_options VERB: the verb's option names.
std::string options_function(const CLI::App& app) {
  std::string out = "_leakrank_options() {\n  case $1 in\n";
  for (const CLI::App* verb : all_verbs(app)) {
    std::vector<std::string> names;
    for (const CLI::Option* option : named_options(*verb))
      for (std::string& name : option_names(*option)) names.push_back(std::move(name));
    out += fmt::format("    {}) echo '{}' ;;\n", verb->get_name(), joined(names, " "));
  }
  return out + "  esac\n}\n";
}

// _leakrank_value VERB OPTION: the kind of value the option takes; nothing for a flag.
std::string values_function(const CLI::App& app) {
  std::string out = "_leakrank_value() {\n  case $1,$2 in\n";
  for (const CLI::App* verb : all_verbs(app)) {
    for (const CLI::Option* option : named_options(*verb)) {
      const std::string kind = value_kind(*option);
      if (kind.empty()) continue;
      std::vector<std::string> cases;
      for (const std::string& name : option_names(*option)) cases.push_back(verb->get_name() + "," + name);
      out += fmt::format("    {}) echo '{}' ;;\n", joined(cases, "|"), kind);
    }
  }
  return out + "  esac\n}\n";
}

// _leakrank_operand VERB: the kind of the verb's operands; nothing when it takes none.
std::string operands_function(const CLI::App& app) {
  std::string out = "_leakrank_operand() {\n  case $1 in\n";
  for (const CLI::App* verb : all_verbs(app)) {
    auto operands = verb->get_options([](const CLI::Option* option) { return option->get_positional(); });
    if (!operands.empty()) out += fmt::format("    {}) echo '{}' ;;\n", verb->get_name(), value_kind(*operands.front()));
  }
  return out + "  esac\n}\n";
}

// The part that reads the command line being typed; the functions above hold what it offers.
// It needs nothing from the bash-completion package, and uses its _command_offset for run's
// command when it is loaded.
constexpr std::string_view kCompleter = R"bash(
# COMPREPLY: the completions of $2 for a value of kind $1.
_leakrank_offer() {
  local kind=$1 cur=$2
  case $kind in
    choice\ *) mapfile -t COMPREPLY < <(compgen -W "${kind#choice }" -- "$cur") ;;
    verb) mapfile -t COMPREPLY < <(compgen -W "$_leakrank_verbs" -- "$cur") ;;
    pid) mapfile -t COMPREPLY < <(compgen -W "$(ps -e -o pid= 2>/dev/null)" -- "$cur") ;;
    file | dir | recording)
      compopt -o filenames 2>/dev/null || true  # only inside a completion
      case $kind in
        file) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
        dir) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
        recording) mapfile -t COMPREPLY < <(compgen -f -X '!*.lrk' -- "$cur"; compgen -d -- "$cur") ;;
      esac ;;
  esac
}

# run's command, which starts at word $1: a command name, then that command's completion.
_leakrank_command() {
  if declare -F _command_offset >/dev/null; then
    _command_offset "$1"
  elif (($1 == COMP_CWORD)); then
    mapfile -t COMPREPLY < <(compgen -c -- "${COMP_WORDS[COMP_CWORD]}")
  else
    _leakrank_offer file "${COMP_WORDS[COMP_CWORD]}"
  fi
}

_leakrank() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} verb='' word i
  COMPREPLY=()
  # bash splits --option=value at the "=" (COMP_WORDBREAKS).
  if [[ $cur == = ]]; then
    cur=
  elif [[ $prev == = ]]; then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ -z $verb ]]; then
      [[ $word == -* ]] || verb=$word
    elif [[ $word == -- && $(_leakrank_operand "$verb") == command ]]; then
      _leakrank_command $((i + 1))
      return
    elif [[ $word == -* ]]; then  # skip the option's value
      if [[ ${COMP_WORDS[i + 1]-} == = ]]; then
        ((i += 2))
      elif [[ -n $(_leakrank_value "$verb" "$word") ]]; then
        ((i += 1))
      fi
    elif [[ $(_leakrank_operand "$verb") == command ]]; then
      _leakrank_command "$i"
      return
    fi
  done
  if [[ -z $verb ]]; then
    if [[ $cur == -* ]]; then
      _leakrank_offer "choice $_leakrank_top_options" "$cur"
    else
      _leakrank_offer verb "$cur"
    fi
    return
  fi
  local kind=''
  [[ $prev == -* && $prev != -- ]] && kind=$(_leakrank_value "$verb" "$prev")
  if [[ -n $kind ]]; then
    _leakrank_offer "$kind" "$cur"
  elif [[ $cur == -* ]]; then
    _leakrank_offer "choice $(_leakrank_options "$verb")" "$cur"
  elif [[ $(_leakrank_operand "$verb") == command ]]; then
    _leakrank_command "$COMP_CWORD"
  else
    _leakrank_offer "$(_leakrank_operand "$verb")" "$cur"
  fi
}

complete -F _leakrank leakrank
)bash";

std::string bash_script(const CLI::App& app) {
  std::vector<std::string> verbs, top_options;
  for (const CLI::App* verb : all_verbs(app)) verbs.push_back(verb->get_name());
  for (const CLI::Option* option : named_options(app))
    for (std::string& name : option_names(*option)) top_options.push_back(std::move(name));
  return fmt::format("# bash completion for leakrank, written by `leakrank completion bash` from its own options.\n"
                     "_leakrank_verbs='{}'\n_leakrank_top_options='{}'\n\n{}\n{}\n{}{}",
                     joined(verbs, " "), joined(top_options, " "), options_function(app), values_function(app),
                     operands_function(app), kCompleter);
}

}  // namespace

void register_completion(CLI::App& app) {
  CLI::App* completion = app.add_subcommand("completion", "Print the completion script of a shell (bash)");
  auto shell = std::make_shared<std::string>();
  completion->add_option("SHELL", *shell, fmt::format("The shell: {}", kShells))
      ->required()
      ->check(CLI::IsMember({std::string(kShells)}));
  // The callback holds the option's storage: CLI11 writes to it after this function returns.
  completion->callback([&app, shell] { fmt::print("{}", bash_script(app)); });
}

}  // namespace leakrank::cli
