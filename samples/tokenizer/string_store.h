#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

// A token's id is the hash of its text, as in spaCy: it does not depend on which
// store (or which reload of it) interned the token.
using TokenId = std::uint64_t;
TokenId token_id(std::string_view token);

// Keeps a copy of every distinct token it is asked about, forever. Text follows
// Zipf's law, so new tokens never stop coming and the store never stops growing.
// Thread-safe: sharded, so parallel workers rarely wait for each other.
class StringStore {
 public:
  TokenId intern(std::string_view token);
  std::size_t size() const;

 private:
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<TokenId, std::string> strings;
  };
  static constexpr std::size_t kShards = 16;

  std::array<Shard, kShards> shards_;
};
