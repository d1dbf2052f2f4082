"""Per-document counts and the figures computed from their sums.

`document_counts` turns one measured task into additive counts, each keyed
`(kind, annotator pair, ...)` (`spans.span_counts`,
`attributes.attribute_counts`, `attributes.relation_counts`, the token
contingency table of every pair, and the coincidence matrix of all the
document's annotators). `figures` computes every figure from a sum of such
counts: over all documents (the overall figures), over one document, over a
bootstrap resample, or over one annotator pair's keys (`restrict`).

Annotator pairs are ordered by user id, `(lower, higher)`. Every kappa is
Cohen's kappa of the table pooled over annotator pairs and documents (with
two annotators, plain Cohen's kappa); every F1 is micro-averaged the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from nkcorpus.annotation.agreement.attributes import attribute_counts, relation_counts
from nkcorpus.annotation.agreement.inputs import AgreementTask
from nkcorpus.annotation.agreement.matching import overlap_matches
from nkcorpus.annotation.agreement.spans import MATCHINGS, Counts, Pair, span_counts
from nkcorpus.annotation.agreement.statistics import cohen_kappa, coincidences, f1, nominal_alpha
from nkcorpus.annotation.agreement.tokens import (
    pair_table,
    token_offsets,
    token_tags,
    value_counts,
)
from nkcorpus.schema.bio import schema_to_bio_tags
from nkcorpus.schema.model import LabelSchema

ALL = "ALL"
Figures = dict[str, float | None]


@dataclass(frozen=True)
class DocumentCounts:
    """One measured document: its annotators, tokens and additive counts."""

    doc_id: str
    task_id: int
    annotators: tuple[int, ...]
    tokens: int
    counts: Counts
    value_counts: npt.NDArray[np.int_]  # tokens x BIO tags, for the package's alpha

    @property
    def pairs(self) -> list[Pair]:
        return list(combinations(self.annotators, 2))


def document_counts(task: AgreementTask, schema: LabelSchema) -> DocumentCounts:
    """The additive counts of one task with two or more annotators."""
    tags = schema_to_bio_tags(schema)
    code = {tag: n for n, tag in enumerate(tags)}
    tokens = token_offsets(task.text)
    codes = {
        a.annotator_id: np.array(
            [code[t] for t in token_tags(tokens, a.spans, schema.label_names)], dtype=np.int64
        )
        for a in task.annotations
    }
    counts: Counter[tuple[Any, ...]] = Counter()
    for a, b in combinations(task.annotations, 2):
        pair = (a.annotator_id, b.annotator_id)
        counts.update(span_counts(pair, a.spans, b.spans))
        matches = overlap_matches(a.spans, b.spans)
        counts.update(attribute_counts(pair, a.spans, b.spans, matches, schema))
        ends = (a.spans, a.relations), (b.spans, b.relations)
        counts.update(relation_counts(pair, *ends, matches))
        table = pair_table(codes[a.annotator_id], codes[b.annotator_id], len(tags))
        counts.update(_cells(("token", pair), table))
    units = value_counts([codes[a] for a in task.annotators], len(tags))
    counts.update(_cells(("coincidence", None), coincidences(units)))
    return DocumentCounts(
        task.doc_id, task.task_id, task.annotators, len(tokens), dict(counts), units
    )


def _cells(prefix: tuple[Any, ...], matrix: npt.NDArray[Any]) -> Counts:
    rows, columns = np.nonzero(matrix)
    cells = zip(rows.tolist(), columns.tolist(), strict=True)
    return {(*prefix, i, j): float(matrix[i, j]) for i, j in cells}


def total(documents: Iterable[Counts], weights: Iterable[float] | None = None) -> Counts:
    """The sum of several documents' counts (each times its weight, default 1)."""
    summed: defaultdict[tuple[Any, ...], float] = defaultdict(float)
    documents = list(documents)
    factors = [1.0] * len(documents) if weights is None else list(weights)
    for counts, weight in zip(documents, factors, strict=True):
        for key, value in counts.items():
            summed[key] += value * weight
    return dict(summed)


def restrict(counts: Mapping[tuple[Any, ...], float], pair: Pair) -> Counts:
    """The counts of one annotator pair (without the all-annotator coincidences)."""
    return {key: value for key, value in counts.items() if key[1] == pair}


def _collapse(counts: Mapping[tuple[Any, ...], float]) -> defaultdict[tuple[Any, ...], float]:
    """Counts summed over annotator pairs: the key without its pair."""
    collapsed: defaultdict[tuple[Any, ...], float] = defaultdict(float)
    for key, value in counts.items():
        collapsed[(key[0], *key[2:])] += value
    return collapsed


def figures(counts: Mapping[tuple[Any, ...], float], schema: LabelSchema) -> Figures:
    """Every figure from summed counts, flat: `spans.<matching>.<label|ALL>`,
    `tokens.kappa`, `tokens.alpha` (from the coincidences),
    `attributes.<name>.percent|kappa`, `relations.ends|all.<type|ALL>`."""
    c = _collapse(counts)
    out: Figures = {}
    for name in MATCHINGS:
        for label in [ALL, *schema.label_names]:
            labels = schema.label_names if label == ALL else [label]
            m, a, b = (sum(c[("span", name, x, f)] for x in labels) for f in _SPAN_FIELDS)
            out[f"spans.{name}.{label}"] = f1(m, a, b)
    size = len(schema_to_bio_tags(schema))
    out["tokens.kappa"] = cohen_kappa(_matrix(c, "token", size))
    out["tokens.alpha"] = nominal_alpha(_matrix(c, "coincidence", size))
    for _, attribute in schema.attributes:
        pairs = {k[2:]: v for k, v in c.items() if k[:2] == ("attribute", attribute.name)}
        values = sorted({v for pair in pairs for v in pair})
        table = np.array([[pairs.get((x, y), 0.0) for y in values] for x in values])
        n = table.sum() if values else 0.0
        out[f"attributes.{attribute.name}.percent"] = float(np.trace(table) / n) if n else None
        out[f"attributes.{attribute.name}.kappa"] = cohen_kappa(table) if n else None
    for kind in [ALL, *(r.name for r in schema.relations)]:
        kinds = [r.name for r in schema.relations] if kind == ALL else [kind]
        get = {f: sum(c[("relation", k, f)] for k in kinds) for f in _RELATION_FIELDS}
        out[f"relations.ends.{kind}"] = f1(get["matched"], get["first_ends"], get["second_ends"])
        out[f"relations.all.{kind}"] = f1(get["matched"], get["first"], get["second"])
    return out


_SPAN_FIELDS = ("matched", "first", "second")
_RELATION_FIELDS = ("matched", "first", "second", "first_ends", "second_ends")


def support(counts: Mapping[tuple[Any, ...], float], schema: LabelSchema) -> dict[str, int]:
    """What each figure rests on, flat like `figures`: `spans.<matching>.<label>.<field>`,
    `attributes.<name>.pairs`, `relations.<type>.<field>`, `tokens.pairs` (token pairs)."""
    c = _collapse(counts)
    out: dict[str, int] = {}
    for name in MATCHINGS:
        for label in [ALL, *schema.label_names]:
            labels = schema.label_names if label == ALL else [label]
            for field in _SPAN_FIELDS:
                out[f"spans.{name}.{label}.{field}"] = round(
                    sum(c[("span", name, x, field)] for x in labels)
                )
    out["tokens.pairs"] = round(sum(v for k, v in c.items() if k[0] == "token"))
    for _, attribute in schema.attributes:
        out[f"attributes.{attribute.name}.pairs"] = round(
            sum(v for k, v in c.items() if k[:2] == ("attribute", attribute.name))
        )
    for kind in [ALL, *(r.name for r in schema.relations)]:
        kinds = [r.name for r in schema.relations] if kind == ALL else [kind]
        for field in _RELATION_FIELDS:
            out[f"relations.{kind}.{field}"] = round(sum(c[("relation", k, field)] for k in kinds))
    return out


def _matrix(c: Mapping[tuple[Any, ...], float], kind: str, size: int) -> npt.NDArray[np.float64]:
    matrix = np.zeros((size, size))
    for key, value in c.items():
        if key[0] == kind:
            matrix[key[1], key[2]] += value
    return matrix


def pair_documents(documents: Sequence[DocumentCounts]) -> dict[Pair, list[DocumentCounts]]:
    """The documents each annotator pair shares, pairs sorted."""
    shared: dict[Pair, list[DocumentCounts]] = defaultdict(list)
    for document in documents:
        for pair in document.pairs:
            shared[pair].append(document)
    return dict(sorted(shared.items()))
