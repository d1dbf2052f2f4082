"""What changed in one document between two releases: its fields (every column
of the `documents` config but `spans` and `relations`), its spans per label and
its relations per type.

A span is identified by (start, end, label) in its document; the same identity
with different text or attributes is "changed" (span ids are not compared: a
rebuild may renumber them). A relation is identified by its type and the
identities of its head and tail spans, so it has no "changed" state.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SpanKey = tuple[int, int, str]
NESTED = ("spans", "relations")
MAX_VALUE = 40  # characters of a field's value in one line of the diff


class Absent:
    """The value of a column that one of the two releases does not have."""

    def __repr__(self) -> str:
        return "-"


ABSENT = Absent()


@dataclass
class ChangeCounts:
    """Spans (per label) or relations (per type) added, removed and changed."""

    added: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def update(self, other: ChangeCounts) -> None:
        self.added.update(other.added)
        self.removed.update(other.removed)
        self.changed.update(other.changed)

    def names(self) -> list[str]:
        return sorted(set(self.added) | set(self.removed) | set(self.changed))

    def as_json(self) -> dict[str, dict[str, int]]:
        return {
            kind: dict(sorted(getattr(self, kind).items()))
            for kind in ("added", "removed", "changed")
        }


@dataclass(frozen=True)
class FieldChange:
    """One column of a document whose value differs; ABSENT on the side that lacks it."""

    name: str
    old: Any
    new: Any


@dataclass
class DocumentChange:
    doc_id: str
    fields: list[FieldChange] = field(default_factory=list)
    spans: ChangeCounts = field(default_factory=ChangeCounts)
    relations: ChangeCounts = field(default_factory=ChangeCounts)

    def __bool__(self) -> bool:
        return bool(self.fields or self.spans or self.relations)


def _span_key(span: dict[str, Any]) -> SpanKey:
    return (span["start"], span["end"], span["label"])


def _comparable(span: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in span.items() if k != "id"}


def compare_spans(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> ChangeCounts:
    """Spans added, removed and changed (same identity, other text or attributes) per label."""
    before = {_span_key(s): s for s in old}
    after = {_span_key(s): s for s in new}
    counts = ChangeCounts()
    counts.added.update(key[2] for key in set(after) - set(before))
    counts.removed.update(key[2] for key in set(before) - set(after))
    counts.changed.update(
        key[2]
        for key in set(before) & set(after)
        if _comparable(before[key]) != _comparable(after[key])
    )
    return counts


def _relation_keys(document: dict[str, Any]) -> Counter[tuple[str, Any, Any]]:
    spans = {s["id"]: _span_key(s) for s in document.get("spans") or []}
    return Counter(
        (r["type"], spans.get(r["head"], r["head"]), spans.get(r["tail"], r["tail"]))
        for r in document.get("relations") or []
    )


def compare_relations(old: dict[str, Any], new: dict[str, Any]) -> ChangeCounts:
    """Relations added and removed per type, heads and tails compared by span identity."""
    before, after = _relation_keys(old), _relation_keys(new)
    counts = ChangeCounts()
    counts.added.update(key[0] for key in (after - before).elements())
    counts.removed.update(key[0] for key in (before - after).elements())
    return counts


def compare_document(doc_id: str, old: dict[str, Any], new: dict[str, Any]) -> DocumentChange:
    """The fields, spans and relations of one document that differ between two
    decoded `documents` rows (columns in the new row's order, then removed ones)."""
    names = [k for k in new if k not in NESTED] + [
        k for k in old if k not in new and k not in NESTED
    ]
    fields = [
        FieldChange(name, old.get(name, ABSENT), new.get(name, ABSENT))
        for name in names
        if name not in old or name not in new or old[name] != new[name]
    ]
    return DocumentChange(
        doc_id,
        fields,
        compare_spans(old.get("spans") or [], new.get("spans") or []),
        compare_relations(old, new),
    )


def value_to_text(value: Any, limit: int = MAX_VALUE) -> str:
    """A field's value for one line of the diff: `-` when the column is absent,
    `null`, a string as it is, anything else as compact JSON; newlines escaped,
    cut to `limit` characters.

    >>> value_to_text(None), value_to_text(ABSENT), value_to_text(["a", 1])
    ('null', '-', '["a",1]')
    >>> value_to_text("https://americanmilitarynews.com/2022/01/defector-who-fled")
    'https://americanmilitarynews.com/2022...'
    """
    if value is ABSENT:
        return "-"
    if value is None:
        return "null"
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def counts_to_text(counts: ChangeCounts) -> str:
    """`PERSON (1 added, 2 changed), STATISTIC (1 removed)`.

    >>> counts_to_text(ChangeCounts(Counter(PERSON=1), Counter(), Counter(PERSON=2)))
    'PERSON (1 added, 2 changed)'
    """
    parts = []
    for name in counts.names():
        kinds = [
            f"{getattr(counts, kind)[name]} {kind}"
            for kind in ("added", "removed", "changed")
            if getattr(counts, kind)[name]
        ]
        parts.append(f"{name} ({', '.join(kinds)})")
    return ", ".join(parts)


def change_to_text(change: DocumentChange) -> str:
    """One line per changed document.

    >>> change_to_text(DocumentChange("000", [FieldChange("fold", ABSENT, 1)]))
    '000: fold (- -> 1)'
    """
    fields = ", ".join(
        f"{f.name} ({value_to_text(f.old)} -> {value_to_text(f.new)})" for f in change.fields
    )
    parts = [fields] if fields else []
    if change.spans:
        parts.append(f"spans: {counts_to_text(change.spans)}")
    if change.relations:
        parts.append(f"relations: {counts_to_text(change.relations)}")
    return f"{change.doc_id}: {'; '.join(parts)}"


def change_to_json(change: DocumentChange) -> dict[str, Any]:
    """The facts of `change_to_text`, values in full; the side that lacks a column has no key."""
    fields = {
        f.name: {side: v for side, v in (("old", f.old), ("new", f.new)) if v is not ABSENT}
        for f in change.fields
    }
    return {
        "fields": fields,
        "spans": change.spans.as_json(),
        "relations": change.relations.as_json(),
    }
