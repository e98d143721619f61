#include "preload/python_frames.h"

#include <atomic>
#include <cstring>

#include "preload/own_memory.h"
#include "preload/payload_writer.h"
#include "preload/python_interpreter.h"
#include "preload/python_layout.h"
#include "preload/stack_capture.h"
#include "transport/python_frame.h"
#include "transport/wire_event.h"

namespace leakrank::preload {
namespace {

namespace layout = python311;

template <typename T>
T field(uintptr_t object, size_t offset) {
  T value;
  memcpy(&value, reinterpret_cast<const void*>(object + offset), sizeof value);
  return value;
}

// --- code objects: an id each, described once ---

constexpr size_t kCodeSlots = size_t(1) << 16;
constexpr size_t kProbes = 64;
constexpr size_t kMaxNameBytes = 256;
constexpr size_t kMaxLineTableBytes = 16384;  // past it, lines fall back to the first line

struct CodeSlot {
  std::atomic<uintptr_t> code;
  std::atomic<uint64_t> fingerprint;  // tells a code object from a later one at the same address
  std::atomic<uint32_t> id;
  std::atomic<uint32_t> described;
};
std::atomic<CodeSlot*> g_codes{nullptr};
std::atomic<uint32_t> g_next_code_id{1};

CodeSlot* code_table() {
  CodeSlot* table = g_codes.load(std::memory_order_acquire);
  if (table) return table;
  void* memory = map_own_memory(sizeof(CodeSlot) * kCodeSlots, OwnedBy::process);
  if (!memory) return nullptr;
  CodeSlot* expected = nullptr;
  if (g_codes.compare_exchange_strong(expected, static_cast<CodeSlot*>(memory))) return static_cast<CodeSlot*>(memory);
  unmap_own_memory(memory, sizeof(CodeSlot) * kCodeSlots);
  return expected;
}

}  // namespace

Mapping take_python_code_table() {
  return {g_codes.exchange(nullptr, std::memory_order_acq_rel), sizeof(CodeSlot) * kCodeSlots};
}

namespace {

uint64_t fingerprint_of(uintptr_t code) {
  uint64_t mixed = field<uint64_t>(code, layout::kCodeLineTable) ^ (field<uint64_t>(code, layout::kCodeQualname) << 1) ^
                  (uint64_t(field<uint32_t>(code, layout::kCodeFirstLine)) << 48);
  return mixed | 1;  // never 0, which a slot being filled holds
}

// A str as UTF-8, cut at the buffer's end; legacy (non-compact) strings are left empty.
size_t utf8_of(uintptr_t text, char* out, size_t room) {
  if (!text) return 0;
  uint32_t state = field<uint32_t>(text, layout::kUnicodeState);
  uint32_t kind = (state >> 2) & 7;
  bool compact = state & (1u << 5), ascii = state & (1u << 6);
  if (!compact) return 0;
  int64_t length = field<int64_t>(text, layout::kUnicodeLength);
  uintptr_t data = text + (ascii ? layout::kAsciiData : layout::kCompactData);
  size_t used = 0;
  for (int64_t i = 0; i < length; ++i) {
    uint32_t c = kind == 1 ? field<uint8_t>(data, size_t(i)) : kind == 2 ? field<uint16_t>(data, size_t(i) * 2)
                                                                        : field<uint32_t>(data, size_t(i) * 4);
    char encoded[4];
    size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (n == 1) encoded[0] = char(c);
    else {
      static constexpr unsigned char kLead[] = {0, 0, 0xc0, 0xe0, 0xf0};
      for (size_t k = n - 1; k > 0; --k, c >>= 6) encoded[k] = char(0x80 | (c & 0x3f));
      encoded[0] = char(kLead[n] | c);
    }
    if (used + n > room) break;
    memcpy(out + used, encoded, n);
    used += n;
  }
  return used;
}

void describe_code(uint32_t id, uintptr_t code) {
  char name[kMaxNameBytes], file[kMaxNameBytes * 4];
  size_t name_size = utf8_of(field<uintptr_t>(code, layout::kCodeQualname), name, sizeof name);
  size_t file_size = utf8_of(field<uintptr_t>(code, layout::kCodeFilename), file, sizeof file);
  uintptr_t table = field<uintptr_t>(code, layout::kCodeLineTable);
  int64_t table_size = table ? field<int64_t>(table, layout::kVarObjectSize) : 0;
  if (table_size < 0 || table_size > int64_t(kMaxLineTableBytes)) table_size = 0;
  PythonCodeWire header{uint32_t(field<int32_t>(code, layout::kCodeFirstLine)), uint32_t(name_size),
                        uint32_t(file_size), uint32_t(table_size)};
  std::initializer_list<PayloadPiece> pieces = {
      bytes_of(header), {reinterpret_cast<const unsigned char*>(name), name_size},
      {reinterpret_cast<const unsigned char*>(file), file_size},
      {reinterpret_cast<const unsigned char*>(table + layout::kBytesData), size_t(table_size)}};
  size_t payload = payload_bytes(pieces);
  size_t slots = 1 + wire::payload_slots(payload);
  RingWriter writer;
  if (!writer.begin(slots)) return;
  writer.slot(0) = wire::Event{writer.sequence(0), 0, payload, id, wire::EventKind::python_code, {}};
  write_payload(writer, 1, pieces);
  writer.commit(slots);
}

uint32_t new_code_id(CodeSlot& slot, uintptr_t code, uint64_t fingerprint) {
  uint32_t id = g_next_code_id.fetch_add(1, std::memory_order_relaxed);
  if (id > kMaxPythonCodeId) return 0;
  slot.fingerprint.store(fingerprint, std::memory_order_relaxed);
  slot.id.store(id, std::memory_order_release);
  describe_code(id, code);  // before any stack that names it: both go in stripe 0, in this order
  slot.described.store(1, std::memory_order_release);
  return id;
}

// The id of a code object, described first if it is new. 0: the table is full.
uint32_t code_id(uintptr_t code) {
  CodeSlot* table = code_table();
  if (!table) return 0;
  uint64_t fingerprint = fingerprint_of(code);
  size_t start = size_t((code >> 4) * 0x9e3779b97f4a7c15ULL >> 48);
  for (size_t probe = 0; probe < kProbes; ++probe) {
    CodeSlot& slot = table[(start + probe) & (kCodeSlots - 1)];
    uintptr_t held = slot.code.load(std::memory_order_acquire);
    if (held == 0) {
      if (!slot.code.compare_exchange_strong(held, code, std::memory_order_acq_rel)) {
        if (held != code) continue;
      } else {
        return new_code_id(slot, code, fingerprint);
      }
    }
    if (held != code) continue;
    // A slot another thread is still filling, or a code object since freed and replaced at
    // the same address: a fresh id (two ids for one code only repeat its description).
    if (slot.fingerprint.load(std::memory_order_acquire) != fingerprint || !slot.described.load(std::memory_order_acquire))
      return new_code_id(slot, code, fingerprint);
    return slot.id.load(std::memory_order_acquire);
  }
  return 0;
}

// --- frames ---

// Marks a frame word as the first its eval-loop C frame ran (bit 62, which no code id
// reaches): with it, the words alone tell where the frames go into the native stack.
constexpr uintptr_t kEntryMark = uintptr_t(1) << 62;
static_assert(kMaxPythonCodeId < (kEntryMark >> kPythonOffsetBits));

// A frame that has not run its first instruction yet (its C frame is still setting it up).
bool incomplete(uintptr_t frame, uintptr_t code, uintptr_t instruction) {
  if (field<char>(frame, layout::kFrameOwner) == layout::kOwnedByGenerator) return false;
  uintptr_t first = code + layout::kCodeInstructions +
                    uintptr_t(field<int32_t>(code, layout::kCodeFirstTraceable)) * layout::kCodeUnitBytes;
  return instruction < first;
}

}  // namespace

int read_python_frames(uintptr_t* frames, int room) {
  const PythonInterpreter& python = python_interpreter();
  // Before initialization and from the start of finalization, thread states may be half made.
  if (!python.frames_readable || !python.is_initialized()) return 0;
  auto thread_state = reinterpret_cast<uintptr_t>(python.this_thread_state());
  if (!thread_state) return 0;
  uintptr_t cframe = field<uintptr_t>(thread_state, layout::kThreadStateCFrame);
  uintptr_t frame = cframe ? field<uintptr_t>(cframe, layout::kCFrameCurrentFrame) : 0;
  int count = 0;
  for (int walked = 0; frame && count < room && walked < 4 * kMaxStackDepth; ++walked) {
    uintptr_t code = field<uintptr_t>(frame, layout::kFrameCode);
    uintptr_t instruction = field<uintptr_t>(frame, layout::kFramePrevInstr);
    uintptr_t entry = field<bool>(frame, layout::kFrameIsEntry) ? kEntryMark : 0;
    if (code && !incomplete(frame, code, instruction)) {
      uintptr_t first = code + layout::kCodeInstructions;
      uint64_t offset = instruction > first ? (instruction - first) / layout::kCodeUnitBytes : 0;
      frames[count++] = python_frame(code_id(code), offset) | entry;
    } else if (entry && count > 0) {
      frames[count - 1] |= kEntryMark;  // it ends its C frame's run all the same
    }
    frame = field<uintptr_t>(frame, layout::kFramePrevious);
  }
  return count;
}

int merge_python_frames(const uintptr_t* native, int depth, const uintptr_t* frames, int count, uintptr_t* out,
                        int max_depth) {
  const PythonInterpreter& python = python_interpreter();
  int merged = 0, next = 0;
  auto emit = [&](uintptr_t ip) {
    if (merged < max_depth) out[merged++] = ip;
  };
  for (int i = 0; i < depth; ++i) {
    if (python.runs_python_at(native[i])) {
      while (next < count) {
        uintptr_t frame = frames[next++];
        emit(frame & ~kEntryMark);
        if (frame & kEntryMark) break;
      }
    }
    emit(native[i]);
  }
  while (next < count) emit(frames[next++] & ~kEntryMark);  // the native stack was cut short
  return merged;
}

}  // namespace leakrank::preload
