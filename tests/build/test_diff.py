"""`nkcorpus diff`: two tiny releases built from hand-made exports (seed 000
alone), and a hand-made third folder whose fields, splits, configs, columns,
files and manifest differ from the second."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nkcorpus.build.diff import diff_to_json, diff_to_markdown, diff_versions, read_documents
from nkcorpus.build.diff_fields import ABSENT, value_to_text
from nkcorpus.build.diff_layout import features_to_columns
from nkcorpus.build.errors import BuildError
from nkcorpus.build.manifest import MANIFEST_NAME
from nkcorpus.build.release import build_release
from tests.build import annotation, documents, good_result, region, relation, task, write_export

DOC = "000_610f827a1a73c6d9"
URL = "https://americanmilitarynews.com/2022/01/defector-who-fled-north-korea-makes-rare-return/"


def second_result(text: str) -> list[dict]:
    """good_result with MOTIVE m1 (and its motivated_by) dropped, CROSSING c1's
    status completed -> attempted, and a new PERSON p2 agent of c1."""
    result = [
        r
        for r in good_result(text)
        if r.get("id") != "m1" and "m1" not in (r.get("from_id"), r.get("to_id"))
    ]
    for item in result:
        if item.get("id") == "c1" and item.get("from_name") == "status":
            item["value"]["choices"] = ["attempted"]
    return [
        *result,
        *region(text, "the defector", "PERSON", "p2", roles=["defector"]),
        relation("p2", "c1", "agent"),
    ]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dataset/v1.0.0 (good_result) and v1.1.0 (second_result), built in one folder."""
    root = tmp_path_factory.mktemp("diff")
    doc = documents()[0]
    first = write_export(
        root / "export-1.json", [task(1, doc, [annotation(11, good_result(doc.text), gold=True)])]
    )
    newer = annotation(
        12, second_result(doc.text), gold=True, updated_at="2026-02-01T10:00:00.000000Z"
    )
    second = write_export(root / "export-2.json", [task(1, doc, [newer])])
    for version, exports in (("1.0.0", [first]), ("1.1.0", [first, second])):
        build_release(version, exports, root / "dataset", documents=documents(), progress=False)
    return root / "dataset"


def _rewrite(path: Path, rows, drop=(), add=None, retype=None) -> None:
    """Rewrite one Parquet file: `rows(list) -> list`, columns dropped, a
    string column added, columns cast; the Hugging Face features follow."""
    table = pq.read_table(path)
    info = json.loads(table.schema.metadata[b"huggingface"])
    features = info["info"]["features"]
    schema = table.schema.remove_metadata()
    for name in drop:
        schema = schema.remove(schema.get_field_index(name))
        del features[name]
    for name, (arrow_type, feature) in (retype or {}).items():
        schema = schema.set(schema.get_field_index(name), pa.field(name, arrow_type))
        features[name] = feature
    if add:
        schema = schema.append(pa.field(add, pa.string()))
        features[add] = {"dtype": "string", "_type": "Value"}
    new_rows = rows([{k: v for k, v in r.items() if k not in drop} for r in table.to_pylist()])
    schema = schema.with_metadata({b"huggingface": json.dumps(info).encode()})
    pq.write_table(pa.Table.from_pylist(new_rows, schema=schema), path)


def _hand_made(source: Path, target: Path) -> Path:
    """A copy of `source` with: 000's title (with a newline) and url changed and
    its fold column dropped; statistics without value_unit, with a `note`
    column, `value` as float32 and a new subject name; config predictions
    removed and `extra` added; 000 moved train -> validation; NOTICE removed,
    ERRATA.md added; the manifest's `baseline` replaced by `errata`."""
    shutil.copytree(source, target)
    data = target / "data"

    def document(rows):
        rows[0].update(title="Defector returns\nagain", url=None)
        return rows

    _rewrite(data / "documents" / "train-00000-of-00001.parquet", document, drop=["fold"])
    names = ["arrivals_in_south", "returnees", "unknown_whereabouts", "survey", "other"]
    subject = {"names": [*names, "refugees"], "_type": "ClassLabel"}
    _rewrite(
        data / "statistics" / "train-00000-of-00001.parquet",
        lambda rows: [{**r, "note": None} for r in rows],
        drop=["value_unit"],
        add="note",
        retype={
            "value": (pa.float32(), {"dtype": "float32", "_type": "Value"}),
            "subject": (pa.int64(), subject),
        },
    )
    shutil.rmtree(data / "predictions")
    (data / "extra").mkdir()
    shutil.copy(data / "tokens" / "train-00000-of-00001.parquet", data / "extra")
    (target / "NOTICE").unlink()
    (target / "ERRATA.md").write_text("none\n", encoding="utf-8")
    manifest = json.loads((target / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["splits"] = {DOC: "validation"}
    manifest["files"]["ERRATA.md"] = manifest["files"].pop("NOTICE")
    manifest["errata"] = manifest.pop("baseline")
    (target / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    return target


def test_diff_names_the_spans_and_relations_of_a_changed_document(dataset: Path) -> None:
    diff = diff_versions(dataset / "v1.0.0", dataset / "v1.1.0")
    # v1.0.0: p1, c1, m1, s1; agent p1->c1, motivated_by c1->m1, quantifies s1->c1.
    # v1.1.0: p1, c1 (status changed), s1, p2; agent p1->c1, agent p2->c1, quantifies.
    assert diff_to_markdown(diff).splitlines() == [
        "Compared with v1.0.0:",
        f"- documents changed (1): {DOC}",
        f"  - {DOC}: spans: CROSSING (1 changed), MOTIVE (1 removed), PERSON (1 added); "
        "relations: agent (1 added), motivated_by (1 removed)",
        "",
        "| label | added | removed | changed |",
        "|---|---:|---:|---:|",
        "| CROSSING | 0 | 0 | 1 |",
        "| MOTIVE | 0 | 1 | 0 |",
        "| PERSON | 1 | 0 | 0 |",
    ]
    assert not diff.layout


def test_diff_of_a_version_with_itself_is_empty(dataset: Path) -> None:
    diff = diff_versions(dataset / "v1.1.0", dataset / "v1.1.0")
    assert diff.empty and diff_to_json(diff)["empty"] is True
    assert diff_to_markdown(diff) == (
        "Compared with v1.1.0: no document or span changed; same splits, configs, columns, files.\n"
    )


def test_diff_names_fields_moves_configs_columns_and_files(dataset: Path, tmp_path: Path) -> None:
    other = _hand_made(dataset / "v1.1.0", tmp_path / "v1.2.0")
    diff = diff_versions(dataset / "v1.1.0", other)
    # The old title has 47 characters: its first 37 and "..." (40); the new one's
    # newline is written \n. fold, dropped, is listed after the new row's columns.
    assert diff_to_markdown(diff).splitlines() == [
        "Compared with v1.1.0:",
        f"- documents changed (1): {DOC}",
        f"  - {DOC}: title (Defector who fled North Korea makes r... -> Defector returns"
        "\\nagain), url (https://americanmilitarynews.com/2022... -> null), fold (0 -> -)",
        "- documents moved between splits (1):",
        f"  - {DOC}: train -> validation (the corpus had no validation document)",
        "- splits added (1): validation",
        "- splits removed (1): train",
        "- configs added (1): extra",
        "- configs removed (1): predictions",
        "- columns added (1): statistics.note",
        "- columns removed (2): documents.fold, statistics.value_unit",
        "- columns retyped (2): statistics.subject (class names added: refugees), "
        "statistics.value (float64 -> float32)",
        "- files added (1): ERRATA.md",
        "- files removed (1): NOTICE",
        "- MANIFEST.json fields added (1): errata",
        "- MANIFEST.json fields removed (1): baseline",
    ]


def test_diff_json_holds_the_same_facts_with_full_values(dataset: Path, tmp_path: Path) -> None:
    other = _hand_made(dataset / "v1.1.0", tmp_path / "v1.2.0")
    payload = json.loads(json.dumps(diff_to_json(diff_versions(dataset / "v1.1.0", other))))
    assert payload["old"] == "v1.1.0" and payload["new"] == "v1.2.0"
    assert payload["documents_changed"] == [DOC] and payload["empty"] is False
    assert payload["spans_added"] == payload["spans_removed"] == payload["spans_changed"] == {}
    assert payload["changes"][DOC]["fields"] == {
        "title": {"old": "Defector who fled North Korea makes rare return",
                  "new": "Defector returns\nagain"},
        "url": {"old": URL, "new": None},
        "fold": {"old": 0},  # no "new": v1.2.0 has no fold column
    }  # fmt: skip
    assert payload["moves"] == [{"doc_id": DOC, "group": DOC, "old": "train", "new": "validation"}]
    assert payload["configs_added"] == ["extra"] and payload["configs_removed"] == ["predictions"]
    assert payload["columns_added"] == {"statistics": ["note"]}
    assert payload["columns_removed"] == {"documents": ["fold"], "statistics": ["value_unit"]}
    assert payload["columns_retyped"]["statistics"]["value"] == {"old": "float64", "new": "float32"}
    assert payload["files_added"] == ["ERRATA.md"] and payload["files_removed"] == ["NOTICE"]
    assert payload["manifest_fields_added"] == ["errata"]
    assert payload["manifest_fields_removed"] == ["baseline"]


def test_diff_json_counts_spans_per_changed_document(dataset: Path) -> None:
    payload = diff_to_json(diff_versions(dataset / "v1.0.0", dataset / "v1.1.0"))
    change = payload["changes"][DOC]
    assert change["fields"] == {}
    assert change["spans"] == {
        "added": {"PERSON": 1}, "removed": {"MOTIVE": 1}, "changed": {"CROSSING": 1}
    }  # fmt: skip
    assert change["relations"]["added"] == {"agent": 1}
    assert change["relations"]["removed"] == {"motivated_by": 1}
    assert payload["spans_added"] == {"PERSON": 1} and payload["moves"] == []


def test_diff_refuses_a_folder_without_documents_or_with_a_damaged_parquet(
    dataset: Path, tmp_path: Path
) -> None:
    with pytest.raises(BuildError, match=r"B501.*no data/documents/\*\.parquet"):
        read_documents(tmp_path)
    copy = tmp_path / "v1.1.0"
    shutil.copytree(dataset / "v1.1.0", copy)
    (copy / "data" / "documents" / "train-00000-of-00001.parquet").write_bytes(b"not parquet")
    with pytest.raises(BuildError, match=r"B502.*train-00000-of-00001\.parquet.*verify 1\.1\.0"):
        diff_versions(dataset / "v1.0.0", copy)
    shutil.copy(
        dataset / "v1.1.0" / "data" / "documents" / "train-00000-of-00001.parquet",
        copy / "data" / "documents",
    )
    (copy / "data" / "events" / "train-00000-of-00001.parquet").write_bytes(b"PAR1")
    with pytest.raises(BuildError, match=r"B502.*events.*cannot read its schema"):
        diff_versions(dataset / "v1.0.0", copy)


def test_value_to_text_shortens_escapes_and_marks_absent_columns() -> None:
    assert value_to_text(ABSENT) == "-" and value_to_text(None) == "null"
    assert value_to_text("x" * 40) == "x" * 40  # 40 characters fit
    assert value_to_text("x" * 41) == "x" * 37 + "..."  # 37 + 3 = 40
    assert value_to_text("a\nb") == "a\\nb"
    assert value_to_text({"b": 1, "a": [True]}) == '{"a":[true],"b":1}'


def test_features_to_columns_walks_lists_and_structs() -> None:
    import datasets

    features = datasets.Features(
        {
            "spans": datasets.List(
                {"label": datasets.ClassLabel(names=["A", "B"]), "start": datasets.Value("int32")}
            ),
            "offsets": datasets.List(datasets.List(datasets.Value("int32"))),
        }
    )
    assert features_to_columns(features) == {
        "spans": "list<struct>",
        "spans.label": "class_label[A,B]",
        "spans.start": "int32",
        "offsets": "list<list<int32>>",
    }


# For tests/build/test_diff.py once build/cli.py has `diff --json` (cli_diff_json.patch):


def test_diff_cli_prints_json_and_markdown(dataset: Path) -> None:
    from typer.testing import CliRunner

    from nkcorpus.cli import app

    runner = CliRunner()
    args = ["diff", "1.0.0", "1.1.0", "--dataset-dir", str(dataset)]
    as_json = runner.invoke(app, [*args, "--json"])
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads(as_json.output)
    assert payload["changes"][DOC]["spans"]["removed"] == {"MOTIVE": 1}
    text = runner.invoke(app, args)
    assert text.output.splitlines()[:2] == [
        "v1.1.0: Compared with v1.0.0:",
        f"- documents changed (1): {DOC}",
    ]


def _full_diff(a: Path, b: Path):
    """The diff as if every document were decoded and compared."""
    from nkcorpus.build.diff import diff_documents
    from nkcorpus.build.diff_layout import compare_layout

    full = diff_documents(read_documents(a), read_documents(b), (a.name, b.name))
    full.layout = compare_layout(a, b)
    return full


def test_diff_skips_only_documents_stored_alike(tmp_path: Path) -> None:
    """v1.2.0 against a copy with one title and one span's end changed: the
    other 31 documents are stored alike and not compared; the diff is what comparing all gives. With
    the span labels' names swapped (the same integers, other names), no
    document is stored alike."""
    from nkcorpus.build.diff import read_stored_documents, unchanged_documents

    source = Path(__file__).resolve().parents[2] / "dataset" / "v1.2.0"
    train = Path("data/documents/train-00000-of-00001.parquet")
    retitled = tmp_path / "v1.2.1"
    shutil.copytree(source, retitled)
    changed: list[str] = []

    def retitle(rows):
        changed.extend(sorted([rows[0]["doc_id"], rows[1]["doc_id"]]))
        rows[0]["title"] = "A new title"
        rows[1]["spans"][-1]["end"] -= 1  # deep inside a list of structs
        return rows

    _rewrite(retitled / train, retitle)
    old, new = read_stored_documents(source), read_stored_documents(retitled)
    assert len(unchanged_documents(old, new)) == len(old.where) - 2 == 31
    diff = diff_versions(source, retitled)
    assert diff.documents_changed == changed
    assert diff_to_json(diff) == diff_to_json(_full_diff(source, retitled))

    relabelled = tmp_path / "v1.2.2"
    shutil.copytree(source, relabelled)
    for path in (relabelled / "data" / "documents").glob("*.parquet"):
        table = pq.read_table(path)
        info = json.loads(table.schema.metadata[b"huggingface"])
        label = info["info"]["features"]["spans"]["feature"]["label"]
        label["names"] = label["names"][::-1]
        metadata = {b"huggingface": json.dumps(info).encode()}
        pq.write_table(table.replace_schema_metadata(metadata), path)
    assert unchanged_documents(old, read_stored_documents(relabelled)) == set()
    diff = diff_versions(source, relabelled)
    assert len(diff.documents_changed) == 33  # every span's label reads differently
    assert diff_to_json(diff) == diff_to_json(_full_diff(source, relabelled))
