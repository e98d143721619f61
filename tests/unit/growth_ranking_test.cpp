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

// --- envelopes: what the analysis keeps of a site between snapshot marks ---

struct Envelope {
  std::vector<double> bounds_s;
  std::vector<EnvelopeBucket> buckets;
  double start_bytes = 0;
  LiveHistory history() const { return {bounds_s, buckets, start_bytes}; }
};

// live_bytes(t) sampled eight times a bucket, as the analysis samples each site between marks.
Envelope sampled(double duration_s, size_t bucket_count, const std::function<double(double)>& live_bytes) {
  constexpr int kSamples = 8;
  Envelope envelope{{0}, {}, live_bytes(0)};
  const double width = duration_s / double(bucket_count);
  double value = envelope.start_bytes;
  for (size_t b = 0; b < bucket_count; ++b) {
    EnvelopeBucket bucket{value, value, value};
    for (int k = 1; k <= kSamples; ++k) {
      value = live_bytes(width * (double(b) + double(k) / kSamples));
      bucket = {std::min(bucket.low, value), std::max(bucket.high, value), value};
    }
    envelope.buckets.push_back(bucket);
    envelope.bounds_s.push_back(width * double(b + 1));
  }
  return envelope;
}

GrowthAssessment assess(const Envelope& envelope, const GrowthOptions& options = {}) {
  return assess_growth(envelope.history(), options);
}

// A table filled steadily and emptied every `period` seconds (rebuilt from nothing).
double rebuilt(double t, double period, double size) { return size * std::fmod(t, period) / period; }

}  // namespace

TEST_CASE("verdicts have their report names") {
  CHECK(to_string(Verdict::growing) == "growing");
  CHECK(to_string(Verdict::plateau) == "plateau");
  CHECK(to_string(Verdict::freed) == "freed");
  CHECK(to_string(Verdict::steady) == "steady");
  CHECK(to_string(Verdict::too_short) == "too_short");
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

TEST_CASE("growth is material against the recording's heap, not a fixed size") {
  // The same 40 KiB rise: a leak in a program of a few MiB, noise in one of a GiB.
  const auto slight = record(40, [](double run, size_t) { return 1 * MiB + 40 * KiB * run; });
  CHECK(assess(slight, {.heap_peak_bytes = 4 * MiB}).verdict == Verdict::growing);
  CHECK(assess(slight, {.heap_peak_bytes = 1024 * MiB}).verdict == Verdict::steady);
}

TEST_CASE("tiny series: a material rise is too short to tell, with its rate from first to last") {
  const std::vector<double> one_time{0}, one_value{5 * MiB};
  CHECK(assess_growth(one_time, one_value).verdict == Verdict::steady);
  CHECK(assess_growth(one_time, one_value).peak_bytes == 5 * MiB);
  const std::vector<double> none;
  CHECK(assess_growth(none, none).verdict == Verdict::steady);

  const std::vector<double> two_times{0, 2}, rising{1 * MiB, 3 * MiB};
  const GrowthAssessment two = assess_growth(two_times, rising);
  CHECK(two.verdict == Verdict::too_short);
  CHECK(two.slope_bytes_per_s == doctest::Approx(1 * MiB));
  CHECK(two.growth_bytes == 2 * MiB);

  const std::vector<double> three_times{0, 1, 2};
  const std::vector<double> slight{1 * MiB, 1 * MiB + 10 * KiB, 1 * MiB + 20 * KiB};
  const std::vector<double> released{0, 4 * MiB, 0};
  CHECK(assess_growth(three_times, slight, {.heap_peak_bytes = 100 * MiB}).verdict == Verdict::steady);
  CHECK(assess_growth(three_times, slight, {.heap_peak_bytes = 2 * MiB}).verdict == Verdict::too_short);
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

namespace leakrank {

TEST_CASE("a table rebuilt every so often is bounded whatever phase the run ends in") {
  // 140 MiB rebuilt every 2.5 s, runs of 40 to 42.4 s: the last tooth is anywhere from just
  // reset to full. Judged on its last phase it would be growing, freed or a plateau by turns.
  for (double duration : {40.0, 40.1, 40.6, 41.2, 41.9, 42.4}) {
    CAPTURE(duration);
    const auto vocabulary = sampled(duration, 200, [](double t) { return rebuilt(t, 2.5, 140 * MiB); });
    const GrowthAssessment assessment = assess(vocabulary, {.heap_peak_bytes = 150 * MiB});
    CHECK(assessment.verdict == Verdict::plateau);
    CHECK(assessment.resets_every_s == doctest::Approx(2.5).epsilon(0.05));
    CHECK(assessment.peak_bytes == doctest::Approx(140 * MiB).epsilon(0.02));
  }
}

TEST_CASE("a table rebuilt onto a base it keeps is bounded too") {
  const auto cache = sampled(30, 150, [](double t) { return 2 * MiB + rebuilt(t, 3, 20 * MiB); });
  CHECK(assess(cache).verdict == Verdict::plateau);
}

TEST_CASE("a leak whose troughs rise under a sawtooth of temporaries stays growing") {
  // Temporaries pile up to 8 MiB and are all freed every 0.7 s; beneath them 4 MiB leak.
  const auto leak = sampled(40, 200, [](double t) { return 4 * MiB * t / 40 + rebuilt(t, 0.7, 8 * MiB); });
  const GrowthAssessment assessment = assess(leak, {.heap_peak_bytes = 16 * MiB});
  CHECK(assessment.verdict == Verdict::growing);
  CHECK(assessment.slope_bytes_per_s == doctest::Approx(4 * MiB / 40).epsilon(0.2));
}

TEST_CASE("a table rebuilt bigger each time is growing") {
  const auto generations = sampled(40, 200, [](double t) { return rebuilt(t, 2.5, (1 + std::floor(t / 2.5)) * MiB); });
  CHECK(assess(generations).verdict == Verdict::growing);
}

TEST_CASE("resets that stopped: rebuilt twice, then kept for good and growing") {
  const auto kept = sampled(40, 200, [](double t) { return t < 5 ? rebuilt(t, 2.5, 10 * MiB) : 10 * MiB * (t - 5) / 2.5; });
  CHECK(assess(kept).verdict == Verdict::growing);
}

TEST_CASE("churn faster than the buckets is steady: no tooth is seen rising") {
  // Rebuilt every 50 ms in buckets of 200 ms: each bucket spans the whole tooth.
  const auto churn = sampled(40, 200, [](double t) { return rebuilt(t + 0.013, 0.05, 10 * MiB); });
  const GrowthAssessment assessment = assess(churn);
  CHECK(assessment.verdict == Verdict::steady);
  CHECK(assessment.resets_every_s == 0);
}

TEST_CASE("churn the samples alias is not a rebuild: every bucket sweeps most of the range") {
  // Batches of documents held a few ms each, caught at random phases: teeth appear by chance,
  // and the run may end on a low. Recorded from the program's start: nothing held at first.
  for (unsigned seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    Noise noise(seed);
    const auto batches = sampled(60, 235, [&](double t) { return t > 0 ? 200 * KiB * noise.uniform() : 0.0; });
    const GrowthAssessment assessment = assess(batches, {.heap_peak_bytes = 100 * MiB});
    CHECK(assessment.resets_every_s == 0);
    CHECK(assessment.verdict == Verdict::steady);
  }
}

TEST_CASE("one reset is not yet a pattern") {
  const auto once = sampled(10, 100, [](double t) { return t < 5 ? 10 * MiB * t / 5 : 10 * MiB * (t - 5) / 5; });
  CHECK(assess(once).resets_every_s == 0);
}

TEST_CASE("relative thresholds: a 10 KiB/s leak over 2 s ranks above a pool that filled and stopped") {
  // The heap: a 4 MiB pool filled in the first half second, 20 KiB leaked in 512-byte blocks.
  const GrowthOptions heap{.heap_peak_bytes = 4 * MiB + 20 * KiB};
  const auto leak = sampled(2, 200, [](double t) { return 512 * std::floor(t * 10 * KiB / 512); });
  const auto pool = sampled(2, 200, [](double t) { return 4 * MiB * std::min(1.0, t / 0.5); });
  const GrowthAssessment leak_assessment = assess(leak, heap), pool_assessment = assess(pool, heap);
  CHECK(leak_assessment.verdict == Verdict::growing);
  CHECK(leak_assessment.slope_bytes_per_s == doctest::Approx(10 * KiB).epsilon(0.1));
  CHECK(pool_assessment.verdict == Verdict::plateau);
  CHECK(pool_assessment.plateau_since_s == doctest::Approx(0.5).epsilon(0.1));
  CHECK(ranks_before(leak_assessment, pool_assessment));
  // The same leak in a program of a GiB is too little to matter yet.
  CHECK(assess(leak, {.heap_peak_bytes = 1024 * MiB}).verdict == Verdict::steady);
}

TEST_CASE("too short to tell: a rise in a handful of steps could be a structure filling up") {
  // Four 1 MiB steps (a table doubling, or a leak of big blocks): too few to tell which.
  const auto steps = sampled(2, 200, [](double t) { return MiB * std::floor(t / 0.45); });
  CHECK(assess(steps, {.heap_peak_bytes = 8 * MiB}).verdict == Verdict::too_short);
  // Forty steps of the same total rise are a leak.
  const auto many = sampled(2, 200, [](double t) { return 0.1 * MiB * std::floor(t / 0.045); });
  CHECK(assess(many, {.heap_peak_bytes = 8 * MiB}).verdict == Verdict::growing);
}

TEST_CASE("too short to tell ranks after growing, before plateau") {
  const GrowthAssessment growing{.verdict = Verdict::growing, .growth_bytes = 1 * MiB};
  const GrowthAssessment too_short{.verdict = Verdict::too_short, .growth_bytes = 50 * MiB};
  const GrowthAssessment plateau{.verdict = Verdict::plateau, .peak_bytes = 500 * MiB};
  CHECK(ranks_before(growing, too_short));
  CHECK(ranks_before(too_short, plateau));
}

TEST_CASE("judged before a release: the envelope is cut where the release began") {
  const auto registry = sampled(10, 100, [](double t) { return t < 9 ? 9 * MiB * t / 9 : 0.0; });
  const GrowthAssessment assessment = assess_growth_before_release(registry.history(), 89);
  CHECK(assessment.verdict == Verdict::growing);
  CHECK(assessment.released_at_exit);
  CHECK(assessment.peak_bytes == doctest::Approx(9 * MiB).epsilon(0.02));
}

}  // namespace leakrank
