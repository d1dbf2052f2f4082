"""Helpers of the agreement tests: a short text whose 13 tokens are easy to
count by hand, and exports of it written with the build tests' helpers.

TEXT's tokens (`token_offsets`), numbered t0..t12:
  Kim Jong crossed the river to China . Lee stayed in Seoul .
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nkcorpus.annotation.agreement.report import AgreementReport, measure_agreement
from nkcorpus.corpus.documents import CleanDocument, text_sha256
from nkcorpus.schema.review import ACCEPT, REVIEW_CONTROL
from tests.build import documents, region, write_export

TEXT = "Kim Jong crossed the river to China. Lee stayed in Seoul."
Item = dict[str, Any]


def short_document(doc_id: str = "900_short", text: str = TEXT) -> CleanDocument:
    """A real cleaned document with its text and doc_id replaced."""
    return documents()[0].model_copy(
        update={"doc_id": doc_id, "text": text, "text_sha256": text_sha256(text)}
    )


def person(fragment: str, region_id: str, roles: str | list[str] = "defector") -> list[Item]:
    return region(TEXT, fragment, "PERSON", region_id, roles=roles)


def crossing(fragment: str, region_id: str, status: str = "completed") -> list[Item]:
    return region(
        TEXT,
        fragment,
        "CROSSING",
        region_id,
        direction="out_of_north",
        route="third_country",
        status=status,
    )


def full(prefix: str = "a") -> list[Item]:
    """PERSON "Kim Jong" (t0-t1), CROSSING "crossed the river to China" (t2-t6),
    PERSON "Lee" (t8): tags B-P I-P B-C I-C I-C I-C I-C O B-P O O O O."""
    return [
        *person("Kim Jong", f"{prefix}1"),
        *crossing("crossed the river to China", f"{prefix}2"),
        *person("Lee", f"{prefix}3"),
    ]


def accepted(result: list[Item]) -> list[Item]:
    """`result` with the reviewer's accept choice."""
    mark = {
        "type": "choices",
        "from_name": REVIEW_CONTROL,
        "to_name": "text",
        "value": {"choices": [ACCEPT]},
    }
    return [*result, mark]


def measure(
    tmp_path: Path, tasks: list[Item], reviewers: frozenset[int] = frozenset(), **options: Any
) -> AgreementReport:
    path = write_export(tmp_path / "export.json", tasks)
    return measure_agreement([path], reviewers=reviewers, **{"resamples": 200, **options})


def value(report: AgreementReport, name: str) -> float | None:
    return report.figures[name].value
