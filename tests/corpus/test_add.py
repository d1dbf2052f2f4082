import shutil

import pytest

from nkcorpus.corpus.add import add_documents
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.manifest import MANIFEST_NAME, load_manifest
from nkcorpus.errors import ValidationFailed

ARTICLE = (
    "Menu | Home | World\n\n"
    "Defector returns north\n\n"
    "Posted : 2021-05-06 10:00\n\n"
    + "\n\n".join(
        f"Paragraph {i}: a man who had defected to the South crossed back over the border "
        f"at night, officials said on Tuesday, in the {i}th case this decade."
        for i in range(1, 5)
    )
    + "\n\nShare this\nCopyright 2021\n"
)

HTML = (
    "<html><head><title>Returnee story</title><script>var x=1;</script></head><body>"
    "<nav><a>Home</a></nav><article>"
    + "".join(
        f"<p>Paragraph {i}: officials said a woman who <b>defected</b> in 2014 returned to "
        f"the North three years later, according to state media reports.</p>"
        for i in range(1, 4)
    )
    + "</article><footer>Copyright</footer></body></html>"
)


def test_add_appends_unreviewed_entries_with_guesses(seeds_copy):
    (seeds_copy / "005_new.txt").write_text(ARTICLE, encoding="utf-8")
    (seeds_copy / "006_page.html").write_text(HTML, encoding="utf-8")
    result = add_documents(seeds_copy)
    assert result.added == ["005_new", "006_page"]
    manifest = load_manifest(seeds_copy)
    txt, html = manifest.entry("005_new"), manifest.entry("006_page")
    assert not txt.reviewed and txt.format == "txt"
    assert txt.title == "Defector returns north" and str(txt.published) == "2021-05-06"
    assert html.format == "html" and html.title == "Returnee story"
    docs = {d.doc_id: d for d in load_documents(seeds_copy)}
    assert docs["005_new"].text.startswith("Paragraph 1:")
    assert docs["005_new"].text.endswith("case this decade.")
    assert "Share this" not in docs["005_new"].text and "Menu" not in docs["005_new"].text
    assert docs["006_page"].text.count("\n\n") == 2 and "var x" not in docs["006_page"].text
    assert "Copyright" not in docs["006_page"].text


def test_add_is_idempotent(seeds_copy):
    (seeds_copy / "005_new.txt").write_text(ARTICLE, encoding="utf-8")
    add_documents(seeds_copy)
    before = (seeds_copy / MANIFEST_NAME).read_bytes()
    result = add_documents(seeds_copy)
    assert result.added == [] and (seeds_copy / MANIFEST_NAME).read_bytes() == before


def test_add_groups_a_truncated_copy_with_its_original(seeds_copy):
    original = load_documents(seeds_copy)[0]
    shortened = "\n\n".join(original.text.split("\n\n")[:4])
    (seeds_copy / "009_copy.txt").write_text("Site header\n\n" + shortened + "\n", encoding="utf-8")
    add_documents(seeds_copy)
    assert load_manifest(seeds_copy).entry("009_copy").group == original.doc_id


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("005_empty.txt", b"  \n\n", "empty"),
        ("005_binary.txt", b"PK\x03\x04\x00\x00binary", "binary"),
        ("005_latin1.txt", "Caf\u00e9 story about a defector".encode("latin-1"), "not UTF-8"),
        ("005_doc.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_add_refuses_bad_input_and_changes_nothing(seeds_copy, name, content, message):
    before = (seeds_copy / MANIFEST_NAME).read_bytes()
    (seeds_copy / "005_good.txt").write_text(ARTICLE, encoding="utf-8")
    (seeds_copy / name).write_bytes(content)
    with pytest.raises(ValidationFailed, match=message) as info:
        add_documents(seeds_copy, [seeds_copy / "005_good.txt", seeds_copy / name])
    assert name in str(info.value) and "no document was added" in str(info.value)
    assert (seeds_copy / MANIFEST_NAME).read_bytes() == before


def test_add_refuses_changed_content_under_an_existing_doc_id(seeds_copy, tmp_path):
    existing = seeds_copy / "000_610f827a1a73c6d9.txt"
    before = (seeds_copy / MANIFEST_NAME).read_bytes()
    outside = tmp_path / "000_610f827a1a73c6d9.txt"
    outside.write_text(ARTICLE, encoding="utf-8")
    existing.write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(ValidationFailed, match="already exists with different content"):
        add_documents(seeds_copy, [existing])
    with pytest.raises(ValidationFailed, match="copy the file into"):
        add_documents(seeds_copy, [outside])
    assert (seeds_copy / MANIFEST_NAME).read_bytes() == before


def test_add_refuses_an_identical_copy(seeds_copy):
    shutil.copy(seeds_copy / "000_610f827a1a73c6d9.txt", seeds_copy / "007_same.txt")
    with pytest.raises(ValidationFailed, match="identical to the existing document"):
        add_documents(seeds_copy)
