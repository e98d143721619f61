// churn: threads doing small malloc/free pairs from call stacks about ten frames deep.
// The cheapest possible work between allocations, so a profiler's cost per event shows
// plainly. Usage: churn [--threads N] [--pairs TOTAL] [--depth D]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

// Hides the pointer from the optimizer: malloc/free pairs whose result is unused may
// otherwise be removed altogether.
inline void escape(void* p) { asm volatile("" : : "r"(p) : "memory"); }

// One pair at the bottom of `depth` real frames: noinline and the work after the call
// (no tail call) leave every level on the stack for an unwinder to walk.
__attribute__((noinline)) size_t descend(int depth, size_t size) {
  if (depth == 0) {
    char* block = static_cast<char*>(malloc(size));
    escape(block);
    block[0] = char(size);
    size_t seen = size_t(block[0]);
    free(block);
    return seen;
  }
  size_t seen = descend(depth - 1, size);
  escape(&seen);  // not a tail call
  return seen + 1;
}

size_t churn(size_t pairs, int depth, unsigned seed) {
  size_t sum = 0;
  for (size_t i = 0; i < pairs; ++i) {
    seed = seed * 1103515245u + 12345u;
    size_t size = 16 + (seed >> 16) % 241;     // 16..256 bytes: the tcache/fastbin range
    int extra = int((seed >> 8) % 5) - 2;      // depth-2 .. depth+2: a few distinct stacks
    sum += descend(depth + extra > 0 ? depth + extra : 0, size);
  }
  return sum;
}

long long flag(int argc, char** argv, const char* name, long long fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (strcmp(argv[i], name) == 0) return strtoll(argv[i + 1], nullptr, 10);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      puts("usage: churn [--threads N (2)] [--pairs TOTAL (10000000)] [--depth D (10)]");
      return 0;
    }
  int threads = int(flag(argc, argv, "--threads", 2));
  long long pairs = flag(argc, argv, "--pairs", 10'000'000);
  int depth = int(flag(argc, argv, "--depth", 10));
  if (threads < 1 || pairs < 0 || depth < 0) {
    fputs("churn: --threads must be >= 1, --pairs and --depth >= 0\n", stderr);
    return 2;
  }
  std::vector<size_t> sums(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    size_t share = size_t(pairs / threads + (t < pairs % threads ? 1 : 0));
    workers.emplace_back([&sums, t, share, depth] { sums[size_t(t)] = churn(share, depth, unsigned(t) + 1); });
  }
  size_t total = 0;
  for (int t = 0; t < threads; ++t) {
    workers[size_t(t)].join();
    total += sums[size_t(t)];
  }
  printf("pairs=%lld threads=%d checksum=%zu\n", pairs, threads, total);
  return 0;
}
