"""The card's evaluation protocol: its text and a self-contained snippet that
needs only `datasets` and prints the baseline's figures from a release folder.

`EVALUATION_SNIPPET` computes, from the released `documents` (gold spans,
split, fold) and `predictions` configs, exactly the exact-match figures that
`nkcorpus.build.baseline.baseline_scores` puts in the card (a test runs it
against a built release). An ML engineer runs it with their own model's
predictions in `predicted`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nkcorpus.build.baseline import BaselineFacts

EVALUATION_SNIPPET = '''\
from datasets import load_dataset

PATH = "path/to/the/release/folder"  # or the Hub repo id (then also pass revision="vX.Y.Z")

documents = load_dataset(PATH, "documents")
predictions = load_dataset(PATH, "predictions")  # the baseline; use your model's instead


def label_names(split):
    spans = split.features["spans"]  # datasets >= 4: List(...); 3.x: [dict]
    return (spans[0] if isinstance(spans, list) else spans.feature)["label"].names


LABELS = label_names(next(iter(documents.values())))


def regions(spans):
    return {(LABELS[s["label"]], s["start"], s["end"]) for s in spans}


gold, split_of, fold_of, predicted = {}, {}, {}, {}
for split, rows in documents.items():
    for row in rows:
        gold[row["doc_id"]] = regions(row["spans"])
        split_of[row["doc_id"]], fold_of[row["doc_id"]] = split, row["fold"]
for rows in predictions.values():
    for row in rows:
        predicted[row["doc_id"]] = regions(row["spans"])


def score(doc_ids):
    """label -> (P, R, F1), exact match of (label, start, end) summed over the
    documents; None where the label has neither a gold nor a predicted span."""
    result = {}
    for label in [*LABELS, "ALL"]:
        n_gold = n_pred = n_hit = 0
        for doc_id in doc_ids:
            g = {r for r in gold[doc_id] if label in ("ALL", r[0])}
            p = {r for r in predicted.get(doc_id, set()) if label in ("ALL", r[0])}
            n_gold, n_pred, n_hit = n_gold + len(g), n_pred + len(p), n_hit + len(g & p)
        precision = n_hit / n_pred if n_pred else 0.0
        recall = n_hit / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        prf = (round(precision, 4), round(recall, 4), round(f1, 4))
        result[label] = prf if n_gold + n_pred else None
    return result


def show(title, scores):
    print(title)
    for label, prf in scores.items():
        figures = "-" if prf is None else "P {:.4f}  R {:.4f}  F1 {:.4f}".format(*prf)
        print(f"  {label:<10} {figures}")


show("test", score([d for d in gold if split_of[d] == "test"]))
folds = sorted({f for f in fold_of.values() if f is not None})
per_fold = [score([d for d in gold if fold_of[d] == f]) for f in folds]
for fold, scores in zip(folds, per_fold):
    show(f"fold {fold}", scores)
mean = {}
for label in per_fold[0] if per_fold else []:
    rows = [s[label] for s in per_fold if s[label] is not None]
    means = tuple(round(sum(r[i] for r in rows) / len(rows), 4) for i in range(3))
    mean[label] = means if rows else None
show(f"mean over {len(folds)} folds", mean)
'''


def _splits_paragraph(moved: Sequence[str], held_out: bool) -> str:
    if not held_out:  # the rule of every release without a held-out document (v1.1.0)
        moves = (
            f" Moved in this release: {'; '.join(moved)}; a model trained on the previous "
            "release's train split has seen it."
            if moved
            else ""
        )
        return f"""\
**Splits.** A document's split comes from a stable hash of its near-duplicate
group, and a released document keeps its split in every later version, with
one exception: when a release would have no validation document, one train
group is promoted to validation (the changelog names it). Test documents never
move, and no document that was ever in train enters test.{moves} Near-duplicate
copies always share a split and a fold."""
    moves = f" Moved in this release: {'; '.join(moved)}." if moved else ""
    if any(" train -> " in line for line in moved):
        moves += (
            " A model trained on the previous release's train split has seen a document"
            " moved from train."
        )
    return f"""\
**Splits.** A document's split comes from a stable hash of its near-duplicate
group, and a released document keeps its split in every later version, with
two exceptions. When a release would have no validation document, one train
group is promoted to validation. And the test split holds only held-out
documents, added after the pre-annotation rules were frozen
(`annotation/prelabel/frozen.json`): a document the rules were written from
leaves test for validation, where no model trained on an earlier release has
seen it. The changelog names every move. No document that was ever in train
enters test, and a new test group is always a held-out one.{moves}
Near-duplicate copies always share a split and a fold."""


def evaluation_protocol(
    facts: BaselineFacts, moved: Sequence[str] = (), held_out: bool = False
) -> str:
    """The card's "Evaluation protocol" paragraphs for a release whose baseline
    is `facts`; `moved` are the lines of the documents whose split changed
    (`nkcorpus.build.splits.move_to_text`); `held_out` when the release has
    documents the frozen pre-annotation rules never saw (`nkcorpus.build.heldout`):
    then the test split holds only those (`nkcorpus.build.splits`)."""
    test = len(facts.test_documents)
    anchoring = (
        "The gold\nof the seed documents was made by correcting these very pre-annotations, and\n"
        "one of the two annotators of each held-out document started from them, so the\n"
        "baseline's figures overstate what the rules would reach against independently\n"
        "made gold (Dataset Creation gives the pre-annotation figures of both); the test\n"
        "split holds held-out documents only."
        if held_out
        else "The gold\nwas made by correcting these very pre-annotations, so the "
        "baseline's figures\noverstate what the rules would reach against independently made gold."
    )
    return f"""\
{_splits_paragraph(moved, held_out)}

**Cross-validation.** The `fold` column of `documents` numbers the train and
validation documents for document-level cross-validation, here
{facts.scheme}; test documents have no fold (null). For each fold f, train on the train and
validation documents whose fold is not f, predict fold f, and report every
fold and the mean over folds. Choose models and settings on the folds; use the
test split once, for the final figure, training on all train and validation
documents. With {test} test document(s), a test figure alone says little:
report it next to the fold mean.

**Metric.** Span precision, recall and F1 per label and over all labels
(ALL, micro-averaged), by exact match of label, start and end (`[start, end)`
code points); `overlap` figures count a predicted span right when it shares a
character with a gold span of its label. Figures are summed over the
documents of the test split or of one fold; a label with neither a gold nor a
predicted span in a fold has no figure there and is left out of its mean.

**Baseline.** The `predictions` config holds the rule-based pre-annotator's
spans for every released document. The snippet below, which needs only
`datasets`, prints its exact-match figures on the test split, each fold and
the mean, the same figures as the table; to evaluate a model, fill
`predicted` (doc_id -> set of (label, start, end)) with its spans instead,
each fold's documents predicted by a model trained without that fold. {anchoring}
"""
