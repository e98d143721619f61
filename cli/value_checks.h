#pragma once
// Checks of option values, made on the text as typed, before CLI11 converts it: a bad value
// gets one line that names the option and what it accepts
//   --interval: expected a number from 0.001 to 3600, got '0'
// rather than CLI11's range of a double (a 309-digit number), or -3 wrapped into a huge size.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>

namespace leakrank::cli {

constexpr int64_t kMaxPid = int64_t(1) << 22;  // PID_MAX_LIMIT of 64-bit Linux

// A decimal number from min to max ("0.5", "2", "1e-3").
CLI::Validator number_in(double min, double max);

// Digits only, from min to max.
CLI::Validator whole_number_in(int64_t min, int64_t max);

// Whatever parse accepts; parse throws std::invalid_argument saying why not (parse_byte_size,
// parse_duration_s, ...), so the check and the use of a value share one parser.
CLI::Validator parsed_by(std::function<void(const std::string&)> parse);

}  // namespace leakrank::cli
