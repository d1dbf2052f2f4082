"""Agreement figures on hand-computed fixtures over TEXT's 13 tokens:

    t0  t1   t2      t3  t4    t5 t6    t7 t8  t9     t10 t11   t12
    Kim Jong crossed the river to China .  Lee stayed in  Seoul .

`full()` tags them B-P I-P B-C I-C I-C I-C I-C O B-P O O O O (2 B-P, 1 I-P,
1 B-C, 4 I-C, 5 O).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nkcorpus.annotation.agreement.report import measure_agreement
from tests.annotation.agreement import (
    TEXT,
    accepted,
    crossing,
    full,
    measure,
    person,
    short_document,
    value,
)
from tests.build import annotation, region, relation, task, write_export


def _pair(first: list, second: list, doc_id: str = "900_short", task_id: int = 1) -> dict:
    annotations = [
        annotation(task_id * 10 + 1, first, completed_by=4),
        annotation(task_id * 10 + 2, second, completed_by=5),
    ]
    return task(task_id, short_document(doc_id), annotations)


def test_identical_annotations_agree_fully(tmp_path: Path) -> None:
    report = measure(tmp_path, [_pair(full(), full("b"))])
    # 3 spans each, 3 matched: 2 * 3 / (3 + 3) = 1 under both matchings
    assert value(report, "spans.exact.ALL") == value(report, "spans.overlap.ALL") == 1.0
    assert value(report, "spans.exact.PERSON") == 1.0  # 2 * 2 / (2 + 2)
    assert value(report, "spans.exact.MOTIVE") is None  # no MOTIVE at all: undefined
    # p_o = 1, p_e = (2^2 + 1 + 1 + 4^2 + 5^2) / 13^2 = 47/169: kappa = 1; alpha: D_o = 0 -> 1
    assert value(report, "tokens.kappa") == pytest.approx(1.0)
    assert value(report, "tokens.alpha") == pytest.approx(1.0)
    assert report.documents == 1 and report.annotators == [4, 5]
    assert report.support["spans.exact.ALL.matched"] == 3


def test_disjoint_annotations_score_zero(tmp_path: Path) -> None:
    report = measure(tmp_path, [_pair(person("Kim Jong", "p"), person("Lee", "q"))])
    # no pair shares a character: 2 * 0 / (1 + 1) = 0
    assert value(report, "spans.exact.ALL") == value(report, "spans.overlap.ALL") == 0.0
    # tokens (first, second): t0 (B-P, O), t1 (I-P, O), t8 (O, B-P), 10 x (O, O)
    # p_o = 10/13; p_e = (1 * 1 [B-P] + 11 * 12 [O]) / 169 = 133/169
    # kappa = (130 - 133) / (169 - 133) = -3/36 = -1/12
    assert value(report, "tokens.kappa") == pytest.approx(-1 / 12)
    # coincidences: O-O 20, B-P/O 2 + 2, I-P/O 1 + 1 -> D_o = 6; n_O = 23, n_BP = 2,
    # n_IP = 1, n = 26: D_e = (26^2 - 23^2 - 2^2 - 1^2) / 25 = 142/25; alpha = 1 - 150/142
    assert value(report, "tokens.alpha") == pytest.approx(1 - 150 / 142)


def test_nested_and_partly_overlapping_spans_match_by_overlap_only(tmp_path: Path) -> None:
    first = [*person("Kim Jong", "p"), *crossing("crossed the river", "c")]  # t0-t1, t2-t4
    second = [*person("Kim", "q"), *crossing("the river to China", "d")]  # t0, t3-t6
    report = measure(tmp_path, [_pair(first, second)])
    # "Kim" is nested in "Kim Jong" (3 characters shared); the crossings share
    # "the river" (9 characters): exact 0 / 4, overlap 2 * 2 / (2 + 2) = 1
    assert value(report, "spans.exact.ALL") == 0.0
    assert value(report, "spans.overlap.ALL") == 1.0
    assert value(report, "spans.overlap.CROSSING") == 1.0
    # tags: first B-P I-P B-C I-C I-C O O ..., second B-P O O B-C I-C I-C I-C ...
    # agree on t0, t4 and t7-t12: p_o = 8/13
    # first: B-P 1, I-P 1, B-C 1, I-C 2, O 8; second: B-P 1, B-C 1, I-C 3, O 8
    # p_e = (1 + 0 + 1 + 6 + 64) / 169 = 72/169; kappa = (104 - 72) / (169 - 72) = 32/97
    assert value(report, "tokens.kappa") == pytest.approx(32 / 97)


def test_a_span_of_another_label_never_matches(tmp_path: Path) -> None:
    first = person("Kim Jong", "p")
    second = region(TEXT, "Kim Jong", "STATISTIC", "s", qualifier="exact", subject="other")
    report = measure(tmp_path, [_pair(first, second)])
    assert value(report, "spans.overlap.ALL") == 0.0  # 0 / (1 + 1)
    assert value(report, "spans.overlap.PERSON") == 0.0  # 0 / (1 + 0)


def test_an_annotator_with_no_spans(tmp_path: Path) -> None:
    report = measure(tmp_path, [_pair(full(), [])])
    # 0 matched of 3 + 0 spans: F1 0 (defined: one annotator has spans)
    assert value(report, "spans.exact.ALL") == value(report, "spans.overlap.ALL") == 0.0
    # second is all O: p_o = p_e = 5/13 (first's O share): kappa 0
    assert value(report, "tokens.kappa") == pytest.approx(0.0)
    # 5 units (O, O): O-O 10; 8 units (x, O): off-diagonal 16 = D_o
    # n_O = 10 + 8 = 18, n_BP = 2, n_IP = 1, n_BC = 1, n_IC = 4, n = 26
    # D_e = (676 - (324 + 4 + 1 + 1 + 16)) / 25 = 330/25; alpha = 1 - 16 * 25 / 330 = -7/33
    assert value(report, "tokens.alpha") == pytest.approx(-7 / 33)


def test_three_annotators_pairs_and_alpha(tmp_path: Path) -> None:
    doc = short_document()
    item = task(1, doc, [annotation(11, full(), completed_by=4),
                         annotation(12, full("b"), completed_by=5),
                         annotation(13, person("Kim Jong", "k"), completed_by=6)])  # fmt: skip
    report = measure(tmp_path, [item])
    # pairs (4,5): 3 of 3 + 3; (4,6) and (5,6): 1 of 3 + 1: micro 2 * 5 / 14
    assert value(report, "spans.exact.ALL") == pytest.approx(10 / 14)
    matrix = {(p.first, p.second): p.overlap_f1 for p in report.pairs}
    assert matrix == {(4, 5): 1.0, (4, 6): 0.5, (5, 6): 0.5}  # 6/6, 2/4, 2/4
    assert [p.documents for p in report.pairs] == [1, 1, 1]
    # pooled kappa, 39 token pairs (rows: the lower id): rows 3 x full (B-P 6, I-P 3,
    # B-C 3, I-C 12, O 15); columns full + 2 x "Kim Jong" (B-P 2 + 2, I-P 1 + 2, B-C 1,
    # I-C 4, O 5 + 22); agreements 13 + 7 + 7 = 27
    # p_e = (6*4 + 3*3 + 3*1 + 12*4 + 15*27) / 39^2 = 489/1521
    # kappa = (1053 - 489) / (1521 - 489) = 564/1032
    assert value(report, "tokens.kappa") == pytest.approx(564 / 1032)
    # alpha, 3 coders per token (weights 1/2): off-diagonal D_o = 2 (t2) + 4 * 2 (t3-t6)
    # + 2 (t8) = 12; values B-P 5, I-P 3, B-C 2, I-C 8, O 21 (n = 39)
    # D_e = (39^2 - (25 + 9 + 4 + 64 + 441)) / 38 = 978/38; alpha = 1 - 12 * 38 / 978
    assert value(report, "tokens.alpha") == pytest.approx(1 - 456 / 978)


def test_attribute_and_relation_agreement(tmp_path: Path) -> None:
    first = [
        *person("Kim Jong", "p1", roles=["defector", "returnee"]),
        *person("Lee", "p2", roles=["defector", "returnee"]),
        *person("Seoul", "p3", roles="official"),
        *crossing("crossed the river to China", "c1", status="completed"),
        relation("p1", "c1", "agent"),
        relation("p2", "c1", "agent"),
    ]
    second = [
        *person("Kim Jong", "q1", roles=["returnee", "defector"]),  # same set
        *person("Lee", "q2", roles="official"),
        *person("Seoul", "q3", roles="official"),
        *crossing("crossed the river", "d1", status="attempted"),  # overlap match
        *region(TEXT, "stayed in Seoul", "MOTIVE", "m1", category="family_ties"),
        relation("q1", "d1", "agent"),
        relation("q3", "d1", "agent"),
        relation("d1", "m1", "motivated_by"),  # m1 matches nothing
    ]
    report = measure(tmp_path, [_pair(first, second)])
    # roles on 3 matched PERSONs: (d+r, d+r), (d+r, official), (official, official)
    # percent 2/3; rows d+r 2, official 1; columns d+r 1, official 2
    # p_e = (2 * 1 + 1 * 2) / 9 = 4/9; kappa = (6/9 - 4/9) / (5/9) = 0.4
    assert value(report, "attributes.roles.percent") == pytest.approx(2 / 3)
    assert value(report, "attributes.roles.kappa") == pytest.approx(0.4)
    # one CROSSING pair: status differs (percent 0, p_e = 0 so kappa 0); direction
    # is the same (percent 1, kappa undefined: one value throughout)
    assert value(report, "attributes.status.percent") == 0.0
    assert value(report, "attributes.status.kappa") == 0.0
    assert value(report, "attributes.direction.percent") == 1.0
    assert value(report, "attributes.direction.kappa") is None
    assert value(report, "attributes.category.percent") is None  # no matched MOTIVE
    # relations: p1->c1 = q1->d1 agrees; p2->c1 maps to q2->d1, absent; q3->d1 absent
    # in first; d1->m1 has an unmatched end. Ends: 1 agreeing of 2 + 2: 2/4;
    # all relations: 2 * 1 / (2 + 3) = 0.4
    assert value(report, "relations.ends.ALL") == 0.5
    assert value(report, "relations.all.ALL") == 0.4
    assert value(report, "relations.ends.motivated_by") is None  # no end matched: 0 + 0
    assert value(report, "relations.all.motivated_by") == 0.0  # 0 / (0 + 1)
    # spans: 4 PERSON/CROSSING of first all match by overlap, 3 exactly (the PERSONs);
    # second has 5 (the MOTIVE): overlap 8/9, exact 6/9
    assert value(report, "spans.overlap.ALL") == pytest.approx(8 / 9)
    assert value(report, "spans.exact.ALL") == pytest.approx(6 / 9)


def test_reviewers_copy_is_left_out(tmp_path: Path) -> None:
    doc = short_document()
    item = task(1, doc, [annotation(11, full(), completed_by=4),
                         annotation(12, person("Lee", "x"), completed_by=5),
                         annotation(13, accepted(full("r")), completed_by=9)])  # fmt: skip
    report = measure(tmp_path, [item], reviewers=frozenset({9}))
    # only 4 and 5: 1 matched of 3 + 1: 2/4; with the copy (a duplicate of 4's)
    # counted the micro F1 would be (2 + 6 + 2) / (4 + 6 + 4) = 10/14
    assert value(report, "spans.exact.ALL") == 0.5
    assert report.annotators == [4, 5] and report.left_out["reviewer_annotations"] == 1


def test_per_document_figures_and_overall_sums(tmp_path: Path) -> None:
    tasks = [
        _pair(full(), full("b"), "900_a", 1),
        _pair(person("Kim Jong", "p"), person("Lee", "q"), "901_b", 2),
    ]
    report = measure(tmp_path, tasks)
    per_doc = {d.doc_id: d.figures for d in report.per_document}
    assert per_doc["900_a"]["spans.exact.ALL"] == 1.0 and per_doc["901_b"]["spans.exact.ALL"] == 0.0
    assert per_doc["901_b"]["tokens.kappa"] == pytest.approx(-1 / 12)  # as the disjoint test
    assert [d.tokens for d in report.per_document] == [13, 13]
    # overall: (2 * 3 + 0) / (6 + 2) = 0.75: micro, not the mean of 1 and 0
    assert value(report, "spans.exact.ALL") == 0.75


def test_no_document_with_two_annotators_gives_no_figures(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "e.json", [task(1, short_document(), [annotation(1, full(), completed_by=4)])]
    )
    report = measure_agreement([path], reviewers=frozenset(), resamples=10)
    assert report.documents == 0 and report.figures == {} and report.pairs == []
    assert report.left_out["tasks_with_fewer_than_two_annotators"] == 1
