#include "analyzer/site_grouping.h"

#include <fmt/core.h>

#include <algorithm>

namespace leakrank {
namespace {

constexpr std::string_view kUnknownFunction = "??";

std::string_view basename_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
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
  stacks_[stack_id] = {range, intern_site(frames_at(range)), true};
}

std::vector<Frame> SiteGrouping::frames_of(uint32_t stack_id) const {
  if (!knows_stack(stack_id)) return {};
  return frames_in(stacks_[stack_id].addresses);
}

std::vector<Frame> SiteGrouping::frames_in(FrameRange range) const {
  std::vector<Frame> frames;
  for (const Frame* frame : frames_at(range)) frames.push_back(*frame);
  return frames;
}

// Every stack is grouped as it arrives, and deep ones (an interpreter's) hold dozens of
// frames of three strings each: grouping looks at them in place.
std::vector<const Frame*> SiteGrouping::frames_at(FrameRange range) const {
  std::vector<const Frame*> frames;
  for (uint32_t i = range.first; i < range.first + range.count; ++i) {
    FrameRange address = addresses_[stack_addresses_[i]];
    for (uint32_t frame = address.first; frame < address.first + address.count; ++frame)
      frames.push_back(&frames_[frame]);
  }
  return frames;
}

bool SiteGrouping::knows_stack(uint32_t stack_id) const {
  return stack_id < stacks_.size() && stacks_[stack_id].known;
}

uint32_t SiteGrouping::site_of(uint32_t stack_id) {
  if (knows_stack(stack_id)) return stacks_[stack_id].site;
  return intern_site({});
}

std::string SiteGrouping::frame_key(const Frame& frame) const {
  if (group_by_ == GroupBy::function) return frame.function;
  return fmt::format("{}\t{}:{}", frame.function, frame.file, frame.line);
}

std::string SiteGrouping::stack_key(std::span<const Frame* const> frames) const {
  std::string key;
  for (const Frame* frame : frames) key += frame_key(*frame) + '\n';
  return key;
}

// The first frame in the program's own code past its allocation wrappers: the allocator,
// libc and libstdc++ frames above it, and xmalloc and its kind, say how, not where. A stack
// of wrappers alone (cut short by --max-depth) keeps the innermost of them.
const Frame& SiteGrouping::site_frame(std::span<const Frame* const> frames) {
  if (keep_frames_) return *frames.front();
  auto own = std::find_if(frames.begin(), frames.end(), [](const Frame* f) { return !is_runtime_frame(*f); });
  auto asking = std::find_if(own, frames.end(), [&](const Frame* f) {
    return !is_runtime_frame(*f) && !wrappers_.is_wrapper(*f);
  });
  if (asking != frames.end()) return **asking;
  return own != frames.end() ? **own : *frames.front();
}

uint32_t SiteGrouping::intern_site(std::span<const Frame* const> frames) {
  static const Frame kUnknownStack{.function = "(unknown stack)"};
  const Frame& frame = frames.empty() ? kUnknownStack : site_frame(frames);
  std::string key = group_by_ == GroupBy::stack && !frames.empty() ? stack_key(frames) : frame_key(frame);
  auto [slot, inserted] = site_index_.try_emplace(std::move(key), uint32_t(sites_.size()));
  if (inserted) sites_.push_back({slot->first, frame.function, frame.file, frame.line, frame.module});
  return slot->second;
}

}  // namespace leakrank
