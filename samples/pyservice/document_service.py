"""What the service does with one document, however it arrived: tokenize it, remember it."""
import threading

import _tokenizer
from recent_documents import RecentDocuments


class DocumentService:
    def __init__(self, reload_every=0, recent_capacity=200):
        self._lock = threading.Lock()  # the tokenizer is not thread-safe; handler threads share it
        self._tokenizer = _tokenizer.Tokenizer()
        self._recent = RecentDocuments(recent_capacity)
        self._reload_every = reload_every
        self.handled = 0
        self.tokens = 0
        self.reloads = 0

    def handle(self, text):
        with self._lock:
            token_ids = self._tokenizer.tokenize(text)
            self._recent.remember(hash(text), token_ids)
            self.handled += 1
            self.tokens += len(token_ids)
            if self._reload_every and self.handled % self._reload_every == 0:
                self._reload_tokenizer()
            return {"tokens": len(token_ids), "vocabulary": self._tokenizer.vocabulary_size}

    def _reload_tokenizer(self):
        # The fix: a fresh tokenizer, so the old one's token store is freed with it.
        self._tokenizer = _tokenizer.Tokenizer()
        self.reloads += 1

    def summary(self):
        return "requests=%d tokens=%d vocabulary=%d reloads=%d" % (
            self.handled, self.tokens, self._tokenizer.vocabulary_size, self.reloads)
