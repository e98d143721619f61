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

std::string folded_stack(const std::vector<Frame>& frames) {
  std::string line;
  for (auto frame = frames.rbegin(); frame != frames.rend(); ++frame) {
    if (!line.empty()) line += ';';
    line += folded_name(*frame);
  }
  return line.empty() ? "[unknown]" : line;
}

}  // namespace

std::string render_folded(const Analysis& analysis) {
  std::map<std::string, uint64_t> bytes_by_stack;
  for (const StackSample& stack : export_stacks(analysis)) {
    if (stack.live_bytes > 0) bytes_by_stack[folded_stack(stack.frames)] += stack.live_bytes;
  }
  std::string out;
  for (const auto& [stack, bytes] : bytes_by_stack) out += fmt::format("{} {}\n", stack, bytes);
  return out;
}

}  // namespace leakrank
