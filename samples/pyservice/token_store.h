/* The tokenizer's vocabulary: every distinct token it has seen, with a dense id each.
 * It only ever grows; dropping the whole store is the one way to give its memory back. */
#ifndef PYSERVICE_TOKEN_STORE_H
#define PYSERVICE_TOKEN_STORE_H

#include <stddef.h>
#include <stdint.h>

struct token_store;

struct token_store* token_store_new(void);
void token_store_free(struct token_store* store);

/* The id of TEXT[0..LENGTH), copied into the store the first time it is seen.
 * Returns -1 when memory runs out. */
int64_t token_store_intern(struct token_store* store, const char* text, size_t length);

size_t token_store_size(const struct token_store* store);

#endif
