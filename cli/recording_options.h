#pragma once
// Options of the verbs that write a recording (run, attach), declared once.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "analyzer/byte_size.h"
#include "cli/value_checks.h"

namespace leakrank::cli {

inline void add_recording_options(CLI::App& verb, std::string& output, bool& force, double& interval_s,
                                  uint32_t& max_depth) {
  verb.add_option("-o,--output", output, "Recording file (default: leakrank.<prog>.<pid>.lrk)")->type_name("FILE");
  verb.add_flag("--force", force, "Let -o replace a file that is not a leakrank recording");
  verb.add_option("--interval", interval_s, "Seconds between RSS samples")
      ->capture_default_str()->check(number_in(0.001, 3600));
  verb.add_option("--max-depth", max_depth, "Deepest stack recorded")
      ->capture_default_str()->check(whole_number_in(1, 256));
}

// --sample-bytes SIZE, kept as text: parse_byte_size turns it into bytes once parsing is done.
inline void add_sampling_option(CLI::App& verb, std::string& sample_bytes) {
  verb.add_option("--sample-bytes", sample_bytes,
                  "Sample allocations: on average one per N bytes (e.g. 512KiB); reports become estimates")
      ->check(parsed_by(parse_byte_size));
}

// --quiet: the summary at the end is left out; errors are still printed.
inline void add_quiet_option(CLI::App& verb, bool& quiet) {
  verb.add_flag("-q,--quiet", quiet, "Print no summary when recording ends, only errors");
}

}  // namespace leakrank::cli
