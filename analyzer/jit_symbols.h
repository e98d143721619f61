#pragma once
// Names of code that no module holds: what JIT compilers write to a perf map
// (/tmp/perf-PID.map, one "START SIZE name" line per piece of code, in hex), which the
// recorder copies into the recording (perf_map records). Code freed and compiled again at
// the same address gets a later line: the latest one names it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace leakrank {

class JitSymbols {
 public:
  void add_lines(std::string_view lines);  // whole lines; a malformed one is skipped
  const std::string* name_of(uint64_t address) const;

 private:
  struct Code {
    uint64_t end;
    std::string name;
  };
  std::map<uint64_t, Code> code_;  // by start address
};

}  // namespace leakrank
