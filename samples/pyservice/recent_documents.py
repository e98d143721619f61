"""A bounded LRU of the documents the service handled last: it fills up, then stays flat."""
from collections import OrderedDict


class RecentDocuments:
    def __init__(self, capacity):
        self._capacity = capacity
        self._entries = OrderedDict()

    def remember(self, key, token_ids):
        # The cache keeps a copy of its own, so what it holds is allocated on this line.
        self._entries[key] = tuple(token_ids)
        self._entries.move_to_end(key)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def __len__(self):
        return len(self._entries)
