#include "analyzer/readable_names.h"

#include <doctest/doctest.h>

#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace leakrank {
namespace {

// Spelled as the demangler spells them, so the expectations below stay readable.
const std::string kString = "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >";
const std::string kStringView = "std::basic_string_view<char, std::char_traits<char> >";

std::string spelled(std::string text) {
  for (auto [alias, spelling] : {std::pair{"STRING", &kString}, std::pair{"VIEW", &kStringView}})
    for (size_t at; (at = text.find(alias)) != std::string::npos;) text.replace(at, std::string(alias).size(), *spelling);
  return text;
}

}  // namespace

TEST_CASE("the tokenizer's sites read as they were written") {
  CHECK(readable_function_name(spelled("StringStore::intern(VIEW)")) == "StringStore::intern(std::string_view)");
  CHECK(readable_function_name(spelled("DocumentReader::read(VIEW) const")) ==
        "DocumentReader::read(std::string_view) const");
  CHECK(readable_function_name("SyntheticCorpus::document[abi:cxx11](unsigned long) const") ==
        "SyntheticCorpus::document(unsigned long) const");
  CHECK(readable_function_name(spelled("Tokenizer::split[abi:cxx11](VIEW) const")) ==
        "Tokenizer::split(std::string_view) const");
  CHECK(readable_function_name(spelled("Tokenizer::split_word(VIEW, std::vector<STRING, std::allocator<STRING > >&) const")) ==
        "Tokenizer::split_word(std::string_view, std::vector<std::string>&) const");
  CHECK(readable_function_name(spelled("SyntheticLexicon::append_word(unsigned long, STRING&) const")) ==
        "SyntheticLexicon::append_word(unsigned long, std::string&) const");
  CHECK(readable_function_name(spelled("(anonymous namespace)::number_that_is(STRING const&, bool (*)(double))")) ==
        "(anonymous namespace)::number_that_is(std::string const&, bool (*)(double))");
  CHECK(readable_function_name(spelled("CLI::App::App(STRING, STRING)")) == "CLI::App::App(std::string, std::string)");
}

TEST_CASE("the standard library's frames in the tokenizer's stacks") {
  CHECK(readable_function_name(spelled(
            "std::pair<std::__detail::_Node_iterator<std::pair<unsigned long const, STRING >, false, false>, bool> "
            "std::unordered_map<unsigned long, STRING, std::hash<unsigned long>, std::equal_to<unsigned long>, "
            "std::allocator<std::pair<unsigned long const, STRING > > >::try_emplace<VIEW&>(unsigned long const&, "
            "VIEW&)")) ==
        "std::pair<std::__detail::_Node_iterator<std::pair<unsigned long const, std::string>, false, false>, bool> "
        "std::unordered_map<unsigned long, std::string>::try_emplace<std::string_view&>(unsigned long const&, "
        "std::string_view&)");
  CHECK(readable_function_name(spelled(
            "void std::vector<STRING, std::allocator<STRING > >::_M_realloc_insert<int, char const&>("
            "__gnu_cxx::__normal_iterator<STRING*, std::vector<STRING, std::allocator<STRING > > >, int&&, "
            "char const&)")) ==
        "void std::vector<std::string>::_M_realloc_insert<int, char const&>("
        "__gnu_cxx::__normal_iterator<std::string*, std::vector<std::string>>, int&&, char const&)");
  CHECK(readable_function_name("std::vector<unsigned long, std::allocator<unsigned long> >::push_back(unsigned long&&)") ==
        "std::vector<unsigned long>::push_back(unsigned long&&)");
  CHECK(readable_function_name(spelled("std::__new_allocator<STRING >::allocate(unsigned long, void const*)")) ==
        "std::__new_allocator<std::string>::allocate(unsigned long, void const*)");
  CHECK(readable_function_name(spelled(
            "std::allocator_traits<std::allocator<std::__detail::_Hash_node<std::pair<unsigned long const, STRING >, "
            "false> > >::allocate(std::allocator<std::__detail::_Hash_node<std::pair<unsigned long const, STRING >, "
            "false> >&, unsigned long)")) ==
        "std::allocator_traits<std::allocator<std::__detail::_Hash_node<std::pair<unsigned long const, std::string>, "
        "false>>>::allocate(std::allocator<std::__detail::_Hash_node<std::pair<unsigned long const, std::string>, "
        "false>>&, unsigned long)");
  CHECK(readable_function_name(spelled("STRING::basic_string<std::allocator<char> >(char const*, std::allocator<char> const&)")) ==
        "std::string::basic_string<std::allocator<char>>(char const*, std::allocator<char> const&)");
  CHECK(readable_function_name(spelled("void STRING::_M_construct<char const*>(char const*, char const*, "
                                       "std::forward_iterator_tag)")) ==
        "void std::string::_M_construct<char const*>(char const*, char const*, std::forward_iterator_tag)");
  CHECK(readable_function_name("std::basic_filebuf<wchar_t, std::char_traits<wchar_t> >::_M_allocate_internal_buffer()") ==
        "std::wfilebuf::_M_allocate_internal_buffer()");
  CHECK(readable_function_name("std::__detail::_MakeUniq<StringStore>::__single_object std::make_unique<StringStore>()") ==
        "std::__detail::_MakeUniq<StringStore>::__single_object std::make_unique<StringStore>()");

  std::string enable_if = readable_function_name(spelled(
      "std::enable_if<std::__and_<std::is_convertible<VIEW const&, VIEW >, std::__not_<std::is_convertible<VIEW "
      "const*, STRING const*> >, std::__not_<std::is_convertible<VIEW const&, char const*> > >::value, STRING&>::type "
      "STRING::append<VIEW >(VIEW const&)"));
  CHECK(enable_if ==
        "std::enable_if<std::__and_<std::is_convertible<std::string_view const&, std::string_view>, "
        "std::__not_<std::is_convertible<std::string_view const*, std::string const*>>, "
        "std::__not_<std::is_convertible<std::string_view const&, char const*>>>::value, std::string&>::type "
        "std::string::append<std::string_view>(std::string_view const&)");
}

TEST_CASE("lambdas keep their names, with readable types inside, spelled one way") {
  CHECK(readable_function_name(spelled(
            "std::function<STRING ()>::function<CLI::Validator::Validator(STRING)::{lambda()#1}, void>("
            "CLI::Validator::Validator(STRING)::{lambda()#1}&&)")) ==
        "std::function<std::string ()>::function<CLI::Validator::Validator(std::string)::{lambda()}, void>("
        "CLI::Validator::Validator(std::string)::{lambda()}&&)");
  // The name GCC's debug info gives the same kind of function.
  CHECK(readable_function_name(spelled(
            "std::function<STRING(STRING&)>::function<(anonymous namespace)::number_that_is(const std::string&, "
            "bool (*)(double))::<lambda(std::string&)> >")) ==
        "std::function<std::string(std::string&)>::function<(anonymous namespace)::number_that_is(const "
        "std::string&, bool (*)(double))::{lambda(std::string&)}>");
  CHECK(readable_function_name("main::{lambda(int)#1}::operator()(int) const") ==
        "main::{lambda(int)}::operator()(int) const");
  CHECK(readable_function_name("Pool::run()::{lambda(std::vector<int, std::allocator<int> >&)#2}::operator()("
                               "std::vector<int, std::allocator<int> >&) const") ==
        "Pool::run()::{lambda(std::vector<int>&)}::operator()(std::vector<int>&) const");
}

TEST_CASE("a lambda reads the same from the demangler and from debug info") {
  // Out of line, a frame is named from its symbol; inlined, from its DWARF scopes.
  CHECK(readable_function_name("Pool::run()::{lambda(int)#1}::operator()") ==
        readable_function_name("Pool::run()::<lambda(int)>::operator()"));
  CHECK(readable_function_name("Pool::run()::{lambda(int, std::pair<int, int>)#3}::operator()") ==
        "Pool::run()::{lambda(int, std::pair<int, int>)}::operator()");
  CHECK(readable_function_name("f(Pool::{unnamed type#2}*)") == readable_function_name("f(Pool::{anonymous}*)"));
  CHECK(readable_function_name("f(Pool::{anonymous}*)") == "f(Pool::{unnamed type}*)");
  CHECK(readable_function_name("outer()::<lambda()>::operator()()::<lambda(int)>::operator()(int)") ==
        "outer()::{lambda()}::operator()()::{lambda(int)}::operator()(int)");
}

TEST_CASE("GCC's clones are the function they were made from") {
  CHECK(readable_function_name("Tokenizer::split(std::string_view) const [clone .isra.0]") ==
        "Tokenizer::split(std::string_view) const");
  CHECK(readable_function_name("parse(char const*) [clone .constprop.0] [clone .isra.0]") == "parse(char const*)");
  CHECK(readable_function_name("Store::grow() [clone .cold]") == "Store::grow()");
  CHECK(readable_function_name("read_block.part.0") == "read_block");
  CHECK(readable_function_name("read_block.constprop.0.isra.0") == "read_block");
  CHECK(readable_function_name("main.cold") == "main");
  CHECK(readable_function_name("compress.lto_priv.3") == "compress");
  // Dots that are no clone suffix stay.
  CHECK(readable_function_name("libstdc++.so.6+0xa57ba") == "libstdc++.so.6+0xa57ba");
  CHECK(readable_function_name("cold") == "cold");
  CHECK(readable_function_name(".part.0") == ".part.0");
}

TEST_CASE("random engines take their standard names") {
  const std::string mt19937_64 =
      "std::mersenne_twister_engine<unsigned long, 64ul, 312ul, 156ul, 31ul, 13043109905998158313ul, 29ul, "
      "6148914691236517205ul, 17ul, 8202884508482404352ul, 37ul, 18444473444759240704ul, 43ul, 6364136223846793005ul>";
  CHECK(readable_function_name("Sampler<" + mt19937_64 + " >::draw_batch(" + mt19937_64 + "&)") ==
        "Sampler<std::mt19937_64>::draw_batch(std::mt19937_64&)");
  CHECK(readable_function_name("Sampler<std::mersenne_twister_engine<unsigned long, 32ul, 624ul, 397ul, 31ul, "
                               "2567483615ul, 11ul, 4294967295ul, 7ul, 2636928640ul, 15ul, 4022730752ul, 18ul, "
                               "1812433253ul> >::draw_batch()") == "Sampler<std::mt19937>::draw_batch()");
  CHECK(readable_function_name("Sampler<std::discard_block_engine<std::subtract_with_carry_engine<unsigned long, 24ul, "
                               "10ul, 24ul>, 223ul, 23ul> >::draw_batch()") == "Sampler<std::ranlux24>::draw_batch()");
  CHECK(readable_function_name("Sampler<std::shuffle_order_engine<std::linear_congruential_engine<unsigned long, "
                               "16807ul, 0ul, 2147483647ul>, 256ul> >::draw_batch()") ==
        "Sampler<std::knuth_b>::draw_batch()");
  // Other parameters are another engine.
  CHECK(readable_function_name("f(std::linear_congruential_engine<unsigned long, 1ul, 0ul, 7ul>&)") ==
        "f(std::linear_congruential_engine<unsigned long, 1ul, 0ul, 7ul>&)");
}

TEST_CASE("shorter forms for narrow columns keep the meaning longest") {
  const std::string mt19937_64 =
      "std::mersenne_twister_engine<unsigned long, 64ul, 312ul, 156ul, 31ul, 13043109905998158313ul, 29ul, "
      "6148914691236517205ul, 17ul, 8202884508482404352ul, 37ul, 18444473444759240704ul, 43ul, 6364136223846793005ul>";
  std::string readable = readable_function_name("Sampler<" + mt19937_64 + ", 4ul>::draw_batch(" + mt19937_64 + "&)");
  CHECK(shorter_function_names(readable) ==
        std::vector<std::string>{"Sampler<std::mt19937_64, 4ul>::draw_batch(std::mt19937_64&)",
                                 "Sampler<>::draw_batch(std::mt19937_64&)", "Sampler<>::draw_batch"});
  CHECK(shorter_function_names(
            "std::pair<std::__detail::_Node_iterator<std::pair<unsigned long const, std::string>, false, false>, "
            "bool> std::unordered_map<unsigned long, std::string>::try_emplace<std::string_view&>(unsigned long "
            "const&, std::string_view&)") ==
        std::vector<std::string>{
            "std::pair<std::__detail::_Node_iterator<std::pair<unsigned long const, std::string>, false, false>, "
            "bool> std::unordered_map<unsigned long, std::string>::try_emplace<std::string_view&>(unsigned long "
            "const&, std::string_view&)",
            "std::unordered_map<>::try_emplace<>(unsigned long const&, std::string_view&)",
            "std::unordered_map<>::try_emplace<>", "…::unordered_map<>::try_emplace<>"});
  CHECK(shorter_function_names("Tokenizer::split_word(std::string_view, std::vector<std::string>&) const") ==
        std::vector<std::string>{"Tokenizer::split_word(std::string_view, std::vector<std::string>&) const",
                                 "Tokenizer::split_word(std::string_view, std::vector<>&) const",
                                 "Tokenizer::split_word"});
  CHECK(shorter_function_names("main") == std::vector<std::string>{"main"});
  CHECK(shorter_function_names("Pool::run()::{lambda(int)}::operator()(int) const").back() ==
        "…::{lambda(int)}::operator()");
}

TEST_CASE("a name is fitted by its shorter forms, then cut in the middle") {
  auto columns = [](size_t n) { return [n](std::string_view text) { return display_width(text) <= n; }; };
  const std::string name = "Tokenizer::split_word(std::string_view, std::vector<std::string>&) const";
  CHECK(fit_function_name(name, columns(200)) == name);
  CHECK(fit_function_name(name, columns(61)) == "Tokenizer::split_word(std::string_view, std::vector<>&) const");
  CHECK(fit_function_name(name, columns(30)) == "Tokenizer::split_word");
  CHECK(fit_function_name(name, columns(12)) == "Tokeni…_word");
  CHECK(display_width(fit_function_name(name, columns(12))) == 12);
  CHECK(cut_in_middle("abcdefgh", 5) == "ab…gh");
  CHECK(cut_in_middle("ab", 5) == "ab");
  CHECK(cut_in_middle("Größenänderung", 6) == "Grö…ng");
}

TEST_CASE("default arguments of the standard containers are dropped") {
  CHECK(readable_function_name(spelled("std::map<STRING, int, std::less<STRING >, std::allocator<std::pair<STRING const, "
                                       "int> > >::operator[](STRING const&)")) ==
        "std::map<std::string, int>::operator[](std::string const&)");
  CHECK(readable_function_name("std::multimap<int, double, std::less<int>, std::allocator<std::pair<int const, double> > "
                               ">::clear()") == "std::multimap<int, double>::clear()");
  CHECK(readable_function_name("std::set<int, std::less<int>, std::allocator<int> >::insert(int const&)") ==
        "std::set<int>::insert(int const&)");
  CHECK(readable_function_name(spelled("std::unordered_set<STRING, std::hash<STRING >, std::equal_to<STRING >, "
                                       "std::allocator<STRING > >::insert(STRING&&)")) ==
        "std::unordered_set<std::string>::insert(std::string&&)");
  CHECK(readable_function_name("std::deque<Job*, std::allocator<Job*> >::_M_push_back_aux(Job* const&)") ==
        "std::deque<Job*>::_M_push_back_aux(Job* const&)");
  CHECK(readable_function_name("std::__cxx11::list<Node, std::allocator<Node> >::_M_create_node()") ==
        "std::list<Node>::_M_create_node()");
  CHECK(readable_function_name("std::unique_ptr<Parser, std::default_delete<Parser> >::reset(Parser*)") ==
        "std::unique_ptr<Parser>::reset(Parser*)");
  CHECK(readable_function_name("std::queue<int, std::deque<int, std::allocator<int> > >::push(int&&)") ==
        "std::queue<int>::push(int&&)");
}

TEST_CASE("nested containers shorten from the inside out") {
  CHECK(readable_function_name("std::vector<std::vector<int, std::allocator<int> >, std::allocator<std::vector<int, "
                               "std::allocator<int> > > >::reserve(unsigned long)") ==
        "std::vector<std::vector<int>>::reserve(unsigned long)");
  CHECK(readable_function_name(spelled(
            "std::unordered_map<STRING, std::vector<STRING, std::allocator<STRING > >, std::hash<STRING >, "
            "std::equal_to<STRING >, std::allocator<std::pair<STRING const, std::vector<STRING, "
            "std::allocator<STRING > > > > >::operator[](STRING const&)")) ==
        "std::unordered_map<std::string, std::vector<std::string>>::operator[](std::string const&)");
}

TEST_CASE("arguments that are not the defaults stay") {
  CHECK(readable_function_name("std::vector<int, Arena<int> >::push_back(int&&)") ==
        "std::vector<int, Arena<int>>::push_back(int&&)");
  CHECK(readable_function_name("std::map<int, int, std::greater<int>, std::allocator<std::pair<int const, int> > >::find(int const&)") ==
        "std::map<int, int, std::greater<int>>::find(int const&)");
  CHECK(readable_function_name("std::set<int, std::less<void>, std::allocator<int> >::find(int const&)") ==
        "std::set<int, std::less<void>>::find(int const&)");
  CHECK(readable_function_name("std::__cxx11::basic_string<char, std::char_traits<char>, Arena<char> >::reserve(unsigned long)") ==
        "std::basic_string<char, std::char_traits<char>, Arena<char>>::reserve(unsigned long)");
  CHECK(readable_function_name("std::vector<int, std::allocator<long> >::size() const") ==
        "std::vector<int, std::allocator<long>>::size() const");
  CHECK(readable_function_name("my::vector<int, std::allocator<int> >::size() const") ==
        "my::vector<int, std::allocator<int>>::size() const");
}

TEST_CASE("every character type's string has its short name") {
  CHECK(readable_function_name("f(std::__cxx11::basic_string<wchar_t, std::char_traits<wchar_t>, std::allocator<wchar_t> >)") ==
        "f(std::wstring)");
  CHECK(readable_function_name("f(std::__cxx11::basic_string<char16_t, std::char_traits<char16_t>, std::allocator<char16_t> >)") ==
        "f(std::u16string)");
  CHECK(readable_function_name("f(std::__cxx11::basic_string<char32_t, std::char_traits<char32_t>, std::allocator<char32_t> >)") ==
        "f(std::u32string)");
  CHECK(readable_function_name("f(std::__cxx11::basic_string<char8_t, std::char_traits<char8_t>, std::allocator<char8_t> >)") ==
        "f(std::u8string)");
  CHECK(readable_function_name("f(std::basic_string_view<wchar_t, std::char_traits<wchar_t> >)") == "f(std::wstring_view)");
  CHECK(readable_function_name("std::__cxx11::basic_ostringstream<char, std::char_traits<char>, std::allocator<char> >::str() const") ==
        "std::ostringstream::str() const");
  // No std::u16ostream exists: the stream keeps its template name.
  CHECK(readable_function_name("f(std::basic_ostream<char16_t, std::char_traits<char16_t> >&)") ==
        "f(std::basic_ostream<char16_t>&)");
}

TEST_CASE("operator names are not brackets") {
  CHECK(readable_function_name(
            "std::basic_ostream<char, std::char_traits<char> >& std::operator<< <std::char_traits<char> >("
            "std::basic_ostream<char, std::char_traits<char> >&, char const*)") ==
        "std::ostream& std::operator<< <std::char_traits<char>>(std::ostream&, char const*)");
  CHECK(readable_function_name("bool std::operator< <int, std::allocator<int> >(std::vector<int, std::allocator<int> > "
                               "const&, std::vector<int, std::allocator<int> > const&)") ==
        "bool std::operator< <int, std::allocator<int>>(std::vector<int> const&, std::vector<int> const&)");
  CHECK(readable_function_name("operator<(Version const&, Version const&)") == "operator<(Version const&, Version const&)");
  CHECK(readable_function_name("Bits::operator>>(int) const") == "Bits::operator>>(int) const");
  CHECK(readable_function_name("Bits::operator>>=(int)") == "Bits::operator>>=(int)");
  CHECK(readable_function_name("Bits::operator<<=(int)") == "Bits::operator<<=(int)");
  CHECK(readable_function_name("Version::operator<=>(Version const&) const") == "Version::operator<=>(Version const&) const");
  CHECK(readable_function_name("Matrix::operator()(unsigned long, unsigned long)") ==
        "Matrix::operator()(unsigned long, unsigned long)");
  CHECK(readable_function_name("Handle<std::vector<int, std::allocator<int> > >::operator->() const") ==
        "Handle<std::vector<int>>::operator->() const");
  CHECK(readable_function_name("std::vector<int, std::allocator<int> >::operator[](unsigned long)") ==
        "std::vector<int>::operator[](unsigned long)");
  CHECK(readable_function_name("Config::operator std::vector<int, std::allocator<int> >() const") ==
        "Config::operator std::vector<int>() const");
  CHECK(readable_function_name("operator new(unsigned long)") == "operator new(unsigned long)");
  CHECK(readable_function_name("operator delete[](void*)") == "operator delete[](void*)");
}

TEST_CASE("function pointers and arrays keep their shape") {
  CHECK(readable_function_name(spelled("on_line(void (*)(STRING const&))")) == "on_line(void (*)(std::string const&))");
  CHECK(readable_function_name("apply(std::vector<int, std::allocator<int> > (*)(int), int (&) [4])") ==
        "apply(std::vector<int> (*)(int), int (&) [4])");
  CHECK(readable_function_name("std::function<void (std::vector<int, std::allocator<int> >&, int)>::operator()("
                               "std::vector<int, std::allocator<int> >&, int) const") ==
        "std::function<void (std::vector<int>&, int)>::operator()(std::vector<int>&, int) const");
}

TEST_CASE("names with nothing to shorten are kept") {
  for (const char* name : {"main", "??", "malloc", "_start", "__libc_start_main@@GLIBC_2.34", "libstdc++.so.6+0xa57ba",
                           "_GLOBAL__sub_I__Z13parse_optionsiPPc", "(anonymous namespace)::process_corpus",
                           "Pipeline::work()", "std::ios_base::sync_with_stdio(bool)", "if (a > b) x->y", ""})
    CHECK(readable_function_name(name) == name);
}

TEST_CASE("shortening a shortened name changes nothing") {
  for (const std::string& name :
       {spelled("Tokenizer::split_word(VIEW, std::vector<STRING, std::allocator<STRING > >&) const"),
        spelled("std::unordered_map<unsigned long, STRING, std::hash<unsigned long>, std::equal_to<unsigned long>, "
                "std::allocator<std::pair<unsigned long const, STRING > > >::try_emplace<VIEW&>(unsigned long const&, "
                "VIEW&)"),
        std::string("std::basic_ostream<char, std::char_traits<char> >& std::operator<< <std::char_traits<char> >("
                    "std::basic_ostream<char, std::char_traits<char> >&, char const*)")}) {
    std::string once = readable_function_name(name);
    CHECK(readable_function_name(once) == once);
  }
}

TEST_CASE("odd input ends, unchanged where it cannot be read") {
  using namespace std::string_literals;
  CHECK(readable_function_name("std::vector<int, std::allocator<int>") == "std::vector<int, std::allocator<int>");
  CHECK(readable_function_name("std::vector<") == "std::vector<");
  CHECK(readable_function_name("std::vector<>") == "std::vector<>");
  CHECK(readable_function_name("std::vector<, >") == "std::vector<,>");
  CHECK(readable_function_name("std::map<int>") == "std::map<int>");
  CHECK(readable_function_name(">>>> ))) ,,, <<<< (((") == ">>>> ))) ,,, <<<< (((");
  CHECK(readable_function_name("std::vector<$1, std::allocator<$1> >") == "std::vector<$1>");
  CHECK(readable_function_name("f(a<b)") == "f(a<b)");
  CHECK(readable_function_name("operator") == "operator");
  CHECK(readable_function_name("std::vector<\0, std::allocator<\0> >"s) == "std::vector<\0>"s);
}

// Work per bracket that grew with the depth would take minutes at this depth, not a second.
TEST_CASE("deep nesting and unmatched brackets take time in proportion to their length") {
  constexpr size_t kDepth = 400000;
  std::string deep;
  for (size_t i = 0; i < kDepth; ++i) deep += "std::vector<";
  deep += "int>";
  for (size_t i = 1; i < kDepth; ++i) deep += " >";
  std::string unclosed(kDepth, '<');
  std::string unopened = std::string(kDepth, '<') + std::string(kDepth, ')');

  std::clock_t start = std::clock();  // processor time: other work on the machine does not count
  CHECK(readable_function_name(deep).size() == deep.size() - (kDepth - 1));  // "> >" closes as ">>"
  CHECK(readable_function_name(unclosed) == unclosed);
  CHECK(readable_function_name(unopened) == unopened);
  CHECK(brief_function_name(deep) == "std::vector");
  CHECK(double(std::clock() - start) / CLOCKS_PER_SEC < 10.0);
}

TEST_CASE("random pieces of names neither crash nor grow") {
  const std::vector<std::string> pieces = {
      "<", ">", "(", ")", "{", "}", "[", "]", ", ", " ", "$1", "->", "::", "const", "int", "char", "operator",
      "std::vector", "std::map", "std::allocator", "std::less", "std::pair", "std::basic_string", "std::char_traits",
      "std::__cxx11::", "[abi:cxx11]", "(anonymous namespace)", "{lambda(int)#1}",
  };
  std::mt19937 random(42);
  for (int round = 0; round < 20000; ++round) {
    std::string name;
    for (size_t i = random() % 40; i > 0; --i) name += pieces[random() % pieces.size()];
    REQUIRE(readable_function_name(name).size() <= name.size());
    REQUIRE(brief_function_name(name).size() <= name.size());
  }
}

TEST_CASE("brief names are the qualified name alone") {
  CHECK(brief_function_name("operator new(unsigned long)") == "operator new");
  CHECK(brief_function_name("operator delete[](void*, unsigned long)") == "operator delete[]");
  CHECK(brief_function_name("malloc") == "malloc");
  CHECK(brief_function_name("__libc_start_main@@GLIBC_2.34") == "__libc_start_main");
  CHECK(brief_function_name("StringStore::intern(std::string_view)") == "StringStore::intern");
  CHECK(brief_function_name("DocumentReader::read(std::string_view) const") == "DocumentReader::read");
  CHECK(brief_function_name("(anonymous namespace)::process_corpus") == "(anonymous namespace)::process_corpus");
  CHECK(brief_function_name("std::pair<std::__detail::_Node_iterator<std::pair<unsigned long const, std::string>, false, "
                            "false>, bool> std::unordered_map<unsigned long, std::string>::try_emplace<"
                            "std::string_view&>(unsigned long const&, std::string_view&)") ==
        "std::unordered_map::try_emplace");
  CHECK(brief_function_name("main::{lambda(int, int)#1}::operator()(int, int) const") ==
        "main::{lambda(int, int)#1}::operator()");
  CHECK(brief_function_name("void std::_Function_base::_Base_manager<Foo::{lambda()#1}>::_M_create<Foo::{lambda()#1}>("
                            "std::_Any_data&, Foo::{lambda()#1}&&, std::integral_constant<bool, false>) "
                            "[clone .constprop.0]") == "std::_Function_base::_Base_manager::_M_create");
  CHECK(brief_function_name("bool std::operator< <int>(std::vector<int> const&, std::vector<int> const&)") ==
        "std::operator<");
  CHECK(brief_function_name("std::ostream& std::operator<< <std::char_traits<char>>(std::ostream&, char const*)") ==
        "std::operator<<");
  CHECK(brief_function_name("std::vector<int>::operator[](unsigned long)") == "std::vector::operator[]");
  CHECK(brief_function_name("Config::operator bool() const") == "Config::operator bool");
}

}  // namespace leakrank
