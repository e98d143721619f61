#include "recorder/resident_memory.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "recorder/file_text.h"
#include "recorder/proc_status.h"
#include "recorder/target_memory.h"
#include "transport/own_memory_ledger.h"
#include "transport/session_layout.h"

namespace leakrank {
namespace {

struct AddressRange {
  uint64_t start = 0;
  uint64_t end = 0;
};

uint64_t page_bytes() {
  static const uint64_t bytes = uint64_t(sysconf(_SC_PAGESIZE));
  return bytes;
}

std::string proc_file(pid_t pid, const char* name) { return "/proc/" + std::to_string(pid) + "/" + name; }

// statm's second field: anonymous, file and shared-memory pages together, as ps shows
// them; its third: the file and shared-memory ones.
struct ResidentPages {
  uint64_t all = 0;
  uint64_t shared = 0;
};
ResidentPages resident_pages(pid_t pid) {
  unsigned long long size = 0, resident = 0, shared = 0;
  std::string statm = read_file_text(proc_file(pid, "statm"));
  if (sscanf(statm.c_str(), "%llu %llu %llu", &size, &resident, &shared) != 3) return {};
  return {resident, shared};
}

// Where pid maps session segments: shared mappings of a file named like a session.
std::vector<AddressRange> session_mappings(pid_t pid) {
  std::vector<AddressRange> ranges;
  std::string maps = read_file_text(proc_file(pid, "maps"));
  std::string_view rest(maps);
  while (!rest.empty()) {
    size_t end_of_line = std::min(rest.find('\n'), rest.size());
    std::string line(rest.substr(0, end_of_line));
    rest.remove_prefix(std::min(end_of_line + 1, rest.size()));
    AddressRange range;
    char permissions[5] = {};
    if (line.find(kSessionNamePrefix) == std::string::npos ||
        sscanf(line.c_str(), "%" SCNx64 "-%" SCNx64 " %4s", &range.start, &range.end, permissions) != 3 ||
        permissions[3] != 's')
      continue;
    ranges.push_back(range);
  }
  return ranges;
}

// Pages of range that pid's page tables map: exactly what its RSS counts for them, unlike
// what the segment holds (the recorder's own writes, pages pid never touched).
uint64_t mapped_pages(int pagemap, AddressRange range) {
  constexpr size_t kEntries = 4096;  // 8 bytes each: bit 63 is "present"
  uint64_t entries[kEntries];
  uint64_t present = 0;
  for (uint64_t page = range.start / page_bytes(); page < range.end / page_bytes();) {
    size_t wanted = size_t(std::min<uint64_t>(kEntries, range.end / page_bytes() - page));
    ssize_t got = pread(pagemap, entries, wanted * sizeof(uint64_t), off_t(page * sizeof(uint64_t)));
    if (got <= 0) break;
    size_t read = size_t(got) / sizeof(uint64_t);
    for (size_t i = 0; i < read; ++i) present += entries[i] >> 63;
    page += read;
  }
  return present;
}

// The mappings the library lists as its own (transport/own_memory_ledger.h), read from the
// target's memory; none when the ledger cannot be read. A thread's entries count only while
// it lives: what frees them at its exit (libunwind's key destructor) may bypass the hooks.
std::vector<AddressRange> own_mappings(pid_t pid, uint64_t ledger_address) {
  std::vector<AddressRange> ranges;
  if (!ledger_address) return ranges;
  auto ledger = std::make_unique<OwnMemoryLedger>();  // 24 KiB: not for a thread's stack
  if (!read_target_memory(pid, ledger_address, ledger.get(), sizeof *ledger)) return ranges;
  std::vector<pid_t> tids = thread_ids(pid);
  std::unordered_set<uint64_t> threads(tids.begin(), tids.end());
  for (const OwnMemoryRange& range : ledger->ranges)
    if (range.start && range.bytes && (range.thread == 0 || threads.contains(range.thread)))
      ranges.push_back({range.start, range.start + range.bytes});
  return ranges;
}

// leakrank's pages in pid: the session's (shared memory) and its library's own (private).
struct LeakrankPages {
  uint64_t session = 0;
  uint64_t library = 0;
};

// Reading pagemap takes ptrace's read permission, which whoever records pid has; without
// it nothing is subtracted. It costs ~0.2 ms for a 256 MiB segment, whatever the target's
// size, where smaps walks all of the target's page tables (8 ms at a 2 GiB heap).
LeakrankPages leakrank_pages(pid_t pid, uint64_t ledger_address) {
  std::vector<AddressRange> session = session_mappings(pid), library = own_mappings(pid, ledger_address);
  if (session.empty() && library.empty()) return {};
  int pagemap = open(proc_file(pid, "pagemap").c_str(), O_RDONLY | O_CLOEXEC);
  if (pagemap < 0) return {};
  auto present = [pagemap](const std::vector<AddressRange>& ranges) {
    uint64_t pages = 0;
    for (AddressRange range : ranges) pages += mapped_pages(pagemap, range);
    return pages;
  };
  LeakrankPages pages{present(session), present(library)};
  close(pagemap);
  return pages;
}

}  // namespace

// statm before and after the segment is read, the lower of the two: ring pages the target
// touches meanwhile (busy threads touch megabytes) are then subtracted without having been
// counted, and pages it unmaps meanwhile (its rings, as it exits) counted without being
// subtracted, never the other way. A process gone meanwhile reads as gone, not as its whole
// segment. The library's own pages are private memory: they leave the shared field as they are.
ResidentMemory own_resident_memory(pid_t pid, uint64_t ledger_address) {
  ResidentPages before = resident_pages(pid);
  LeakrankPages leakrank = leakrank_pages(pid, ledger_address);
  ResidentPages after = resident_pages(pid);
  if (after.all == 0) return {};
  ResidentPages resident{std::min(before.all, after.all), std::min(before.shared, after.shared)};
  auto less = [](uint64_t pages, uint64_t left_out) { return pages > left_out ? (pages - left_out) * page_bytes() : 0; };
  return {less(resident.all, leakrank.session + leakrank.library), less(resident.shared, leakrank.session)};
}

uint64_t own_resident_bytes(pid_t pid, uint64_t ledger_address) { return own_resident_memory(pid, ledger_address).bytes; }

}  // namespace leakrank
