/* An open-addressing hash table of malloc'ed entries: the sample's leak. A service that
 * keeps one store for its whole life keeps every token it was ever sent (Heaps' law: new
 * words never stop coming), as spaCy's StringStore did. */
#include "token_store.h"

#include <stdlib.h>
#include <string.h>

struct token_entry {
  uint64_t hash;
  int64_t id;
  size_t length;
  char text[];
};

struct token_store {
  struct token_entry** slots;
  size_t capacity;  /* a power of two */
  size_t size;
};

enum { kInitialCapacity = 1024 };

static uint64_t hash_of(const char* text, size_t length) {  /* FNV-1a */
  uint64_t hash = 1469598103934665603ull;
  for (size_t i = 0; i < length; ++i) hash = (hash ^ (unsigned char)text[i]) * 1099511628211ull;
  return hash;
}

struct token_store* token_store_new(void) {
  struct token_store* store = calloc(1, sizeof *store);
  if (!store) return NULL;
  store->slots = calloc(kInitialCapacity, sizeof *store->slots);
  if (!store->slots) {
    free(store);
    return NULL;
  }
  store->capacity = kInitialCapacity;
  return store;
}

void token_store_free(struct token_store* store) {
  if (!store) return;
  for (size_t i = 0; i < store->capacity; ++i) free(store->slots[i]);
  free(store->slots);
  free(store);
}

size_t token_store_size(const struct token_store* store) { return store->size; }

static size_t slot_of(struct token_entry** slots, size_t capacity, uint64_t hash, const char* text, size_t length) {
  size_t mask = capacity - 1;
  size_t slot = hash & mask;
  while (slots[slot] && !(slots[slot]->hash == hash && slots[slot]->length == length &&
                          memcmp(slots[slot]->text, text, length) == 0))
    slot = (slot + 1) & mask;
  return slot;
}

/* Doubles the table once it is half full, so probes stay short. */
static int grow_slots(struct token_store* store) {
  size_t capacity = store->capacity * 2;
  struct token_entry** slots = calloc(capacity, sizeof *slots);
  if (!slots) return -1;
  for (size_t i = 0; i < store->capacity; ++i) {
    struct token_entry* entry = store->slots[i];
    if (entry) slots[slot_of(slots, capacity, entry->hash, entry->text, entry->length)] = entry;
  }
  free(store->slots);
  store->slots = slots;
  store->capacity = capacity;
  return 0;
}

int64_t token_store_intern(struct token_store* store, const char* text, size_t length) {
  uint64_t hash = hash_of(text, length);
  size_t slot = slot_of(store->slots, store->capacity, hash, text, length);
  if (store->slots[slot]) return store->slots[slot]->id;

  if (2 * (store->size + 1) > store->capacity) {
    if (grow_slots(store) != 0) return -1;
    slot = slot_of(store->slots, store->capacity, hash, text, length);
  }
  /* The leak: a copy of every new token, kept until the store itself is freed. */
  struct token_entry* entry = malloc(sizeof *entry + length + 1);
  if (!entry) return -1;
  entry->hash = hash;
  entry->id = (int64_t)store->size;
  entry->length = length;
  memcpy(entry->text, text, length);
  entry->text[length] = '\0';
  store->slots[slot] = entry;
  store->size += 1;
  return entry->id;
}
