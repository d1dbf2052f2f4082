import pytest

from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.manifest import MANIFEST_NAME, load_manifest, manifest_to_yaml
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
