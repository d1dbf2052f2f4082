"""Per-task results kept on disk, not in memory, while a build or `validate` runs.

Validation makes, for every task, its gold, its annotation rows and the parts
the baseline, agreement and the pre-annotation report take; the build reads
them again later, one document at a time. Held as Python objects they would
grow the main process with the corpus (pickled, 28 MiB per 1,000 tasks of the
scale benchmark; several times that as objects).
`SpillList` pickles each item into an anonymous temporary file (created in
`TMPDIR`, already unlinked, so nothing is left behind even by a killed
process) and keeps only its offset; `SpillDict` is a mapping over one.
Reading an item unpickles a fresh copy: an item changed after it was added
keeps the value it had then.

>>> spilled = SpillList([{"a": 1}, [2, 3]])
>>> len(spilled), spilled[1], list(spilled) == [{"a": 1}, [2, 3]]
(2, [2, 3], True)
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO, Generic, TypeVar, overload

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
_FLUSH = 1 << 20  # bytes pickled before they are written out
_READ = 1 << 22  # bytes read at a time when iterating


class SpillList(Sequence[T]):
    """A list whose items live pickled in an unlinked temporary file.

    Appending and iterating stream; `spilled[i]` reads one item. Equal to any
    sequence with the same items, like a list."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._file: BinaryIO | None = None  # made by the first append
        self._starts = array("Q")
        self._size = 0  # bytes in the file and in `_pending`
        self._pending = bytearray()
        self.extend(items)

    def append(self, item: T) -> None:
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        self._starts.append(self._size)
        self._pending += data
        self._size += len(data)
        if len(self._pending) >= _FLUSH:
            self._flush()

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.append(item)

    def clear(self) -> None:
        self.close()
        self._starts, self._size, self._pending = array("Q"), 0, bytearray()

    def close(self) -> None:
        """Drop the file (its space is given back at once)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _flush(self) -> None:
        if not self._pending:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="nkcorpus-spill-")  # noqa: SIM115 (closed by close())
        os.pwrite(self._file.fileno(), self._pending, self._size - len(self._pending))
        self._pending = bytearray()

    def _end(self, index: int) -> int:
        return self._starts[index + 1] if index + 1 < len(self._starts) else self._size

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("SpillList index out of range")
        self._flush()
        start = self._starts[index]
        assert self._file is not None
        return pickle.loads(os.pread(self._file.fileno(), self._end(index) - start, start))

    def __iter__(self) -> Iterator[T]:
        """Every item in order, reading the file in blocks of `_READ` bytes."""
        self._flush()
        count, index = len(self), 0
        while index < count:
            stop = index + 1  # at least one item a block, however large
            while stop < count and self._end(stop) - self._starts[index] <= _READ:
                stop += 1
            base = self._starts[index]
            assert self._file is not None
            block = os.pread(self._file.fileno(), self._end(stop - 1) - base, base)
            view = memoryview(block)
            for i in range(index, stop):
                yield pickle.loads(view[self._starts[i] - base : self._end(i) - base])
            index = stop

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"SpillList({len(self)} items)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (SpillList, (list(self),))  # a copy elsewhere holds the items themselves


class SpillDict(Mapping[K, V], Generic[K, V]):
    """A mapping whose keys are held and whose values are spilled (`SpillList`).

    Keys iterate in the order first set, like a dict's; setting a key again
    stores the new value (the old one stays in the file, unreachable).

    >>> gold = SpillDict({"b": [1], "a": [2]})
    >>> gold["a"], list(gold), list(gold.sorted())
    ([2], ['b', 'a'], ['a', 'b'])
    """

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._values: SpillList[V] = SpillList()
        self._index: dict[K, int] = {}
        pairs = items.items() if isinstance(items, Mapping) else items
        for key, value in pairs:
            self[key] = value

    def __setitem__(self, key: K, value: V) -> None:
        self._index[key] = len(self._values)
        self._values.append(value)

    def __getitem__(self, key: K) -> V:
        return self._values[self._index[key]]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[K]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def sorted(self) -> SpillDict[K, V]:
        """The same mapping with its keys in sorted order (the values are not copied)."""
        out: SpillDict[K, V] = SpillDict()
        out._values = self._values
        out._index = dict(sorted(self._index.items()))  # type: ignore[type-var]
        return out

    def __repr__(self) -> str:
        return f"SpillDict({len(self)} items)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (SpillDict, (dict(self.items()),))


class MappedView(Mapping[K, V], Generic[K, V]):
    """`keys` mapped through `value` on access: a mapping that holds nothing
    but its keys (e.g. doc_id -> that document's gold spans, read from a
    `SpillDict` of gold documents only when asked).

    >>> view = MappedView(["a", "bb"], len)
    >>> view["bb"], list(view), "c" in view
    (2, ['a', 'bb'], False)
    """

    def __init__(self, keys: Iterable[K], value: Callable[[K], V]) -> None:
        self._keys = dict.fromkeys(keys)
        self._value = value

    def __getitem__(self, key: K) -> V:
        if key not in self._keys:
            raise KeyError(key)
        return self._value(key)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[K]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class MappedSequence(Sequence[V], Generic[K, V]):
    """`keys` mapped through `value` on access, as a sequence (what
    `score_regions` takes, without holding every document's regions).

    >>> MappedSequence(["a", "bb"], len)[1], list(MappedSequence("xy", str.upper))
    (2, ['X', 'Y'])
    """

    def __init__(self, keys: Sequence[K], value: Callable[[K], V]) -> None:
        self._keys = keys
        self._value = value

    @overload
    def __getitem__(self, index: int) -> V: ...
    @overload
    def __getitem__(self, index: slice) -> list[V]: ...
    def __getitem__(self, index: int | slice) -> V | list[V]:
        if isinstance(index, slice):
            return [self._value(k) for k in self._keys[index]]
        return self._value(self._keys[index])

    def __len__(self) -> int:
        return len(self._keys)
