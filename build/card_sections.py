"""The parts of a release card's body that are computed from the release's facts:
tables (statistics, pre-annotation scores, Data Fields), the evaluation protocol,
which rule chose each gold, who annotated, and the load example.

`nkcorpus.build.card.release_card` puts them into the Hugging Face card sections.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nkcorpus.build.data_fields import (
    field_docs_to_markdown,
    records_to_field_docs,
    statistic_value_note,
)
from nkcorpus.build.gold import ACCEPTED, STARRED
from nkcorpus.build.report import GoldDocument
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import schema_to_record_models

if TYPE_CHECKING:
    from nkcorpus.build.card import CardFacts

ANNOTATION_NOTE = """\
Who annotated: the gold of every released document was made by an AI agent
working through the project's own Label Studio server and its API, starting
from each task's pre-annotation, then re-read in full against the guidelines
in a second review pass (see the guidelines' changelog). No human annotated,
and each document has one annotation, so no inter-annotator agreement exists.
Details and known limitations: `DATASHEET.md`, section Labelling."""


def gold_to_rules(gold: Mapping[str, GoldDocument]) -> dict[str, str]:
    """doc_id -> "accepted" or "starred": the step of the review rule that chose each
    document's gold, as `nkcorpus.build.gold` recorded it (a gold without a recorded
    rule is left out).

    >>> gold = {doc_id: GoldDocument(doc_id=doc_id, task_id=1, file="x.json", spans=[],
    ...                              relations=[], rule=rule)
    ...         for doc_id, rule in [("b", "starred"), ("a", "accepted"), ("c", None)]}
    >>> gold_to_rules(gold)
    {'a': 'accepted', 'b': 'starred'}
    """
    rules = ((doc_id, gold[doc_id].rule) for doc_id in sorted(gold))  # one gold at a time
    return {doc_id: rule for doc_id, rule in rules if rule is not None}


def gold_rule_note(gold_by: Mapping[str, str]) -> str:
    """The card's sentence on which step chose each document's gold.

    >>> gold_rule_note({"b": "starred", "a": "starred", "c": "accepted"})
    'In this release, gold accepted by a reviewer: 1 (c); starred: 2 (a, b).'
    """
    if not gold_by:
        return "This release does not record which step chose each document's gold."
    parts = []
    for rule, how in ((ACCEPTED, "accepted by a reviewer"), (STARRED, "starred")):
        ids = sorted(d for d, r in gold_by.items() if r == rule)
        if ids:
            parts.append(f"{how}: {len(ids)} ({', '.join(ids)})")
    return f"In this release, gold {'; '.join(parts)}."


def stats_table(facts: CardFacts, schema: LabelSchema) -> str:
    """Documents, sentences, tokens, spans per label, relations per type and annotations,
    per split and in all, as a Markdown table."""
    labels = schema.label_names
    relations = [r.name for r in schema.relations]
    head = ["split", "documents", "sentences", "tokens", *labels, *relations, "annotations"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    rows = [(s, facts.stats.splits[s]) for s in facts.splits]
    for name, stats in [*rows, ("**all**", facts.stats.total())]:
        values = [stats.documents, stats.sentences, stats.tokens]
        values += [stats.spans[label] for label in labels]
        values += [stats.relations[r] for r in relations] + [stats.annotations]
        lines.append(f"| {name} | " + " | ".join(str(v) for v in values) + " |")
    return "\n".join(lines)


HELDOUT_KEY = "heldout"  # `CardFacts.prelabel` key of `nkcorpus.build.heldout.HeldoutFacts`
HELDOUT_SOURCE = "the frozen rules' predictions in the exports, on the seed and held-out documents"


def prelabel_with_heldout(prelabel: Mapping[str, Any], heldout: Any) -> dict[str, Any]:
    """`CardFacts.prelabel` of a release: the newest export's scores (`prelabel`) when
    `heldout` (`nkcorpus.build.heldout.heldout_prelabel`) is None, as every release
    without a held-out document had; else the seed and held-out figures in their place.

    >>> prelabel_with_heldout({"export": "e.json"}, None)
    {'export': 'e.json'}
    """
    if heldout is None:
        return dict(prelabel)
    return {"export": HELDOUT_SOURCE, HELDOUT_KEY: heldout}


def prelabel_table(prelabel: Mapping[str, Any]) -> str:
    """The pre-annotations' F1 per label (`CardFacts.prelabel`) as a Markdown table, or
    the seed and held-out figures side by side when the release has held-out documents.

    >>> print(prelabel_table({"export": "e.json", "PERSON": {"exact": 0.5, "overlap": 0.75}}))
    | label | exact F1 | overlap F1 |
    |---|---:|---:|
    | PERSON | 0.500 | 0.750 |
    """
    if prelabel.get(HELDOUT_KEY) is not None:
        from nkcorpus.build.heldout import heldout_to_markdown

        return heldout_to_markdown(prelabel[HELDOUT_KEY])
    scores = {k: v for k, v in prelabel.items() if isinstance(v, dict)}
    if not scores:
        return "No pre-annotation scores: no gold was found in the exports."
    lines = ["| label | exact F1 | overlap F1 |", "|---|---:|---:|"]
    lines += [f"| {k} | {v['exact']:.3f} | {v['overlap']:.3f} |" for k, v in scores.items()]
    return "\n".join(lines)


def prelabel_section(prelabel: Mapping[str, Any]) -> str:
    """The card's whole pre-annotation paragraph: as every release without a held-out
    document had it (the newest export's F1 per label), else the frozen rules' seed and
    held-out figures under their own heading sentence.

    >>> print(prelabel_section({"export": "e.json"}).splitlines()[0])
    Pre-annotation F1 against the gold (e.json; the gold
    """
    if prelabel.get(HELDOUT_KEY) is None:
        return f"""\
Pre-annotation F1 against the gold ({prelabel.get("export", "no export")}; the gold
was started from these pre-annotations, so the scores overstate what the rules
would reach against independently made gold):

{prelabel_table(prelabel)}"""
    return (
        "Pre-annotation precision, recall and F1 of the frozen rules' predictions against\n"
        "the reviewed gold, on the seed documents the rules were written from and on the\n"
        "held-out documents added after the rules were frozen:\n\n" + prelabel_table(prelabel)
    )


def splits_note(facts: CardFacts) -> str:
    """The Data Splits section's first sentence: how splits are kept, and where the
    exceptions are explained (one without held-out documents, two with them).

    >>> from types import SimpleNamespace
    >>> print(splits_note(SimpleNamespace(prelabel={})).splitlines()[-1])
    promotion to validation, is under Evaluation Protocol).
    """
    if facts.prelabel.get(HELDOUT_KEY) is None:
        return (
            "Splits are assigned by a stable hash of each document's near-duplicate group,\n"
            "and a document keeps its split in later versions (the one exception, a\n"
            "promotion to validation, is under Evaluation Protocol)."
        )
    return (
        "Splits are assigned by a stable hash of each document's near-duplicate group,\n"
        "and a document keeps its split in later versions (the two exceptions, a\n"
        "promotion to validation and a document the pre-annotation rules were written\n"
        "from leaving test, are under Evaluation Protocol). The test split holds only\n"
        "held-out documents, added after the rules were frozen."
    )


def load_snippet(version: str) -> str:
    """The card's load example: right for this folder wherever it is copied, and on the Hub."""
    return f"""\
from datasets import load_dataset

# SOURCE: the path of this folder wherever it was copied (in a clone of the repository,
# "dataset/v{version}"), or the Hugging Face repo it was published to ("ORG/NAME").
# A local folder ignores `revision`; on the Hub it selects this release's tag.
SOURCE = "path/to/this/folder"
documents = load_dataset(SOURCE, "documents", revision="v{version}")"""


def evaluation(facts: CardFacts) -> str:
    """The Evaluation Protocol section: protocol, baseline scores and the scoring snippet."""
    if facts.baseline is None:
        return "No baseline was computed for this release."
    from nkcorpus.build.baseline import baseline_to_markdown
    from nkcorpus.build.baseline_snippet import EVALUATION_SNIPPET, evaluation_protocol

    held_out = facts.prelabel.get(HELDOUT_KEY) is not None
    protocol = evaluation_protocol(facts.baseline, facts.split_moves, held_out).strip()
    snippet = EVALUATION_SNIPPET.strip()
    return (
        f"{protocol}\n\n{baseline_to_markdown(facts.baseline).strip()}\n\n```python\n{snippet}\n```"
    )


def data_fields(facts: CardFacts, schema: LabelSchema) -> tuple[str, str]:
    """(the Data Fields tables, the note on `statistics.value`)."""
    tables = schema_to_record_models(schema).tables()
    shown = {config: model for config, model in tables.items() if config in facts.features}
    docs = records_to_field_docs(shown, facts.features)
    summaries = {config: model.__doc__ or "" for config, model in shown.items()}
    return field_docs_to_markdown(docs, summaries), statistic_value_note(docs)


DOUBLE_ANNOTATION_NOTE = """\
Who annotated: AI agents, not people. Every document with two annotators was
annotated blind by two annotator accounts whose work was done by instances of
one language model (Claude): one started from the rule-based pre-annotation,
the other from an empty document. A reviewer account, instances of the same
model, resolved every disagreement by the guidelines and accepted the gold in
Label Studio's labeling screen; it also corrected the gold of documents that
have one annotation (made by the same model) to the current guidelines.
Agreement between instances of one model measures its consistency under the
guidelines, not agreement between people: errors they share do not show.
Details: `DATASHEET.md`, section Labelling."""


def annotation_note(facts: CardFacts) -> str:
    """Who annotated and how much they agree: who, then the agreement table, when
    released documents have two or more annotators; else the note that each has one."""
    if facts.agreement is None:
        return ANNOTATION_NOTE
    from nkcorpus.build.agreement_facts import agreement_to_markdown

    return DOUBLE_ANNOTATION_NOTE + "\n\n" + agreement_to_markdown(facts.agreement)
