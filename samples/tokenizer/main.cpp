#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

#include "document_reader.h"
#include "language.h"
#include "line_source.h"
#include "options.h"
#include "pipeline.h"
#include "rate_limiter.h"
#include "stop_signal.h"
#include "synthetic_corpus.h"

namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

// Like a service's model, the language lives as long as the process and is never
// torn down: its string store and recent documents are still reachable at exit.
Language& process_language(std::size_t max_doc_bytes) {
  static Language* const language = new Language(max_doc_bytes);
  return *language;
}

PipelineSettings pipeline_settings(const Options& options) {
  return {.threads = options.threads, .batch_size = options.batch_size, .reload_every = options.reload_every};
}

Summary process_stream(const Options& options) {
  SyntheticCorpus corpus(options.seed, options.docs_given ? options.docs : kUnlimited);
  StopSignal stop;
  RateLimiter pace(options.rate, stop);
  std::cout << "serving pid " << getpid() << std::endl;
  return Pipeline(corpus, process_language(options.max_doc_bytes), pipeline_settings(options), &pace).run();
}

Summary process_corpus(const Options& options) {
  SyntheticCorpus corpus(options.seed, options.docs);
  return Pipeline(corpus, process_language(options.max_doc_bytes), pipeline_settings(options)).run();
}

std::optional<Summary> process_input(const Options& options) {
  std::ifstream file;
  if (options.input != "-") {
    file.open(options.input);
    if (!file) {
      std::cerr << "tokenizer: cannot read " << options.input << '\n';
      return std::nullopt;
    }
  }
  LineSource lines(options.input == "-" ? std::cin : file, options.docs_given ? options.docs : kUnlimited);
  return Pipeline(lines, process_language(options.max_doc_bytes), pipeline_settings(options)).run();
}

std::optional<Summary> process(const Options& options) {
  if (options.serve) return process_stream(options);
  if (!options.input.empty()) return process_input(options);
  return process_corpus(options);
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const ParsedOptions parsed = parse_options(argc, argv);
  if (!parsed.options) return parsed.exit_status;
  const std::optional<Summary> summary = process(*parsed.options);
  if (!summary) return 2;
  std::cout << *summary << std::endl;
  if (summary->rejected > 0)
    std::cerr << "tokenizer: rejected " << summary->rejected << " documents: " << DocumentReader::kTooLong
              << " (over " << parsed.options->max_doc_bytes << " bytes)\n";
  return 0;
}
