#include "recent_documents.h"

void RecentDocuments::remember(std::string_view text) {
  std::lock_guard lock(mutex_);
  // A fresh copy, not assign(): assign would keep each slot's largest capacity
  // ever seen, and the cache would creep up instead of staying flat.
  slots_[next_] = std::string(text);
  next_ = (next_ + 1) % slots_.size();
}
