// Decodes a recording and prints its totals on one line, for end-to-end tests that compare
// them with what another tool (valgrind memcheck) counted on the same run.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include <absl/container/flat_hash_map.h>

#include "recording/recording_reader.h"

namespace {

struct Totals : leakrank::RecordSink {
  uint64_t allocations = 0, frees = 0, unmatched_frees = 0, bytes = 0, stacks = 0, snapshots = 0, rss = 0;
  uint64_t children = 0, out_of_order = 0, last_time = 0, maps = 0;
  int32_t wait_status = -1;
  uint64_t live = 0, live_bytes = 0;
  absl::flat_hash_map<uint64_t, uint64_t> live_by_size, allocations_by_size;

  void step(uint64_t time_ns) {
    if (time_ns < last_time) ++out_of_order;
    last_time = time_ns;
  }
  void on_alloc(uint64_t time_ns, uint64_t size, uint32_t) override {
    step(time_ns);
    ++allocations;
    bytes += size;
    ++live;
    live_bytes += size;
    ++live_by_size[size];
    ++allocations_by_size[size];
  }
  void on_free(uint64_t time_ns, uint64_t size, uint32_t) override {
    step(time_ns);
    ++frees;
    --live;
    live_bytes -= size;
    --live_by_size[size];
  }
  void on(const leakrank::UnmatchedFreeRecord& record) override {
    step(record.time_ns);
    ++unmatched_frees;
  }
  void on(const leakrank::StackRecord&) override { ++stacks; }
  void on(const leakrank::SnapshotRecord& record) override {
    step(record.time_ns);
    ++snapshots;
  }
  void on(const leakrank::RssRecord& record) override {
    step(record.time_ns);
    ++rss;
  }
  void on(const leakrank::ChildRecord&) override { ++children; }
  void on(const leakrank::MapRecord&) override { ++maps; }
  void on(const leakrank::EndRecord& record) override { wait_status = record.wait_status; }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: recording_totals FILE [SIZE]\n");
    return 2;
  }
  try {
    Totals totals;
    leakrank::ReadSummary summary = leakrank::read_recording(argv[1], totals);
    uint64_t marked_size = argc == 3 ? strtoull(argv[2], nullptr, 10) : 0;
    uint64_t live_of_size = argc == 3 ? totals.live_by_size[marked_size] : 0;
    uint64_t allocs_of_size = argc == 3 ? totals.allocations_by_size[marked_size] : 0;
    printf("allocations=%lu frees=%lu unmatched_frees=%lu bytes=%lu live=%lu live_bytes=%lu stacks=%lu snapshots=%lu "
           "rss=%lu children=%lu out_of_order=%lu wait_status=%d live_of_size=%lu allocs_of_size=%lu complete=%d "
           "maps=%lu warning=%s\n",
           totals.allocations, totals.frees, totals.unmatched_frees, totals.bytes, totals.live, totals.live_bytes,
           totals.stacks, totals.snapshots, totals.rss, totals.children, totals.out_of_order, totals.wait_status,
           live_of_size, allocs_of_size, summary.complete ? 1 : 0, totals.maps,
           summary.warning.empty() ? "none" : summary.warning.c_str());
    return 0;
  } catch (const std::exception& e) {
    fprintf(stderr, "recording_totals: %s\n", e.what());
    return 2;
  }
}
