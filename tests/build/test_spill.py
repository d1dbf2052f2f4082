import os
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nkcorpus.build import spill
from nkcorpus.build.spill import MappedSequence, MappedView, SpillDict, SpillList

ITEMS = st.lists(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=40) | st.binary(max_size=300),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=20,
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(items=ITEMS, flush=st.integers(1, 400), read=st.integers(1, 800))
def test_spill_list_holds_what_a_list_holds(items, flush, read):
    # small flush and read sizes: items cut across writes and read blocks
    old = spill._FLUSH, spill._READ
    spill._FLUSH, spill._READ = flush, read
    try:
        spilled = SpillList(items)
        assert len(spilled) == len(items)
        assert list(spilled) == items
        assert [spilled[i] for i in range(len(items))] == items
        assert spilled == items and items == spilled
        if items:
            assert spilled[-1] == items[-1]
            assert spilled[1::2] == items[1::2]
    finally:
        spill._FLUSH, spill._READ = old


def test_spill_list_appends_after_reading_and_copies_on_read():
    row = {"spans": [1]}
    spilled = SpillList([row])
    row["spans"].append(2)  # after it was added: the spilled copy keeps [1]
    assert spilled[0] == {"spans": [1]}
    spilled[0]["spans"].append(3)  # a read is a fresh copy
    spilled.append("next")  # written after a read flushed the first
    assert list(spilled) == [{"spans": [1]}, "next"]
    assert spilled != [{"spans": [1]}] and spilled != "next"


def test_spill_list_index_errors_and_clear():
    spilled = SpillList(["a", "b"])
    with pytest.raises(IndexError, match="out of range"):
        spilled[2]
    with pytest.raises(IndexError, match="out of range"):
        spilled[-3]
    spilled.clear()
    assert len(spilled) == 0 and list(spilled) == []
    spilled.append("c")
    assert list(spilled) == ["c"]


def test_spill_file_is_unlinked_and_in_tmpdir(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    spilled = SpillList([b"x" * (spill._FLUSH + 1)])  # large enough to be written out
    assert spilled._file is not None
    assert os.fstat(spilled._file.fileno()).st_nlink == 0  # no name: nothing left behind
    assert os.stat(tmp_path).st_dev == os.fstat(spilled._file.fileno()).st_dev
    assert list(tmp_path.iterdir()) == []
    spilled.close()
    assert spilled._file is None


def test_spill_dict_is_a_mapping_in_insertion_order():
    gold = SpillDict({"b": [1], "a": [2]})
    gold["c"] = [3]
    gold["b"] = [4]  # set again: the new value, the first place kept
    assert list(gold) == ["b", "a", "c"]
    assert gold == {"a": [2], "b": [4], "c": [3]}
    assert "a" in gold and "z" not in gold and len(gold) == 3
    assert gold.get("z") is None
    with pytest.raises(KeyError):
        gold["z"]
    ordered = gold.sorted()
    assert list(ordered.items()) == [("a", [2]), ("b", [4]), ("c", [3])]
    assert list(gold) == ["b", "a", "c"]  # the original keeps its order


def test_spilled_values_pickle_as_their_items():
    # sent to another process, a spilled container carries its items, not its file
    gold = pickle.loads(pickle.dumps(SpillDict({"a": SpillList([1, 2])})))
    assert isinstance(gold, SpillDict) and gold == {"a": [1, 2]}


def test_mapped_view_and_sequence_compute_on_access():
    calls = []

    def value(key):
        calls.append(key)
        return key * 2

    view = MappedView(["a", "b"], value)
    assert calls == [] and len(view) == 2 and "a" in view and "c" not in view
    assert view["b"] == "bb" and calls == ["b"]
    with pytest.raises(KeyError):
        view["c"]
    sequence = MappedSequence(["x", "y", "z"], value)
    assert len(sequence) == 3 and sequence[2] == "zz" and sequence[:2] == ["xx", "yy"]
    assert list(sequence) == ["xx", "yy", "zz"]
