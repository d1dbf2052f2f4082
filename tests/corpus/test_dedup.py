from nkcorpus.corpus.dedup import (
    CONTAINMENT_THRESHOLD,
    DuplicatePair,
    find_near_duplicates,
    pairs_to_groups,
    text_to_shingles,
)
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.release import select_released
from nkcorpus.corpus.summary import check_groups, summarise

BASE = " ".join(f"word{i}" for i in range(200))


def test_dedup_finds_the_truncated_korea_times_copy(seeds_dir):
    documents = load_documents(seeds_dir)
    pairs = find_near_duplicates({d.doc_id: d.text for d in documents})
    assert [(p.a, p.b) for p in pairs] == [("001_01116437e2deb97c", "002_f4fac74a6db6b90a")]
    assert pairs[0].containment >= CONTAINMENT_THRESHOLD and pairs[0].jaccard < 0.5
    assert check_groups(documents) == pairs


def test_dedup_threshold_separates_overlap_levels():
    words = BASE.split()
    texts = {
        "a": BASE,
        "b": " ".join(words[:150]),  # a truncated copy: fully contained
        "c": " ".join(words[:60] + [f"other{i}" for i in range(140)]),  # shares ~28%
    }
    pairs = find_near_duplicates(texts)
    assert [(p.a, p.b) for p in pairs] == [("a", "b")]
    # the pair records both cleaned lengths: 200 words of "wordN" joined by spaces
    # = 10*5 + 90*6 + 100*7 chars + 199 spaces = 1489; its first 150 words: 1489 - 50*8 = 1089
    assert (pairs[0].a_chars, pairs[0].b_chars) == (1489, 1089)
    assert pairs_to_groups(list(texts), pairs) == {"a": "a", "b": "a", "c": "c"}


def test_dedup_groups_are_transitive():
    pairs = [DuplicatePair("b", "c", 1.0, 1.0), DuplicatePair("a", "c", 1.0, 1.0)]
    assert pairs_to_groups(["a", "b", "c", "d"], pairs) == {"a": "a", "b": "a", "c": "a", "d": "d"}


def test_dedup_group_is_named_by_the_copy_a_release_keeps():
    # c is the longest member (300 > 200 = 200): the group is "c", whatever the ids
    pairs = [
        DuplicatePair("a", "b", 1.0, 1.0, 200, 200),
        DuplicatePair("b", "c", 0.9, 0.5, 200, 300),
    ]
    assert pairs_to_groups(["a", "b", "c"], pairs) == {"a": "c", "b": "c", "c": "c"}
    # a tie on length falls to the lowest doc_id, as in the release policy
    tie = [DuplicatePair("x", "y", 1.0, 1.0, 50, 50)]
    assert pairs_to_groups(["y", "x"], tie) == {"x": "x", "y": "x"}


def test_dedup_group_of_every_released_seed_is_its_own_id(seeds_dir):
    documents = load_documents(seeds_dir)
    released = select_released(documents).released
    assert {d.doc_id: d.group for d in released} == {d.doc_id: d.doc_id for d in released}
    groups = {d.doc_id: d.group for d in documents}
    assert (
        groups["001_01116437e2deb97c"] == groups["002_f4fac74a6db6b90a"] == "002_f4fac74a6db6b90a"
    )


def test_dedup_shingles_ignore_case_and_punctuation():
    assert text_to_shingles("One, two; THREE four five!") == text_to_shingles(
        "one two three four five"
    )
    assert text_to_shingles("") == set()


def test_dedup_summary_reports_the_group(seeds_dir):
    summary = summarise(seeds_dir)
    # named by 002, the copy a release keeps (the longer text), not by the withheld 001
    assert summary.groups["002_f4fac74a6db6b90a"] == [
        "001_01116437e2deb97c",
        "002_f4fac74a6db6b90a",
    ]
    # 5 seeds + 29 excerpts; no excerpt shares text with another document (events may recur)
    assert summary.totals["documents"] == 34 and summary.totals["near_duplicate_groups"] == 1
