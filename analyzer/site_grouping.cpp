#include "analyzer/site_grouping.h"

#include <fmt/core.h>

#include <algorithm>
#include <tuple>

#include "analyzer/startup_blocks.h"

namespace leakrank {
namespace {

constexpr std::string_view kUnknownFunction = "??";
const Frame kUnknownStack{.function = "(unknown stack)"};

std::string_view basename_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Where a frame allocates from: its line, or without line information its return address,
// so that two calls into the allocator from one function never look like one.
std::string place_key(const Frame& frame) {
  if (frame.file.empty()) return fmt::format("{}@{:x}\n", frame.function, frame.ip);
  return fmt::format("{}\t{}:{}\n", frame.function, frame.file, frame.line);
}

}  // namespace

SiteGrouping::SiteGrouping(GroupBy group_by, bool keep_frames, AllocationWrappers wrappers)
    : group_by_(group_by), keep_frames_(keep_frames), wrappers_(std::move(wrappers)) {}

void SiteGrouping::set_module_map(const std::vector<ModuleInfo>& modules) {
  module_map_ = modules;
  std::sort(module_map_.begin(), module_map_.end(),
            [](const ModuleInfo& a, const ModuleInfo& b) { return a.start < b.start; });
  address_index_.clear();  // the same address may now belong to another object
}

// Frames without a symbol are named module+offset: the offset is the ELF address, which
// stays the same across runs whatever the load address.
std::string SiteGrouping::fallback_name(uint64_t ip) const {
  auto after = std::upper_bound(module_map_.begin(), module_map_.end(), ip - 1,
                                [](uint64_t address, const ModuleInfo& m) { return address < m.start; });
  if (after == module_map_.begin() || ip - 1 >= std::prev(after)->end) return std::string(kUnknownFunction);
  const ModuleInfo& module = *std::prev(after);
  return fmt::format("{}+0x{:x}", basename_of(module.path), ip - module.load_bias);
}

uint32_t SiteGrouping::intern_address(uint64_t ip, const std::vector<Frame>& symbolized) {
  auto [slot, inserted] = address_index_.try_emplace(ip, uint32_t(addresses_.size()));
  if (!inserted) return slot->second;
  addresses_.push_back({uint32_t(frames_.size()), uint32_t(symbolized.size())});
  further_out_.push_back(false);
  for (const Frame& frame : symbolized) {
    frames_.push_back(frame);
    if (frames_.back().function == kUnknownFunction) frames_.back().function = fallback_name(ip);
  }
  return slot->second;
}

void SiteGrouping::add_stack(uint32_t stack_id, std::span<const uint64_t> ips, const StackFrames& frames) {
  FrameRange range{uint32_t(stack_addresses_.size()), uint32_t(ips.size())};
  for (size_t i = 0; i < ips.size(); ++i) stack_addresses_.push_back(intern_address(ips[i], *frames[i]));
  if (stack_id >= stacks_.size()) stacks_.resize(size_t(stack_id) + 1);
  uint32_t path = intern_path(frames_at(range));
  if (paths_[path].stacks++ == 0) paths_[path].first_stack = stack_id;
  stacks_[stack_id] = {range, path, true};
}

std::vector<Frame> SiteGrouping::frames_of(uint32_t stack_id) const {
  if (!knows_stack(stack_id)) return {};
  return frames_in(stacks_[stack_id].addresses);
}

std::vector<uint32_t> SiteGrouping::frame_indexes_of(uint32_t stack_id) const {
  if (!knows_stack(stack_id)) return {};
  std::vector<FrameAt> frames = frames_at(stacks_[stack_id].addresses);
  std::vector<uint32_t> indexes;
  indexes.reserve(frames.size());  // kept for every stack: no room to spare
  for (FrameAt at : frames) indexes.push_back(at.frame);
  return indexes;
}

std::vector<Frame> SiteGrouping::frames_in(FrameRange range) const {
  std::vector<Frame> frames;
  for (FrameAt at : frames_at(range)) frames.push_back(frames_[at.frame]);
  return frames;
}

// Every stack is grouped as it arrives, and deep ones (an interpreter's) hold dozens of
// frames of three strings each: grouping looks at them in place.
std::vector<SiteGrouping::FrameAt> SiteGrouping::frames_at(FrameRange range) const {
  std::vector<FrameAt> frames;
  for (uint32_t i = range.first; i < range.first + range.count; ++i) {
    uint32_t address = stack_addresses_[i];
    FrameRange slice = addresses_[address];
    for (uint32_t frame = slice.first; frame < slice.first + slice.count; ++frame) frames.push_back({frame, address});
  }
  place_python_frames(frames);
  return frames;
}

// Python frames stand just inside the interpreter's C frame that runs them, which is the next
// return address. That address's inlined frames (do_call_core, _PyFunction_Vectorcall) ran for
// the innermost Python frame, so they go inside the Python frames: else, once the interpreter's
// debug information is installed, they would read as called by the outermost one.
void SiteGrouping::place_python_frames(std::vector<FrameAt>& frames) const {
  auto is_python = [&](size_t i) { return i < frames.size() && frames_[frames[i].frame].python; };
  for (size_t i = 0; i < frames.size(); ++i) {
    if (!is_python(i)) continue;
    size_t first = i;
    while (is_python(i)) ++i;
    size_t inlined_end = i;
    while (inlined_end < frames.size() && frames[inlined_end].address == frames[i].address &&
           frames_[frames[inlined_end].frame].inlined)
      ++inlined_end;
    std::rotate(frames.begin() + long(first), frames.begin() + long(i), frames.begin() + long(inlined_end));
    i = inlined_end;
  }
}

bool SiteGrouping::knows_stack(uint32_t stack_id) const {
  return stack_id < stacks_.size() && stacks_[stack_id].known;
}

uint32_t SiteGrouping::site_of(uint32_t stack_id) {
  if (knows_stack(stack_id)) return stacks_[stack_id].path;
  return intern_path({});
}

std::string SiteGrouping::frame_key(const Frame& frame) const {
  if (group_by_ == GroupBy::function) return frame.function;
  return fmt::format("{}\t{}:{}", frame.function, frame.file, frame.line);
}

std::string SiteGrouping::stack_key(std::span<const FrameAt> frames) const {
  std::string key;
  for (FrameAt at : frames) key += frame_key(frames_[at.frame]) + '\n';
  return key;
}

// The allocator, libc and libstdc++ frames above the program say how memory was asked
// for, and xmalloc and its kind too: neither names a site.
bool SiteGrouping::is_own(const Frame& frame) { return !is_runtime_frame(frame) && !wrappers_.is_wrapper(frame); }

// The frames a site may be named after (see the header), from the first frame in the
// program's own code past its known wrappers. --keep-frames: the innermost frame. A stack of
// wrappers alone (cut short by --max-depth) keeps the innermost of them, one of runtime
// frames alone its innermost function. further_out: where the frames past the path begin.
SiteGrouping::CallPathEntry SiteGrouping::call_path(std::span<const FrameAt> frames, size_t& further_out) {
  CallPathEntry path;
  further_out = frames.size();
  if (frames.empty()) return path;
  if (keep_frames_) {
    path.frames = {frames.front().frame};
    return path;
  }
  auto not_runtime = [&](FrameAt at) { return !is_runtime_frame(frames_[at.frame]); };
  auto own = [&](FrameAt at) { return is_own(frames_[at.frame]); };
  auto program = std::find_if(frames.begin(), frames.end(), not_runtime);
  auto asking = std::find_if(program, frames.end(), own);
  if (asking == frames.end()) {
    path.frames = {program != frames.end() ? program->frame : innermost_function(frames)};
    return path;
  }
  for (auto wrapper = program; wrapper != asking; ++wrapper)
    if (not_runtime(*wrapper)) path.known_wrappers.push_back(wrapper->frame);
  // Its own return address, then its caller's: frames of one address come together.
  auto take_address = [&](auto from) {
    auto end = std::find_if(from, frames.end(), [&](FrameAt at) { return at.address != from->address; });
    for (auto at = from; at != end; ++at)
      if (own(*at)) path.frames.push_back(at->frame);
    return end;
  };
  auto past_asking = take_address(asking);
  auto caller = std::find_if(past_asking, frames.end(), own);
  auto past_caller = caller == frames.end() ? caller : take_address(caller);
  further_out = size_t(past_caller - frames.begin());
  return path;
}

// A stack of runtime frames alone is named after its innermost Python frame, if it runs
// Python (the standard library's own code: a server's accept loop), else after the function
// holding its innermost return address, not a helper inlined there: the same site with or
// without the runtime's debug information, where an inlined allocator (CPython's
// PyObject_Malloc, in every object constructor) would otherwise gather every caller into one.
uint32_t SiteGrouping::innermost_function(std::span<const FrameAt> frames) const {
  auto python = std::find_if(frames.begin(), frames.end(), [&](FrameAt at) { return frames_[at.frame].python; });
  if (python != frames.end()) return python->frame;
  auto past = std::find_if(frames.begin(), frames.end(),
                           [&](FrameAt at) { return at.address != frames.front().address; });
  return std::prev(past)->frame;
}

// Paths are grouping's own, never shown: their frames are told apart by place (line, or
// return address without one) so that finding wrappers sees every place a function
// allocates from. Grouped by stack, a path also keeps to one stack key.
std::string SiteGrouping::path_key(std::span<const FrameAt> frames, const CallPathEntry& path) const {
  if (path.frames.empty()) return frame_key(kUnknownStack);
  std::string key = group_by_ == GroupBy::stack ? stack_key(frames) + '\x1e' : std::string();
  for (uint32_t frame : path.frames) key += place_key(frames_[frame]);
  return key;
}

uint32_t SiteGrouping::intern_path(std::span<const FrameAt> frames) {
  size_t further_out = 0;
  CallPathEntry path = call_path(frames, further_out);
  for (size_t i = further_out; i < frames.size(); ++i) further_out_[frames[i].address] = true;
  auto [slot, inserted] = path_index_.try_emplace(path_key(frames, path), uint32_t(paths_.size()));
  if (inserted) {
    paths_.push_back(std::move(path));
    return slot->second;
  }
  // Stacks of one path may come through different wrappers (xmalloc, xcalloc): all are listed.
  std::vector<uint32_t>& known = paths_[slot->second].known_wrappers;
  for (uint32_t wrapper : path.known_wrappers) {
    bool listed = std::any_of(known.begin(), known.end(),
                              [&](uint32_t frame) { return frames_[frame].function == frames_[wrapper].function; });
    if (!listed) known.push_back(wrapper);
  }
  return slot->second;
}

std::vector<CallPath> SiteGrouping::call_paths() const {
  std::vector<CallPath> paths;
  paths.reserve(paths_.size());
  for (const CallPathEntry& entry : paths_) {
    CallPath& path = paths.emplace_back();
    for (uint32_t frame : entry.frames) path.push_back(&frames_[frame]);
  }
  return paths;
}

absl::flat_hash_set<std::string_view> SiteGrouping::functions_further_out() const {
  absl::flat_hash_set<std::string_view> functions;
  for (uint32_t address = 0; address < addresses_.size(); ++address) {
    if (!further_out_[address]) continue;
    FrameRange slice = addresses_[address];
    for (uint32_t frame = slice.first; frame < slice.first + slice.count; ++frame)
      if (!is_runtime_frame(frames_[frame])) functions.insert(frames_[frame].function);
  }
  return functions;
}

SiteIdentity SiteGrouping::identity(uint32_t path, const CallPath& frames, size_t site) const {
  const Frame& frame = frames.empty() ? kUnknownStack : *frames[site];
  std::string key = group_by_ == GroupBy::stack && !frames.empty()
                        ? stack_key(frames_at(stacks_[paths_[path].first_stack].addresses))
                        : frame_key(frame);
  std::string function = frame.function;
  if (!frames.empty() && is_runtime_frame(frame))  // only a stack of runtime frames alone is named so
    function = startup_block_name(frames_in(stacks_[paths_[path].first_stack].addresses)).value_or(function);
  return {std::move(key), std::move(function), frame.file, frame.line, frame.module};
}

ResolvedSites SiteGrouping::resolve() {
  const std::vector<CallPath> paths = call_paths();
  const DetectedWrappers detected = keep_frames_ ? DetectedWrappers() : detect_wrappers(paths, functions_further_out());
  ResolvedSites resolved;
  absl::flat_hash_map<std::string, uint32_t> site_index;
  absl::flat_hash_map<std::string, SkippedWrapper> skipped;
  auto tally = [&](const Frame& wrapper, WrapperReason reason, uint64_t stacks) {
    SkippedWrapper& entry = skipped[wrapper.function];
    if (entry.function.empty()) entry = {wrapper.function, std::string(to_string(reason))};
    entry.stacks += stacks;
    if (auto found = detected.find(wrapper.function); found != detected.end()) entry.callers = found->second;
  };
  for (uint32_t path = 0; path < paths.size(); ++path) {
    size_t site = site_position(paths[path], detected);
    SiteIdentity identity_of_path = identity(path, paths[path], site);
    auto [slot, inserted] = site_index.try_emplace(identity_of_path.key, uint32_t(resolved.sites.size()));
    if (inserted) {
      resolved.sites.push_back(std::move(identity_of_path));
      resolved.paths_of_site.emplace_back();
    }
    resolved.site_of_path.push_back(slot->second);
    resolved.paths_of_site[slot->second].push_back(path);
    const CallPathEntry& entry = paths_[path];
    for (uint32_t wrapper : entry.known_wrappers)
      tally(frames_[wrapper], wrappers_.reason(frames_[wrapper]), entry.stacks);
    for (size_t i = 0; i < site; ++i) tally(*paths[path][i], WrapperReason::detected, entry.stacks);
  }
  for (auto& [function, wrapper] : skipped) resolved.skipped_wrappers.push_back(std::move(wrapper));
  std::sort(resolved.skipped_wrappers.begin(), resolved.skipped_wrappers.end(),
            [](const SkippedWrapper& a, const SkippedWrapper& b) {
              return std::tie(b.stacks, a.function) < std::tie(a.stacks, b.function);
            });
  return resolved;
}

}  // namespace leakrank
