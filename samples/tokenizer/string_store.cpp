#include "string_store.h"

TokenId token_id(std::string_view token) {
  // FNV-1a: simple, and stable across runs and platforms.
  TokenId hash = 0xcbf29ce484222325;
  for (const char c : token) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3;
  return hash;
}

TokenId StringStore::intern(std::string_view token) {
  const TokenId id = token_id(token);
  // High bits pick the shard; the map's buckets use the low ones.
  Shard& shard = shards_[id >> 60 & (kShards - 1)];
  std::lock_guard lock(shard.mutex);
  shard.strings.try_emplace(id, token);  // the leak: a new token is copied and kept for good
  return id;
}

std::size_t StringStore::size() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.strings.size();
  }
  return total;
}
