#include <fmt/core.h>
#include <zlib.h>

#include <algorithm>
#include <limits>
#include <span>
#include <stdexcept>
#include <unordered_map>

#include <absl/container/flat_hash_map.h>

#include "analyzer/export.h"
#include "analyzer/protobuf_writer.h"

namespace leakrank {
namespace {

// Field numbers of github.com/google/pprof/proto/profile.proto.
namespace profile_field {
constexpr uint32_t sample_type = 1, sample = 2, mapping = 3, location = 4, function = 5, string_table = 6,
                   time_nanos = 9, duration_nanos = 10, period_type = 11, period = 12, comment = 13,
                   default_sample_type = 14;
}
namespace value_type_field {
constexpr uint32_t type = 1, unit = 2;
}
namespace sample_field {
constexpr uint32_t location_id = 1, value = 2;
}
namespace mapping_field {
constexpr uint32_t id = 1, memory_start = 2, memory_limit = 3, filename = 5, build_id = 6, has_functions = 7,
                   has_filenames = 8, has_line_numbers = 9, has_inline_frames = 10;
}
namespace location_field {
constexpr uint32_t id = 1, mapping_id = 2, address = 3, line = 4;
}
namespace line_field {
constexpr uint32_t function_id = 1, line = 2;
}
namespace function_field {
constexpr uint32_t id = 1, name = 2, system_name = 3, filename = 4;
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char byte : bytes) out += fmt::format("{:02x}", byte);
  return out;
}

// One return address: the frames inlined into it (innermost first), then its real function.
// Frames are indexes into table.
std::vector<std::span<const uint32_t>> split_by_address(std::span<const uint32_t> frames,
                                                        const std::vector<Frame>& table) {
  std::vector<std::span<const uint32_t>> chains;
  size_t begin = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (!table[frames[i]].inlined || i + 1 == frames.size()) {
      chains.push_back(frames.subspan(begin, i + 1 - begin));
      begin = i + 1;
    }
  }
  return chains;
}

// The stack from the program's innermost frame on: the allocator (malloc, operator new, the
// preload library's hooks) and the library code around it would otherwise be the leaf of
// every sample, and `pprof -top` would rank malloc first. A stack of runtime frames alone
// (a library's start-up block) is kept whole.
std::span<const uint32_t> program_first(std::span<const uint32_t> frames, const std::vector<Frame>& table) {
  auto is_runtime = [&](uint32_t frame) { return is_runtime_frame(table[frame]); };
  auto program = std::find_if_not(frames.begin(), frames.end(), is_runtime);
  if (program == frames.end()) return frames;
  return frames.subspan(size_t(program - frames.begin()));
}

struct MappingRange {
  uint64_t id = 0;
  uint64_t start = std::numeric_limits<uint64_t>::max();
  uint64_t limit = 0;
  std::string build_id;
};

class PprofBuilder {
 public:
  // frames: what the samples added index.
  PprofBuilder(const Analysis& analysis, const std::vector<Frame>& frames) : analysis_(analysis), frames_(frames) {
    string_index("");  // index 0
  }

  void add(const StackSample& stack) {
    std::vector<uint64_t> location_ids;
    for (std::span<const uint32_t> chain : split_by_address(program_first(stack.frames, frames_), frames_))
      location_ids.push_back(location_id(chain));
    const uint64_t values[] = {stack.live_bytes, stack.live_allocations, stack.total_bytes, stack.total_allocations};
    ProtobufWriter sample;
    sample.packed_varint_field(sample_field::location_id, location_ids);
    sample.packed_varint_field(sample_field::value, values);
    profile_.message_field(profile_field::sample, sample);
  }

  std::string finish() {
    for (auto [type, unit] : {std::pair{"inuse_space", "bytes"}, {"inuse_objects", "count"},
                              {"alloc_space", "bytes"}, {"alloc_objects", "count"}}) {
      profile_.message_field(profile_field::sample_type, value_type(type, unit));
    }
    profile_.varint_field(profile_field::default_sample_type, string_index("inuse_space"));
    profile_.message_field(profile_field::period_type, value_type("space", "bytes"));
    profile_.optional_varint_field(profile_field::period, analysis_.meta.sample_bytes);
    profile_.optional_varint_field(profile_field::time_nanos, analysis_.meta.start_unix_ns);
    profile_.optional_varint_field(profile_field::duration_nanos,
                                   static_cast<uint64_t>(analysis_.duration_s * 1e9));
    profile_.varint_field(profile_field::comment, string_index(fmt::format("leakrank recording {}", analysis_.path)));
    if (analysis_.estimated) {
      profile_.varint_field(profile_field::comment, string_index("sampled recording: values are scaled estimates"));
    }
    write_mappings();
    for (const std::string& s : strings_) profile_.bytes_field(profile_field::string_table, s);  // [0] is "", as pprof requires
    return profile_.bytes();
  }

 private:
  uint64_t string_index(const std::string& s) {
    auto [it, added] = string_ids_.try_emplace(s, strings_.size());
    if (added) strings_.push_back(s);
    return it->second;
  }

  ProtobufWriter value_type(const std::string& type, const std::string& unit) {
    ProtobufWriter message;
    message.varint_field(value_type_field::type, string_index(type));
    message.varint_field(value_type_field::unit, string_index(unit));
    return message;
  }

  uint64_t function_id(const Frame& frame) {
    auto [it, added] = function_ids_.try_emplace(frame.function + '\0' + frame.file, function_ids_.size() + 1);
    if (added) {
      ProtobufWriter function;
      function.varint_field(function_field::id, it->second);
      function.varint_field(function_field::name, string_index(frame.function));
      function.varint_field(function_field::system_name, string_index(frame.function));
      function.varint_field(function_field::filename, string_index(frame.file));
      profile_.message_field(profile_field::function, function);
    }
    return it->second;
  }

  // 0 (no mapping) when the module is unknown.
  uint64_t mapping_id(const Frame& frame) {
    if (frame.module.empty()) return 0;
    auto [it, added] = mappings_.try_emplace(frame.module);
    MappingRange& range = it->second;
    if (added) range.id = mappings_.size();
    range.start = std::min(range.start, frame.ip);
    range.limit = std::max(range.limit, frame.ip + 1);
    return range.id;
  }

  // Stacks pass through the same frames over and over: a chain's location is looked up by
  // its frame indexes, and its text key is made only the first time.
  uint64_t location_id(std::span<const uint32_t> chain) {
    auto [it, added] = location_of_chain_.try_emplace(std::vector<uint32_t>(chain.begin(), chain.end()));
    if (added) it->second = location_id_by_content(chain);
    return it->second;
  }

  // Chains of equal frames at one address share a location, whichever frames hold them.
  uint64_t location_id_by_content(std::span<const uint32_t> chain) {
    const Frame& real = frames_[chain.back()];
    std::string key = fmt::format("{:x}", real.ip);
    for (uint32_t index : chain) {
      const Frame& frame = frames_[index];
      key += fmt::format("\n{}\t{}\t{}", frame.function, frame.file, frame.line);
    }
    auto [it, added] = location_ids_.try_emplace(key, location_ids_.size() + 1);
    if (added) {
      ProtobufWriter location;
      location.varint_field(location_field::id, it->second);
      location.optional_varint_field(location_field::mapping_id, mapping_id(real));
      location.optional_varint_field(location_field::address, real.ip);
      for (uint32_t index : chain) {  // innermost first: the last line is the caller
        const Frame& frame = frames_[index];
        ProtobufWriter line;
        line.varint_field(line_field::function_id, function_id(frame));
        line.optional_varint_field(line_field::line, frame.line);
        location.message_field(location_field::line, line);
      }
      profile_.message_field(profile_field::location, location);
    }
    return it->second;
  }

  // The recorded module map gives exact ranges; without it, the addresses seen bound each module.
  void widen_to_recorded_modules() {
    for (const ModuleInfo& module : analysis_.modules) {
      auto it = mappings_.find(module.path);
      if (it == mappings_.end()) continue;
      it->second.start = std::min(it->second.start, module.start);
      it->second.limit = std::max(it->second.limit, module.end);
      if (it->second.build_id.empty()) it->second.build_id = hex(module.build_id);
    }
  }

  void write_mappings() {
    widen_to_recorded_modules();
    std::vector<std::pair<const std::string*, const MappingRange*>> by_id;
    for (const auto& [path, range] : mappings_) by_id.emplace_back(&path, &range);
    std::sort(by_id.begin(), by_id.end(), [](auto& a, auto& b) { return a.second->id < b.second->id; });
    for (const auto& [path, range] : by_id) {
      ProtobufWriter mapping;
      mapping.varint_field(mapping_field::id, range->id);
      mapping.varint_field(mapping_field::memory_start, range->start);
      mapping.varint_field(mapping_field::memory_limit, range->limit);
      mapping.varint_field(mapping_field::filename, string_index(*path));
      mapping.optional_varint_field(mapping_field::build_id, string_index(range->build_id));
      // Frames arrive symbolized (with inlining), so pprof must not symbolize again.
      for (uint32_t field : {mapping_field::has_functions, mapping_field::has_filenames,
                             mapping_field::has_line_numbers, mapping_field::has_inline_frames}) {
        mapping.varint_field(field, 1);
      }
      profile_.message_field(profile_field::mapping, mapping);
    }
  }

  const Analysis& analysis_;
  const std::vector<Frame>& frames_;
  ProtobufWriter profile_;
  std::vector<std::string> strings_;
  std::unordered_map<std::string, uint64_t> string_ids_;
  std::unordered_map<std::string, uint64_t> function_ids_;
  std::unordered_map<std::string, uint64_t> location_ids_;
  absl::flat_hash_map<std::vector<uint32_t>, uint64_t> location_of_chain_;
  std::unordered_map<std::string, MappingRange> mappings_;
};

std::string gzip(std::string_view data) {
  z_stream stream{};
  constexpr int kGzipWindowBits = 15 + 16;  // +16: gzip header and trailer instead of zlib's
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("cannot start gzip compression");
  }
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("gzip compression failed");
  return out;
}

}  // namespace

std::string render_pprof(const Analysis& analysis) {
  StackSamples from_sites;
  const StackSamples& stacks = export_stacks(analysis, from_sites);
  PprofBuilder builder(analysis, stacks.frames);
  for (const StackSample& stack : stacks.samples) {
    if (stack.live_bytes > 0 || stack.total_bytes > 0) builder.add(stack);
  }
  return gzip(builder.finish());
}

}  // namespace leakrank
