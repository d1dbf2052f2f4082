"""Per-document counts of the gold: spans per label and relations per type.

`nkcorpus counts` prints them as a Markdown table (the one in DATASHEET.md is
pasted from it), or as JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from nkcorpus.build.report import GoldDocument
from nkcorpus.schema.model import LabelSchema


@dataclass(frozen=True)
class DocumentCounts:
    doc_id: str
    labels: dict[str, int]
    relations: dict[str, int]


def gold_to_counts(gold: Mapping[str, GoldDocument], schema: LabelSchema) -> list[DocumentCounts]:
    """One row per gold document, in doc_id order, every schema label and relation present."""
    rows = []
    for doc_id in sorted(gold):
        labels = Counter(span["label"] for span in gold[doc_id].spans)
        relations = Counter(relation["type"] for relation in gold[doc_id].relations)
        rows.append(
            DocumentCounts(
                doc_id,
                {name: labels[name] for name in schema.label_names},
                {r.name: relations[r.name] for r in schema.relations},
            )
        )
    return rows


def counts_to_markdown(rows: list[DocumentCounts], schema: LabelSchema) -> str:
    """A Markdown table with a total row.

    >>> from nkcorpus.schema.model import load_schema
    >>> schema = load_schema()
    >>> row = DocumentCounts("d1", {"PERSON": 2, "CROSSING": 1, "MOTIVE": 0, "STATISTIC": 1},
    ...                      {"agent": 1, "motivated_by": 0, "quantifies": 1})
    >>> print(counts_to_markdown([row], schema).splitlines()[2])
    | d1 | 2 | 1 | 0 | 1 | 1 | 0 | 1 |
    """
    columns = [*schema.label_names, *(r.name for r in schema.relations)]
    lines = [
        "| doc_id | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    totals = Counter[str]()
    for row in rows:
        values = {**row.labels, **row.relations}
        totals.update(values)
        lines.append(f"| {row.doc_id} | " + " | ".join(str(values[c]) for c in columns) + " |")
    lines.append("| **total** | " + " | ".join(f"**{totals[c]}**" for c in columns) + " |")
    return "\n".join(lines) + "\n"
