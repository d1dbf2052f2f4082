from nkcorpus.corpus.dedup import (
    CONTAINMENT_THRESHOLD,
    DuplicatePair,
    find_near_duplicates,
    pairs_to_groups,
    text_to_shingles,
)
from nkcorpus.corpus.documents import load_documents
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
    assert pairs_to_groups(list(texts), pairs) == {"a": "a", "b": "a", "c": "c"}


def test_dedup_groups_are_transitive():
    pairs = [DuplicatePair("b", "c", 1.0, 1.0), DuplicatePair("a", "c", 1.0, 1.0)]
    assert pairs_to_groups(["a", "b", "c", "d"], pairs) == {"a": "a", "b": "a", "c": "a", "d": "d"}


def test_dedup_shingles_ignore_case_and_punctuation():
    assert text_to_shingles("One, two; THREE four five!") == text_to_shingles(
        "one two three four five"
    )
    assert text_to_shingles("") == set()


def test_dedup_summary_reports_the_group(seeds_dir):
    summary = summarise(seeds_dir)
    assert summary.groups["001_01116437e2deb97c"] == [
        "001_01116437e2deb97c",
        "002_f4fac74a6db6b90a",
    ]
    assert summary.totals["documents"] == 5 and summary.totals["near_duplicate_groups"] == 1
