import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nkcorpus.corpus.dedup import find_near_duplicates, text_to_shingle_array
from nkcorpus.corpus.dedup_lsh import MAX_MISS, band_plan, candidate_pairs, plausible
from nkcorpus.corpus.dedup_sign import NUM_PERM

VOCABULARY = [f"w{i}" for i in range(5000)]


def _words(rng: random.Random, count: int) -> list[str]:
    return [rng.choice(VOCABULARY) for _ in range(count)]


def _exact(texts: dict[str, str], threshold: float = 0.8) -> list[tuple[str, str]]:
    """Brute force over every pair: the rule the LSH candidates must reproduce."""
    shingles = {d: set(text_to_shingle_array(t).tolist()) for d, t in texts.items()}
    ids = sorted(texts)
    return [
        (a, b)
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
        if shingles[a]
        and shingles[b]
        and len(shingles[a] & shingles[b]) / min(len(shingles[a]), len(shingles[b])) >= threshold
    ]


def test_dedup_lsh_band_plan_for_equal_sizes():
    # J = 0.8 / (1 + 1 - 0.8) = 2/3; 6 rows: (1 - (2/3)**6)**b <= 0.001 needs b >= 75.2,
    # more than 256 // 6 = 42; 5 rows: b >= ln(0.001) / ln(1 - 0.13169) = 48.9, so 49
    plan = band_plan(1.0, 0.8)
    assert (plan.rows, plan.bands) == (5, 49) and plan.miss <= MAX_MISS


def test_dedup_lsh_band_plan_gives_up_beyond_a_size_ratio_of_about_30():
    # ratio 29.8: J = 0.8 / (1 + 29.8 - 0.8) = 0.026667; 1-row bands need
    # b >= ln(0.001) / ln(1 - 0.026667) = 6.9078 / 0.027029 = 255.6, so all 256
    at_29 = band_plan(29.8, 0.8)
    assert (at_29.rows, at_29.bands) == (1, NUM_PERM) and at_29.miss <= MAX_MISS
    # ratio 32: J = 0.8 / (1 + 32 - 0.8) = 0.02484,
    # (1 - 0.02484)**256 = exp(256 * -0.025155) = 0.0016 > 0.001: all 256 bands, best effort
    at_32 = band_plan(32.0, 0.8)
    assert (at_32.rows, at_32.bands) == (1, NUM_PERM) and 0.0015 < at_32.miss < 0.0017


def test_dedup_lsh_plausible_drops_pairs_that_agree_in_too_few_positions():
    # equal sizes: J = 2/3 at containment 0.8, Binomial(256, 2/3) falls under 142 with
    # probability <= 0.0001 (mean 170.7, sd 7.5): 142 agreeing positions pass, 141 do not
    base = np.arange(NUM_PERM, dtype=np.uint32)
    other = base.copy()
    other[:114] += 1000  # 256 - 114 = 142 agree
    third = base.copy()
    third[:115] += 1000  # 141 agree
    signatures = np.stack([base, other, third])
    pairs = np.array([[0, 1], [0, 2]])
    kept = plausible(pairs, signatures, np.array([700, 700, 700]), 0.8)
    assert kept.tolist() == [[0, 1]]


def test_dedup_lsh_finds_every_planted_copy_and_nothing_else():
    rng = random.Random(13)
    texts = {f"doc{i:03d}": " ".join(_words(rng, rng.randint(300, 900))) for i in range(120)}
    for i in range(0, 120, 4):  # 30 truncated copies, 40% to 95% of the words
        words = texts[f"doc{i:03d}"].split()
        texts[f"doc{i:03d}-copy"] = " ".join(words[: int(len(words) * rng.uniform(0.4, 0.95))])
    expected = _exact(texts)
    assert len(expected) == 30  # the copies; random texts of 5,000 words share no 5-gram
    assert [(p.a, p.b) for p in find_near_duplicates(texts)] == expected


def test_dedup_lsh_groups_do_not_depend_on_input_order():
    rng = random.Random(5)
    texts = {f"d{i}": " ".join(_words(rng, 400)) for i in range(40)}
    texts["d0-copy"] = " ".join(texts["d0"].split()[:300])
    items = list(texts.items())
    rng.shuffle(items)
    assert find_near_duplicates(dict(items)) == find_near_duplicates(texts)


def test_dedup_lsh_candidates_skip_pairs_without_a_shared_band():
    # two unrelated signatures share no band; one copied signature shares all of them
    signatures = np.array([[1] * NUM_PERM, [2] * NUM_PERM, [1] * NUM_PERM], dtype=np.uint32)
    found = candidate_pairs(signatures, np.array([100, 100, 100]), 0.8)
    assert np.unique(np.concatenate(list(found)), axis=0).tolist() == [[0, 2]]


def test_dedup_lsh_empty_and_short_texts():
    # no words: no shingles, never a pair; under 5 words: one padded shingle each
    texts = {"a": "", "b": "", "c": "two words", "d": "Two, words!"}
    assert [(p.a, p.b, p.containment) for p in find_near_duplicates(texts)] == [("c", "d", 1.0)]


def test_dedup_lsh_progress_bar_only_when_asked(capsys):
    rng = random.Random(1)
    texts = {f"d{i}": " ".join(_words(rng, 50)) for i in range(5)}
    find_near_duplicates(texts)  # stderr is not a terminal under pytest: silent
    assert capsys.readouterr().err == ""
    find_near_duplicates(texts, progress=True)
    assert "near-duplicates: signatures" in capsys.readouterr().err


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10**6),
    length=st.integers(20, 1500),
    kept=st.floats(0.07, 1.0),
    edits=st.floats(0.0, 0.1),
)
def test_dedup_lsh_agrees_with_the_exact_rule(seed, length, kept, edits):
    """A copy of a share `kept` of a document, with a share `edits` of its words
    replaced, among unrelated documents: LSH + exact check finds exactly the
    pairs that brute force finds. A miss has probability <= 0.001 per pair with
    a size ratio up to 15 (`band_plan`), so over these 60 fixed examples the
    expected number of failures is below 0.06."""
    rng = random.Random(seed)
    base = _words(rng, length)
    copy = base[: max(1, int(length * kept))]
    copy = [rng.choice(VOCABULARY) if rng.random() < edits else w for w in copy]
    texts = {"base": " ".join(base), "copy": " ".join(copy)}
    texts.update({f"other{i}": " ".join(_words(rng, rng.randint(20, 800))) for i in range(6)})
    assert [(p.a, p.b) for p in find_near_duplicates(texts)] == _exact(texts)


def test_dedup_lsh_signatures_are_datasketchs_and_do_not_depend_on_processes(monkeypatch):
    from datasketch import MinHash

    from nkcorpus.corpus import dedup_sign

    rng = random.Random(3)
    texts = [" ".join(_words(rng, rng.randint(1, 300))) for _ in range(10)] + [""]
    shingles = text_to_shingle_array(texts[0])
    reference = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32", hashfunc=int)
    reference.update_batch(dedup_sign.fold32(shingles).tolist())
    assert np.array_equal(dedup_sign.minhash_values(shingles), reference.hashvalues)
    monkeypatch.setattr(dedup_sign, "_CHUNK", 3)  # 4 chunks, so 2 worker processes are used
    sizes, signatures = dedup_sign.sign_all(texts, processes=1)
    pooled_sizes, pooled = dedup_sign.sign_all(texts, processes=2)
    assert np.array_equal(sizes, pooled_sizes) and np.array_equal(signatures, pooled)
    assert sizes[-1] == 0 and not signatures[-1].any()  # no words: no shingles, zeros
