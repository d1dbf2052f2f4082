"""What reading one Label Studio export may cost, declared once.

`nkcorpus.build.exports.iter_export` enforces every limit while it reads, so a
hostile or corrupt file is refused with a coded error (B111-B117) in bounded
memory instead of exhausting it. Each limit sits far above what Label Studio
produces for this corpus: a task of the committed exports is 15-90 KB of JSON,
8 levels deep, with 1 annotation, 1 prediction and at most 184 result items
over a text of at most 4,757 characters. A refusal names its limit; to accept
a genuine export beyond one, raise the number here (and say why).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    """The limits of reading one export (see each field's reason below)."""

    max_export_bytes: int = 1 << 30
    """1 GiB per export file. Reading streams (one task in memory at a time),
    but `validate` and `build` then keep every merged task, about 4x its JSON
    size in Python objects (measured on the committed exports): a 1 GiB file
    costs them ~4 GB. The committed exports are 0.55 MB for 5 tasks, so 1 GiB
    is ~9,000 such tasks, well beyond this corpus."""

    max_task_bytes: int = 32 << 20
    """32 MiB of JSON per task. The parser buffers a task's longest string
    whole (and the task is built whole), so this bounds the memory of one task
    whatever its shape: 32 MiB costs ~150 MB while read. A heavy real task
    (a 100 KB article, 10 annotations of 2,000 items) is ~6 MB."""

    max_task_values: int = 1_000_000
    """JSON values (objects, arrays, strings, numbers, ...) in one task. Each
    costs 50-100 bytes as a Python object even when it is 2 bytes of JSON
    (`{}`), so this bounds a task to ~100 MB however small its values. The
    heavy real task above has ~250,000."""

    max_depth: int = 64
    """Nesting of objects and arrays within one task (the task object is
    level 1). A Label Studio task needs 7 (task > annotations > annotation >
    result > item > value > labels) and the committed exports reach 8; 64
    leaves room for nested `data`/`meta` fields. Unbounded nesting made the
    former reader (`ijson.items`, which builds a path string per level) use
    more than 24 GB on a 486 KB file 100,000 levels deep."""

    max_text_chars: int = 1_000_000
    """Characters of `data.text`: spaCy's default `nlp.max_length`, beyond
    which the build's tokenizer refuses the document (E088). A news article is
    a few thousand characters (the longest seed has 4,757)."""

    max_annotations: int = 100
    """Annotations per task, and predictions per task. Label Studio's overlap
    setting asks a few annotators per task; 100 covers any review scheme while
    bounding gold selection and the checks, which visit every annotation."""

    max_results: int = 10_000
    """Result items (regions, their attribute choices and relations) per
    annotation or prediction. The committed gold has at most 184; region and
    relation checks compare items within one annotation, so this bounds them."""

    max_integer: int = 2**63 - 1
    """The largest magnitude of any JSON integer in an export: the int64 range
    of Label Studio's database ids and of a release's integer columns. Beyond
    it pyarrow raises OverflowError while writing a release; refusing it here
    means nothing downstream ever holds such a number. Tighter, per-field
    ranges (ids and offsets up to 2**53, the largest integer JSON keeps exact in
    Label Studio's browser frontend) are checks of `nkcorpus.build.validate`,
    which report every such field of every task together (B135, B139)."""


LIMITS = ReadLimits()
"""The limits every reader uses unless a caller (a test) passes others."""
