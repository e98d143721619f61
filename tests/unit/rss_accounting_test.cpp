#include <doctest/doctest.h>

#include "analyzer/rss_accounting.h"

using namespace leakrank;

TEST_CASE("RSS growth is split into heap, mappings, other anonymous memory and files, up to its peak") {
  RssAccounting rss;
  rss.sample(1.0, 100 << 20, 10 << 20, 0);
  rss.files(30 << 20);
  rss.sample(2.0, 180 << 20, 20 << 20, 40 << 20);
  rss.files(35 << 20);
  rss.sample(3.0, 150 << 20, 5 << 20, 0);  // after the peak: not the span explained
  rss.files(1 << 20);
  std::optional<RssExplained> explained = rss.explain();
  REQUIRE(explained);
  CHECK(explained->from_s == 1.0);
  CHECK(explained->to_s == 2.0);
  CHECK(explained->rss_growth_bytes == 80 << 20);
  CHECK(explained->heap_bytes == 10 << 20);
  CHECK(explained->mmap_bytes == 40 << 20);
  CHECK(explained->file_bytes == 5 << 20);
  CHECK(explained->other_anonymous_bytes == 25 << 20);
  CHECK_FALSE(explained->mostly_unrecorded());
}

TEST_CASE("a growth mostly outside recorded allocations says so; recordings without file samples leave the rest unknown") {
  RssAccounting rss;
  rss.sample(0.5, 10 << 20, 1 << 20, 0);
  rss.sample(4.0, 310 << 20, 5 << 20, 0);
  std::optional<RssExplained> explained = rss.explain();
  REQUIRE(explained);
  CHECK(explained->mostly_unrecorded());
  CHECK_FALSE(explained->file_bytes);
  CHECK_FALSE(explained->other_anonymous_bytes);
}

TEST_CASE("no growth to explain without two samples or when RSS never rose above its first") {
  RssAccounting rss;
  CHECK_FALSE(rss.explain());
  rss.sample(1.0, 100, 0, 0);
  CHECK_FALSE(rss.explain());
  rss.sample(2.0, 50, 0, 0);
  CHECK_FALSE(rss.explain());
}
