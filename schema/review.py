"""The review mark, declared once: the task-level choice a reviewer sets in
Label Studio to accept an annotation as the gold.

Label Studio Community shows no ground-truth star in its UI, so the labeling
config (`nkcorpus.schema.label_config`) carries a task-level `<Choices>`
control named `REVIEW_CONTROL` with the one choice `ACCEPT`. Its result item
has no offsets and no region: readers of a `result` list skip it as a region
(`is_review_item`) and gold selection reads it (`nkcorpus.build.gold`).

>>> is_review_item({"type": "choices", "from_name": "review", "value": {"choices": ["accept"]}})
True
>>> accepts([{"type": "choices", "from_name": "review", "value": {"choices": ["accept"]}}])
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

REVIEW_CONTROL = "review"
ACCEPT = "accept"
ACCEPT_HINT = "Accept this annotation as the gold"


def is_review_item(item: object) -> bool:
    """Whether a result item is the task-level review choice (not a region)."""
    return (
        isinstance(item, Mapping)
        and item.get("type") == "choices"
        and item.get("from_name") == REVIEW_CONTROL
    )


def accepts(result: Iterable[Any] | None) -> bool:
    """Whether a `result` list holds the review choice `accept`."""
    if not isinstance(result, list):
        return False
    for item in result:
        if is_review_item(item):
            value = item.get("value")
            choices = value.get("choices") if isinstance(value, Mapping) else None
            if isinstance(choices, list) and ACCEPT in choices:
                return True
    return False
