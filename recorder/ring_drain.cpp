#include "recorder/ring_drain.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <queue>

#include "transport/monotonic_clock.h"

namespace leakrank {
namespace {

bool thread_alive(int32_t pid, int32_t tid) {
  return pid <= 0 || tid <= 0 || syscall(SYS_tgkill, pid, tid, 0) == 0 || errno != ESRCH;
}

}  // namespace

RingDrain::RingDrain(SessionHeader* session) : session_(session), staging_(session->config.ring_count) {}

// A producer is busy only for the few instructions between its timestamp and its publish,
// unless it is descheduled; a thread that died there (execve) must not stall us forever.
void RingDrain::wait_while_busy(Ring& ring) {
  uint64_t started = 0;
  for (uint64_t round = 0; ring.busy.load(std::memory_order_seq_cst); ++round) {
    if (round < 128) continue;
    sched_yield();
    if ((round & 255) != 0) continue;
    uint64_t now = monotonic_ns();
    if (!started) started = now;
    if (now - started > 100'000'000 && !thread_alive(ring.owner_pid, ring.owner_tid)) return;
  }
}

uint64_t RingDrain::collect(uint32_t index, bool final) {
  Ring& ring = *session_ring(session_, index);
  uint32_t state = ring.state.load(std::memory_order_acquire);
  if (!final) wait_while_busy(ring);
  uint64_t count = ring.readable();
  Staging& stage = staging_[index];
  if (stage.read > 0 && stage.read * 2 >= stage.slots.size()) {
    stage.slots.erase(stage.slots.begin(), stage.slots.begin() + long(stage.read));
    stage.read = 0;
  }
  uint64_t tail = ring.tail.load(std::memory_order_relaxed);
  for (uint64_t i = 0; i < count; ++i) stage.slots.push_back(ring.slot(tail + i));
  ring.consume(count);
  // A retired ring whose last message we now hold can go to the next new thread.
  if (state == uint32_t(RingState::retired) && ring.readable() == 0 && index != 0)
    ring.state.store(uint32_t(RingState::free), std::memory_order_release);
  return count;
}

void RingDrain::merge(uint64_t watermark, const Emit& emit) {
  using Head = std::pair<uint64_t, uint32_t>;  // (time, ring): earliest first
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
  auto push_head = [&](uint32_t index) {
    Staging& stage = staging_[index];
    if (stage.read < stage.slots.size() && stage.slots[stage.read].time_ns < watermark)
      heads.emplace(stage.slots[stage.read].time_ns, index);
  };
  for (uint32_t i = 0; i < staging_.size(); ++i) push_head(i);
  while (!heads.empty()) {
    uint32_t index = heads.top().second;
    heads.pop();
    Staging& stage = staging_[index];
    // Emit this ring's run of messages until another ring holds an earlier one.
    uint64_t limit = heads.empty() ? watermark : std::min(watermark, heads.top().first + 1);
    while (stage.read < stage.slots.size() && stage.slots[stage.read].time_ns < limit) {
      size_t size = wire::message_slots(stage.slots[stage.read]);
      if (stage.read + size > stage.slots.size()) break;  // cannot happen: messages are published whole
      emit(index, std::span<const wire::Event>(stage.slots.data() + stage.read, size));
      stage.read += size;
    }
    push_head(index);
  }
}

uint64_t RingDrain::drain(const Emit& emit, bool final) {
  uint64_t watermark = final ? UINT64_MAX : monotonic_ns();
  uint64_t taken = 0;
  for (uint32_t i = 0; i < staging_.size(); ++i) taken += collect(i, final);
  merge(watermark, emit);
  return taken;
}

}  // namespace leakrank
