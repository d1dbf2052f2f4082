import os

import pytest

from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.manifest import (
    MANIFEST_NAME,
    load_manifest,
    manifest_to_yaml,
    seed_name_problem,
    suggest_seed_name,
)
from nkcorpus.corpus.rawtext import file_sha256
from nkcorpus.errors import SeedError, ValidationFailed


def test_manifest_lists_every_seed_with_its_checksum(seeds_dir):
    manifest = load_manifest(seeds_dir)
    files = sorted(p.name for p in seeds_dir.iterdir() if p.suffix in {".txt", ".html"})
    assert sorted(e.file for e in manifest.documents) == files
    for entry in manifest.documents:
        assert entry.doc_id == (seeds_dir / entry.file).stem
        assert entry.sha256 == file_sha256(seeds_dir / entry.file)
        assert entry.language == "en" and entry.reviewed


def test_manifest_yaml_round_trips_byte_for_byte(seeds_dir):
    text = (seeds_dir / MANIFEST_NAME).read_text(encoding="utf-8")
    assert manifest_to_yaml(load_manifest(seeds_dir)) == text


def test_manifest_edited_raw_file_is_refused(seeds_copy):
    target = seeds_copy / "003_8619a8974c0e0bd4.txt"
    target.write_bytes(target.read_bytes() + b"edited\n")
    (seeds_copy / "004_cf81856647957af6.txt").unlink()
    with pytest.raises(ValidationFailed, match="2 problem") as info:
        load_documents(seeds_copy)
    message = str(info.value)
    assert "003_8619a8974c0e0bd4.txt: sha256" in message and "never edited" in message
    assert "004_cf81856647957af6" in message and "missing on disk" in message


def test_manifest_invalid_yaml_names_file_and_field(seeds_copy):
    path = seeds_copy / MANIFEST_NAME
    path.write_text(path.read_text().replace("first_line: 8", "first_line: -1"))
    with pytest.raises(SeedError, match=r"documents\.0\.body\.first_line") as info:
        load_manifest(seeds_copy)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("file", "words"),
    [
        ("../000_610f827a1a73c6d9.txt", "must be a plain file name"),
        ("sub/000_610f827a1a73c6d9.txt", "must be a plain file name"),
        ("000_other.txt", "must be the doc_id '000_610f827a1a73c6d9' plus the extension"),
        ("000_610f827a1a73c6d9.html", "of its format 'txt'"),
    ],
)
def test_manifest_entry_file_must_be_its_doc_id_in_seeds(seeds_copy, file, words):
    path = seeds_copy / MANIFEST_NAME
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("file: 000_610f827a1a73c6d9.txt", f"file: {file}", 1))
    with pytest.raises(SeedError, match=r"\[D002\] .*documents\.0: Value error") as info:
        load_manifest(seeds_copy)
    assert words in str(info.value)


def test_manifest_unreadable_is_a_coded_error_not_a_hang(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / MANIFEST_NAME).mkdir()
    with pytest.raises(SeedError, match=r"\[D003\] .*manifest.yaml: cannot read.*not a regular"):
        load_manifest(folder)
    (folder / MANIFEST_NAME).rmdir()
    os.mkfifo(folder / MANIFEST_NAME)  # reading it would block forever
    with pytest.raises(SeedError, match=r"\[D003\] .*not a regular file"):
        load_manifest(folder)
    (folder / MANIFEST_NAME).unlink()
    (folder / MANIFEST_NAME).write_bytes(b"documents: []\n# caf\xe9\n")
    with pytest.raises(SeedError, match=r"\[D003\] .*codec can't decode"):
        load_manifest(folder)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("005_yonhap-report_2.txt", None),
        ("1234_X.HTML", None),
        ("005_a.htm", None),
        ("005_a.pdf", "D010"),
        ("005_a", "D010"),
        ("005 a.txt", "D018"),
        ("005_\u00e9.txt", "D018"),
        ("005_a.b.txt", "D018"),
        ("05_a.txt", "D018"),
        ("-005_a.txt", "D018"),
        ("005_a\n.txt", "D018"),
        ("005_" + "a" * 76 + ".txt", None),
        ("005_" + "a" * 77 + ".txt", "D018"),
    ],
)
def test_seed_name_rule(name, problem):
    found = seed_name_problem(name)
    assert (found and found[0]) == problem
    if problem:
        assert seed_name_problem(suggest_seed_name(name, 7)) is None


def _with_003(seeds_copy, old: str, new: str):
    path = seeds_copy / MANIFEST_NAME
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_manifest_every_seed_has_url_and_title_or_a_recorded_reason(seeds_dir):
    for entry in load_manifest(seeds_dir).documents:
        for name in ("url", "title", "publisher", "published"):
            assert getattr(entry, name) is not None or entry.missing.get(name), (entry.doc_id, name)
        assert entry.url is not None, entry.doc_id  # every seed's source address is known


def test_manifest_missing_reason_for_a_field_with_a_value_is_refused(seeds_copy):
    _with_003(seeds_copy, "    author: the page names no author\n", "    publisher: stale reason\n")
    with pytest.raises(SeedError, match=r"D002.*missing\.publisher: publisher has a value"):
        load_manifest(seeds_copy)


def test_manifest_missing_reason_must_name_a_provenance_field(seeds_copy):
    _with_003(seeds_copy, "    author: the page names no author\n", "    language: why\n")
    with pytest.raises(SeedError, match=r"D002.*missing\.language: not a provenance field"):
        load_manifest(seeds_copy)


def test_manifest_missing_reason_must_not_be_blank(seeds_copy):
    _with_003(seeds_copy, "    author: the page names no author\n", "    author: ' '\n")
    with pytest.raises(SeedError, match=r"D002.*missing\.author: give the reason"):
        load_manifest(seeds_copy)


def test_manifest_url_must_be_an_http_address(seeds_copy):
    _with_003(seeds_copy, "  url: https://nationalusnews.com/", "  url: nationalusnews.com/")
    with pytest.raises(SeedError, match=r"D002.*documents\.3\.url"):
        load_manifest(seeds_copy)


def test_manifest_without_reasons_writes_no_missing_key(seeds_dir):
    text = manifest_to_yaml(load_manifest(seeds_dir))
    # reasons for 001 (published), 003 (title, published, author), 004 (published, author)
    # and 27 of the 29 excerpts (006 and 023 show every value): 3 + 27 = 30
    assert text.count("  missing:\n") == 30 and "missing: {}" not in text
