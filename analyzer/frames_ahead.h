#pragma once
// Symbolizes stacks on a thread of its own, ahead of the analysis that needs their frames.
// Loading debug information takes a good part of a second for large programs; done in line
// it would stall the heap replay, and done on the decoding thread it would hold back the
// records the replay could already be working on.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <variant>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/stack_id_guard.h"
#include "analyzer/symbolizer.h"
#include "recording/record_sink.h"

namespace leakrank {

// Frames of each return address of one stack, in stack order. They point into the
// symbolizer's cache, whose entries never change or move once made.
using StackFrames = std::vector<const std::vector<Frame>*>;

class FramesAhead final : public RecordSink {
 public:
  explicit FramesAhead(const SymbolizerOptions& options);
  ~FramesAhead() override;

  // --- decoding thread: queued for the symbolizing thread, in record order ---
  void on(const ModuleMapRecord& record) override;
  void on(const StackRecord& record) override;
  void on(const PythonCodeRecord& record) override;
  void on(const PerfMapRecord& record) override;

  // --- analysis thread ---
  // The frames of the oldest stack record accepted and not yet taken: the analysis takes
  // them as it meets the same stack records in the same order. try_take does not wait.
  std::optional<StackFrames> try_take();
  StackFrames take();
  // Waits for every queued record to be done, then lists what the symbolizer had to say.
  const std::vector<std::string>& warnings();

 private:
  // A stack to symbolize, or what names the stacks after it.
  using Job = std::variant<StackRecord, ModuleMapRecord, PythonCodeRecord, PerfMapRecord>;

  void enqueue(Job job);
  void symbolize_jobs();  // the symbolizing thread
  StackFrames frames_of(const std::vector<uint64_t>& ips);
  std::optional<StackFrames> pop_ready();  // with mutex_ held

  Symbolizer symbolizer_;
  StackIdGuard guard_;  // decoding thread
  std::mutex mutex_;
  std::condition_variable job_queued_;
  std::condition_variable job_done_;
  std::deque<Job> jobs_;
  bool working_ = false;  // a job is out of the queue and not done
  bool stopping_ = false;
  std::exception_ptr error_;
  std::deque<StackFrames> ready_;
  std::jthread thread_;  // last: it starts once everything it uses exists
};

}  // namespace leakrank
