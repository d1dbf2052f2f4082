from typer.testing import CliRunner

from nkcorpus.annotation.counts import counts_to_markdown, gold_to_counts
from nkcorpus.build.report import GoldDocument
from nkcorpus.cli import app
from nkcorpus.schema.model import load_schema

SCHEMA = load_schema()


def _gold(doc_id: str, labels: list[str], relations: list[str]) -> GoldDocument:
    spans = [{"id": f"s{i}", "label": label} for i, label in enumerate(labels)]
    rels = [{"head": "s0", "tail": "s1", "type": t} for t in relations]
    return GoldDocument(doc_id=doc_id, task_id=1, file="x.json", spans=spans, relations=rels)


def test_counts_fill_every_label_and_relation_and_sort_by_doc_id():
    gold = {
        "b": _gold("b", ["PERSON", "PERSON", "CROSSING"], ["agent"]),
        "a": _gold("a", ["STATISTIC"], []),
    }
    rows = gold_to_counts(gold, SCHEMA)
    assert [r.doc_id for r in rows] == ["a", "b"]
    assert rows[1].labels == {"PERSON": 2, "CROSSING": 1, "MOTIVE": 0, "STATISTIC": 0}
    assert rows[0].relations == {"agent": 0, "motivated_by": 0, "quantifies": 0}
    table = counts_to_markdown(rows, SCHEMA)
    assert (
        table.splitlines()[-1]
        == "| **total** | **2** | **1** | **0** | **1** | **1** | **0** | **0** |"
    )


def test_counts_command_prints_the_committed_gold():
    result = CliRunner().invoke(app, ["counts", "--json"])
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.output)
    # The committed export's 33 tasks, each with one annotation the reviewer (user 4)
    # accepted; counted independently by reading the export's JSON: the `labels` regions
    # and `relation` items of each accepted annotation.
    assert len(rows) == 33 and all(sum(r["labels"].values()) > 0 for r in rows)
    labels = {k: sum(r["labels"][k] for r in rows) for k in rows[0]["labels"]}
    relations = {k: sum(r["relations"][k] for r in rows) for k in rows[0]["relations"]}
    assert labels == {"PERSON": 275, "CROSSING": 281, "MOTIVE": 46, "STATISTIC": 105}  # 707
    assert relations == {"agent": 143, "motivated_by": 46, "quantifies": 59}  # 248
    # 000 as the reviewer corrected it: v1.0.0's spans, agent 12 + 1 (the second agent)
    assert rows[0] == {
        "doc_id": "000_610f827a1a73c6d9",
        "labels": {"PERSON": 17, "CROSSING": 15, "MOTIVE": 3, "STATISTIC": 4},
        "relations": {"agent": 13, "motivated_by": 3, "quantifies": 3},
    }


def test_counts_command_fails_on_an_invalid_export(tmp_path):
    bad = tmp_path / "export.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["counts", str(bad)])
    assert result.exit_code == 1
    assert "export.json" in result.output
