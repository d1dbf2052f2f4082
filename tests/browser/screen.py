"""What the labeling screen shows, in the page's own terms: regions by their
offsets, where a region and its controls sit, and the scripts that find a
text fragment on the page."""

from __future__ import annotations

from dataclasses import dataclass

EDITOR_TEXT = ".lsf-htx-richtext"
HIGHLIGHT = ".htx-highlight"

# ([root selector, fragment]) -> whether a text node holds the fragment (scrolled to it).
SCROLL_TO_TEXT = """([root, fragment]) => {
    const walker = document.createTreeWalker(
        document.querySelector(root), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.data.includes(fragment)) {
            node.parentElement.scrollIntoView({block: "center"});
            return true;
        }
    }
    return false;
}"""
# ([root selector, fragment]) -> [x, y] of the fragment's first and last characters.
TEXT_ENDS = """([root, fragment]) => {
    const walker = document.createTreeWalker(
        document.querySelector(root), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(fragment);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + 1);
        const first = range.getBoundingClientRect();
        range.setStart(node, at + fragment.length - 1);
        range.setEnd(node, at + fragment.length);
        const last = range.getBoundingClientRect();
        return [first.left + 1, first.top + first.height / 2,
                last.right - 1, last.top + last.height / 2];
    }
}"""


@dataclass(frozen=True)
class Region:
    label: str
    text: str
    start: int
    end: int
    index: str  # Label Studio's region number, shown in the side panels

    @property
    def highlights(self) -> str:
        return f'{HIGHLIGHT}[data-start="{self.start}"][data-end="{self.end}"]'


@dataclass(frozen=True)
class Gap:
    """Where a selected region and its attribute controls are on screen."""

    region_top: float
    region_bottom: float
    controls_top: float
    controls_bottom: float
    viewport_height: int

    @property
    def pixels(self) -> float:
        """Vertical distance between the two boxes (0 when they overlap vertically)."""
        if self.controls_top >= self.region_bottom:
            return self.controls_top - self.region_bottom
        return max(0.0, self.region_top - self.controls_bottom)

    @property
    def both_on_screen(self) -> bool:
        return all(
            0 <= y <= self.viewport_height
            for y in (self.region_top, self.region_bottom, self.controls_top)
        )


def xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    parts = "', \"'\", '".join(text.split("'"))
    return f"concat('{parts}')"


def choice_group_xpath(header: str) -> str:
    """The `<Choices>` group right after the heading `header` (a `<Header>` in the config)."""
    heading = "*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
    return (
        f"xpath=//{heading}[normalize-space()={xpath_literal(header)}]"
        "/following-sibling::*[contains(@class,'lsf-choices')][1]"
    )
