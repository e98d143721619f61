#include "analyzer/detected_wrappers.h"

#include <optional>

namespace leakrank {
namespace {

// Two kinds of function are taken for wrappers, judged where they would be a site:
//
// Inlined frames shared by functions. A function whose every copy that would be a site is
// inlined, into two or more distinct out-of-line functions, gives way to what it was
// inlined into. Without debug information those functions are sites of their own; an
// inlined frame must not merge them, or installing debug information makes a report
// coarser (an inlined PyObject_Malloc or _PyLong_FromMedium line holding every caller).
// A helper inlined into one function only stays the site: there it is finer.
//
// Out-of-line forwarders with many callers. The function must
//  - only forward: wherever it would be a site, the allocation comes from one place in it
//    (one line; one return address when there is no line information), and no stack holds
//    it further out than a site, so it never calls program code that allocates on its own;
//  - serve many callers: kManyCallers or more distinct out-of-line functions. A function
//    called from two or three places is as likely code that owns what it allocates (a
//    store, a cache: StringStore::intern has one caller) as a wrapper, and splitting such
//    a site would hide it; a wrapper is the door to malloc that a whole program shares.
// Without symbols each return address is a function of its own, so call sites count as
// callers there.
constexpr size_t kManyCallers = 4;
constexpr size_t kSharedInlinedCopies = 2;
// Once a wrapper is detected, the frames it was inlined into or called from would be the
// sites, and a wrapper around it (an inlined helper) shows in the next round.
constexpr int kMaxRounds = 4;

// What a round saw of one function where it would be a site.
struct AsSite {
  absl::flat_hash_set<std::string_view> callers;  // distinct out-of-line functions
  const Frame* first = nullptr;
  bool several_places = false;
  bool out_of_line = false;  // some copy is no inlined frame
};

bool same_place(const Frame& a, const Frame& b) {
  if (a.file.empty() || b.file.empty()) return a.ip == b.ip && a.file == b.file;
  return a.line == b.line && a.file == b.file;
}

// The out-of-line function the allocation comes from: the one frame at is inlined into, or
// its caller when it is out of line itself.
std::optional<std::string_view> calling_function(const CallPath& path, size_t at) {
  for (size_t i = at + 1; i < path.size(); ++i)
    if (!path[i]->inlined) return path[i]->function;
  return std::nullopt;
}

void note_site(AsSite& seen, const CallPath& path, size_t at) {
  const Frame& frame = *path[at];
  if (seen.first == nullptr) seen.first = &frame;
  else if (!same_place(*seen.first, frame)) seen.several_places = true;
  seen.out_of_line |= !frame.inlined;
  if (std::optional<std::string_view> caller = calling_function(path, at)) seen.callers.insert(*caller);
}

bool is_forwarder(const AsSite& seen, bool allocates_further_in) {
  return !allocates_further_in && !seen.several_places && seen.callers.size() >= kManyCallers;
}

// One round: the functions taken once those detected so far are skipped.
DetectedWrappers next_round(std::span<const CallPath> paths, const DetectedWrappers& detected,
                            const absl::flat_hash_set<std::string_view>& further_out) {
  absl::flat_hash_map<std::string_view, AsSite> as_site;
  absl::flat_hash_set<std::string_view> outer;  // further out than a site in some path
  for (const CallPath& path : paths) {
    if (path.empty()) continue;
    size_t site = site_position(path, detected);
    if (detected.contains(path[site]->function)) continue;  // a path of wrappers alone
    note_site(as_site[path[site]->function], path, site);
    for (size_t i = site + 1; i < path.size(); ++i) outer.insert(path[i]->function);
  }
  DetectedWrappers more;
  for (const auto& [function, seen] : as_site) {
    bool shared_inlined = !seen.out_of_line && seen.callers.size() >= kSharedInlinedCopies;
    bool allocates_further_in = further_out.contains(function) || outer.contains(function);
    if (shared_inlined || is_forwarder(seen, allocates_further_in))
      more.emplace(std::string(function), seen.callers.size());
  }
  return more;
}

}  // namespace

size_t site_position(const CallPath& path, const DetectedWrappers& detected) {
  for (size_t i = 0; i < path.size(); ++i)
    if (!detected.contains(path[i]->function)) return i;
  return path.empty() ? 0 : path.size() - 1;
}

DetectedWrappers detect_wrappers(std::span<const CallPath> paths,
                                 const absl::flat_hash_set<std::string_view>& further_out) {
  DetectedWrappers detected;
  for (int round = 0; round < kMaxRounds; ++round) {
    DetectedWrappers more = next_round(paths, detected, further_out);
    if (more.empty()) break;
    detected.merge(more);
  }
  return detected;
}

}  // namespace leakrank
