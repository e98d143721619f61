#include "zipf_sampler.h"

#include <algorithm>
#include <cmath>

#include "random.h"

namespace {

// log1p(x)/x and expm1(x)/x, accurate near zero where the plain quotients are not.
double log1p_over_x(double x) {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

double expm1_over_x(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
}

}  // namespace

ZipfSampler::ZipfSampler(std::uint64_t n, double exponent)
    : n_(n),
      exponent_(exponent),
      h_integral_x1_(h_integral(1.5) - 1),
      h_integral_n_(h_integral(static_cast<double>(n) + 0.5)),
      s_(2 - h_integral_inverse(h_integral(2.5) - h(2))) {}

std::uint64_t ZipfSampler::sample(Rng& rng) const {
  for (;;) {
    const double u = h_integral_n_ + rng.uniform() * (h_integral_x1_ - h_integral_n_);
    const double x = h_integral_inverse(u);
    const auto k = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(x + 0.5), 1, n_);
    const double kd = static_cast<double>(k);
    if (kd - x <= s_ || u >= h_integral(kd + 0.5) - h(kd)) return k;
  }
}

double ZipfSampler::h(double x) const { return std::exp(-exponent_ * std::log(x)); }

double ZipfSampler::h_integral(double x) const {
  const double log_x = std::log(x);
  return expm1_over_x((1 - exponent_) * log_x) * log_x;
}

double ZipfSampler::h_integral_inverse(double x) const {
  const double t = std::max(-1.0, x * (1 - exponent_));
  return std::exp(log1p_over_x(t) * x);
}
