"""The unit of a statistic's value, on every gold statistic of v1.0.0's export."""

from __future__ import annotations

import pytest

from nkcorpus.build.statistic_units import (
    COUNT,
    SHARE,
    statistic_text_to_measure,
    statistic_text_to_unit,
)
from nkcorpus.build.validate import validate_exports
from nkcorpus.schema.records import VALUE_UNITS
from tests.fixtures import v1_documents, v1_exports

# Hand-checked against each span's sentence in the cleaned documents: only
# "nearly one in five" (of the defectors surveyed) is a share; the others
# count people ("at least 34,000 North Koreans", "over 400" defectors surveyed,
# "196 North Korean defectors") or balloons launched ("approximately 1,600").
GOLD_UNITS = {
    ("000_610f827a1a73c6d9", "statistic-01"): ("at least 34,000", 34000.0, COUNT),
    ("000_610f827a1a73c6d9", "statistic-02"): ("nearly one in five", 0.2, SHARE),  # 1 / 5
    ("000_610f827a1a73c6d9", "statistic-03"): ("over 400", 400.0, COUNT),
    ("000_610f827a1a73c6d9", "statistic-04"): ("just 30", 30.0, COUNT),
    ("002_f4fac74a6db6b90a", "statistic-01"): ("at least 11", 11.0, COUNT),
    ("002_f4fac74a6db6b90a", "statistic-02"): ("891", 891.0, COUNT),
    ("002_f4fac74a6db6b90a", "statistic-03"): ("about 34,000", 34000.0, COUNT),
    ("003_8619a8974c0e0bd4", "statistic-01"): ("196", 196.0, COUNT),
    ("003_8619a8974c0e0bd4", "statistic-02"): ("approximately 1,600", 1600.0, COUNT),
    ("003_8619a8974c0e0bd4", "statistic-03"): ("196", 196.0, COUNT),
    ("003_8619a8974c0e0bd4", "statistic-04"): ("approximately 34,000", 34000.0, COUNT),
}


def test_statistic_units_of_every_gold_statistic_of_the_v1_export() -> None:
    report = validate_exports(v1_exports(), documents=v1_documents())  # v1.0.0's gold, unchanged
    found = {
        (doc_id, span["id"]): (span["text"], *statistic_text_to_measure(span["text"]))
        for doc_id, gold in report.gold.items()
        for span in gold.spans
        if span["label"] == "STATISTIC"
    }
    assert found == GOLD_UNITS  # 11 statistics: README's count for v1.0.0


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("20 percent", 0.2, SHARE),  # 20 / 100
        ("about 35%", 0.35, SHARE),  # 35 / 100
        ("two out of three", 2 / 3, SHARE),
        ("more than one in 10", 0.1, SHARE),  # qualifier dropped, then 1 / 10
        ("tens of thousands", 10_000.0, COUNT),  # "of" joins scales, not a ratio
        ("in excess of 500", 500.0, COUNT),  # "in" of the qualifier is no ratio
        ("twenty-five", 25.0, COUNT),
        ("many", None, None),
        ("a handful", None, None),
    ],
)
def test_statistic_units_decide_share_count_or_none(text: str, value, unit) -> None:
    assert statistic_text_to_measure(text) == (pytest.approx(value) if value else None, unit)
    assert statistic_text_to_unit(text) == unit


def test_statistic_units_are_the_declared_value_units() -> None:
    assert sorted(VALUE_UNITS) == sorted([COUNT, SHARE])
