#include "analyzer/shell_word.h"

#include <doctest/doctest.h>

namespace leakrank {
namespace {

TEST_CASE("a word is quoted only when a shell would read it otherwise") {
  CHECK(shell_word("leakrank.tokenizer.42.lrk") == "leakrank.tokenizer.42.lrk");
  CHECK(shell_word("/srv/rec/a=b,c:d@e%f+g.lrk") == "/srv/rec/a=b,c:d@e%f+g.lrk");
  CHECK(shell_word("with space.lrk") == "'with space.lrk'");
  CHECK(shell_word("$(rm -rf ~).lrk") == "'$(rm -rf ~).lrk'");
  CHECK(shell_word("it's.lrk") == "'it'\\''s.lrk'");
  CHECK(shell_word("") == "''");
}

TEST_CASE("a word that starts with a dash is no option of the verb") {
  CHECK(shell_word("-o.lrk") == "./-o.lrk");
  CHECK(shell_word("--x y.lrk") == "'./--x y.lrk'");
}

TEST_CASE("a command's own words keep their dashes, and a quote inside a word is escaped") {
  CHECK(shell_quoted("--docs") == "--docs");
  CHECK(shell_quoted("-c") == "-c");
  CHECK(shell_quoted("print('hi')") == "'print('\\''hi'\\'')'");
}

}  // namespace
}  // namespace leakrank
