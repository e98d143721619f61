#include "cli/command_line.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

#include "cli/nearest_word.h"
#include "cli/verbs.h"

namespace leakrank::cli {
namespace {

// The verb whose first positional word starts a command of its own, as with heaptrack,
// valgrind and perf: every word from there on belongs to that command.
constexpr std::string_view kCommandVerb = "run";

std::vector<std::string> verb_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* verb : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(verb->get_name());
  return names;
}

const CLI::App* find_verb(const CLI::App& app, const std::string& word) {
  auto named = [&](const CLI::App* verb) { return verb->check_name(word); };
  std::vector<const CLI::App*> found = app.get_subcommands(named);
  return found.empty() ? nullptr : found.front();
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

CommandError unknown_verb(const CLI::App& app, const std::string& word) {
  const std::vector<std::string> names = verb_names(app);
  if (std::optional<std::string> nearest = nearest_word(word, names))
    return CommandError(fmt::format("unknown command '{}', did you mean '{}'?", word, *nearest));
  return CommandError(fmt::format("unknown command '{}'; the commands are {}", word, joined(names)));
}

// Puts "--" before the first word that is neither an option of verb nor an option's value,
// so that CLI11 leaves the command's own options alone. An option's value is the next word
// unless it is attached (--output=x, -ox).
void end_options_at_command(const CLI::App& verb, std::vector<std::string>& args, size_t first) {
  for (size_t i = first; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--") return;
    if (word.size() < 2 || word[0] != '-') {
      args.insert(args.begin() + long(i), "--");
      return;
    }
    const CLI::Option* option = verb.get_option_no_throw(word);
    if (option != nullptr && option->get_expected_min() > 0) ++i;
  }
}

}  // namespace

void register_help(CLI::App& app) {
  CLI::App* help = app.add_subcommand("help", "Show a verb's options: leakrank help VERB is leakrank VERB --help");
  help->add_option("VERB", "The verb to explain");
}

std::vector<std::string> verb_arguments(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  if (args.empty())
    throw CommandError(fmt::format("no command given; the commands are {} (leakrank --help)", joined(verb_names(app))));
  if (args[0] == "help") {
    if (args.size() > 2) throw CommandError("help takes one verb, e.g. leakrank help report");
    args = args.size() == 2 && !args[1].starts_with('-') ? std::vector<std::string>{args[1], "--help"}
                                                  : std::vector<std::string>{"--help"};
  }
  const CLI::App* verb = find_verb(app, args[0]);
  if (verb == nullptr && !args[0].starts_with('-')) throw unknown_verb(app, args[0]);
  // Else CLI11 answers "A subcommand is required" to leakrank -x.
  if (verb == nullptr && app.get_option_no_throw(args[0]) == nullptr)
    throw CommandError(fmt::format("unknown option '{}' (see leakrank --help)", args[0]));
  if (verb != nullptr && verb->get_name() == kCommandVerb) end_options_at_command(*verb, args, 1);
  std::reverse(args.begin(), args.end());
  return args;
}

std::string failure_line(const CLI::App* app, const CLI::Error& error) {
  std::string message = error.what();
  // CLI11 starts some messages as sentences ("The following argument was not expected"):
  // mid-line, after "leakrank: ", they read better in lower case.
  if (message.size() > 1 && std::isupper(static_cast<unsigned char>(message[0])) &&
      !std::isupper(static_cast<unsigned char>(message[1])))
    message[0] = char(std::tolower(static_cast<unsigned char>(message[0])));
  std::vector<CLI::App*> verbs = app->get_subcommands();
  std::string help = verbs.empty() ? "leakrank --help" : "leakrank help " + verbs.front()->get_name();
  return fmt::format("leakrank: {} (see {})\n", message, help);
}

}  // namespace leakrank::cli
