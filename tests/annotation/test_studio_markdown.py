"""The stdlib Markdown converter of the guidelines."""

from __future__ import annotations

import re

from nkcorpus.annotation.studio.instructions import GUIDELINES_FILE
from nkcorpus.annotation.studio.markdown import inline, markdown_to_html


def test_headings_paragraphs_and_inline_marks() -> None:
    text = "# Title\n\n## Sub *x*\n\nOne **bold** and\n`a<b>` line & more.\n\n---\n\nNext."
    assert markdown_to_html(text) == (
        "<h1>Title</h1>\n"
        "<h2>Sub <em>x</em></h2>\n"
        "<p>One <strong>bold</strong> and <code>a&lt;b&gt;</code> line &amp; more.</p>\n"
        "<hr>\n"
        "<p>Next.</p>\n"
    )


def test_lists_nest_by_indentation_and_continue_on_indented_lines() -> None:
    text = "- one\n  continued\n  - inner\n\n    more inner\n- two\n\n1. first\n2. second\n"
    assert markdown_to_html(text) == (
        "<ul>\n<li>one continued\n<ul>\n<li>inner more inner</li>\n</ul>\n</li>\n"
        "<li>two</li>\n</ul>\n"
        "<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n"
    )


def test_code_blocks_quotes_and_tables_are_literal() -> None:
    text = "```bash\nmake **run** <x>\n```\n\n> quoted *word*\n\n| a | b |\n| - | - |\n"
    assert markdown_to_html(text) == (
        "<pre><code>make **run** &lt;x&gt;</code></pre>\n"
        "<blockquote>\n<p>quoted <em>word</em></p>\n</blockquote>\n"
        "<pre>| a | b |\n| - | - |</pre>\n"
    )


def test_links_keep_their_text_only_and_stars_in_words_stay() -> None:
    assert inline("see [the README](../README.md#x) or [x](https://example.org)") == (
        "see the README or x"
    )
    assert inline("2*3*4 and a * b") == "2*3*4 and a * b"


def test_bold_and_italic_may_hold_code_and_code_holds_marks_literally() -> None:
    assert inline("**`agent` (A -> B):** x *`y`*") == (
        "<strong><code>agent</code> (A -&gt; B):</strong> x <em><code>y</code></em>"
    )
    assert inline("`**not bold** [x](y)`") == "<code>**not bold** [x](y)</code>"


def test_the_guidelines_convert_with_balanced_tags() -> None:
    converted = markdown_to_html(GUIDELINES_FILE.read_text(encoding="utf-8"))
    assert converted == markdown_to_html(GUIDELINES_FILE.read_text(encoding="utf-8"))
    assert "**" not in converted and "`" not in converted
    for tag in ("p", "ul", "ol", "li", "strong", "em", "code", "h1", "h2", "h3"):
        opened = len(re.findall(rf"<{tag}>", converted))
        assert opened == len(re.findall(rf"</{tag}>", converted)), tag
