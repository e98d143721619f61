#include "analyzer/symbolizer.h"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <utility>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <fmt/format.h>

#include "analyzer/jit_symbols.h"
#include "analyzer/python_code.h"
#include "analyzer/readable_names.h"
#include "transport/python_frame.h"

namespace leakrank {
namespace {

constexpr const char* kUnknownFunction = "??";
constexpr const char* kDefaultDebuginfoPath = ":.debug:/usr/lib/debug";

std::string demangle(const char* name) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || demangled == nullptr) return name;
  std::string result = demangled;
  std::free(demangled);
  return result;
}

std::string basename_of(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

std::string hex_bytes(const std::string& bytes) {
  std::string text;
  for (unsigned char byte : bytes) text += fmt::format("{:02x}", byte);
  return text;
}

// The vdso has no file to read symbols from.
bool has_backing_file(const ModuleInfo& module) {
  return !module.path.empty() && module.path != "linux-vdso.so.1";
}

// Extra directories first, absolute so libdwfl also searches their .build-id trees.
std::string debuginfo_search_path(const SymbolizerOptions& options) {
  std::string path;
  for (const auto& dir : options.debug_dirs) path += std::filesystem::absolute(dir).string() + ":";
  if (options.default_debug_dirs) return path + kDefaultDebuginfoPath;
  if (!path.empty()) path.pop_back();  // a trailing ':' would add the binary's own folder
  return path;
}

// No folder to search: libdwfl reads an empty path as the binary's own folder, so finding
// nothing is said outright. The module's own sections are still read.
int no_separate_debuginfo(Dwfl_Module*, void**, const char*, Dwarf_Addr, const char*, const char*, GElf_Word,
                          char**) {
  return -1;
}

// ---- DWARF helpers ----

struct SourceLocation {
  std::string file;
  uint32_t line = 0;
};

// Points into the module's string section; nullptr when the attribute is missing.
const char* string_attribute(Dwarf_Die* die, unsigned int name) {
  Dwarf_Attribute attribute;
  if (dwarf_attr_integrate(die, name, &attribute) == nullptr) return nullptr;
  return dwarf_formstring(&attribute);
}

// Only mangled names: C code's asm labels (glibc's "__GI_" aliases) are less telling than
// the name in the source.
const char* mangled_linkage_name(Dwarf_Die* die) {
  for (unsigned int attribute : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
    const char* name = string_attribute(die, attribute);
    if (name != nullptr && std::string_view(name).starts_with("_Z")) return name;
  }
  return nullptr;
}

// The DIE that carries the name: inlined and out-of-class instances point to it.
Dwarf_Die named_declaration(Dwarf_Die die) {
  Dwarf_Attribute attribute;
  for (int hops = 0; hops < 8 && !dwarf_hasattr(&die, DW_AT_name); ++hops) {
    Dwarf_Attribute* reference = dwarf_attr(&die, DW_AT_abstract_origin, &attribute);
    if (reference == nullptr) reference = dwarf_attr(&die, DW_AT_specification, &attribute);
    if (reference == nullptr || dwarf_formref_die(reference, &die) == nullptr) break;
  }
  return die;
}

SourceLocation line_table_location(Dwarf_Die* cu, Dwarf_Addr address) {
  Dwarf_Line* line = dwarf_getsrc_die(cu, address);
  if (line == nullptr) return {};
  int line_number = 0;
  dwarf_lineno(line, &line_number);
  const char* file = dwarf_linesrc(line, nullptr, nullptr);
  return {file ? file : "", static_cast<uint32_t>(line_number)};
}

// Where an inlined scope was called from, in the function that contains it.
SourceLocation call_site(Dwarf_Die* cu, Dwarf_Die* inlined) {
  SourceLocation location;
  Dwarf_Attribute attribute;
  Dwarf_Word value = 0;
  if (dwarf_attr(inlined, DW_AT_call_line, &attribute) && dwarf_formudata(&attribute, &value) == 0)
    location.line = static_cast<uint32_t>(value);
  Dwarf_Files* files = nullptr;
  size_t file_count = 0;
  if (dwarf_attr(inlined, DW_AT_call_file, &attribute) && dwarf_formudata(&attribute, &value) == 0 &&
      dwarf_getsrcfiles(cu, &files, &file_count) == 0 && value < file_count) {
    const char* file = dwarf_filesrc(files, value, nullptr, nullptr);
    location.file = file ? file : "";
  }
  return location;
}

struct AddressRange {
  Dwarf_Addr low = 0;
  Dwarf_Addr high = 0;
};

std::vector<AddressRange> ranges_of(Dwarf_Die* die) {
  std::vector<AddressRange> ranges;
  Dwarf_Addr base = 0, low = 0, high = 0;
  for (ptrdiff_t offset = 0; (offset = dwarf_ranges(die, offset, &base, &low, &high)) > 0;)
    ranges.push_back({low, high});
  return ranges;
}

// Every function of one compile unit with its address ranges, read once: dwarf_getscopes
// would walk the whole unit again for every address. The inlined calls holding an address
// are found by descending from its function, skipping sibling subtrees: template-heavy
// functions hold thousands of inlined calls, and a recording's stacks pass through few.
// Function and class bodies are read only when something is not found without them.
class CompileUnitScopes {
 public:
  explicit CompileUnitScopes(Dwarf_Die cu) : cu_(cu) {
    prefixes_.emplace_back();
    index_children(&cu_, 0);
    first_pass_ = false;
    sort_entries();
  }

  Dwarf_Die* cu() { return &cu_; }

  // The scopes holding address, innermost first: inlined calls, then the function.
  std::vector<Dwarf_Die> chain(Dwarf_Addr address) {
    uint32_t function = function_at(address);
    // Addresses outside the unit's code (libdw hands _start to some unit) have nothing to
    // find in it.
    while (function == kNoFunction && dwarf_haspc(&cu_, address) == 1 && read_more())
      function = function_at(address);
    if (function == kNoFunction) return {};
    std::vector<Dwarf_Die> dies{functions_[function]};
    Dwarf_Die call;
    while (inlined_call_holding(&dies.back(), address, &call)) dies.push_back(call);
    std::reverse(dies.begin(), dies.end());
    return dies;
  }

  // Namespaces and classes are taken from where the function is declared: DW_AT_name alone
  // is unqualified.
  std::string qualified_name(Dwarf_Die* die) {
    Dwarf_Die declaration = named_declaration(*die);
    const char* name = dwarf_diename(&declaration);
    if (name == nullptr) return {};
    std::optional<uint32_t> prefix = prefix_of(dwarf_dieoffset(&declaration));
    while (!prefix && read_more()) prefix = prefix_of(dwarf_dieoffset(&declaration));
    return prefix ? prefixes_[*prefix] + name : name;
  }

 private:
  static constexpr uint32_t kNoFunction = UINT32_MAX;

  struct Entry {  // one range of an out-of-line function
    AddressRange range;
    uint32_t function;
  };

  // The first inlined call directly in scope (lexical blocks are see-through) whose code
  // holds address.
  static bool inlined_call_holding(Dwarf_Die* scope, Dwarf_Addr address, Dwarf_Die* found) {
    Dwarf_Die child;
    if (dwarf_child(scope, &child) != 0) return false;
    do {
      switch (dwarf_tag(&child)) {
        case DW_TAG_inlined_subroutine:
          if (dwarf_haspc(&child, address) == 1) {
            *found = child;
            return true;
          }
          break;
        case DW_TAG_lexical_block:
        case DW_TAG_try_block:
        case DW_TAG_catch_block:
          if (inlined_call_holding(&child, address, found)) return true;
          break;
        default:
          break;
      }
    } while (dwarf_siblingof(&child, &child) == 0);
    return false;
  }

  uint32_t function_at(Dwarf_Addr address) const {
    auto after = std::upper_bound(entries_.begin(), entries_.end(), address,
                                  [](Dwarf_Addr a, const Entry& e) { return a < e.range.low; });
    if (after == entries_.begin() || address >= std::prev(after)->range.high) return kNoFunction;
    return std::prev(after)->function;
  }

  std::optional<uint32_t> prefix_of(Dwarf_Off declaration) const {
    auto found = prefix_of_.find(declaration);
    return found == prefix_of_.end() ? std::nullopt : std::optional(found->second);
  }

  // What the first pass left out, a step at a time. First the function bodies, with the
  // classes declared in them: a lambda's operator() sits in its closure type, inside the
  // function that defines it. Then the classes the first pass passed over: they hold the
  // declarations that name member functions without a linkage name (internal linkage),
  // and DWARF lets a member function's code sit there too. False once all is read.
  bool read_more() {
    if (bodies_read_ < functions_.size()) {
      read_bodies();
      return true;
    }
    if (deferred_classes_.empty()) return false;
    for (auto& [die, prefix] : std::exchange(deferred_classes_, {})) index_nested_names(&die, prefix);
    read_bodies();
    return true;
  }

  void read_bodies() {
    for (; bodies_read_ < functions_.size(); ++bodies_read_) {  // grows as it goes
      Dwarf_Die function = functions_[bodies_read_];
      index_children(&function, *prefix_of(dwarf_dieoffset(&function)));
    }
    sort_entries();
  }

  void sort_entries() {
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.range.low < b.range.low; });
  }

  void index_children(Dwarf_Die* parent, uint32_t prefix) {
    Dwarf_Die child;
    if (dwarf_child(parent, &child) != 0) return;
    do {
      index_die(&child, prefix);
    } while (dwarf_siblingof(&child, &child) == 0);
  }

  void index_die(Dwarf_Die* die, uint32_t prefix) {
    switch (dwarf_tag(die)) {
      case DW_TAG_subprogram:
      case DW_TAG_entry_point:
        prefix_of_.emplace(dwarf_dieoffset(die), prefix);
        add_function(die);  // its body waits
        break;
      // Inlined calls are skipped: what the inlined function declares (a lambda's
      // operator(), say) sits in that function's own DIE, not in each copy of its code.
      case DW_TAG_lexical_block:
      case DW_TAG_try_block:
      case DW_TAG_catch_block:
        index_children(die, prefix);
        break;
      case DW_TAG_namespace:
        index_nested_names(die, prefix);
        break;
      case DW_TAG_class_type:
      case DW_TAG_structure_type:
      case DW_TAG_union_type:
        if (first_pass_) deferred_classes_.push_back({*die, prefix});
        else index_nested_names(die, prefix);
        break;
      default:
        break;
    }
  }

  // Each namespace or class adds one prefix, shared by everything declared in it.
  void index_nested_names(Dwarf_Die* die, uint32_t prefix) {
    const char* name = dwarf_diename(die);
    prefixes_.push_back(fmt::format(
        "{}{}::", prefixes_[prefix],
        name ? name : dwarf_tag(die) == DW_TAG_namespace ? "(anonymous namespace)" : "{anonymous}"));
    index_children(die, static_cast<uint32_t>(prefixes_.size() - 1));
  }

  // Declarations and abstract instances have no code and no ranges.
  void add_function(Dwarf_Die* die) {
    std::vector<AddressRange> ranges = ranges_of(die);
    if (ranges.empty()) return;
    for (const AddressRange& range : ranges) entries_.push_back({range, static_cast<uint32_t>(functions_.size())});
    functions_.push_back(*die);
  }

  Dwarf_Die cu_;
  std::vector<Dwarf_Die> functions_;  // out-of-line functions, with code
  std::vector<Entry> entries_;        // sorted by range.low
  std::vector<std::string> prefixes_;                   // "ns::Class::"; the first is ""
  absl::flat_hash_map<Dwarf_Off, uint32_t> prefix_of_;  // declaration -> index in prefixes_
  size_t bodies_read_ = 0;                              // functions_ before this one
  bool first_pass_ = true;
  std::vector<std::pair<Dwarf_Die, uint32_t>> deferred_classes_;  // by the first pass, with their prefix
};

// ---- ELF symbols ----

// A module's function symbols sorted by address, read once: dwfl_module_addrinfo scans
// the whole symbol table on every call.
class FunctionSymbols {
 public:
  explicit FunctionSymbols(Dwfl_Module* module) {
    int count = dwfl_module_getsymtab(module);
    for (int index = 1; index < count; ++index) add(module, index);
    std::sort(symbols_.begin(), symbols_.end(), [](const Symbol& a, const Symbol& b) {
      return a.address != b.address ? a.address < b.address : a.preference < b.preference;
    });
  }

  // Name of the function holding address, as the symbol table has it; nullptr when none does.
  const char* name_at(Dwarf_Addr address) const {
    auto after = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                                  [](Dwarf_Addr a, const Symbol& s) { return a < s.address; });
    if (after == symbols_.begin()) return nullptr;
    const Symbol& symbol = *std::prev(after);  // the preferred alias sorts last
    if (symbol.size > 0 && address >= symbol.address + symbol.size) return nullptr;
    return symbol.name;
  }

 private:
  struct Symbol {
    Dwarf_Addr address;
    uint64_t size;
    int preference;    // aliases at one address: global over weak over local
    const char* name;  // owned by the module's ELF string table
  };

  void add(Dwfl_Module* module, int index) {
    GElf_Sym symbol;
    GElf_Addr address = 0;
    GElf_Word section = 0;
    const char* name = dwfl_module_getsym_info(module, index, &symbol, &address, &section, nullptr, nullptr);
    int type = GELF_ST_TYPE(symbol.st_info);
    if (name == nullptr || *name == '\0' || section == SHN_UNDEF || (type != STT_FUNC && type != STT_GNU_IFUNC))
      return;
    symbols_.push_back({address, symbol.st_size, binding_preference(GELF_ST_BIND(symbol.st_info)), name});
  }

  static int binding_preference(int binding) {
    return binding == STB_GLOBAL ? 2 : binding == STB_WEAK ? 1 : 0;
  }

  std::vector<Symbol> symbols_;
};

// ---- one loaded object ----

// Symbols of one loaded object: its Dwfl is built on first use and kept across module maps.
class ModuleSymbols {
 public:
  // symbols_only: names from the ELF symbol table, the debug information is never loaded.
  ModuleSymbols(const ModuleInfo& info, const Dwfl_Callbacks* callbacks, bool symbols_only)
      : info_(info), symbols_only_(symbols_only) {
    dwfl_ = dwfl_begin(callbacks);
    if (dwfl_ == nullptr) {
      problem_ = fmt::format("{} could not be read ({}): showing module+offset", info.path, dwfl_errmsg(-1));
      return;
    }
    dwfl_report_begin(dwfl_);
    // With add_p_vaddr, the base is the load bias itself (dl_iterate_phdr's dlpi_addr).
    module_ = dwfl_report_elf(dwfl_, info.path.c_str(), info.path.c_str(), -1, info.load_bias, true);
    dwfl_report_end(dwfl_, nullptr, nullptr);
    if (module_ == nullptr)
      problem_ = fmt::format("{} could not be opened ({}): showing module+offset", info.path, dwfl_errmsg(-1));
    else if (!info.build_id.empty() && build_id_on_disk() != info.build_id)
      problem_ = fmt::format("{} changed since it was recorded (build-id mismatch): showing module+offset",
                             info.path);
  }
  ~ModuleSymbols() {
    units_.clear();  // they point into this Dwfl
    function_symbols_.reset();
    if (dwfl_) dwfl_end(dwfl_);
  }
  ModuleSymbols(const ModuleSymbols&) = delete;
  ModuleSymbols& operator=(const ModuleSymbols&) = delete;

  // Why the file's symbols must not be used; empty when they can.
  const std::string& problem() const { return problem_; }

  std::vector<Frame> frames(uint64_t ip) {
    std::vector<Frame> frames = problem_.empty() ? symbolized_frames(ip - 1) : std::vector<Frame>{offset_frame(ip)};
    for (Frame& frame : frames) {
      frame.ip = ip;
      frame.module = info_.path;
    }
    return frames;
  }

 private:
  std::string build_id_on_disk() const {
    const unsigned char* bits = nullptr;
    GElf_Addr vaddr = 0;
    Dwarf_Addr bias = 0;
    dwfl_module_getelf(module_, &bias);  // the build-id is only known once the ELF is loaded
    int length = dwfl_module_build_id(module_, &bits, &vaddr);
    return length > 0 ? std::string(reinterpret_cast<const char*>(bits), length) : std::string();
  }

  std::vector<Frame> symbolized_frames(Dwarf_Addr address) {
    std::vector<Frame> frames;
    Dwarf_Addr bias = 0;
    if (Dwarf_Die* cu = symbols_only_ ? nullptr : dwfl_module_addrdie(module_, address, &bias))
      frames = dwarf_frames(scopes_of(cu), address, bias);
    if (frames.empty()) frames.push_back({.function = readable_name(elf_symbol(address))});
    for (Frame& frame : frames)
      if (frame.function.empty()) frame.function = kUnknownFunction;
    return frames;
  }

  // Each inlined call is a frame at the call site recorded on the scope inside it; the
  // innermost one takes its location from the line table.
  std::vector<Frame> dwarf_frames(CompileUnitScopes& unit, Dwarf_Addr address, Dwarf_Addr bias) {
    std::vector<Frame> frames;
    SourceLocation location = line_table_location(unit.cu(), address - bias);
    for (Dwarf_Die& scope : unit.chain(address - bias)) {
      bool inlined = dwarf_tag(&scope) == DW_TAG_inlined_subroutine;
      frames.push_back({.function = function_name(unit, &scope, inlined, address), .file = location.file,
                        .line = location.line, .inlined = inlined});
      if (inlined) location = call_site(unit.cu(), &scope);
    }
    if (frames.empty() && !location.file.empty())
      frames.push_back({.function = readable_name(elf_symbol(address)), .file = location.file, .line = location.line});
    return frames;
  }

  // Internal functions have no linkage name; for an out-of-line one the ELF symbol still
  // gives the demangled signature, an inlined one gets its qualified DWARF name.
  std::string function_name(CompileUnitScopes& unit, Dwarf_Die* scope, bool inlined, Dwarf_Addr address) {
    const char* symbol = mangled_linkage_name(scope);
    if (symbol == nullptr && !inlined) symbol = elf_symbol(address);
    if (symbol != nullptr) return readable_name(symbol);
    std::string qualified = unit.qualified_name(scope);
    return qualified.empty() ? qualified : readable_function_name(qualified);
  }

  // Demangled and shortened once per symbol: a recording's stacks pass through the same
  // functions at many addresses. "" for nullptr.
  std::string readable_name(const char* symbol) {
    auto [entry, inserted] = readable_names_.try_emplace(symbol ? symbol : "");
    if (inserted && symbol != nullptr) entry->second = readable_function_name(demangle(symbol));
    return entry->second;
  }

  CompileUnitScopes& scopes_of(Dwarf_Die* cu) {
    auto& unit = units_[dwarf_dieoffset(cu)];
    if (!unit) unit = std::make_unique<CompileUnitScopes>(*cu);
    return *unit;
  }

  const char* elf_symbol(Dwarf_Addr address) {
    if (!function_symbols_) function_symbols_.emplace(module_);
    return function_symbols_->name_at(address);
  }

  Frame offset_frame(uint64_t ip) const {
    return {.function = fmt::format("{}+0x{:x}", basename_of(info_.path), ip - info_.load_bias)};
  }

  ModuleInfo info_;
  bool symbols_only_;
  Dwfl* dwfl_ = nullptr;
  Dwfl_Module* module_ = nullptr;
  std::string problem_;
  absl::flat_hash_map<Dwarf_Off, std::unique_ptr<CompileUnitScopes>> units_;
  // Keys point into the module's string tables, which live as long as dwfl_.
  absl::flat_hash_map<std::string_view, std::string> readable_names_;
  std::optional<FunctionSymbols> function_symbols_;
};

// One entry of the module map in force; its symbols are opened when first needed.
struct MappedModule {
  ModuleInfo info;
  ModuleSymbols* symbols = nullptr;
};

std::string module_identity(const ModuleInfo& info) {
  return fmt::format("{}\n{:x}\n{}", info.path, info.load_bias, hex_bytes(info.build_id));
}

}  // namespace

struct Symbolizer::Impl {
  explicit Impl(const SymbolizerOptions& options)
      : runtime_debug_info(options.runtime_debug_info), debuginfo_path(debuginfo_search_path(options)) {
    debuginfo_path_pointer = debuginfo_path.data();
    callbacks.find_elf = dwfl_build_id_find_elf;
    callbacks.find_debuginfo = dwfl_standard_find_debuginfo;
    callbacks.debuginfo_path = &debuginfo_path_pointer;
    // Symbols from the debug file found by build-id (its .symtab names static functions the
    // stripped library hides), and no wider search: the standard one ends by loading the
    // debuginfod client (libcurl and its TLS stack) only to find nothing.
    symbols_only_callbacks = callbacks;
    symbols_only_callbacks.find_debuginfo = dwfl_build_id_find_debuginfo;
    if (!options.default_debug_dirs && options.debug_dirs.empty())
      callbacks.find_debuginfo = symbols_only_callbacks.find_debuginfo = no_separate_debuginfo;
  }

  MappedModule* module_containing(uint64_t address) {
    auto after = std::upper_bound(map.begin(), map.end(), address,
                                  [](uint64_t a, const MappedModule& m) { return a < m.info.start; });
    if (after == map.begin()) return nullptr;
    MappedModule& candidate = *std::prev(after);
    return address < candidate.info.end ? &candidate : nullptr;
  }

  ModuleSymbols& symbols_of(MappedModule& mapped) {
    if (mapped.symbols) return *mapped.symbols;
    auto& slot = loaded[module_identity(mapped.info)];
    if (!slot) {
      bool symbols_only = !runtime_debug_info && is_runtime_module(mapped.info.path);
      slot = std::make_unique<ModuleSymbols>(mapped.info, symbols_only ? &symbols_only_callbacks : &callbacks,
                                             symbols_only);
      if (!slot->problem().empty() && warned_paths.insert(mapped.info.path).second)
        warnings.push_back(slot->problem());
    }
    mapped.symbols = slot.get();
    return *slot;
  }

  Frame unmapped_frame(uint64_t ip) {
    const std::string* jit_name = ip > 0 ? jit.name_of(ip - 1) : nullptr;
    if (!jit_name) return Frame{.ip = ip, .function = kUnknownFunction};
    return Frame{.ip = ip, .function = *jit_name, .module = "jit", .jit = true};
  }

  std::vector<Frame> symbolize(uint64_t ip) {
    MappedModule* mapped = ip > 0 ? module_containing(ip - 1) : nullptr;
    if (mapped == nullptr) return {unmapped_frame(ip)};
    return symbols_of(*mapped).frames(ip);
  }

  bool runtime_debug_info;
  // Declared before the modules that point at them, so they outlive every Dwfl.
  std::string debuginfo_path;
  char* debuginfo_path_pointer = nullptr;
  Dwfl_Callbacks callbacks{};
  Dwfl_Callbacks symbols_only_callbacks{};

  absl::flat_hash_map<std::string, std::unique_ptr<ModuleSymbols>> loaded;
  std::vector<MappedModule> map;  // sorted by start
  uint32_t generation = 0;
  // Values are boxed so the references frames() hands out survive rehashing.
  absl::flat_hash_map<std::pair<uint32_t, uint64_t>, std::unique_ptr<std::vector<Frame>>> cache;
  absl::flat_hash_set<std::string> warned_paths;
  std::vector<std::string> warnings;
  PythonCodeTable python_code;
  JitSymbols jit;
};

Symbolizer::Symbolizer(SymbolizerOptions options) : impl_(std::make_unique<Impl>(options)) {}
Symbolizer::~Symbolizer() = default;

void Symbolizer::describe_python_code(const PythonCodeRecord& code) { impl_->python_code.describe(code); }

void Symbolizer::add_perf_map(const PerfMapRecord& lines) { impl_->jit.add_lines(lines.lines); }

void Symbolizer::set_module_map(uint32_t generation, const std::vector<ModuleInfo>& modules) {
  impl_->generation = generation;
  impl_->map.clear();
  for (const auto& module : modules)
    if (has_backing_file(module) && module.start < module.end) impl_->map.push_back({module});
  std::sort(impl_->map.begin(), impl_->map.end(),
            [](const MappedModule& a, const MappedModule& b) { return a.info.start < b.info.start; });
}

const std::vector<Frame>& Symbolizer::frames(uint64_t ip) {
  if (is_python_frame(ip)) return impl_->python_code.frames(ip);
  auto& cached = impl_->cache[{impl_->generation, ip}];
  if (!cached) cached = std::make_unique<std::vector<Frame>>(impl_->symbolize(ip));
  return *cached;
}

const std::vector<std::string>& Symbolizer::warnings() const { return impl_->warnings; }

}  // namespace leakrank
