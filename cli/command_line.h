#pragma once
// What leakrank makes of its arguments before CLI11 parses them, and how a parse error reads.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace leakrank::cli {

// `leakrank help [VERB]`: listed with the verbs; the arguments become `VERB --help`.
void register_help(CLI::App& app);

// argv without the program name, for CLI::App::parse (which takes them last to first):
//   help VERB      -> VERB --help
//   run ls -la     -> run -- ls -la   (run's options end where its command starts)
// Throws CommandError when the first word is no verb, naming the nearest one.
std::vector<std::string> verb_arguments(const CLI::App& app, int argc, char** argv);

// The one "leakrank: ..." line for a CLI11 parse error (CLI::App::failure_message).
std::string failure_line(const CLI::App* app, const CLI::Error& error);

}  // namespace leakrank::cli
