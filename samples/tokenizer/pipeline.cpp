#include "pipeline.h"

#include <algorithm>
#include <limits>
#include <thread>
#include <vector>

Pipeline::Pipeline(DocumentSource& source, Language& language, PipelineSettings settings, RateLimiter* pace)
    : source_(source), language_(language), settings_(settings), pace_(pace) {}

Summary Pipeline::run() {
  for (;;) {
    run_generation();
    if (finished()) break;
    language_.reload_strings();
  }
  summary_.unique = language_.unique_tokens();
  return summary_;
}

void Pipeline::run_generation() {
  left_in_generation_ = settings_.reload_every > 0 ? settings_.reload_every : std::numeric_limits<std::uint64_t>::max();
  if (settings_.threads == 1) return work();
  std::vector<std::jthread> workers;
  for (unsigned i = 0; i < settings_.threads; ++i) workers.emplace_back([this] { work(); });
}

void Pipeline::work() {
  Summary done;
  while (std::optional<Batch> batch = next_batch()) {
    if (pace_ && !pace_->wait_for(batch->first)) {
      finish();
      break;
    }
    for (const std::string& text : batch->texts) done += language_.process(text);
  }
  std::lock_guard lock(mutex_);
  summary_ += done;
}

std::optional<Batch> Pipeline::next_batch() {
  std::size_t wanted;
  {
    std::lock_guard lock(mutex_);
    if (finished_ || left_in_generation_ == 0) return std::nullopt;
    wanted = static_cast<std::size_t>(std::min<std::uint64_t>(settings_.batch_size, left_in_generation_));
    left_in_generation_ -= wanted;
  }
  Batch batch = source_.take(wanted);
  if (batch.texts.size() < wanted) finish();
  if (batch.texts.empty()) return std::nullopt;
  return batch;
}

bool Pipeline::finished() {
  std::lock_guard lock(mutex_);
  return finished_;
}

void Pipeline::finish() {
  std::lock_guard lock(mutex_);
  finished_ = true;
}
