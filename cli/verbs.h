#pragma once
// Each verb of the leakrank command registers its subcommand here; main.cpp wires them up.
#include <CLI/CLI.hpp>

namespace leakrank::cli {

// Exit codes shared by every verb.
constexpr int kExitUsage = 2;  // usage or unreadable input

void register_run(CLI::App& app, int& exit_code);
void register_attach(CLI::App& app, int& exit_code);
void register_report(CLI::App& app, int& exit_code);
void register_diff(CLI::App& app, int& exit_code);
void register_plot(CLI::App& app, int& exit_code);
void register_export(CLI::App& app, int& exit_code);
void register_housekeeping(CLI::App& app, int& exit_code);  // list, peak, clean

}  // namespace leakrank::cli
