// Shortens demangled names in one pass over the text with an explicit stack of open
// brackets: a template argument list is rewritten when it closes, after the lists inside
// it, so `std::vector<std::vector<int, std::allocator<int> >, ...>` first becomes
// `std::vector<std::vector<int>, std::allocator<std::vector<int>>>`, and the outer
// allocator then matches its shortened element type.
#include "analyzer/readable_names.h"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <vector>

namespace leakrank {
namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool ends_with_word(std::string_view text, std::string_view word) {
  return text.ends_with(word) &&
         (text.size() == word.size() || !is_identifier_char(text[text.size() - word.size() - 1]));
}

// ---- text that holds brackets which open or close nothing ----

constexpr std::string_view kAnonymousNamespace = "(anonymous namespace)";

// Longest first, so "operator<<" is not read as "operator<" and a bracket.
constexpr std::array<std::string_view, 14> kOperatorSymbols = {
    "<<=", ">>=", "<=>", "->*", "<<", ">>", "<=", ">=", "->", "()", "[]", "<", ">", ",",
};

// How many characters at the start of rest to copy as they are, given the text before.
size_t verbatim_length(std::string_view before, std::string_view rest) {
  if (rest.starts_with(kAnonymousNamespace)) return kAnonymousNamespace.size();
  if (!ends_with_word(before, "operator")) return 0;
  for (std::string_view symbol : kOperatorSymbols)
    if (rest.starts_with(symbol)) return symbol.size();
  return 0;
}

// ---- the standard templates and their defaults ----

// The default of each argument in terms of the earlier ones ("$1" is the first argument),
// "" for an argument that has none.
using Defaults = std::array<std::string_view, 5>;

constexpr Defaults kSequenceDefaults = {"", "std::allocator<$1>"};
constexpr Defaults kSetDefaults = {"", "std::less<$1>", "std::allocator<$1>"};
constexpr Defaults kMapDefaults = {"", "", "std::less<$1>", "std::allocator<std::pair<$1 const, $2>>"};
constexpr Defaults kUnorderedSetDefaults = {"", "std::hash<$1>", "std::equal_to<$1>", "std::allocator<$1>"};
constexpr Defaults kUnorderedMapDefaults = {"", "", "std::hash<$1>", "std::equal_to<$1>",
                                            "std::allocator<std::pair<$1 const, $2>>"};
constexpr Defaults kAdaptorDefaults = {"", "std::deque<$1>"};
constexpr Defaults kPriorityQueueDefaults = {"", "std::vector<$1>", "std::less<$1>"};
constexpr Defaults kUniquePtrDefaults = {"", "std::default_delete<$1>"};
constexpr Defaults kTraitsDefaults = {"", "std::char_traits<$1>"};
constexpr Defaults kTraitsAllocatorDefaults = {"", "std::char_traits<$1>", "std::allocator<$1>"};
constexpr Defaults kRegexDefaults = {"", "std::regex_traits<$1>"};

// Which character types a std::basic_X<C> has a short name for (std::string, std::wstring,
// std::u16string ...): the streams and regex only have the narrow and wide ones.
enum class CharAliases { none, narrow_and_wide, every_char_type };

struct StandardTemplate {
  std::string_view name;
  const Defaults& defaults;
  CharAliases aliases = CharAliases::none;
};

constexpr std::string_view kBasicPrefix = "std::basic_";

const std::array<StandardTemplate, 34> kStandardTemplates = {{
    {"std::vector", kSequenceDefaults},
    {"std::deque", kSequenceDefaults},
    {"std::list", kSequenceDefaults},
    {"std::forward_list", kSequenceDefaults},
    {"std::set", kSetDefaults},
    {"std::multiset", kSetDefaults},
    {"std::map", kMapDefaults},
    {"std::multimap", kMapDefaults},
    {"std::unordered_set", kUnorderedSetDefaults},
    {"std::unordered_multiset", kUnorderedSetDefaults},
    {"std::unordered_map", kUnorderedMapDefaults},
    {"std::unordered_multimap", kUnorderedMapDefaults},
    {"std::stack", kAdaptorDefaults},
    {"std::queue", kAdaptorDefaults},
    {"std::priority_queue", kPriorityQueueDefaults},
    {"std::unique_ptr", kUniquePtrDefaults},
    {"std::basic_string", kTraitsAllocatorDefaults, CharAliases::every_char_type},
    {"std::basic_string_view", kTraitsDefaults, CharAliases::every_char_type},
    {"std::basic_ios", kTraitsDefaults, CharAliases::narrow_and_wide},
    {"std::basic_streambuf", kTraitsDefaults, CharAliases::narrow_and_wide},
    {"std::basic_istream", kTraitsDefaults, CharAliases::narrow_and_wide},
    {"std::basic_ostream", kTraitsDefaults, CharAliases::narrow_and_wide},
    {"std::basic_iostream", kTraitsDefaults, CharAliases::narrow_and_wide},
    {"std::basic_filebuf", kTraitsDefaults, CharAliases::narrow_and_wide},
    {"std::basic_ifstream", kTraitsDefaults, CharAliases::narrow_and_wide},
    {"std::basic_ofstream", kTraitsDefaults, CharAliases::narrow_and_wide},
    {"std::basic_fstream", kTraitsDefaults, CharAliases::narrow_and_wide},
    {"std::basic_stringbuf", kTraitsAllocatorDefaults, CharAliases::narrow_and_wide},
    {"std::basic_istringstream", kTraitsAllocatorDefaults, CharAliases::narrow_and_wide},
    {"std::basic_ostringstream", kTraitsAllocatorDefaults, CharAliases::narrow_and_wide},
    {"std::basic_stringstream", kTraitsAllocatorDefaults, CharAliases::narrow_and_wide},
    {"std::basic_regex", kRegexDefaults, CharAliases::narrow_and_wide},
    {"std::basic_syncbuf", kTraitsAllocatorDefaults, CharAliases::narrow_and_wide},
    {"std::basic_osyncstream", kTraitsAllocatorDefaults, CharAliases::narrow_and_wide},
}};

// The prefix the short name takes for a character type ("w" for wstring), if it has one.
std::optional<std::string_view> char_alias_prefix(std::string_view type, CharAliases aliases) {
  if (aliases == CharAliases::none) return std::nullopt;
  if (type == "char") return "";
  if (type == "wchar_t") return "w";
  if (aliases == CharAliases::narrow_and_wide) return std::nullopt;
  if (type == "char8_t") return "u8";
  if (type == "char16_t") return "u16";
  if (type == "char32_t") return "u32";
  return std::nullopt;
}

// Whether text is pattern with each "$N" replaced by the Nth argument. Compared in place:
// building the expansion would cost its length even when the first character differs.
bool matches_default(std::string_view pattern, std::string_view text, std::span<const std::string_view> arguments) {
  for (;;) {
    size_t dollar = pattern.find('$');
    std::string_view literal = pattern.substr(0, dollar);
    if (!text.starts_with(literal)) return false;
    text.remove_prefix(literal.size());
    if (dollar == std::string_view::npos) return text.empty();
    size_t index = size_t(pattern[dollar + 1] - '1');
    if (index >= arguments.size() || !text.starts_with(arguments[index])) return false;
    text.remove_prefix(arguments[index].size());
    pattern.remove_prefix(dollar + 2);
  }
}

// ---- the rewriting pass ----

std::string with_plain_namespaces(std::string_view name) {
  // The library's inline namespaces and ABI tag: people never write them.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kRewrites = {{
      {"std::__cxx11::", "std::"},
      {"std::__1::", "std::"},
      {"[abi:cxx11]", ""},
  }};
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    auto rewrite = std::find_if(kRewrites.begin(), kRewrites.end(),
                                [&](const auto& r) { return name.substr(i).starts_with(r.first); });
    if (rewrite == kRewrites.end()) {
      out += name[i++];
    } else {
      out += rewrite->second;
      i += rewrite->first.size();
    }
  }
  return out;
}

class NameShortener {
 public:
  std::string shorten(std::string_view name) {
    for (size_t i = 0; i < name.size();) {
      if (size_t verbatim = verbatim_length(out_, name.substr(i))) {
        out_ += name.substr(i, verbatim);
        i += verbatim;
        continue;
      }
      char c = name[i++];
      switch (c) {
        case '<':
        case '(': open(c); break;
        case '>': close_angle(); break;
        case ')': close_paren(); break;
        case ',': comma(); break;
        default: out_ += c; break;
      }
    }
    return std::move(out_);  // lists left open stay as they were written
  }

 private:
  struct Group {
    char opener;
    size_t open;         // where the bracket is in out_
    size_t first_comma;  // this list's commas start here in commas_
    const StandardTemplate* known;
    size_t name_begin;   // where the known template's name starts in out_
  };

  void open(char opener) {
    Group group{opener, out_.size(), commas_.size(), nullptr, 0};
    if (opener == '<') group.known = template_before(group.name_begin);
    else ++open_parens_;
    groups_.push_back(group);
    out_ += opener;
  }

  const StandardTemplate* template_before(size_t& name_begin) const {
    for (const StandardTemplate& known : kStandardTemplates) {
      if (!out_.ends_with(known.name)) continue;
      name_begin = out_.size() - known.name.size();
      if (name_begin == 0 || (!is_identifier_char(out_[name_begin - 1]) && out_[name_begin - 1] != ':'))
        return &known;
    }
    return nullptr;
  }

  void comma() {
    if (!groups_.empty() && groups_.back().opener == '<') commas_.push_back(out_.size());
    out_ += ',';
  }

  // A '>' that closes nothing (an arrow, a comparison inside parentheses) is plain text.
  void close_angle() {
    if (out_.ends_with('-') || groups_.empty() || groups_.back().opener != '<') {
      out_ += '>';
      return;
    }
    Group group = groups_.back();
    groups_.pop_back();
    if (out_.ends_with(' ')) out_.pop_back();  // "> >" closes as ">>" (also "std::string >")
    if (group.known) drop_default_arguments(group);
    out_ += '>';
    commas_.resize(group.first_comma);
    if (group.known) use_char_alias(group);
  }

  // Lists still open inside the parentheses were comparisons, not templates: left as written.
  void close_paren() {
    if (open_parens_ > 0) {
      while (groups_.back().opener != '(') groups_.pop_back();
      commas_.resize(groups_.back().first_comma);
      groups_.pop_back();
      --open_parens_;
    }
    out_ += ')';
  }

  std::vector<std::string_view> arguments(const Group& group) const {
    std::vector<std::string_view> arguments;
    size_t begin = group.open + 1;
    for (size_t i = group.first_comma; i <= commas_.size(); ++i) {
      size_t end = i < commas_.size() ? commas_[i] : out_.size();
      std::string_view argument(out_.data() + begin, end - begin);
      while (argument.starts_with(' ')) argument.remove_prefix(1);
      arguments.push_back(argument);
      begin = end + 1;
    }
    return arguments;
  }

  // Trailing arguments equal to their defaults go, last first, as the declaration allows.
  void drop_default_arguments(const Group& group) {
    std::vector<std::string_view> args = arguments(group);
    const Defaults& defaults = group.known->defaults;
    size_t kept = args.size();
    while (kept > 1 && kept - 1 < defaults.size() && !defaults[kept - 1].empty() &&
           matches_default(defaults[kept - 1], args[kept - 1], std::span(args).first(kept - 1)))
      --kept;
    if (kept < args.size()) out_.resize(commas_[group.first_comma + kept - 1]);
  }

  // std::basic_string<char> is std::string, std::basic_ostream<wchar_t> is std::wostream.
  void use_char_alias(const Group& group) {
    std::string_view argument(out_.data() + group.open + 1, out_.size() - group.open - 2);
    std::optional<std::string_view> prefix = char_alias_prefix(argument, group.known->aliases);
    if (!prefix) return;
    std::string_view base = group.known->name.substr(kBasicPrefix.size());
    out_.resize(group.name_begin);
    out_ += "std::";
    out_ += *prefix;
    out_ += base;
  }

  std::string out_;
  std::vector<Group> groups_;  // the brackets open at this point, innermost last
  std::vector<size_t> commas_; // positions in out_ of the open template lists' commas
  size_t open_parens_ = 0;
};

// Where the qualified name starts: after the return type, if any. Spaces inside a lambda's
// braces, in "(anonymous namespace)" and after "operator" do not separate.
size_t qualified_name_start(std::string_view name) {
  size_t start = 0;
  int nesting = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '{' || c == '(') ++nesting;
    else if ((c == '}' || c == ')') && nesting > 0) --nesting;
    else if (c == ' ' && nesting == 0 && !ends_with_word(name.substr(0, i), "operator")) start = i + 1;
  }
  return start;
}

}  // namespace

std::string readable_function_name(std::string_view demangled) {
  return NameShortener().shorten(with_plain_namespaces(demangled));
}

std::string brief_function_name(std::string_view function) {
  std::string out;
  size_t name_end = std::string::npos;  // where the last parameter list began
  int angles = 0, parens = 0, braces = 0;
  for (size_t i = 0; i < function.size();) {
    bool top_level = angles == 0 && parens == 0;
    if (size_t verbatim = top_level && braces == 0 ? verbatim_length(out, function.substr(i)) : 0) {
      out += function.substr(i, verbatim);
      i += verbatim;
      continue;
    }
    char c = function[i++];
    if (top_level && (braces > 0 || c == '{')) {  // a lambda's or unnamed type's name, kept whole
      braces += c == '{' ? 1 : c == '}' ? -1 : 0;
      out += c;
      continue;
    }
    if (c == '<') {
      ++angles;
    } else if (c == '>' && angles > 0) {
      --angles;
    } else if (c == '(') {
      if (top_level) name_end = out.size();
      ++parens;
    } else if (c == ')' && parens > 0) {
      --parens;
    } else if (top_level) {
      out += c;
    }
  }
  if (name_end != std::string::npos) out.resize(name_end);  // qualifiers and clones go with it
  while (out.ends_with(' ')) out.pop_back();                  // "operator< <int>" loses its arguments
  out.resize(std::min(out.size(), out.find('@')));            // a symbol version is the linker's
  return out.substr(qualified_name_start(out));
}

}  // namespace leakrank
