#include "analyzer/growth_ranking.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

namespace leakrank {
namespace {

constexpr double KiB = 1024;
constexpr double MiB = 1024 * KiB;

// mt19937's output sequence is fixed by the standard, so every platform sees the same noise.
class Noise {
 public:
  explicit Noise(unsigned seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_()) / 4294967296.0; }           // [0, 1)
  double jitter(double amplitude) { return amplitude * (2 * uniform() - 1); }          // ±amplitude

 private:
  std::mt19937 engine_;
};

struct Snapshots {
  std::vector<double> times_s;
  std::vector<double> live_bytes;
};

// Snapshot times: every half second, or unevenly spaced (0.1 s to 1.1 s apart).
std::vector<double> snapshot_times(size_t count, Noise* uneven = nullptr) {
  std::vector<double> times(count);
  double now = 0;
  for (double& time : times) {
    time = now;
    now += uneven ? 0.1 + uneven->uniform() : 0.5;
  }
  return times;
}

// live_bytes(run_fraction, index): run_fraction goes 0 → 1 over the run's time.
Snapshots record(std::vector<double> times, const std::function<double(double, size_t)>& live_bytes) {
  Snapshots recording{std::move(times), {}};
  const double start = recording.times_s.front(), end = recording.times_s.back();
  for (size_t i = 0; i < recording.times_s.size(); ++i)
    recording.live_bytes.push_back(live_bytes((recording.times_s[i] - start) / (end - start), i));
  return recording;
}

Snapshots record(size_t count, const std::function<double(double, size_t)>& live_bytes) {
  return record(snapshot_times(count), live_bytes);
}

GrowthAssessment assess(const Snapshots& recording, const GrowthOptions& options = {}) {
  return assess_growth(recording.times_s, recording.live_bytes, options);
}

Verdict verdict_of(const Snapshots& recording) { return assess(recording).verdict; }

// Temporaries that pile up over `period` snapshots and are then all freed.
double sawtooth(size_t index, size_t period, double height) {
  return height * static_cast<double>(index % period) / static_cast<double>(period - 1);
}

// A cache filling linearly until `filled_at` of the run, then holding `size` with ±1% jitter as
// entries of different sizes replace each other.
std::function<double(double, size_t)> cache(double size, double filled_at, Noise& noise) {
  return [=, &noise](double run, size_t) {
    return size * std::min(1.0, run / filled_at) * (1 + noise.jitter(0.01));
  };
}

}  // namespace

TEST_CASE("verdicts have their report names") {
  CHECK(to_string(Verdict::growing) == "growing");
  CHECK(to_string(Verdict::plateau) == "plateau");
  CHECK(to_string(Verdict::freed) == "freed");
  CHECK(to_string(Verdict::steady) == "steady");
}

TEST_CASE("a linear leak under sawtooth churn is growing, with its slope") {
  // 8 MiB leaked over 64 snapshots (31.5 s) under 2 MiB of churning temporaries.
  const auto leak = record(64, [](double run, size_t i) { return 8 * MiB * run + sawtooth(i, 5, 2 * MiB); });
  const GrowthAssessment assessment = assess(leak);
  CHECK(assessment.verdict == Verdict::growing);
  CHECK(assessment.slope_bytes_per_s == doctest::Approx(8 * MiB / 31.5).epsilon(0.1));
  CHECK(assessment.recent_slope_bytes_per_s == doctest::Approx(8 * MiB / 31.5).epsilon(0.2));
}

TEST_CASE("a slow step-wise leak is growing") {
  // One leaked 8 KiB buffer every 2-3 snapshots over 40 snapshots, on a constant 1 MiB.
  for (unsigned seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    Noise noise(seed);
    double leaked = 0;
    size_t next_leak = 2;
    const auto leak = record(40, [&](double, size_t i) {
      if (i == next_leak) {
        leaked += 8 * KiB;
        next_leak += noise.uniform() < 0.5 ? 2 : 3;
      }
      return 1 * MiB + leaked;
    });
    REQUIRE(leak.live_bytes.back() - leak.live_bytes.front() >= 64 * KiB);
    CHECK(verdict_of(leak) == Verdict::growing);
  }
}

TEST_CASE("a store growing sub-linearly (Heaps' law) keeps growing to the end") {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    Noise noise(seed);
    const auto vocabulary = record(64, [&](double run, size_t) {
      return 20 * MiB * std::pow(run, 0.6) + 200 * KiB * noise.uniform();
    });
    CHECK(verdict_of(vocabulary) == Verdict::growing);
  }
}

TEST_CASE("a bounded cache that fills early and then jitters is a plateau") {
  for (double filled_at : {0.05, 0.1, 0.2}) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
      CAPTURE(filled_at);
      CAPTURE(seed);
      Noise noise(seed);
      const auto filled = record(40, cache(10 * MiB, filled_at, noise));
      const GrowthAssessment assessment = assess(filled);
      CHECK(assessment.verdict == Verdict::plateau);
      // Within one snapshot (0.5 s) of when the cache filled up.
      CHECK(std::abs(assessment.plateau_since_s - filled_at * filled.times_s.back()) <= 0.5);
      CHECK(std::abs(assessment.recent_slope_bytes_per_s) * filled.times_s.back() < 0.05 * 10 * MiB);
    }
  }
}

TEST_CASE("a cache under churn of temporaries is still a plateau") {
  const auto cached = record(64, [](double run, size_t i) {
    return 10 * MiB * std::min(1.0, run / 0.2) + sawtooth(i, 7, 2 * MiB);
  });
  CHECK(verdict_of(cached) == Verdict::plateau);
}

TEST_CASE("late in the run: levelling off is a plateau, starting to grow is growing") {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    Noise noise(seed);
    CHECK(verdict_of(record(40, cache(10 * MiB, 0.6, noise))) == Verdict::plateau);
    const auto late_leak = record(40, [&](double run, size_t) {
      return 1 * MiB + 10 * MiB * std::max(0.0, (run - 0.6) / 0.4) + noise.jitter(10 * KiB);
    });
    CHECK(verdict_of(late_leak) == Verdict::growing);
  }
}

TEST_CASE("verdicts hold on unevenly spaced snapshots") {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    Noise noise(seed);
    const auto times = snapshot_times(50, &noise);
    CHECK(verdict_of(record(times, [](double run, size_t i) { return 8 * MiB * run + sawtooth(i, 5, 1 * MiB); })) ==
          Verdict::growing);
    CHECK(verdict_of(record(times, cache(10 * MiB, 0.15, noise))) == Verdict::plateau);
  }
}

TEST_CASE("memory given back by the end is freed") {
  const auto released_store = record(40, [](double run, size_t) { return run < 0.8 ? 5 * MiB * run / 0.8 : 2 * KiB; });
  CHECK(verdict_of(released_store) == Verdict::freed);
  const auto shrinking = record(40, [](double run, size_t i) { return 10 * MiB * (1 - run) + sawtooth(i, 3, 8 * KiB); });
  const GrowthAssessment assessment = assess(shrinking);
  CHECK(assessment.verdict == Verdict::freed);
  CHECK(assessment.slope_bytes_per_s < 0);
}

TEST_CASE("a decline that keeps most of its memory is steady, not a leak") {
  const auto shrinking = record(40, [](double run, size_t) { return 10 * MiB * (1 - 0.5 * run); });
  CHECK(verdict_of(shrinking) == Verdict::steady);
}

TEST_CASE("constant memory and trendless churn are steady") {
  const GrowthAssessment constant = assess(record(40, [](double, size_t) { return 3 * MiB; }));
  CHECK(constant.verdict == Verdict::steady);
  CHECK(constant.slope_bytes_per_s == 0);
  CHECK(constant.growth_bytes == 0);
  CHECK(constant.peak_bytes == 3 * MiB);

  // Churn that happens to end near its top: the last value alone would suggest growth.
  const auto churn = record(40, [](double, size_t i) { return 5 * MiB + sawtooth(i, 8, 2 * MiB); });
  REQUIRE(churn.live_bytes.back() - churn.live_bytes.front() >= 1 * MiB);
  CHECK(verdict_of(churn) == Verdict::steady);
}

TEST_CASE("growth below min_growth_bytes is noise-level: steady") {
  const auto slight = record(40, [](double run, size_t) { return 1 * MiB + 40 * KiB * run; });
  CHECK(verdict_of(slight) == Verdict::steady);
  CHECK(assess(slight, {.min_growth_bytes = 16 * KiB}).verdict == Verdict::growing);
}

TEST_CASE("tiny series decide from their first and last values") {
  const std::vector<double> one_time{0}, one_value{5 * MiB};
  CHECK(assess_growth(one_time, one_value).verdict == Verdict::steady);
  CHECK(assess_growth(one_time, one_value).peak_bytes == 5 * MiB);
  CHECK(assess_growth({}, {}).verdict == Verdict::steady);

  const std::vector<double> two_times{0, 2}, rising{1 * MiB, 3 * MiB};
  const GrowthAssessment two = assess_growth(two_times, rising);
  CHECK(two.verdict == Verdict::growing);
  CHECK(two.slope_bytes_per_s == doctest::Approx(1 * MiB));

  const std::vector<double> three_times{0, 1, 2};
  const std::vector<double> slight{1 * MiB, 1 * MiB + 10 * KiB, 1 * MiB + 20 * KiB};
  const std::vector<double> released{0, 4 * MiB, 0};
  CHECK(assess_growth(three_times, slight).verdict == Verdict::steady);
  CHECK(assess_growth(three_times, released).verdict == Verdict::freed);
}

TEST_CASE("the slope of a clean linear series is exact, in bytes per second") {
  Noise noise(7);
  const auto times = snapshot_times(30, &noise);
  const auto leak = record(times, [&](double run, size_t) { return 1 * MiB + 25000 * run * times.back(); });
  const GrowthAssessment assessment = assess(leak);
  CHECK(assessment.verdict == Verdict::growing);
  CHECK(assessment.slope_bytes_per_s == doctest::Approx(25000).epsilon(1e-9));
  CHECK(assessment.recent_slope_bytes_per_s == doctest::Approx(25000).epsilon(1e-9));
  CHECK(assessment.growth_bytes == doctest::Approx(25000 * times.back()));
  CHECK(assessment.peak_bytes == leak.live_bytes.back());
}

TEST_CASE("ranking: growing by growth then slope, then plateau by peak, steady, freed") {
  const auto assessment = [](Verdict verdict, double growth, double slope, double peak) {
    return GrowthAssessment{.verdict = verdict, .slope_bytes_per_s = slope, .growth_bytes = growth, .peak_bytes = peak};
  };
  const std::vector<GrowthAssessment> expected{
      assessment(Verdict::growing, 9 * MiB, 10, 9 * MiB),
      assessment(Verdict::growing, 2 * MiB, 50, 2 * MiB),
      assessment(Verdict::growing, 2 * MiB, 20, 2 * MiB),
      assessment(Verdict::plateau, 1 * MiB, 0, 80 * MiB),
      assessment(Verdict::plateau, 30 * MiB, 0, 30 * MiB),
      assessment(Verdict::steady, 0, 0, 200 * MiB),
      assessment(Verdict::freed, -1 * MiB, -5, 500 * MiB),
  };
  std::vector<GrowthAssessment> ranked(expected.rbegin(), expected.rend());
  std::sort(ranked.begin(), ranked.end(), ranks_before);
  for (size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(ranked[i].verdict == expected[i].verdict);
    CHECK(ranked[i].growth_bytes == expected[i].growth_bytes);
    CHECK(ranked[i].slope_bytes_per_s == expected[i].slope_bytes_per_s);
    CHECK(ranked[i].peak_bytes == expected[i].peak_bytes);
  }
  CHECK_FALSE(ranks_before(expected[0], expected[0]));
}

TEST_CASE("ranking assessed sites puts the leak above the bigger cache") {
  Noise noise(3);
  const auto big_cache = assess(record(40, cache(50 * MiB, 0.1, noise)));
  const auto small_leak = assess(record(40, [](double run, size_t) { return 2 * MiB * run; }));
  const auto temporaries = assess(record(40, [](double run, size_t) { return run < 0.5 ? 90 * MiB * run : 0; }));
  CHECK(ranks_before(small_leak, big_cache));
  CHECK(ranks_before(big_cache, temporaries));
}

}  // namespace leakrank
