"""Which cleaned documents a release contains: one per near-duplicate group.

A near-duplicate group (`seeds summary`, `dedup.py`) holds copies of one
article. Releasing every copy would count the same people, crossings and
numbers twice and let a copy leak across splits, so a release keeps one
document per group: the longest cleaned text (the most complete copy), ties
to the lowest doc_id (`dedup.keep_key`, which also names the group, so the
kept document's id is its group's id). The others are withheld and listed,
never dropped silently; they need no annotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nkcorpus.corpus.dedup import keep_key
from nkcorpus.corpus.documents import CleanDocument


@dataclass(frozen=True)
class ReleaseSelection:
    released: tuple[CleanDocument, ...]
    withheld: dict[str, str]  # withheld doc_id -> the released doc_id of its group


def select_released(documents: Sequence[CleanDocument]) -> ReleaseSelection:
    """Keep the longest document of each near-duplicate group.

    >>> from nkcorpus.corpus.documents import load_documents
    >>> selection = select_released(load_documents())
    >>> selection.withheld
    {'001_01116437e2deb97c': '002_f4fac74a6db6b90a'}
    """
    groups: dict[str, list[CleanDocument]] = {}
    for document in documents:
        groups.setdefault(document.group, []).append(document)
    released: list[CleanDocument] = []
    withheld: dict[str, str] = {}
    for members in groups.values():
        keep = min(members, key=lambda d: keep_key(d.doc_id, len(d.text)))
        released.append(keep)
        withheld.update({d.doc_id: keep.doc_id for d in members if d is not keep})
    released.sort(key=lambda d: d.doc_id)
    return ReleaseSelection(tuple(released), dict(sorted(withheld.items())))
