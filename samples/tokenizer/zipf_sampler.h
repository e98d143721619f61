#pragma once

#include <cstdint>

class Rng;

// Draws ranks 1..n with probability proportional to rank^-exponent, in constant time
// and memory (rejection-inversion, Hörmann & Derflinger 1996), so a vocabulary of
// millions of words costs no table.
class ZipfSampler {
 public:
  ZipfSampler(std::uint64_t n, double exponent);
  std::uint64_t sample(Rng& rng) const;

 private:
  double h(double x) const;
  double h_integral(double x) const;
  double h_integral_inverse(double x) const;

  std::uint64_t n_;
  double exponent_;
  double h_integral_x1_;
  double h_integral_n_;
  double s_;
};
