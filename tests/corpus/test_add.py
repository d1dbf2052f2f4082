import os
import shutil
import subprocess
import sys

import pytest

from nkcorpus.corpus.add import add_documents
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.manifest import MANIFEST_NAME, load_manifest
from nkcorpus.corpus.seedfile import MAX_SEED_BYTES
from nkcorpus.errors import SeedError, ValidationFailed

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


# Odd entries in seeds/: each is refused with its own code, names the file and the fix,
# never writes the manifest, and never blocks adding a good file by name.
# (name, code, printed quoted and escaped, suggested new name); a name without its
# own number gets the next free one: the highest listed, 033, plus one
ODD_NAMES = [
    ("005 my file.txt", "D018", True, "005_my-file.txt"),
    ("005_caf\u00e9.txt", "D018", True, "005_cafe.txt"),
    ("005_noext", "D010", False, "005_noext.txt"),
    ("story.txt", "D018", False, "034_story.txt"),
    ("5_short.txt", "D018", False, "034_5-short.txt"),
    ("-006_dash.txt", "D018", False, "006_dash.txt"),
    ("007_two\nlines.txt", "D018", True, "007_two-lines.txt"),
    ("008_" + "x" * 200 + ".txt", "D018", False, "008_" + "x" * 76 + ".txt"),
]


def _odd_specials(folder):
    """A symlink, a directory and a FIFO in `folder`: (name, code, words) each."""
    (folder / "010_link.txt").symlink_to(folder / "000_610f827a1a73c6d9.txt")
    (folder / "011_folder.txt").mkdir()
    os.mkfifo(folder / "012_pipe.txt")
    return [
        ("010_link.txt", "D015", "a symbolic link; "),
        ("011_folder.txt", "D016", "a directory, "),
        ("012_pipe.txt", "D016", "a FIFO (named pipe), "),
    ]


@pytest.mark.parametrize(("name", "code", "quoted", "suggestion"), ODD_NAMES)
def test_add_refuses_an_odd_name_with_the_fix_and_writes_nothing(
    seeds_copy, name, code, quoted, suggestion
):
    before = (seeds_copy / MANIFEST_NAME).read_bytes()
    (seeds_copy / name).write_text(ARTICLE, encoding="utf-8")
    (seeds_copy / "009_good.txt").write_text(ARTICLE.replace("Menu", "Other menu"), "utf-8")
    with pytest.raises(ValidationFailed, match=rf"\[{code}\]") as info:
        add_documents(seeds_copy, [seeds_copy / "009_good.txt", seeds_copy / name])
    message = str(info.value)
    path = str(seeds_copy / name)
    assert f"[{code}] {repr(path) if quoted else path}: " in message
    assert f"rename it to {suggestion}" in message and "\n  - " not in message.split("\n")[1]
    assert "1 problem" in message and "Traceback" not in message
    assert (seeds_copy / MANIFEST_NAME).read_bytes() == before


@pytest.mark.parametrize("special", [0, 1, 2])
def test_add_refuses_links_folders_and_fifos_by_name(seeds_copy, special):
    before = (seeds_copy / MANIFEST_NAME).read_bytes()
    name, code, words = _odd_specials(seeds_copy)[special]
    with pytest.raises(ValidationFailed) as info:
        add_documents(seeds_copy, [seeds_copy / name])
    assert f"[{code}] {seeds_copy / name}: {words}" in str(info.value)
    assert (seeds_copy / MANIFEST_NAME).read_bytes() == before


def test_add_with_odd_files_present_still_adds_a_good_file_by_name(seeds_copy):
    for name, *_ in ODD_NAMES:
        (seeds_copy / name).write_text(ARTICLE, encoding="utf-8")
    specials = _odd_specials(seeds_copy)
    (seeds_copy / ".DS_Store").write_bytes(b"\x00hidden files are not seeds")
    (seeds_copy / "009_good.txt").write_text(ARTICLE, encoding="utf-8")
    before = (seeds_copy / MANIFEST_NAME).read_bytes()

    with pytest.raises(ValidationFailed, match="D049") as info:
        add_documents(seeds_copy)  # bare: every odd entry is a problem, nothing written
    message = str(info.value)
    assert f"{len(ODD_NAMES) + len(specials)} problem(s)" in message
    assert all(f"[{code}]" in message for _, code, *_ in ODD_NAMES + specials)
    assert f"nkcorpus seeds add {seeds_copy / '009_good.txt'}" in message
    assert ".DS_Store" not in message
    assert (seeds_copy / MANIFEST_NAME).read_bytes() == before

    assert add_documents(seeds_copy, [seeds_copy / "009_good.txt"]).added == ["009_good"]
    ids = [e.doc_id for e in load_manifest(seeds_copy).documents]
    assert ids.count("009_good") == 1 and ids == sorted(ids)
    assert add_documents(seeds_copy, [seeds_copy / "009_good.txt"]).unchanged == ["009_good"]


def test_add_refuses_two_new_files_with_one_doc_id(seeds_copy):
    before = (seeds_copy / MANIFEST_NAME).read_bytes()
    (seeds_copy / "005_same.txt").write_text(ARTICLE, encoding="utf-8")
    (seeds_copy / "005_same.html").write_text(HTML, encoding="utf-8")
    with pytest.raises(ValidationFailed, match=r"2 problem") as info:
        add_documents(seeds_copy)
    assert "[D042]" in str(info.value) and "to add the good files alone" not in str(info.value)
    assert all(
        f"{seeds_copy / n}: doc_id '005_same'" in str(info.value)
        for n in ["005_same.txt", "005_same.html"]
    )
    assert (seeds_copy / MANIFEST_NAME).read_bytes() == before


def test_add_names_a_file_twice_adds_it_once(seeds_copy):
    (seeds_copy / "005_new.txt").write_text(ARTICLE, encoding="utf-8")
    twice = [seeds_copy / "005_new.txt", seeds_copy / "005_new.txt"]
    assert add_documents(seeds_copy, twice).added == ["005_new"]


def test_add_refuses_a_missing_folder_or_file_and_an_oversized_file(seeds_copy, tmp_path):
    with pytest.raises(SeedError, match=r"\[D043\] .*no such seeds folder"):
        add_documents(tmp_path / "nowhere")
    with pytest.raises(ValidationFailed, match=r"\[D014\] .*005_gone.txt: cannot find it"):
        add_documents(seeds_copy, [seeds_copy / "005_gone.txt"])
    with (seeds_copy / "005_huge.txt").open("wb") as handle:
        handle.truncate(MAX_SEED_BYTES + 1)  # sparse: no real 16 MiB written
    with pytest.raises(ValidationFailed, match=r"\[D019\] .*005_huge.txt: 16777217 bytes"):
        add_documents(seeds_copy, [seeds_copy / "005_huge.txt"])


def test_add_refuses_when_a_listed_seed_was_edited(seeds_copy):
    listed = seeds_copy / "003_8619a8974c0e0bd4.txt"
    listed.write_bytes(listed.read_bytes() + b"edited\n")
    before = (seeds_copy / MANIFEST_NAME).read_bytes()
    (seeds_copy / "005_new.txt").write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(ValidationFailed, match=r"\[D045\].*\n.*003_8619a8974c0e0bd4.txt"):
        add_documents(seeds_copy, [seeds_copy / "005_new.txt"])
    assert (seeds_copy / MANIFEST_NAME).read_bytes() == before


def _nkcorpus(*args, cwd):
    """The installed command in a child process; a hang fails instead of blocking pytest."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "nkcorpus", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"nkcorpus {' '.join(args)} hung")


def test_cli_seeds_add_and_lines_refuse_odd_files_without_traceback_or_hang(seeds_copy):
    (seeds_copy / "005 my file.txt").write_text(ARTICLE, encoding="utf-8")
    _odd_specials(seeds_copy)
    (seeds_copy / "009_good.txt").write_text(ARTICLE, encoding="utf-8")
    before = (seeds_copy / MANIFEST_NAME).read_bytes()
    bare = _nkcorpus("seeds", "add", "--seeds", str(seeds_copy), cwd=seeds_copy)
    assert bare.returncode == 1 and "[D049]" in bare.stderr and "[D016]" in bare.stderr
    assert "Traceback" not in bare.stderr and "ValidationError" not in bare.stderr
    assert (seeds_copy / MANIFEST_NAME).read_bytes() == before
    pipe = _nkcorpus("seeds", "lines", str(seeds_copy / "012_pipe.txt"), cwd=seeds_copy)
    assert pipe.returncode == 1 and "[D016]" in pipe.stderr and "FIFO" in pipe.stderr
    good = _nkcorpus("seeds", "add", "--seeds", ".", "009_good.txt", cwd=seeds_copy)
    assert good.returncode == 0 and "added 009_good" in good.stdout, good.stderr
