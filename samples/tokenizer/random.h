#pragma once

#include <cstdint>

// SplitMix64: tiny and fully specified, so a seed yields the same corpus with every
// compiler and standard library (the std:: distributions do not promise that).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  // An independent stream per (seed, stream) pair, e.g. one per document.
  Rng(std::uint64_t seed, std::uint64_t stream) : state_(mix(seed ^ mix(stream + kGolden))) {}

  std::uint64_t next() { return mix(state_ += kGolden); }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in [low, high]; the modulo bias is irrelevant for a synthetic corpus.
  std::uint64_t between(std::uint64_t low, std::uint64_t high) { return low + next() % (high - low + 1); }
  bool one_in(std::uint64_t n) { return next() % n == 0; }

 private:
  static constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15;

  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  std::uint64_t state_;
};
