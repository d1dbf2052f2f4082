"""Word shingles and MinHash signatures of cleaned texts, on every core.

A shingle is a lower-cased word `SHINGLE_WORDS`-gram, hashed to 64 bits as a
fixed linear mix of its words' blake2b hashes. A signature is the MinHash of
a document's shingle set with `NUM_PERM` permutations of `datasketch`'s
`affine32` scheme (its permutation parameters for `SEED`; `minhash_values`
computes exactly what `datasketch.MinHash.update_batch` does, vectorised
with numpy, which a test checks): the same text always gives the
same signature, whatever the corpus, the order or the number of processes.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache

import numpy as np
from datasketch import MinHash

SHINGLE_WORDS = 5
NUM_PERM = 256
SEED = 1
_CHUNK = 2000  # documents per task of the process pool
_WORD = re.compile(r"\w+", re.UNICODE)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


@lru_cache(maxsize=8)
def _multipliers(size: int) -> np.ndarray:
    """Odd multipliers of the word hashes in a shingle hash (seeded: same text, same hashes)."""
    return np.random.RandomState(size).randint(0, 1 << 62, size, np.uint64) * 2 + 1


class WordHashes(dict[str, int]):
    """word -> its 64-bit blake2b hash, computed once per word."""

    def __missing__(self, word: str) -> int:
        value = self[word] = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest())
        return value


def text_to_shingle_array(
    text: str, size: int = SHINGLE_WORDS, words_seen: dict[str, int] | None = None
) -> np.ndarray:
    """Sorted unique 64-bit hashes of the lower-cased word `size`-grams of `text`
    (a text of fewer words is padded with empty words; an empty one has none).

    >>> text_to_shingle_array("one two three four five six").shape
    (2,)
    """
    words = _WORD.findall(text.lower())
    if not words:
        return np.empty(0, dtype=np.uint64)
    words += [""] * (size - len(words))
    table = WordHashes() if words_seen is None else words_seen
    ids = np.array([table[w] for w in words], dtype=np.uint64)
    count = len(ids) - size + 1
    multipliers = _multipliers(size)
    mixed = ids[:count] * multipliers[0]
    for k in range(1, size):
        mixed += ids[k : k + count] * multipliers[k]
    return np.unique(mixed)


@lru_cache(maxsize=4)
def permutations(num_perm: int = NUM_PERM, seed: int = SEED) -> np.ndarray:
    """datasketch's affine32 permutation parameters (a, b) for `seed`."""
    return MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations


def fold32(shingles: np.ndarray) -> np.ndarray:
    """64-bit shingle hashes folded to the 32-bit inputs of the affine32 scheme."""
    return ((shingles ^ (shingles >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def minhash_values(shingles: np.ndarray, num_perm: int = NUM_PERM) -> np.ndarray:
    """The (num_perm,) uint32 signature of a non-empty shingle array."""
    a, b = permutations(num_perm)
    h = fold32(shingles)
    s1, m1, s2, m2 = _FMIX32
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    h = h ^ (h >> s1)
    permuted = np.multiply.outer(a, h)  # (num_perm, shingles), wrapping modulo 2**32
    permuted += b[:, None]
    return permuted.min(axis=1)


def sign_texts(texts: Sequence[str], num_perm: int = NUM_PERM) -> tuple[np.ndarray, np.ndarray]:
    """Shingle counts and signatures of `texts` (a text without words: 0 and zeros)."""
    sizes = np.zeros(len(texts), dtype=np.int64)
    signatures = np.zeros((len(texts), num_perm), dtype=np.uint32)
    words = WordHashes()
    for i, text in enumerate(texts):
        shingles = text_to_shingle_array(text, words_seen=words)
        sizes[i] = len(shingles)
        if len(shingles):
            signatures[i] = minhash_values(shingles, num_perm)
    return sizes, signatures


def sign_all(
    texts: Sequence[str],
    processes: int = 1,
    advance: Callable[[int], object] = lambda done: None,
) -> tuple[np.ndarray, np.ndarray]:
    """`sign_texts` over chunks, in a pool of `processes` spawned workers when
    more than one; `advance(n)` after each chunk of n texts. The result does
    not depend on `processes`. One process is the default: on the shared
    2-core machine of issue 13's benchmark two workers were not faster at
    100,000 documents and held 0.4 GB more."""
    chunks = [texts[i : i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
    parts = []
    if processes <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            parts.append(sign_texts(chunk))
            advance(len(chunk))
    else:
        # spawned, not forked: a worker holds its chunk, not a copy of the caller's
        # memory; at most two chunks per worker are in flight
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            pending: deque[tuple[int, Future]] = deque()
            for chunk in chunks:
                pending.append((len(chunk), pool.submit(sign_texts, chunk)))
                if len(pending) >= 2 * processes:
                    parts.append(_collect(pending.popleft(), advance))
            while pending:
                parts.append(_collect(pending.popleft(), advance))
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros((0, NUM_PERM), dtype=np.uint32)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _collect(item: tuple[int, Future], advance: Callable[[int], object]) -> tuple:
    count, future = item
    result = future.result()
    advance(count)
    return result
