// leakrank: find the lines that make a native process grow.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <exception>

#include "cli/command_line.h"
#include "cli/verbs.h"

int main(int argc, char** argv) {
  using namespace leakrank::cli;
  CLI::App app{"leakrank: ranks the allocation sites that make a process grow over time", "leakrank"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", "leakrank " LEAKRANK_VERSION);
  app.failure_message(failure_line);
  int exit_code = 0;
  register_run(app, exit_code);
  register_attach(app, exit_code);
  register_report(app, exit_code);
  register_diff(app, exit_code);
  register_plot(app, exit_code);
  register_export(app, exit_code);
  register_housekeeping(app, exit_code);
  register_help(app);
  register_completion(app);
  try {
    app.parse(verb_arguments(app, argc, argv));
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "leakrank: {}\n", e.what());
    const auto* command_error = dynamic_cast<const CommandError*>(&e);
    return command_error != nullptr ? command_error->exit_code : kExitUsage;
  }
  return exit_code;
}
