#pragma once
// Sizes as people write them ("10MiB", "500KB", "1G") and as reports show them ("12.3 MiB").
#include <cstdint>
#include <string>
#include <string_view>

namespace leakrank {

// Accepts a plain byte count or a number (decimals allowed) with a unit: B, K/KiB, M/MiB,
// G/GiB, T/TiB are powers of 1024; KB, MB, GB, TB are powers of 1000 (as in SI).
// Units are case-insensitive. Throws std::invalid_argument with a one-line message.
uint64_t parse_byte_size(std::string_view text);

// "512 B", "1.0 KiB", "12.3 MiB", "-4.0 GiB": binary units, one decimal.
std::string format_bytes(double bytes);
// "+12.3 MiB": growth, with its sign even when positive.
std::string format_signed_bytes(double bytes);
// "+1.2 MiB/s": a slope.
std::string format_rate(double bytes_per_s);

}  // namespace leakrank
