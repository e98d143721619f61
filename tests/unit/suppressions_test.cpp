#include <doctest/doctest.h>

#include <string>

#include "analyzer/suppressions.h"

using namespace leakrank;

TEST_CASE("a pattern matches a substring, with * wildcards and ^/$ anchors") {
  CHECK(suppression_pattern_matches("intern", "StringStore::intern(std::string_view)"));
  CHECK_FALSE(suppression_pattern_matches("extern", "StringStore::intern(std::string_view)"));
  CHECK(suppression_pattern_matches("Store*intern", "StringStore::intern"));
  CHECK_FALSE(suppression_pattern_matches("intern*Store", "StringStore::intern"));
  CHECK(suppression_pattern_matches("^String", "StringStore::intern"));
  CHECK_FALSE(suppression_pattern_matches("^Store", "StringStore::intern"));
  CHECK(suppression_pattern_matches("intern$", "StringStore::intern"));
  CHECK_FALSE(suppression_pattern_matches("Store$", "StringStore::intern"));
  CHECK(suppression_pattern_matches("^StringStore::intern$", "StringStore::intern"));
  CHECK_FALSE(suppression_pattern_matches("^String$", "StringStore::intern"));
  CHECK(suppression_pattern_matches("^*intern$", "StringStore::intern"));
  // The suffix is tried at the end, not where the text first contains it.
  CHECK(suppression_pattern_matches("foo$", "foofoo"));
  CHECK(suppression_pattern_matches("a*b$", "ab"));
  CHECK_FALSE(suppression_pattern_matches("ab*b$", "ab"));
  CHECK(suppression_pattern_matches("*", "anything"));
  CHECK_FALSE(suppression_pattern_matches("*", ""));
}

TEST_CASE("suppressions file: leak: lines, comments and blank lines") {
  const Suppressions s = parse_suppressions(
      "# known leaks\n"
      "\n"
      "leak:libfontconfig.so\n"
      "   leak:Cache::insert  \r\n"
      "  # indented comment\n"
      "leak:^third_party/*$",
      "lsan.supp");
  REQUIRE(s.patterns().size() == 3);
  CHECK(s.patterns()[0] == "libfontconfig.so");
  CHECK(s.patterns()[1] == "Cache::insert");
  CHECK(s.patterns()[2] == "^third_party/*$");
  CHECK(parse_suppressions("", "empty").empty());
}

TEST_CASE("a malformed line is a one-line error naming the file and line number") {
  auto error_for = [](const char* text) -> std::string {
    try {
      parse_suppressions(text, "lsan.supp");
    } catch (const SuppressionError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error_for("leak:a\n# fine\nCache::insert\n") == "lsan.supp:3: expected 'leak:PATTERN', got 'Cache::insert'");
  CHECK(error_for("race:foo") == "lsan.supp:1: expected 'leak:PATTERN', got 'race:foo'");
  CHECK(error_for("\nleak:   \n") == "lsan.supp:2: expected 'leak:PATTERN', got 'leak:'");
  CHECK_THROWS_AS(load_suppressions("/nonexistent/lsan.supp"), SuppressionError);
}

TEST_CASE("suppressions match any frame's function, file or module") {
  const std::vector<Frame> stack = {
      {.function = "malloc", .module = "/usr/lib/libleakrank.so"},
      {.function = "FcPatternCreate", .file = "", .module = "/usr/lib/x86_64-linux-gnu/libfontconfig.so.1"},
      {.function = "Ui::load_fonts()", .file = "src/ui/fonts.cpp", .line = 12, .module = "/opt/app/bin/app"},
  };
  CHECK(Suppressions({"libfontconfig.so"}).matches(stack));
  CHECK(Suppressions({"ui/fonts.cpp"}).matches(stack));
  CHECK(Suppressions({"nothing", "^Ui::load"}).matches(stack));
  CHECK_FALSE(Suppressions({"^fonts.cpp"}).matches(stack));
  CHECK_FALSE(Suppressions().matches(stack));

  Site site{.function = "Cache::insert", .file = "src/cache.cpp"};  // no stack: its own frame is used
  CHECK(Suppressions({"Cache::"}).matches(site));
  CHECK_FALSE(Suppressions({"Ui::"}).matches(site));
}
