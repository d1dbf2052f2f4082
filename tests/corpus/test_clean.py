"""The cleaned bodies of every seed: first and last words pinned, no page
chrome left, every body paragraph kept. 005-033 are excerpts (the start of an
article as a stored page holds it), so many end in the middle of a word."""

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
    # the excerpts: (start of the first body line, end of the last), read off `seeds lines`
    "005_nknews-2013-couple-re-defect": (
        "Two North Korean citizens have “re-defected” to their homeland",
        "According to Kwang’s, Kim “let loose a str",
    ),
    "006_irrawaddy-ap-2012-pak-jong-suk-returns": (
        "PYONGYANG, North Korea—In a rare news conference",
        "reunited with her father in the Chinese city of Qingdao. She said",
    ),
    "007_guardian-2012-pak-jong-suk-manipulated": (
        "Earlier this summer, a 66-year-old woman surfaced",
        "According to the story she told in the palace room in June, where s",
    ),
    "008_usatoday-ap-2017-lim-ji-hyeon": (  # the lone 'North' of line 22 is left out
        "SEOUL, South Korea — Police in South Korea’s capital",
        "when she appeared on South Korean television.",
    ),
    "009_taipeitimes-2020-swam-back": (
        "A defector was suspected of evading South Korean border guards",
        "Northeast Asia and nuclear policy for the International Crisis Group.",
    ),
    "010_joongang-2019-28-returned": (  # the fragment '“To prevent' of line 15 is left out
        "Of the over 30,000 North Koreans who have defected to South Korea, 28 returned",
        "who have also returned to the North.",
    ),
    "011_cnn-2015-kim-ryon-hui-trapped": (
        "Of the tens of thousands of North Koreans who have fled to South Korea",
        "“I was thinking of recovering completely before ret",
    ),
    "012_yonhap-2023-china-repatriates-600": (
        "SEOUL, Oct. 11 (Yonhap) -- China sent back around 600 North Korean defectors",
        "as North Korea has started to lift border closures.",
    ),
    "013_koreaherald-2025-fishermen-repatriated": (
        "South Korea on Wednesday repatriated six North Koreans",
        "President Lee Jae Myung seeks to mend strained re",
    ),
    "014_hankyoreh-2019-fishermen-deported": (
        "The South Korean government announced on Nov. 7",
        "said an official at the Unification Ministry.",
    ),
    "015_joongang-2019-samcheok-boat": (
        "Mystery continues to shroud the defection of two North Korean sailors",
        "“In their words, [the military] said they",
    ),
    "016_pri-2012-soldier-shot-officers": (
        "A North Korean soldier has defected to South Korea across the Demilitarized Zone",
        "to the South via Thailand or another third country.",
    ),
    "017_bbc-2015-soldier-walks-dmz": (
        "A North Korean soldier has walked across one of the world's most heavily",
        "two North Koreans swam across the Yellow Sea border to a Sout",
    ),
    "018_yonhap-2016-restaurant-workers": (
        "SEOUL, April 10 (Yonhap) -- The 13 North Koreans who recently defected en masse",
        "reportedly operate more than 130 restauran",
    ),
    "019_smh-2016-thae-yong-ho": (
        "London: The second in command of North Korea's embassy in London defected",
        "under the Seoul government's protection and relevant institutio",
    ),
    "020_bbc-2017-soldier-swims-han-river": (
        "A North Korean soldier has fled to South Korea by swimming across the Han River",
        "the majority via China, which has the longest border with the North.",
    ),
    "021_stripes-2017-jsa-soldier-shot": (
        "SEOUL, South Korea – A North Korean soldier was shot by his comrades",
        "it has raised its alert level and is maintaining a full",
    ),
    "022_ottawacitizen-2017-escape-route-thailand": (  # 'Behind the visible' (34) left out
        "MEKONG RIVER BANK, THAILAND – It takes one hour and 45 minutes",
        "They are a very real part of daily life.",
    ),
    "023_newser-2020-gymnast-vaults-fence": (
        "(Newser) – The North Korean man who arrived in South Korea this month",
        "since July 2019, he remains under investigation.",
    ),
    "024_borneobulletin-ap-2021-diplomat-kuwait": (
        "SEOUL, SOUTH KOREA (AP) — A North Korean diplomat",
        "didn’t provide specific details as to why Ryu decided to defect.",
    ),
    "025_hankyoreh-2023-sokcho-boat": (
        "Four unidentified North Koreans were found at sea off the coast of Sokcho",
        "“I asked whether they were from Nort",
    ),
    "026_cna-2025-swimmer-styrofoam": (
        "SEOUL: A North Korean defector who swam across a sea border",
        "then entering a third country such as Thailand before finally making it to the South.",
    ),
    "027_koreaherald-2025-pows-ukraine": (
        "Two North Korean prisoners of war in Ukraine",
        "no progress appears to be under way on their transfer. (Yonhap)",
    ),
    "028_natgeo-escape-through-china": (
        "A frigid November day pressed against the windows",
        "Keep hiding—often as prisoners of exp",
    ),
    "029_dailynk-father-daughter-caught": (
        "A male resident of Hoeryong, North Hamgyong Province",
        "handed the girl over to agents from the Ministry of State Security, w",
    ),
    "030_kbs-2021-q1-arrivals": (  # one paragraph: the stored page runs them together
        "The number of defectors arriving in South Korea from the North has sharply declined",
        "the number of new defectors may further drop going forward.",
    ),
    "031_thediplomat-2016-13-year-low": (
        "The number of North Korean defectors who reached South Korea last year",
        "This increased marketization has led to modest econ",
    ),
    "032_france24-afp-2020-lowest-since-2001": (
        "The number of North Koreans defecting to the South dropped",
        "a 62-year-old man from the North who arrived in 2008 had been found dead on a",
    ),
    "033_koreaherald-2017-first-half-decline": (
        "The number of North Koreans who have resettled in the South fell 20.8 percent",
        "we have yet to confirm the news reports on high-wire tension.”",
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
    "005_nknews-2013-couple-re-defect": ["January 24th, 2013", "Picture CCTV", "increasing trend"],
    "006_irrawaddy-ap-2012-pak-jong-suk-returns": ["By The Associated Press", "29 June 2012"],
    "007_guardian-2012-pak-jong-suk-manipulated": ["Photograph:", "pak jong suk", "re-emerged"],
    "008_usatoday-ap-2017-lim-ji-hyeon": [
        "15 fascinating facts",
        "proposes peace talks",
        "undated screen grab",
        "Kim Tong-Hyung",
    ],
    "009_taipeitimes-2020-swam-back": ["Bloomberg", "swum back to N Korea"],
    "010_joongang-2019-28-returned": ["To prevent", "Report shows"],
    "011_cnn-2015-kim-ryon-hui-trapped": [
        "Story highlights",
        "Source: CNN",
        "Kim's family in North Korea hope",
        "Dressmaker",
    ],
    "012_yonhap-2023-china-repatriates-600": ["ATTN", "RECASTS"],
    "014_hankyoreh-2019-fishermen-deported": ["Posted on", "First instance", "answers questions"],
    "015_joongang-2019-samcheok-boat": ["[NEWS1]", "unanswered"],
    "016_pri-2012-soldier-shot-officers": ["More from GlobalPost", "look in from outside"],
    "017_bbc-2015-soldier-walks-dmz": ["Image copyright", "Image caption", "Through a wire fence"],
    "018_yonhap-2016-restaurant-workers": ["16:54", "ATTN", "Pictured in this photo", "(LEAD)"],
    "019_smh-2016-thae-yong-ho": ["By Anthony Faiola", "Updated", "Credit: AP", "The entrance"],
    "020_bbc-2017-soldier-swims-han-river": ["Published", "swims across river"],
    "021_stripes-2017-jsa-soldier-shot": ["Oct. 27, 2017", "shot as he defects"],
    "022_ottawacitizen-2017-escape-route-thailand": [
        "Advertisement",
        "Article content",
        "Story continues below",
        "Wong Maye-E",
        "By Anna Fifield",
        "Behind the visible",
    ],
    "023_newser-2020-gymnast-vaults-fence": [
        "story continues below",
        "Read more",
        "Posted Nov 25",
        "Newser Staff",
        "AP Photo",
    ],
    "024_borneobulletin-ap-2021-diplomat-kuwait": ["PHOTO: AFP", "A general view"],
    "025_hankyoreh-2023-sokcho-boat": ["Posted on", "circled in red", "latest instance"],
    "028_natgeo-escape-through-china": ["Defection is daunting"],
    "029_dailynk-father-daughter-caught": ["Roman Harak", "secretly defectors"],
    "032_france24-afp-2020-lowest-since-2001": ["(AFP)", "lowest since 2001"],
    "033_koreaherald-2017-first-half-decline": ["heraldcorp", "By Shin", "hangs a ribbon"],
}


@pytest.fixture(scope="module")
def documents(seeds_dir):
    return {d.doc_id: d for d in load_documents(seeds_dir)}


def test_clean_covers_every_seed(documents):
    # 5 seeds + 29 excerpts = 34; 013, 026, 027, 030 and 031 hold no chrome at all
    assert sorted(documents) == sorted(FIRST_AND_LAST) and len(documents) == 5 + 29
    assert set(CHROME) <= set(documents) and len(CHROME) == 34 - 5


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
