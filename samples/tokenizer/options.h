#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

struct Options {
  std::uint64_t docs = 20000;
  bool docs_given = false;  // --input and --serve only stop at --docs when it is given
  std::uint64_t seed = 1;
  std::string input;  // one document per line; "-" for stdin; empty: synthetic corpus
  unsigned threads = 1;
  std::size_t batch_size = 64;
  std::uint64_t reload_every = 0;
  std::size_t max_doc_bytes = 8192;
  bool serve = false;
  double rate = 2000;
};

// The options, or the exit status to stop with right away (after --help, or a
// usage error reported on stderr).
struct ParsedOptions {
  std::optional<Options> options;
  int exit_status = 0;
};

ParsedOptions parse_options(int argc, char** argv);
