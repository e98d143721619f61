#include "analyzer/frames_ahead.h"

#include <stdexcept>

namespace leakrank {

FramesAhead::FramesAhead(const SymbolizerOptions& options)
    : symbolizer_(options), thread_([this] { symbolize_jobs(); }) {}

FramesAhead::~FramesAhead() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  job_queued_.notify_one();
}  // thread_ joins here, before the members it uses go

void FramesAhead::on(const ModuleMapRecord& record) { enqueue(record); }

void FramesAhead::on(const PerfMapRecord& record) { enqueue(record); }

void FramesAhead::on(const PythonCodeRecord& record) { enqueue(record); }

void FramesAhead::on(const StackRecord& record) {
  if (guard_.accept(record.id)) enqueue(record);
}

void FramesAhead::enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  job_queued_.notify_one();
}

void FramesAhead::symbolize_jobs() {
  // At the same priority as the replay and the decoder: on a small recording symbolizing
  // is the longest of the three, and on a large one it is done long before they are.
  std::unique_lock lock(mutex_);
  for (;;) {
    job_queued_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    working_ = true;
    lock.unlock();
    std::optional<StackFrames> frames;
    std::exception_ptr error;
    try {
      if (auto* stack = std::get_if<StackRecord>(&job)) frames = frames_of(stack->ips);
      else if (auto* map = std::get_if<ModuleMapRecord>(&job)) symbolizer_.set_module_map(map->generation, map->modules);
      else if (auto* code = std::get_if<PythonCodeRecord>(&job)) symbolizer_.describe_python_code(*code);
      else symbolizer_.add_perf_map(std::get<PerfMapRecord>(job));
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    working_ = false;
    if (frames) ready_.push_back(std::move(*frames));
    if (error && !error_) error_ = error;
    job_done_.notify_all();
  }
}

StackFrames FramesAhead::frames_of(const std::vector<uint64_t>& ips) {
  StackFrames frames;
  frames.reserve(ips.size());
  for (uint64_t ip : ips) frames.push_back(&symbolizer_.frames(ip));
  return frames;
}

std::optional<StackFrames> FramesAhead::pop_ready() {
  if (error_) std::rethrow_exception(error_);
  if (ready_.empty()) return std::nullopt;
  StackFrames frames = std::move(ready_.front());
  ready_.pop_front();
  return frames;
}

std::optional<StackFrames> FramesAhead::try_take() {
  std::unique_lock lock(mutex_);
  return pop_ready();
}

StackFrames FramesAhead::take() {
  std::unique_lock lock(mutex_);
  job_done_.wait(lock, [&] { return error_ || !ready_.empty() || (jobs_.empty() && !working_); });
  std::optional<StackFrames> frames = pop_ready();
  if (!frames) throw std::logic_error("stack frames taken before their stack record was read");
  return std::move(*frames);
}

const std::vector<std::string>& FramesAhead::warnings() {
  std::unique_lock lock(mutex_);
  job_done_.wait(lock, [&] { return jobs_.empty() && !working_; });
  return symbolizer_.warnings();
}

}  // namespace leakrank
