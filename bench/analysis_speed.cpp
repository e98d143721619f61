// analysis_speed: how many events per second analyze_recording gets through.
// Writes a synthetic recording shaped like a real one (an alloc/free mix from a few
// thousand stacks of this program's own return addresses, ~500 k live blocks, addresses
// reused the way a size-class allocator reuses them), then analyzes it several times.
// Usage: analysis_speed [--events N] [--runs R] [--recording PATH]
//   --recording PATH: write the recording there and keep it; reuse it if it exists.
#include <link.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/analysis.h"
#include "recording/recording_writer.h"
#include "tests/support/own_module_map.h"

namespace leakrank {
namespace {

namespace fs = std::filesystem;

// --- real return addresses of this program, so symbolization does real work ---

// noipa: neither inlined nor cloned; the empty asm after the call keeps it from being a tail call.
__attribute__((noipa)) uint64_t return_address() { return uint64_t(__builtin_return_address(0)); }

template <int N>
__attribute__((noipa)) uint64_t call_site() {
  uint64_t ip = return_address();
  __asm__ volatile("" : "+r"(ip));
  return ip;
}

template <int... N>
std::vector<uint64_t> call_sites(std::integer_sequence<int, N...>) {
  return {call_site<N>()...};
}

// The main executable only: every address the stacks hold is inside it.
std::vector<ModuleInfo> own_module_map() { return {testing::own_module_map().front()}; }

// --- addresses as a size-class allocator hands them out: freed blocks reused last in, first out ---

class SizeClassAllocator {
 public:
  uint64_t allocate(uint64_t size) {
    SizeClass& c = classes_[class_of(size)];
    if (c.free.empty()) return c.next += class_bytes(class_of(size));
    uint64_t address = c.free.back();
    c.free.pop_back();
    return address;
  }
  void release(uint64_t address, uint64_t size) { classes_[class_of(size)].free.push_back(address); }

 private:
  static constexpr size_t kClasses = 80;  // 64 of 16 bytes up to 1 KiB, then 4 KiB steps
  static size_t class_of(uint64_t size) {
    return size <= 1024 ? (size + 15) / 16 : std::min<size_t>(64 + (size - 1) / 4096, kClasses - 1);
  }
  static uint64_t class_bytes(size_t c) { return c <= 64 ? 16 * c : 4096 * (c - 63); }

  struct SizeClass {
    uint64_t next;
    std::vector<uint64_t> free;
  };
  std::vector<SizeClass> classes_ = [] {
    std::vector<SizeClass> classes(kClasses);
    for (size_t c = 0; c < kClasses; ++c) classes[c].next = 0x7f0000000000 + (uint64_t(c) << 32);
    return classes;
  }();
};

// --- the workload: temporaries freed soon, long-lived blocks freed at random, a few leaks ---

struct Block {
  uint64_t address;
  uint64_t size;
};

class Workload {
 public:
  static constexpr size_t kStacks = 3000;
  static constexpr size_t kLiveBlocks = 500'000;
  static constexpr size_t kRecentBlocks = 32;

  explicit Workload(RecordingWriter& writer) : writer_(writer) {}

  void write(uint64_t events) {
    write_stacks();
    while (events_ < events) step();
    writer_.write(EndRecord{time_ns_, 0});
  }

 private:
  void write_stacks() {
    std::vector<uint64_t> pool = call_sites(std::make_integer_sequence<int, 64>());
    writer_.write(ModuleMapRecord{1, own_module_map()});
    std::uniform_int_distribution<size_t> depth(6, 16), frame(0, pool.size() - 1);
    for (uint32_t id = 0; id < kStacks; ++id) {
      std::vector<uint64_t> ips(depth(random_));
      for (uint64_t& ip : ips) ip = pool[frame(random_)];
      writer_.write(StackRecord{id, ips});
    }
  }

  void step() {
    double kind = unit_(random_);
    Block block = allocate();
    if (kind < 0.6) {  // a temporary: one of the most recent is freed
      keep(recent_, block, kRecentBlocks);
    } else if (kind < 0.995) {  // long-lived: a random old one goes
      keep(long_lived_, block, kLiveBlocks);
    }  // else leaked: never freed, the growth a report should find
    if (events_ % 250'000 < 2) writer_.write(RssRecord{time_ns_, 1ull << 30});
    if (events_ % 1'000'000 < 2) writer_.write(SnapshotRecord{time_ns_, ""});
  }

  Block allocate() {
    // Mostly small sizes, now and then a large one; a skewed choice of stacks.
    uint64_t size = unit_(random_) < 0.98 ? 8 + random_() % 512 : 1024 + random_() % (1 << 20);
    auto stack = uint32_t(kStacks * std::pow(unit_(random_), 3));
    Block block{allocator_.allocate(size), size};
    writer_.alloc(tick(), block.address, size, stack);
    ++events_;
    return block;
  }

  // Adds block to pool; past capacity a random one is freed to make room.
  void keep(std::vector<Block>& pool, Block block, size_t capacity) {
    if (pool.size() < capacity) return pool.push_back(block);
    Block& victim = pool[random_() % pool.size()];
    writer_.free(tick(), victim.address);
    allocator_.release(victim.address, victim.size);
    ++events_;
    victim = block;
  }

  uint64_t tick() { return time_ns_ += 50 + random_() % 200; }

  RecordingWriter& writer_;
  std::mt19937_64 random_{42};
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  SizeClassAllocator allocator_;
  std::vector<Block> recent_;
  std::vector<Block> long_lived_;
  uint64_t time_ns_ = 0;
  uint64_t events_ = 0;
};

void write_recording(const std::string& path, uint64_t events) {
  RecordingMeta meta;
  meta.command = {"analysis_speed"};
  meta.pid = int32_t(getpid());
  meta.tool_version = "bench";
  RecordingWriter writer(path, meta);
  Workload(writer).write(events);
}

// --- timing ---

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto s = [](timeval t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

// The calling thread's alone: the analysis runs the sink here and decodes on a helper thread.
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

struct Run {
  double wall_s;
  double cpu_s;
  double busiest_thread_s;  // what the wall time would be with a free core per thread
  uint64_t events;
};

Run time_analysis(const std::string& path) {
  double cpu = cpu_seconds();
  double own_cpu = thread_cpu_seconds();
  auto wall = std::chrono::steady_clock::now();
  Analysis analysis = analyze_recording(path, AnalysisOptions{});
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - wall;
  cpu = cpu_seconds() - cpu;
  own_cpu = thread_cpu_seconds() - own_cpu;
  return {elapsed.count(), cpu, std::max(own_cpu, cpu - own_cpu), analysis.events};
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Options {
  uint64_t events = 50'000'000;
  int runs = 3;
  std::string recording;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--events") options.events = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--runs") options.runs = std::max(1, std::atoi(argv[i + 1]));
    else if (flag == "--recording") options.recording = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: analysis_speed [--events N] [--runs R] [--recording PATH]\n");
      std::exit(2);
    }
  }
  return options;
}

int run(const Options& options) {
  bool temporary = options.recording.empty();
  std::string path = temporary ? (fs::temp_directory_path() / ("analysis_speed." + std::to_string(getpid()) + ".lrk")).string()
                               : options.recording;
  if (temporary || !fs::exists(path)) write_recording(path, options.events);
  std::printf("recording %s: %.1f MiB\n", path.c_str(), double(fs::file_size(path)) / (1 << 20));
  // On a busy machine the threads wait for a core: the busiest thread's CPU time is the wall
  // time the analysis would take on two free cores.
  std::vector<double> rates, unloaded_rates, walls, cpus;
  for (int i = 0; i < options.runs; ++i) {
    Run r = time_analysis(path);
    rates.push_back(double(r.events) / r.wall_s * 1e-6);
    unloaded_rates.push_back(double(r.events) / r.busiest_thread_s * 1e-6);
    walls.push_back(r.wall_s);
    cpus.push_back(r.cpu_s);
    std::printf("run %d: %lu events  %.2f s wall  %.2f s cpu  %.2f s busiest thread  %.1f M events/s wall  %.1f M "
                "events/s busiest thread\n",
                i + 1, (unsigned long)r.events, r.wall_s, r.cpu_s, r.busiest_thread_s, rates.back(),
                unloaded_rates.back());
  }
  std::printf("median: %.1f M events/s wall  %.1f M events/s busiest thread  %.2f s wall  %.2f s cpu\n", median(rates),
              median(unloaded_rates), median(walls), median(cpus));
  if (temporary) fs::remove(path);
  return 0;
}

}  // namespace
}  // namespace leakrank

int main(int argc, char** argv) {
  try {
    return leakrank::run(leakrank::parse(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "analysis_speed: %s\n", e.what());
    return 1;
  }
}
