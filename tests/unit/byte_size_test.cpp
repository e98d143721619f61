#include "analyzer/byte_size.h"

#include <doctest/doctest.h>

#include <stdexcept>

namespace leakrank {

TEST_CASE("sizes parse with binary, SI and bare units") {
  CHECK(parse_byte_size("123") == 123);
  CHECK(parse_byte_size("123B") == 123);
  CHECK(parse_byte_size("10MiB") == 10ull << 20);
  CHECK(parse_byte_size("10 mib") == 10ull << 20);
  CHECK(parse_byte_size("500KB") == 500'000);
  CHECK(parse_byte_size("500K") == 500ull << 10);
  CHECK(parse_byte_size("1G") == 1ull << 30);
  CHECK(parse_byte_size("2GB") == 2'000'000'000);
  CHECK(parse_byte_size("1.5KiB") == 1536);
  CHECK(parse_byte_size("0") == 0);
}

TEST_CASE("bad sizes are rejected with a message naming the input") {
  CHECK_THROWS_WITH_AS(parse_byte_size("ten"), doctest::Contains("'ten'"), std::invalid_argument);
  CHECK_THROWS_AS(parse_byte_size(""), std::invalid_argument);
  CHECK_THROWS_AS(parse_byte_size("-5MiB"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_byte_size("5 parsecs"), doctest::Contains("unknown unit"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_byte_size("99999999TiB"), doctest::Contains("too large"), std::invalid_argument);
}

TEST_CASE("sizes format with one decimal in binary units") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(1024) == "1.0 KiB");
  CHECK(format_bytes(12.3 * 1024 * 1024) == "12.3 MiB");
  CHECK(format_bytes(-4.0 * (1ull << 30)) == "-4.0 GiB");
}

}  // namespace leakrank
