// leakrank: find the lines that make a native process grow.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <exception>

#include "cli/verbs.h"

int main(int argc, char** argv) {
  CLI::App app{"leakrank: ranks the allocation sites that make a process grow over time", "leakrank"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", "leakrank " LEAKRANK_VERSION);
  int exit_code = 0;
  leakrank::cli::register_run(app, exit_code);
  leakrank::cli::register_attach(app, exit_code);
  leakrank::cli::register_report(app, exit_code);
  leakrank::cli::register_diff(app, exit_code);
  leakrank::cli::register_plot(app, exit_code);
  leakrank::cli::register_export(app, exit_code);
  leakrank::cli::register_housekeeping(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : leakrank::cli::kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "leakrank: {}\n", e.what());
    return leakrank::cli::kExitUsage;
  }
  return exit_code;
}
