#pragma once
// Each verb of the leakrank command registers its subcommand here; main.cpp wires them up.
#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

namespace leakrank::cli {

// Exit codes shared by every verb.
constexpr int kExitUsage = 2;  // usage or unreadable input

// Ends the command with one "leakrank: what()" line and exit_code: for errors found after
// parsing, and for those that exit with a code of their own (127: no such command).
struct CommandError : std::runtime_error {
  explicit CommandError(const std::string& what, int exit_code = kExitUsage)
      : std::runtime_error(what), exit_code(exit_code) {}
  int exit_code;
};

void register_run(CLI::App& app, int& exit_code);
void register_attach(CLI::App& app, int& exit_code);
void register_report(CLI::App& app, int& exit_code);
void register_diff(CLI::App& app, int& exit_code);
void register_plot(CLI::App& app, int& exit_code);
void register_export(CLI::App& app, int& exit_code);
void register_housekeeping(CLI::App& app, int& exit_code);  // list, peak, clean
// completion bash: reads every verb registered before it, so it registers last.
void register_completion(CLI::App& app);

}  // namespace leakrank::cli
