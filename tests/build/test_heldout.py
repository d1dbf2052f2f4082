"""The pre-annotation figure on seen and held-out documents, by hand."""

from __future__ import annotations

from pathlib import Path

from nkcorpus.annotation.prelabel.frozen import FrozenRules
from nkcorpus.build.baseline_predictions import Prediction
from nkcorpus.build.card_sections import (
    HELDOUT_KEY,
    prelabel_section,
    prelabel_table,
    prelabel_with_heldout,
    splits_note,
)
from nkcorpus.build.heldout import heldout_prelabel, heldout_to_markdown

LABELS = ["PERSON", "CROSSING", "MOTIVE", "STATISTIC"]
FROZEN = "nkcorpus-prelabel-0.2.0-patterns-c261a659633b"
V1_1_0_CARD = Path(__file__).resolve().parents[2] / "dataset" / "v1.1.0" / "README.md"
RULES = FrozenRules("f" * 64, "c261a659633b" + "0" * 52, frozenset({"000", "001"}))


def _span(label: str, start: int, end: int) -> dict:
    return {"id": f"{label}{start}", "label": label, "start": start, "end": end, "text": "x"}


GOLD = {
    "000": [_span("PERSON", 0, 3), _span("CROSSING", 4, 8)],  # seen
    "005": [_span("PERSON", 0, 5), _span("MOTIVE", 10, 20)],  # held out
    "006": [_span("PERSON", 0, 5)],  # held out, predicted by other rules
    "007": [_span("CROSSING", 0, 5)],  # held out, no prediction
}
PREDICTIONS = {
    "000": Prediction("000", FROZEN, [_span("PERSON", 0, 3), _span("CROSSING", 4, 7)], []),
    "005": Prediction("005", FROZEN, [_span("PERSON", 0, 5), _span("PERSON", 30, 35)], []),
    "006": Prediction("006", "nkcorpus-prelabel-0.3.0-patterns-0123456789ab", [], []),
}


def _facts(rules_sha256: str = "f" * 64):
    return heldout_prelabel(GOLD, PREDICTIONS, RULES, LABELS, rules_sha256)


def test_heldout_figures_by_hand() -> None:
    facts = _facts()
    assert facts is not None and facts.rules_unchanged
    assert facts.seen.documents == ["000"] and facts.held_out.documents == ["005"]
    assert facts.not_frozen == {"006": "nkcorpus-prelabel-0.3.0-patterns-0123456789ab"}
    assert facts.unpredicted == ["007"] and facts.model_versions == [FROZEN]
    seen = {s.label: s for s in facts.seen.scores}
    # seen: PERSON [0,3) matches exactly; CROSSING [4,7) only overlaps gold [4,8)
    # ALL: 2 gold, 2 predicted, 1 exact -> P = R = F1 = 1/2; overlap 2/2 -> 1.0
    assert (seen["ALL"].gold, seen["ALL"].predicted) == (2, 2)
    assert (seen["ALL"].exact.f1, seen["ALL"].overlap.f1) == (0.5, 1.0)
    assert (seen["CROSSING"].exact.f1, seen["CROSSING"].overlap.recall) == (0.0, 1.0)
    held = {s.label: s for s in facts.held_out.scores}
    # held out: PERSON 1 gold, 2 predicted, 1 exact -> P 1/2, R 1, F1 2*0.5*1/1.5 = 0.6667
    assert (held["PERSON"].exact.precision, held["PERSON"].exact.recall) == (0.5, 1.0)
    assert held["PERSON"].exact.f1 == 0.6667
    # MOTIVE: 1 gold, nothing predicted -> recall 0; ALL: 2 gold, 2 predicted, 1 hit -> 0.5
    assert (held["MOTIVE"].gold, held["MOTIVE"].exact.recall) == (1, 0.0)
    assert (held["ALL"].exact.f1, held["ALL"].overlap.f1) == (0.5, 0.5)


def test_heldout_figure_is_none_without_a_held_out_document() -> None:
    seen_only = {"000": GOLD["000"]}
    assert heldout_prelabel(seen_only, PREDICTIONS, RULES, LABELS, "f" * 64) is None


def test_heldout_markdown_shows_both_figures_side_by_side_with_the_caveat() -> None:
    text = heldout_to_markdown(_facts())
    assert (
        "| PERSON | 1 / 1 | 1.000 / 1.000 / 1.000 | 1.000 / 1.000 / 1.000 "
        "| 1 / 2 | 0.500 / 1.000 / 0.667 | 0.500 / 1.000 / 0.667 |"
    ) in text
    assert "| STATISTIC | 0 / 0 | - | - | 0 / 0 | - | - |" in text
    assert "- Seed: 1 document (the rules were written from them), 2 gold and 2 predicted" in text
    assert "- Held-out: 1 document (added after the rules were frozen), 2 gold and 2" in text
    assert "`c261a659633b` is the frozen rules'" in text
    assert "hash to `ffffffffffff`, the frozen hash." in text
    assert "Left out of both figures: 006 (made by `nkcorpus-prelabel-0.3.0-patterns-" in text
    assert "007 (no prediction)" in text
    assert "one of the two annotators of each started from these predictions" in text


def test_heldout_markdown_says_which_rules_made_the_predictions_once_the_rules_change() -> None:
    text = heldout_to_markdown(_facts(rules_sha256="a" * 64))
    assert "the rules have changed since the freeze" in text
    assert "`aaaaaaaaaaaa`, the frozen ones to `ffffffffffff`" in text
    assert "made by the model versions named, not of the current rules" in text


def test_card_prelabel_section_keeps_the_old_text_without_held_out_documents() -> None:
    old = {"export": "e.json", "PERSON": {"exact": 0.5, "overlap": 0.75}}
    assert prelabel_with_heldout(old, None) == old
    v1_1_0 = {"export": "export-20261123T143940Z-8351727d2b8f.json"}
    intro = prelabel_section(v1_1_0).split("\n\n")[0]
    assert intro + "\n\n| label | exact F1 | overlap F1 |" in V1_1_0_CARD.read_text(
        encoding="utf-8"
    )
    assert prelabel_section(old) == (
        "Pre-annotation F1 against the gold (e.json; the gold\n"
        "was started from these pre-annotations, so the scores overstate what the rules\n"
        "would reach against independently made gold):\n\n" + prelabel_table(old)
    )
    facts = _facts()
    both = prelabel_with_heldout(old, facts)
    assert both[HELDOUT_KEY] is facts and "PERSON" not in both
    assert prelabel_table(both) == heldout_to_markdown(facts)
    assert prelabel_section(both).endswith(heldout_to_markdown(facts))
    assert "on the seed documents the rules were written from" in prelabel_section(both)


def test_card_splits_note_names_the_held_out_exception_only_with_held_out_documents() -> None:
    from types import SimpleNamespace

    old = splits_note(SimpleNamespace(prelabel={"export": "e.json"}))
    assert old in V1_1_0_CARD.read_text(encoding="utf-8")  # v1.1.0's sentence, unchanged
    new = splits_note(SimpleNamespace(prelabel=prelabel_with_heldout({}, _facts())))
    assert "the two exceptions" in new and "The test split holds only\nheld-out" in new
