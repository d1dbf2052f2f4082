from nkcorpus.corpus.documents import CleanDocument, load_documents
from nkcorpus.corpus.release import select_released


def _doc(doc_id: str, text: str, group: str) -> CleanDocument:
    return CleanDocument(
        doc_id=doc_id, text=text, text_sha256="0" * 64, title=None, publisher=None, url=None,
        published=None, language="en", group=group, source_file=f"{doc_id}.txt",
        source_sha256="0" * 64,
    )  # fmt: skip


def test_release_keeps_the_longest_copy_of_each_group():
    docs = [_doc("b", "short", "a"), _doc("a", "much longer", "a"), _doc("c", "alone", "c")]
    selection = select_released(docs)
    assert [d.doc_id for d in selection.released] == ["a", "c"]
    assert selection.withheld == {"b": "a"}


def test_release_breaks_length_ties_by_lowest_doc_id():
    selection = select_released([_doc("y", "same", "g"), _doc("x", "same", "g")])
    assert [d.doc_id for d in selection.released] == ["x"]
    assert selection.withheld == {"y": "x"}


def test_release_withholds_the_truncated_korea_times_copy(seeds_dir):
    selection = select_released(load_documents(seeds_dir))
    assert selection.withheld == {"001_01116437e2deb97c": "002_f4fac74a6db6b90a"}
    assert len(selection.released) == 33  # 5 seeds + 29 excerpts, minus the withheld 001
