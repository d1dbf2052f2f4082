"""The ranking of the review queue over a hand-made export with every reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkcorpus.annotation.review.disagreement import Region, RegionDifference
from nkcorpus.annotation.review.queue import ReviewQueue, review_queue
from nkcorpus.annotation.review.urls import AnnotatorsPerTask
from nkcorpus.build.errors import BuildError
from nkcorpus.build.exports import read_exports
from tests.annotation.review import (
    ACCEPT,
    doc_text,
    export_task,
    person,
    prediction,
    version,
)
from tests.build import region, write_export

URL = "http://ls.example:8080"
REVIEWER = 9
T0, T1, T2, T3 = doc_text(0), doc_text(1), doc_text(2), doc_text(3)


def _tasks() -> list[dict]:
    agreed = person(T1, "a North Korean defector", "p")
    soldier = person(T3, "A North Korean soldier", "ps")
    defected = region(T3, "defected to South Korea", "CROSSING", "cd")
    crossing = region(T3, "crossing the heavily fortified border", "CROSSING", "cc")
    return [
        # 101: two accepted annotations (B122); the annotators agree
        export_task(101, 1, [
            version(1011, 1, agreed),
            version(1012, 2, agreed),
            version(1013, REVIEWER, [ACCEPT, *agreed], parent_annotation=1011),
            version(1014, REVIEWER, [ACCEPT, *agreed]),
        ]),
        # 102: ready, full agreement; user 1's older annotation, a skipped one, a copy
        # of another annotation and a reviewer's annotation not accepted are not versions
        export_task(102, 2, [
            version(1020, 1, [], updated="09:00"),
            version(1021, 1, person(T2, "a North Korean defector", "p")),
            version(1022, 2, person(T2, "a North Korean defector", "p")),
            {**version(1023, 3, []), "was_cancelled": True},
            version(1024, 3, [], parent_annotation=1021),
            version(1025, REVIEWER, []),
        ]),
        # 103: ready; PERSON "A man" (0-5) and "man" (2-5) overlap, CROSSING and MOTIVE
        # have no partner: F1 = 2 * 1 / (2 + 2) = 0.5
        export_task(103, 0, [
            version(1031, 1, [
                *person(T0, "A man", "a"),
                *region(T0, "defected from North Korea", "CROSSING", "b"),
            ]),
            version(1032, 2, [
                *person(T0, "man", "c"),
                *region(T0, "avoided South Korea’s border controls", "MOTIVE", "d"),
            ]),
        ]),
        # 104: user 1 submits prediction 40 unchanged, user 2 adds a CROSSING:
        # F1 = 2 * 2 / (2 + 3) = 0.8, not below 0.8: anchoring, no disagreement
        export_task(104, 3, [
            version(1041, 1, [*soldier, *defected], parent_prediction=40),
            version(1042, 2, [*soldier, *defected, *crossing], parent_prediction=40),
        ], predictions=[prediction(40, [*soldier, *defected])]),
        # 105: one annotator of 2: waiting
        export_task(105, 4, [version(1051, 1, [])]),
        # 106: starred gold: reviewed, never listed
        export_task(106, 0, [
            version(1061, 1, []),
            version(1062, 2, person(T0, "A man", "x")),
            {**version(1063, REVIEWER, []), "ground_truth": True},
        ]),
        # 107: project 2 wants 3 annotators; 2 so far, one marked a PERSON, the other
        # nothing: F1 = 2 * 0 / (1 + 0) = 0
        export_task(107, 1, [
            version(1071, 1, agreed),
            version(1072, 2, []),
        ], project=2),
        # 108: same region, user 2 changed its role: F1 1.0, anchoring
        export_task(108, 2, [
            version(1081, 1, person(T2, "a North Korean defector", "u", "defector"),
                    parent_prediction=80),
            version(1082, 2, person(T2, "a North Korean defector", "v", "other"),
                    parent_prediction=80),
        ], predictions=[prediction(80, person(T2, "a North Korean defector", "w", "defector"))]),
    ]  # fmt: skip


@pytest.fixture
def queue(tmp_path: Path) -> ReviewQueue:
    export = write_export(tmp_path / "export.json", _tasks())
    return review_queue(
        read_exports([export]),
        annotators=AnnotatorsPerTask(2, {2: 3}),
        url=URL,
        reviewers=frozenset({REVIEWER}),
    )


def test_order_most_urgent_first(queue: ReviewQueue) -> None:
    # rule; then ready by lowest F1 (103 0.5, 104 0.8, 108 1.0 with two reasons, 102 1.0
    # with one); then disagreement without enough annotators (107)
    assert [(i.rank, i.task_id) for i in queue.items] == [
        (1, 101), (2, 103), (3, 104), (4, 108), (5, 102), (6, 107),
    ]  # fmt: skip
    assert {i.task_id: i.reasons for i in queue.items} == {
        101: ("rule",),
        103: ("ready", "disagreement"),
        104: ("ready", "anchoring"),
        108: ("ready", "anchoring"),
        102: ("ready",),
        107: ("disagreement",),
    }
    assert (queue.tasks, queue.reviewed, queue.waiting) == (8, 1, 1)  # 106 reviewed, 105 waits


def test_rule_problem_is_shown_and_decided_annotations_are_not_versions(
    queue: ReviewQueue,
) -> None:
    item = queue.items[0]
    assert item.problem is not None and item.problem.startswith("[B122]")
    assert "2 annotations are accepted (1013, 1014)" in item.problem
    assert [v.annotation_id for v in item.versions] == [1011, 1012]
    assert item.url == f"{URL}/projects/1/data?task=101"


def test_versions_are_the_newest_per_annotator_without_skips_or_copies(
    queue: ReviewQueue,
) -> None:
    [item] = [i for i in queue.items if i.task_id == 102]
    assert [(v.annotation_id, v.annotator) for v in item.versions] == [(1021, 1), (1022, 2)]
    assert item.differences == ()


def test_disagreement_lists_the_regions_with_their_texts(queue: ReviewQueue) -> None:
    [item] = [i for i in queue.items if i.task_id == 103]
    assert item.lowest is not None and item.lowest.f1 == 0.5
    assert item.differences == (
        RegionDifference("PERSON", 0, 5, "A man", (1031,), (1032,)),
        RegionDifference("PERSON", 2, 5, "man", (1032,), (1031,)),
        RegionDifference("CROSSING", 21, 46, "defected from North Korea", (1031,), (1032,)),
        RegionDifference(
            "MOTIVE", 47, 84, "avoided South Korea’s border controls", (1032,), (1031,)
        ),
    )


def test_anchoring_names_the_unchanged_annotation(queue: ReviewQueue) -> None:
    items = {i.task_id: i for i in queue.items}
    assert items[104].anchored == (1041,)
    assert items[104].versions[0].unchanged_from == 40
    assert items[104].lowest is not None and items[104].lowest.f1 == 0.8
    [difference] = items[104].differences
    assert (difference.start, difference.end, difference.marked_by) == (50, 87, (1042,))
    assert items[108].anchored == (1081,)
    assert items[108].differences == ()  # only an attribute differs


def test_project_annotators_and_urls(queue: ReviewQueue) -> None:
    items = {i.task_id: i for i in queue.items}
    assert (items[107].needed, len(items[107].versions)) == (3, 2)
    assert items[107].url == f"{URL}/projects/2/data?task=107"
    # "The latest incident of " is 23 characters; "a North Korean defector" 23 more
    assert items[107].versions[0].regions == (Region("PERSON", 23, 46),)


def test_the_order_does_not_depend_on_the_order_of_tasks(tmp_path: Path) -> None:
    export = write_export(tmp_path / "reversed.json", list(reversed(_tasks())))
    again = review_queue(
        read_exports([export]),
        annotators=AnnotatorsPerTask(2, {2: 3}),
        url=URL,
        reviewers=frozenset({REVIEWER}),
    )
    assert [i.task_id for i in again.items] == [101, 103, 104, 108, 102, 107]


def test_without_the_reviewer_listed_an_acceptance_breaks_the_rule(tmp_path: Path) -> None:
    agreed = person(T1, "a North Korean defector", "p")
    accepted = [version(1, 1, agreed), version(2, 2, agreed), version(3, 5, [ACCEPT, *agreed])]
    export = write_export(tmp_path / "e.json", [export_task(1, 1, accepted)])
    queue = review_queue(read_exports([export]), annotators=AnnotatorsPerTask(2), url=URL)
    [item] = queue.items
    assert item.reasons == ("rule",) and item.problem is not None
    assert item.problem.startswith("[B121]")


def test_a_malformed_task_is_an_error_not_a_queue_entry(tmp_path: Path) -> None:
    export = write_export(tmp_path / "e.json", [export_task(1, 1, ["not an annotation"])])
    with pytest.raises(BuildError, match=r"\[B135\]"):
        review_queue(read_exports([export]), annotators=AnnotatorsPerTask(2), url=URL)
