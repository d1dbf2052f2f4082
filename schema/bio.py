"""Schema -> BIO tag names of the `tokens` table."""

from __future__ import annotations

from nkcorpus.schema.model import LabelSchema

OUTSIDE = "O"


def schema_to_bio_tags(schema: LabelSchema) -> list[str]:
    """`O`, then `B-X`, `I-X` for every label X in declaration order.

    >>> from nkcorpus.schema.model import load_schema
    >>> schema_to_bio_tags(load_schema())[:3]
    ['O', 'B-PERSON', 'I-PERSON']
    """
    tags = [OUTSIDE]
    for label in schema.labels:
        tags += [f"B-{label.name}", f"I-{label.name}"]
    return tags
