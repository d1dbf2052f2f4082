"""Page helpers: what a person does in Label Studio 1.23's pages, one function
or method per step, with the selectors in one place. `Editor` counts the
clicks and key presses it makes (`actions`)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.browser.labeling_config import Attribute, LabelingConfig
from tests.browser.screen import (
    EDITOR_TEXT,
    HIGHLIGHT,
    SCROLL_TO_TEXT,
    TEXT_ENDS,
    Gap,
    Region,
    choice_group_xpath,
)

SUBMIT = '[data-testid="bottombar-submit-button"]'
NEXT_TASK = re.compile(r"/api/dm/actions\?id=next_task|/api/projects/\d+/next")
ANNOTATION_POST = re.compile(r"/api/tasks/\d+/annotations/?(\?.*)?$")
TIMEOUT_MS = 30_000


def sign_up(page: Page, base_url: str, invite_path: str, email: str, password: str) -> None:
    """Create an account with the sign-up form behind the invite link."""
    page.goto(base_url + invite_path)
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Create Account").click()
    page.wait_for_url(lambda url: "/user/signup" not in url, timeout=TIMEOUT_MS)


class Editor:
    """The labeling screen of one task, as one user sees it."""

    def __init__(self, page: Page, config: LabelingConfig) -> None:
        self.page = page
        self.config = config
        self.actions = 0

    # --- getting there -------------------------------------------------------------------
    def open_project(self, base_url: str, title: str) -> None:
        """The projects page -> click the project: its Data Manager."""
        self.page.goto(f"{base_url}/projects/")
        self.click(self.page.get_by_text(title, exact=True).first)
        expect(self.page.get_by_role("button", name="Label All Tasks")).to_be_visible(
            timeout=TIMEOUT_MS
        )

    def open_task(self, doc_id: str) -> Editor:
        """In the Data Manager, click the task's row (by its doc_id)."""
        self.click(self.page.get_by_text(doc_id, exact=True).first)
        return self.wait_ready()

    def label_all_tasks(self) -> dict[str, Any]:
        """In the Data Manager, *Label All Tasks*; the task served."""
        with self.page.expect_response(NEXT_TASK) as served:
            self.click(self.page.get_by_role("button", name="Label All Tasks"))
        self.wait_ready()
        return dict(served.value.json())

    def wait_ready(self) -> Editor:
        expect(self.page.locator(EDITOR_TEXT)).to_be_visible(timeout=TIMEOUT_MS)
        self.page.wait_for_load_state("networkidle")
        return self

    def read_instructions(self) -> str:
        """The *Labeling Instructions* the label stream opens with; closes them."""
        modal = self.page.locator(".lsf-modal-ls_visible", has_text="Labeling Instructions")
        expect(modal).to_be_visible()
        text = modal.inner_text()
        self.click(modal.get_by_role("button", name="Close modal"))
        expect(modal).to_be_hidden()
        return text

    def click(self, target: Locator, **kwargs: object) -> None:
        self.actions += 1
        target.click(**kwargs)  # type: ignore[arg-type]

    def press(self, key: str) -> None:
        self.actions += 1
        self.page.keyboard.press(key)

    # --- regions -------------------------------------------------------------------------
    def delete_all_regions(self) -> None:
        """Ctrl+Backspace and confirm: start from an empty annotation."""
        self.page.once("dialog", lambda dialog: dialog.accept())
        self.click(self.page.locator(EDITOR_TEXT), position={"x": 2, "y": 2})
        self.press("Control+Backspace")
        expect(self.page.locator(HIGHLIGHT)).to_have_count(0)

    def unselect(self) -> None:
        """No region selected: a label hotkey would otherwise relabel it."""
        self.press("Escape")

    def choose_label(self, label: str) -> None:
        """Make `label` the active label by its hotkey."""
        chip = self.page.locator(".lsf-label", has_text=label).first
        if "lsf-label_selected" not in (chip.get_attribute("class") or ""):
            self.press(self.config.hotkeys[label])
        expect(chip).to_have_class(re.compile("lsf-label_selected"))

    def select_text(self, fragment: str) -> None:
        """Drag the mouse over the first occurrence of `fragment` in one text node."""
        found = self.page.evaluate(
            SCROLL_TO_TEXT,
            [EDITOR_TEXT, fragment],
        )
        assert found, f"{fragment!r} is not in one text node of the editor"
        x1, y1, x2, y2 = self.page.evaluate(
            TEXT_ENDS,
            [EDITOR_TEXT, fragment],
        )
        mouse = self.page.mouse
        self.actions += 1
        mouse.move(x1, y1)
        mouse.down()
        mouse.move(x2, y2, steps=8)
        mouse.up()

    def label_span(self, label: str, fragment: str, start: int) -> Region:
        """Hotkey, then the mouse over `fragment`; the new region, which Label
        Studio must place at code point `start` of the task text."""
        self.unselect()
        self.choose_label(label)
        self.select_text(fragment)
        region = Region(label, fragment, start, start + len(fragment), "")
        highlight = self.page.locator(region.highlights).first
        expect(highlight).to_be_visible()
        index = (highlight.get_attribute("data-label") or ":").split(":")[0]
        assert highlight.get_attribute("data-label") == f"{index}:{label}"
        return Region(label, fragment, region.start, region.end, index)

    def select(self, region: Region) -> None:
        """Click the region's highlight; its attribute controls appear."""
        self.click(self.page.locator(region.highlights).first)
        attributes = self.config.attributes_of(region.label)
        if attributes:
            expect(self.controls(attributes[0])).to_be_visible()

    # --- attributes ----------------------------------------------------------------------
    def controls(self, attribute: Attribute) -> Locator:
        """The choice group under the attribute's header."""
        return self.controls_of(attribute.header)

    def choice(self, attribute: Attribute, value: str) -> Locator:
        return self.controls(attribute).locator(f'input[name="{value}"]')

    def set_attribute(self, attribute: Attribute, values: tuple[str, ...]) -> None:
        """Tick exactly `values` in the attribute's group (the region is selected)."""
        for value in attribute.values:
            box = self.choice(attribute, value)
            if box.is_checked() != (value in values):
                self.click(self.controls(attribute).locator(f'label:has(input[name="{value}"])'))
        for value in attribute.values:
            expect(self.choice(attribute, value)).to_be_checked(checked=value in values)

    def gap_to_controls(self, region: Region) -> Gap:
        """Boxes of the selected region and of its first attribute group, as shown now."""
        boxes = [h.bounding_box() for h in self.page.locator(region.highlights).all()]
        controls = self.controls(self.config.attributes_of(region.label)[0]).bounding_box()
        assert controls is not None and all(boxes), "region or controls not rendered"
        return Gap(
            region_top=min(b["y"] for b in boxes if b),
            region_bottom=max(b["y"] + b["height"] for b in boxes if b),
            controls_top=controls["y"],
            controls_bottom=controls["y"] + controls["height"],
            viewport_height=(self.page.viewport_size or {"height": 0})["height"],
        )

    # --- relations -----------------------------------------------------------------------
    def draw_relation(self, head: Region, tail: Region, relation: str) -> None:
        """Select head, Alt+R, click tail; then pick the type in the Relations panel."""
        self.unselect()
        self.select(head)
        self.press("Alt+r")
        self.click(self.page.locator(tail.highlights).first)
        self.click(self.panel_tab("Relations"))
        item = self.relation_item(head, tail)
        item.hover()
        self.click(item.get_by_role("button", name="Show Relation Labels"))
        self.click(item.locator(".lsf-relation-meta [data-testid^='select-trigger']"))
        self.click(self.page.locator(f'[data-testid="select-option-{relation}"]'))
        self.press("Escape")
        expect(item.locator(".lsf-relation-meta")).to_contain_text(relation)
        self.click(self.panel_tab("Regions"))

    def panel_tab(self, name: str) -> Locator:
        """A tab of the side panels (Regions, Relations, Info, History)."""
        return self.page.locator(".lsf-panel-tabs__tab:visible", has_text=name).first

    def relation_item(self, head: Region, tail: Region) -> Locator:
        """The Relations panel's row for head -> tail (by the regions' numbers)."""
        items = self.page.locator(".lsf-relations__item")
        for item in items.all():
            numbers = item.locator(".lsf-detailed-region__index_value").all_inner_texts()
            if numbers == [head.index, tail.index]:
                return item
        raise AssertionError(f"no relation {head.index} -> {tail.index} in the Relations panel")

    # --- submitting ----------------------------------------------------------------------
    def submit(self) -> int:
        """Click Submit; the id of the annotation the server created."""
        with self.page.expect_response(
            lambda r: r.request.method == "POST" and bool(ANNOTATION_POST.search(r.url))
        ) as response:
            self.click(self.page.locator(SUBMIT))
        assert response.value.status == 201, response.value.text()
        return int(response.value.json()["id"])

    def submit_in_stream(self) -> tuple[int, dict[str, Any]]:
        """Submit in the label stream; the annotation's id and the task served next."""
        with self.page.expect_response(NEXT_TASK) as following:
            annotation_id = self.submit()
        return annotation_id, dict(following.value.json())

    def submit_refused(self, message: str) -> None:
        """Click Submit; Label Studio shows `message` and sends no annotation."""
        posted: list[str] = []

        def watch(request: object) -> None:
            url, method = getattr(request, "url", ""), getattr(request, "method", "")
            if method == "POST" and ANNOTATION_POST.search(url):
                posted.append(url)

        self.page.on("request", watch)
        self.click(self.page.locator(SUBMIT))
        dialog = self.page.get_by_role("dialog").filter(has_text=message)
        expect(dialog).to_be_visible()
        self.click(dialog.get_by_role("button", name="OK"))
        expect(dialog).to_be_hidden()
        self.page.remove_listener("request", watch)
        assert not posted, f"the submit was sent although {message!r} was shown: {posted}"

    def delete(self, region: Region) -> None:
        self.unselect()
        self.select(region)
        self.press("Backspace")
        expect(self.page.locator(region.highlights)).to_have_count(0)

    # --- review --------------------------------------------------------------------------
    def duplicate_annotation(self, annotation_id: int) -> None:
        """Open that annotation's tab, and *Duplicate Annotation* from its menu:
        a copy of one's own, selected."""
        tab = self.page.locator(
            f'.lsf-annotation-button[data-annotation-id="{annotation_id}"]'
            ":not(:has(.lsf-annotation-button__userpic_prediction))"  # predictions have ids too
        )
        self.click(tab)
        self.click(tab.locator(".lsf-annotation-button__trigger"))
        self.click(self.page.get_by_text("Duplicate Annotation", exact=True))
        expect(tab).not_to_have_class(re.compile("lsf-annotation-button_selected"))
        self.wait_ready()

    def accept(self) -> None:
        review = self.config.review
        assert review is not None, "the labeling config has no review control"
        group = self.controls_of(review.header)
        box = group.locator(f'input[name="{review.accept}"]')
        self.click(group.locator(f'label:has(input[name="{review.accept}"])'))
        expect(box).to_be_checked()

    def controls_of(self, header: str) -> Locator:
        """The choice group shown under `header`."""
        return self.page.locator(choice_group_xpath(header))
