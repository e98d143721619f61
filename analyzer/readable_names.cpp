// Shortens demangled names in one pass over the text with an explicit stack of open
// brackets: a template argument list is rewritten when it closes, after the lists inside
// it, so `std::vector<std::vector<int, std::allocator<int> >, ...>` first becomes
// `std::vector<std::vector<int>, std::allocator<std::vector<int>>>`, and the outer
// allocator then matches its shortened element type.
#include "analyzer/readable_names.h"

#include "analyzer/text_fit.h"

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

// ---- spellings that differ by where a name came from ----

constexpr std::string_view kCloneMark = " [clone ";
// GCC's suffixes for the parts of a function it split or specialized: the symbol of a C
// function keeps them (`parse.isra.0`, `run.part.0`, `main.cold`), the demangler writes them
// as " [clone .isra.0]". Either way they are the same source function.
constexpr std::array<std::string_view, 6> kCloneSuffixes = {"isra", "constprop", "part", "cold", "lto_priv", "localalias"};

bool is_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

bool is_clone_suffix(std::string_view word) {
  return std::find(kCloneSuffixes.begin(), kCloneSuffixes.end(), word) != kCloneSuffixes.end();
}

// "f(int) [clone .isra.0] [clone .cold]" and "f.constprop.0.isra.0" read "f(int)" and "f".
std::string without_clone_suffixes(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size();) {
    size_t mark = name.find(kCloneMark, i);
    size_t close = mark == std::string_view::npos ? mark : name.find(']', mark);
    out += name.substr(i, close == std::string_view::npos ? std::string_view::npos : mark - i);
    i = close == std::string_view::npos ? name.size() : close + 1;
  }
  for (;;) {  // trailing ".part.0", ".cold", ... of a plain symbol, last first
    size_t dot = out.rfind('.');
    if (dot == std::string::npos || dot == 0) break;
    std::string_view last = std::string_view(out).substr(dot + 1);
    size_t word_dot = is_digits(last) ? out.rfind('.', dot - 1) : dot;
    if (word_dot == std::string::npos || word_dot == 0) break;
    std::string_view word = std::string_view(out).substr(word_dot + 1, (is_digits(last) ? dot : out.size()) - word_dot - 1);
    if (!is_clone_suffix(word) || !(is_identifier_char(out[word_dot - 1]) || out[word_dot - 1] == ')')) break;
    out.resize(word_dot);
  }
  return out;
}

// The demangler writes a lambda "{lambda(int)#1}" and an unnamed type "{unnamed type#1}";
// GCC's debug info, which names inlined frames, writes "<lambda(int)>" and "{anonymous}".
// Both become "{lambda(int)}" and "{unnamed type}", so one function reads the same inlined
// or not. The ordinal goes: debug info does not have it. One pass, with the open lambdas'
// parenthesis depths on a stack.
std::string with_one_lambda_spelling(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  std::vector<int> lambda_depths;  // the parenthesis depth inside each open lambda's parameters
  int depth = 0;
  for (size_t i = 0; i < name.size();) {
    std::string_view rest = name.substr(i);
    if (rest.starts_with("{lambda(") || rest.starts_with("<lambda(")) {
      out += "{lambda(";
      i += 8;
      lambda_depths.push_back(++depth);
      continue;
    }
    if (rest.starts_with("{anonymous}")) {
      out += "{unnamed type}";
      i += 11;
      continue;
    }
    if (rest.starts_with("{unnamed type#")) {
      size_t close = rest.find('}');
      if (close != std::string_view::npos && is_digits(rest.substr(14, close - 14))) {
        out += "{unnamed type}";
        i += close + 1;
        continue;
      }
    }
    char c = name[i++];
    out += c;
    if (c == '(') ++depth;
    if (c != ')') continue;
    if (!lambda_depths.empty() && lambda_depths.back() == depth) {
      lambda_depths.pop_back();
      std::string_view after = name.substr(i);
      size_t close = after.starts_with('#') ? after.find('}') : std::string_view::npos;
      if (after.starts_with('>')) {
        out += '}';
        i += 1;
      } else if (close != std::string_view::npos && is_digits(after.substr(1, close - 1))) {
        out += '}';
        i += close + 1;
      }
    }
    if (depth > 0) --depth;
  }
  return out;
}

// The standard's names for its random engines, which the demangler spells out in full:
// std::mt19937_64 is 238 characters of template arguments. Base engines first, so that
// the adaptors around them match their shortened spelling.
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kEngineAliases = {{
    {"std::mersenne_twister_engine<unsigned long, 64ul, 312ul, 156ul, 31ul, 13043109905998158313ul, 29ul, "
     "6148914691236517205ul, 17ul, 8202884508482404352ul, 37ul, 18444473444759240704ul, 43ul, 6364136223846793005ul>",
     "std::mt19937_64"},
    {"std::mersenne_twister_engine<unsigned long, 32ul, 624ul, 397ul, 31ul, 2567483615ul, 11ul, 4294967295ul, 7ul, "
     "2636928640ul, 15ul, 4022730752ul, 18ul, 1812433253ul>",
     "std::mt19937"},
    {"std::linear_congruential_engine<unsigned long, 16807ul, 0ul, 2147483647ul>", "std::minstd_rand0"},
    {"std::linear_congruential_engine<unsigned long, 48271ul, 0ul, 2147483647ul>", "std::minstd_rand"},
    {"std::subtract_with_carry_engine<unsigned long, 24ul, 10ul, 24ul>", "std::ranlux24_base"},
    {"std::subtract_with_carry_engine<unsigned long, 48ul, 5ul, 12ul>", "std::ranlux48_base"},
    {"std::discard_block_engine<std::ranlux24_base, 223ul, 23ul>", "std::ranlux24"},
    {"std::discard_block_engine<std::ranlux48_base, 389ul, 11ul>", "std::ranlux48"},
    {"std::shuffle_order_engine<std::minstd_rand0, 256ul>", "std::knuth_b"},
}};

std::string with_engine_aliases(std::string name) {
  if (name.find("_engine<") == std::string::npos) return name;  // the common case costs one search
  for (auto [spelling, alias] : kEngineAliases)
    for (size_t at = 0; (at = name.find(spelling, at)) != std::string::npos;) {
      if (at > 0 && (is_identifier_char(name[at - 1]) || name[at - 1] == ':')) {
        at += spelling.size();
        continue;
      }
      name.replace(at, spelling.size(), alias);
      at += alias.size();
    }
  return name;
}

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

enum class TemplateArguments { dropped, marked };  // marked: "Sampler<>", so a reader knows some went

struct CompactForm {
  TemplateArguments template_arguments;
  bool keep_parameters;
};

// The qualified name without return type and template arguments, with or without its
// parameters (with them, qualifiers such as const stay too). Lambdas' and unnamed types'
// names are kept whole.
std::string compact_name(std::string_view function, CompactForm form) {
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
    bool shown = angles == 0 && (parens == 0 || form.keep_parameters);
    if (c == '<') {
      if (shown && form.template_arguments == TemplateArguments::marked) out += "<>";
      ++angles;
    } else if (c == '>' && angles > 0) {
      --angles;
    } else if (c == '(') {
      if (top_level) name_end = out.size();
      if (shown && form.keep_parameters) out += c;
      ++parens;
    } else if (c == ')' && parens > 0) {
      --parens;
      if (angles == 0 && form.keep_parameters) out += c;
    } else if (shown) {
      out += c;
    }
  }
  if (name_end == std::string::npos) name_end = out.size();
  if (!form.keep_parameters) out.resize(name_end);  // qualifiers and clones go with it
  std::string_view name = std::string_view(out).substr(0, name_end);
  while (name.ends_with(' ') || name.ends_with(" <>")) name.remove_suffix(name.ends_with(' ') ? 1 : 3);  // "operator< <int>"
  std::string tail = out.substr(name_end);
  std::string result = std::string(name.substr(qualified_name_start(name))) + tail;
  result.resize(std::min(result.size(), result.find('@')));  // a symbol version is the linker's
  return result;
}

// "ns::detail::Store::intern" -> "…::Store::intern": the class and the function remain.
std::string last_two_scopes(std::string_view name) {
  std::vector<size_t> separators;  // of the outermost level: not inside a lambda's braces
  int nesting = 0;
  for (size_t i = 0; i + 1 < name.size(); ++i) {
    char c = name[i];
    if (c == '{' || c == '(' || c == '<') ++nesting;
    else if ((c == '}' || c == ')' || c == '>') && nesting > 0) --nesting;
    else if (nesting == 0 && c == ':' && name[i + 1] == ':') separators.push_back(i++);
  }
  if (separators.size() < 2) return std::string(name);
  return "…" + std::string(name.substr(separators[separators.size() - 2]));
}

}  // namespace

std::string readable_function_name(std::string_view demangled) {
  std::string plain = with_plain_namespaces(with_one_lambda_spelling(without_clone_suffixes(demangled)));
  return with_engine_aliases(NameShortener().shorten(plain));
}

std::string brief_function_name(std::string_view function) {
  return compact_name(function, {.template_arguments = TemplateArguments::dropped, .keep_parameters = false});
}

std::vector<std::string> shorter_function_names(std::string_view readable) {
  std::vector<std::string> forms = {std::string(readable)};
  auto add = [&](std::string form) {
    if (!form.empty() && display_width(form) < display_width(forms.back())) forms.push_back(std::move(form));
  };
  add(compact_name(readable, {.template_arguments = TemplateArguments::marked, .keep_parameters = true}));
  add(compact_name(readable, {.template_arguments = TemplateArguments::marked, .keep_parameters = false}));
  add(last_two_scopes(forms.back()));
  return forms;
}

std::string fit_function_name(std::string_view readable, const Fits& fits) {
  std::vector<std::string> forms = shorter_function_names(readable);
  for (const std::string& form : forms)
    if (fits(form)) return form;
  return cut_in_middle(forms.back(), fits);
}

}  // namespace leakrank
