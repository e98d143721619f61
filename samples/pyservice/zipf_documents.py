"""Generated documents whose words follow Zipf's law over a vocabulary of millions.

Rare words are drawn all the time, so a run never stops meeting words it has not seen
(Heaps' law): what makes an interning tokenizer grow without end. Document i depends only
on the seed and i.
"""
import random

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "den", "pa", "gor", "el",
             "bu", "sa", "tri", "on", "ze", "ha", "qui", "mor", "fa", "li", "dro", "ys"]


def spell(rank):
    """A made-up word for a rank: more syllables for rarer words."""
    syllables = []
    while True:
        rank, digit = divmod(rank, len(SYLLABLES))
        syllables.append(SYLLABLES[digit])
        if rank == 0:
            return "".join(syllables)


class ZipfDocuments:
    def __init__(self, seed=1, vocabulary=2_000_000, exponent=1.1, words=(40, 250)):
        self._seed = seed
        self._words = words
        # Inverse of the continuous Zipf CDF, cut at the vocabulary's size.
        self._power = 1.0 / (1.0 - exponent)
        self._tail = vocabulary ** (1.0 - exponent)

    def _rank(self, rng):
        return int((1.0 - rng.random() * (1.0 - self._tail)) ** self._power)

    def document(self, index):
        rng = random.Random(self._seed * 1_000_003 + index)
        sentences = []
        remaining = rng.randint(*self._words)
        while remaining > 0:
            length = min(remaining, rng.randint(5, 20))
            words = [spell(self._rank(rng)) for _ in range(length)]
            sentences.append(" ".join(words).capitalize() + ".")
            remaining -= length
        return " ".join(sentences)
