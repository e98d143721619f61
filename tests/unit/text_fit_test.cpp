#include "analyzer/text_fit.h"

#include <doctest/doctest.h>

namespace leakrank {

TEST_CASE("words fill lines under a hanging indent") {
  CHECK(wrap_words("one two three four", 9, "  ") == "one two\n  three\n  four");
  CHECK(wrap_words("short", 80, "  ") == "short");
  CHECK(wrap_words("a-very-long-word b", 8, "") == "a-v…rd\nb");  // "…" counts its 3 bytes
}

TEST_CASE("clauses stay whole where a line has room for them") {
  // A note the recorder prints, which a test greps for.
  CHECK(wrap_clauses("RSS crossed the threshold at 1007 ms: snapshot 'rss-threshold' marked", 60, "> ") ==
        "RSS crossed the threshold at 1007 ms:\n> snapshot 'rss-threshold' marked");
  CHECK(wrap_clauses("peak heap 63.5 MiB at 3.5 s, peak RSS 85.8 MiB, still allocated at exit 63.3 MiB", 60, "") ==
        "peak heap 63.5 MiB at 3.5 s, peak RSS 85.8 MiB,\nstill allocated at exit 63.3 MiB");
  CHECK(wrap_clauses("fits: on one line", 80, "") == "fits: on one line");
  // A clause longer than a line is filled word by word.
  CHECK(wrap_clauses("x: aaa bbb ccc ddd, y", 8, "") == "x:\naaa bbb\nccc ddd,\ny");
}

}  // namespace leakrank
