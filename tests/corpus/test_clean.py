"""The cleaned bodies of the five seeds: first and last sentence pinned, no
page chrome left, every body paragraph kept."""

import pytest

from nkcorpus.corpus.clean import lines_to_body, normalise_line
from nkcorpus.corpus.documents import load_documents
from nkcorpus.corpus.manifest import BodySpec, DropRange, load_manifest
from nkcorpus.corpus.rawtext import raw_lines
from nkcorpus.errors import SeedError

FIRST_AND_LAST = {
    "000_610f827a1a73c6d9": (
        "A man who previously defected from North Korea avoided South Korea’s border "
        "controls to reenter the North on Saturday.",
        "And the fact that she’s complaining about this country, the most tolerant country, "
        "she doesn’t really understand history.”",
    ),
    "001_01116437e2deb97c": (
        "The latest incident of a North Korean defector's reentry to the North has raised",
        "Lastly, those who have failed to adjust themselves to the social system here choose "
        'to return to their homeland."',
    ),
    "002_f4fac74a6db6b90a": (
        "The latest incident of a North Korean defector's reentry to the North has raised",
        'He added, "The government should look into its institutional systems of managing '
        'defectors and people should not stigmatize all defectors as criminals or fugitives."',
    ),
    "003_8619a8974c0e0bd4": (
        "A North Korean soldier defected to South Korea by crossing the heavily fortified "
        "border, highlighting the desperation of those living under Kim Jong Un’s regime.",
        "As we reflect on this event, we must redouble our efforts to support those who seek "
        "freedom and to work towards a future where such dangerous defections are no longer "
        "necessary.",
    ),
    "004_cf81856647957af6": (
        "Son Jong-hun has spent 11 years in South Korea, but despairs over the treatment of "
        "North Koreans here",
        "So I don’t think they would kill me right away.”",
    ),
}

# Lines of page chrome, one or more per seed, that must not survive cleaning.
CHROME = {
    "000_610f827a1a73c6d9": [
        "Join our brand new verified AMN Telegram channel",
        "SRA JEFFREY ALLEN/WikiCommons",
        "January 03, 2022",
    ],
    "001_01116437e2deb97c": ["首頁", "By Jung Da-min", "Copyright", "微信", "returned home over"],
    "002_f4fac74a6db6b90a": [
        "amn_bl.png",
        "Font Size Up",
        "Two-star general to be relieved",
        "Gov't, military hit",
        "returned home over past 5 years",
        "Top 10 Stories",
        "Emaildamin.jung",
        "Privacy Statement",
        "By Jung Da-min",
        "•",
    ],
    "003_8619a8974c0e0bd4": ["https://", "@YonhapNews", "(URGENT)", "Sources"],
    "004_cf81856647957af6": [
        "Additional reporting",
        "Categories:",
        "Tell us Your Thoughts",
        "WordPress.com",
        "bloggers like this",
        "NK News Exclusive",
    ],
}


@pytest.fixture(scope="module")
def documents(seeds_dir):
    return {d.doc_id: d for d in load_documents(seeds_dir)}


def test_clean_covers_every_seed(documents):
    assert sorted(documents) == sorted(FIRST_AND_LAST) == sorted(CHROME)


@pytest.mark.parametrize("doc_id", sorted(FIRST_AND_LAST))
def test_clean_pins_first_and_last_sentence(documents, doc_id):
    first, last = FIRST_AND_LAST[doc_id]
    text = documents[doc_id].text
    assert text.startswith(first)
    assert text.endswith(last)


@pytest.mark.parametrize("doc_id", sorted(CHROME))
def test_clean_leaves_no_chrome(documents, doc_id):
    text = documents[doc_id].text
    for marker in CHROME[doc_id]:
        assert marker not in text, f"{doc_id}: chrome {marker!r} survived cleaning"


def test_clean_keeps_every_body_paragraph(documents, seeds_dir):
    manifest = load_manifest(seeds_dir)
    for entry in manifest.documents:
        lines = raw_lines(seeds_dir / entry.file)
        dropped = {n for rng in entry.body.drop for n in range(rng.lines[0], rng.lines[1] + 1)}
        paragraphs = documents[entry.doc_id].text.split("\n\n")
        expected = [
            normalise_line(lines[n - 1])
            for n in range(entry.body.first_line, entry.body.last_line + 1)
            if n not in dropped and lines[n - 1].strip()
        ]
        assert paragraphs == expected


def test_clean_body_has_no_blank_or_padded_paragraph(documents):
    for doc in documents.values():
        for paragraph in doc.text.split("\n\n"):
            assert paragraph and paragraph == paragraph.strip() and "\n" not in paragraph
            assert "  " not in paragraph


def test_clean_is_deterministic(seeds_dir, documents):
    again = {d.doc_id: d for d in load_documents(seeds_dir)}
    assert again == documents


def test_clean_drop_ranges_and_normalisation():
    lines = ["menu", "First\u00a0 para.", "Related link", "Second\tpara.", "footer"]
    spec = BodySpec(first_line=2, last_line=4, drop=(DropRange(lines=(3, 3), reason="link"),))
    assert lines_to_body(lines, spec) == "First para.\n\nSecond para."


def test_clean_refuses_spec_outside_the_file():
    with pytest.raises(SeedError, match=r"past the end of the file \(2 lines\)"):
        lines_to_body(["a", "b"], BodySpec(first_line=1, last_line=3), source="x.txt")
    with pytest.raises(SeedError, match="first_line 1 is a blank line"):
        lines_to_body(["", "b"], BodySpec(first_line=1, last_line=2), source="x.txt")
