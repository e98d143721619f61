#include "recording/pipelined_reader.h"

#include <array>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "recording/block_records.h"

namespace leakrank {
namespace {

// Big enough that handing a batch over costs nothing per record, small enough that the
// batches in flight stay in the shared cache.
constexpr size_t kBatchRecords = 4096;
constexpr size_t kBatchOtherRecords = 1024;  // stacks are few but may be deep
constexpr size_t kBatchesInFlight = 3;

// Records in file order, replayed as they came. Cleared, not freed, between uses: decoding
// allocs and frees, nearly all of the stream, allocates nothing once the batches have grown.
struct Batch {
  BlockRecords records;
  bool full() const {
    return records.heap_records() >= kBatchRecords || records.records() - records.heap_records() >= kBatchOtherRecords;
  }
  void clear() { records.clear(); }
};

// Thrown on the decoding thread when the sink's thread has stopped listening.
struct Cancelled {};

// Hands batches between the two threads: filled ones to the sink's thread, used ones
// back. A fixed set of batches bounds memory and lets decoding run only so far ahead.
class BatchQueue {
 public:
  BatchQueue() {
    for (Batch& batch : batches_) empty_.push_back(&batch);
    filled_.reserve(kBatchesInFlight);
  }

  // --- decoding thread ---
  Batch* take_empty() {
    std::unique_lock lock(mutex_);
    emptied_.wait(lock, [&] { return cancelled_ || !empty_.empty(); });
    if (cancelled_) throw Cancelled{};
    Batch* batch = empty_.back();
    empty_.pop_back();
    return batch;
  }
  void publish(Batch* batch) {
    std::lock_guard lock(mutex_);
    filled_.push_back(batch);
    filled_or_closed_.notify_one();
  }
  // No more batches; the reading ended with this summary or this exception.
  void close(const ReadSummary& summary, std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    summary_ = summary;
    error_ = error;
    closed_ = true;
    filled_or_closed_.notify_one();
  }

  // --- sink thread ---
  Batch* take_filled() {  // nullptr once every batch is taken and the reading ended
    std::unique_lock lock(mutex_);
    filled_or_closed_.wait(lock, [&] { return closed_ || !filled_.empty(); });
    if (filled_.empty()) return nullptr;
    Batch* batch = filled_.front();
    filled_.erase(filled_.begin());
    return batch;
  }
  void recycle(Batch* batch) {
    batch->clear();
    std::lock_guard lock(mutex_);
    empty_.push_back(batch);
    emptied_.notify_one();
  }
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    emptied_.notify_one();
  }
  ReadSummary outcome() {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
    return summary_;
  }

 private:
  std::array<Batch, kBatchesInFlight> batches_;
  std::mutex mutex_;
  std::condition_variable emptied_;
  std::condition_variable filled_or_closed_;
  std::vector<Batch*> empty_;
  std::vector<Batch*> filled_;  // oldest first
  bool closed_ = false;
  bool cancelled_ = false;
  ReadSummary summary_;
  std::exception_ptr error_;
};

// The decoding thread's sink: copies each record into the current batch.
class BatchWriter final : public RecordSink {
 public:
  BatchWriter(BatchQueue& queue, RecordSink* ahead) : queue_(queue), ahead_(ahead) {}

#define LEAKRANK_BATCH_RECORD(Kind) \
  void on(const Kind& record) override { add(record); }
  LEAKRANK_RECORD_KINDS(LEAKRANK_BATCH_RECORD)
#undef LEAKRANK_BATCH_RECORD

  void on_heap_records(std::span<const HeapRecord> records) override {
    batch().records.on_heap_records(records);
    if (batch_->full()) flush();
  }

  void flush() {
    if (batch_) queue_.publish(batch_);
    batch_ = nullptr;
  }

 private:
  // Taken only when a record needs it, so a cancelled reading is noticed on the next record.
  Batch& batch() {
    if (!batch_) batch_ = queue_.take_empty();
    return *batch_;
  }
  template <class Kind>
  void add(const Kind& record) {
    if constexpr (kGoesAhead<Kind>) {
      if (ahead_) ahead_->on(record);
    }
    batch().records.on(record);
    if (batch_->full()) flush();
  }

  BatchQueue& queue_;
  RecordSink* ahead_;  // may be null
  Batch* batch_ = nullptr;
};

void decode_into(const std::string& path, BatchQueue& queue, RecordSink* ahead, uint64_t skip_blocks) {
  BatchWriter writer(queue, ahead);
  ReadSummary summary;
  std::exception_ptr error;
  try {
    summary = read_recording(path, writer, skip_blocks);
  } catch (...) {  // Cancelled too: then nobody looks
    error = std::current_exception();
  }
  writer.flush();  // the records read before an error come before it
  queue.close(summary, error);
}

ReadSummary read_pipelined(const std::string& path, RecordSink& sink, RecordSink* ahead, uint64_t skip_blocks) {
  BatchQueue queue;
  std::jthread decoder(decode_into, std::cref(path), std::ref(queue), ahead, skip_blocks);
  try {
    while (Batch* batch = queue.take_filled()) {
      batch->records.replay(sink);
      queue.recycle(batch);
    }
  } catch (...) {  // the sink failed: stop decoding, then let the thread end before the queue goes
    queue.cancel();
    throw;
  }
  decoder.join();
  return queue.outcome();
}

}  // namespace

ReadSummary read_recording_pipelined(const std::string& path, RecordSink& sink) {
  return read_pipelined(path, sink, nullptr, 0);
}

ReadSummary read_recording_pipelined(const std::string& path, RecordSink& sink, RecordSink& ahead,
                                     uint64_t skip_blocks) {
  return read_pipelined(path, sink, &ahead, skip_blocks);
}

}  // namespace leakrank
