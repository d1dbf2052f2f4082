"""The manifest's excerpt fields (`excerpt`, `excerpt_note`, `retrieved`) and its
date rule: an excerpt is the start of an article as a stored page holds it, so
it must name that page (url), say what it is, and when it was taken; dates are
written YYYY-MM-DD. Entries without these fields are written as before."""

import datetime as dt

import pytest
import yaml

from nkcorpus.corpus.manifest import (
    MANIFEST_HEADER,
    MANIFEST_NAME,
    Manifest,
    ManifestEntry,
    load_manifest,
    manifest_to_yaml,
)
from nkcorpus.errors import SeedError

EXCERPT = "012_yonhap-2023-china-repatriates-600"  # published 2023-10-11, no title


def _edit(seeds_copy, doc_id: str, **changes) -> int:
    """Set fields of one entry of the copy's manifest (and delete those named in `drop`);
    returns the entry's index, the one D002 names."""
    path = seeds_copy / MANIFEST_NAME
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    index = [d["doc_id"] for d in data["documents"]].index(doc_id)
    for key in changes.pop("drop", ()):
        del data["documents"][index][key]
    data["documents"][index].update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return index


def test_excerpts_are_the_29_new_documents_each_with_url_note_and_date(seeds_dir):
    entries = load_manifest(seeds_dir).documents
    excerpts = [e for e in entries if e.excerpt]
    # 005 ... 033: 33 - 5 + 1 = 29 excerpts, all taken on 2026-11-30
    assert [e.doc_id[:3] for e in excerpts] == [f"{n:03d}" for n in range(5, 34)]
    for e in excerpts:
        assert e.url and e.url.startswith("http") and e.reviewed, e.doc_id
        assert e.retrieved == dt.date(2026, 11, 30), e.doc_id
        assert "stored copy of the page" in e.excerpt_note, e.doc_id
        if e.published:
            assert e.published <= e.retrieved
    for e in entries[:5]:  # the five original seeds: no excerpt fields
        assert not e.excerpt and e.excerpt_note is None and e.retrieved is None


def test_entries_without_excerpt_fields_are_written_as_v1_1_0_released_them(seeds_dir, repo_root):
    released = (repo_root / "dataset" / "v1.1.0" / "sources.yaml").read_text(encoding="utf-8")
    body = released[released.index("manifest_version:") :]
    ids = {d["doc_id"] for d in yaml.safe_load(body)["documents"]}
    assert ids == {"000_610f827a1a73c6d9", "002_f4fac74a6db6b90a", "003_8619a8974c0e0bd4",
                   "004_cf81856647957af6"}  # fmt: skip
    manifest = load_manifest(seeds_dir)
    kept = Manifest(documents=tuple(e for e in manifest.documents if e.doc_id in ids))
    assert manifest_to_yaml(kept).removeprefix(MANIFEST_HEADER) == body
    assert "excerpt" not in body and "retrieved" not in body


def test_excerpt_without_url_is_refused_even_with_a_recorded_reason(seeds_copy):
    index = _edit(seeds_copy, EXCERPT, url=None, missing={"url": "the page is gone"})
    with pytest.raises(SeedError, match=rf"\[D002\] .*documents\.{index}: .*must have its url"):
        load_manifest(seeds_copy)


def test_excerpt_without_note_and_date_names_both_problems(seeds_copy):
    index = _edit(seeds_copy, EXCERPT, drop=["excerpt_note", "retrieved"])
    with pytest.raises(SeedError, match=rf"documents\.{index}: ") as info:
        load_manifest(seeds_copy)
    assert "needs excerpt_note" in str(info.value) and "needs retrieved" in str(info.value)


def test_excerpt_note_without_excerpt_is_refused(seeds_copy):
    index = _edit(seeds_copy, EXCERPT, excerpt=False)
    with pytest.raises(SeedError, match=rf"documents\.{index}: .*excerpt is not true"):
        load_manifest(seeds_copy)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("published", "11/10/2023", "not a date written YYYY-MM-DD"),
        ("published", "2023-10-1", "not a date written YYYY-MM-DD"),
        ("published", 20231011, "not a date written YYYY-MM-DD"),
        ("retrieved", dt.datetime(2026, 11, 30, 10, 0), "not a date written YYYY-MM-DD"),
        ("retrieved", "2026-02-30", "day value is outside expected range"),
    ],
)
def test_dates_must_be_iso_calendar_dates(seeds_copy, field, value, words):
    index = _edit(seeds_copy, EXCERPT, **{field: value})
    with pytest.raises(SeedError, match=rf"\[D002\] .*documents\.{index}\.{field}: ") as info:
        load_manifest(seeds_copy)
    assert words in str(info.value)


def test_a_text_cannot_be_retrieved_before_it_was_published(seeds_copy):
    index = _edit(seeds_copy, EXCERPT, retrieved="2023-10-10")  # published 2023-10-11
    with pytest.raises(SeedError, match=rf"documents\.{index}: .*retrieved 2023-10-10 is before"):
        load_manifest(seeds_copy)


def test_unquoted_yaml_dates_are_read_and_written_back_quoted(seeds_copy):
    _edit(seeds_copy, EXCERPT, published=dt.date(2023, 10, 11), retrieved=dt.date(2026, 11, 30))
    assert "published: 2023-10-11\n" in (seeds_copy / MANIFEST_NAME).read_text(encoding="utf-8")
    entry = load_manifest(seeds_copy).entry(EXCERPT)
    assert (entry.published, entry.retrieved) == (dt.date(2023, 10, 11), dt.date(2026, 11, 30))
    text = manifest_to_yaml(Manifest(documents=(entry,)))
    assert "  published: '2023-10-11'\n  retrieved: '2026-11-30'\n" in text


def test_excerpt_fields_are_written_only_where_set():
    base = dict(doc_id="005_a", file="005_a.txt", format="txt", sha256="0" * 64, title="T",
                publisher="P", url="https://example.org/a", published=None, language="en",
                body={"first_line": 1, "last_line": 1}, group="005_a", reviewed=True)  # fmt: skip
    plain = manifest_to_yaml(Manifest(documents=(ManifestEntry(**base),)))
    assert "excerpt" not in plain and "retrieved" not in plain
    excerpt = ManifestEntry(**base, excerpt=True, excerpt_note="the first 9 characters",
                            retrieved="2026-11-30")  # fmt: skip
    text = manifest_to_yaml(Manifest(documents=(excerpt,)))
    assert "  excerpt: true\n  excerpt_note: the first 9 characters\n" in text
    assert Manifest.model_validate(yaml.safe_load(text)).documents == (excerpt,)
