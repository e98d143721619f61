#pragma once

#include <cstdint>
#include <ostream>

// What a run did. Deterministic: the same for any thread count, and free of
// timings, so runs with and without a profiler can be compared byte for byte.
struct Summary {
  std::uint64_t docs = 0;
  std::uint64_t tokens = 0;
  std::uint64_t unique = 0;  // distinct tokens interned, summed over store reloads
  std::uint64_t rejected = 0;

  Summary& operator+=(const Summary& other);
};

std::ostream& operator<<(std::ostream& out, const Summary& summary);
