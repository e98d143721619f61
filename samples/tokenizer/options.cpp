#include "options.h"

#include <CLI/CLI.hpp>

namespace {

constexpr int kUsageError = 2;

// CLI11's own range checks print their limits as 300-digit doubles; these say it plainly.
CLI::Validator number_that_is(const std::string& requirement, bool (*holds)(double)) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        double value = 0;
        if (CLI::detail::lexical_cast(text, value) && holds(value)) return {};
        return "must be " + requirement + ", not " + text;
      },
      "", requirement);
}

const CLI::Validator kPositive = number_that_is("positive", [](double value) { return value > 0; });
const CLI::Validator kNotNegative = number_that_is("zero or more", [](double value) { return value >= 0; });

}  // namespace

ParsedOptions parse_options(int argc, char** argv) {
  Options o;
  CLI::App app{"Tokenizes documents into a string store that grows without bound: "
               "the sample leak for leakrank."};
  const CLI::Option* docs = app.add_option("--docs", o.docs, "Documents to process")->check(kNotNegative)->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the synthetic corpus")->check(kNotNegative)->capture_default_str();
  CLI::Option* input = app.add_option("--input", o.input, "Tokenize this file instead, one document per line ('-': stdin)");
  app.add_option("--threads", o.threads, "Worker threads")->check(kPositive)->capture_default_str();
  app.add_option("--batch-size", o.batch_size, "Documents per batch")->check(kPositive)->capture_default_str();
  app.add_option("--reload-every", o.reload_every, "Replace the string store every N documents (0: never)")
      ->check(kNotNegative)->capture_default_str();
  app.add_option("--max-doc-bytes", o.max_doc_bytes, "Reject longer documents ('text too long')")
      ->check(kPositive)->capture_default_str();
  app.add_flag("--serve", o.serve, "Process a generated stream until SIGINT or SIGTERM")->excludes(input);
  app.add_option("--rate", o.rate, "Documents per second in --serve mode")->check(kPositive)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return {.exit_status = status == 0 ? 0 : kUsageError};
  }
  o.docs_given = docs->count() > 0;
  return {.options = o};
}
