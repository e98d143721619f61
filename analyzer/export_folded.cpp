#include <fmt/core.h>

#include <map>

#include "analyzer/export.h"

namespace leakrank {
namespace {

// Unknown functions show their module, as perf's folded output does.
std::string frame_name(const Frame& frame) {
  if (!frame.function.empty() && frame.function != "??") return frame.function;
  if (frame.module.empty()) return "[unknown]";
  return fmt::format("[{}]", frame.module.substr(frame.module.rfind('/') + 1));
}

// ';' separates frames and a newline ends the record: neither may appear inside a name.
std::string folded_name(const Frame& frame) {
  std::string name = frame_name(frame);
  for (char& c : name) {
    if (c == ';') c = ',';
    if (c == '\n' || c == '\r') c = ' ';
  }
  return name;
}

// Each frame's name once: stacks share most of their frames.
std::vector<std::string> folded_names(const std::vector<Frame>& frames) {
  std::vector<std::string> names;
  names.reserve(frames.size());
  for (const Frame& frame : frames) names.push_back(folded_name(frame));
  return names;
}

std::string folded_stack(const std::vector<uint32_t>& frames, const std::vector<std::string>& names) {
  std::string line;
  for (auto frame = frames.rbegin(); frame != frames.rend(); ++frame) {
    if (!line.empty()) line += ';';
    line += names[*frame];
  }
  return line.empty() ? "[unknown]" : line;
}

}  // namespace

std::string render_folded(const Analysis& analysis) {
  StackSamples from_sites;
  const StackSamples& stacks = export_stacks(analysis, from_sites);
  const std::vector<std::string> names = folded_names(stacks.frames);
  std::map<std::string, uint64_t> bytes_by_stack;
  for (const StackSample& stack : stacks.samples) {
    if (stack.live_bytes > 0) bytes_by_stack[folded_stack(stack.frames, names)] += stack.live_bytes;
  }
  std::string out;
  for (const auto& [stack, bytes] : bytes_by_stack) out += fmt::format("{} {}\n", stack, bytes);
  return out;
}

}  // namespace leakrank
