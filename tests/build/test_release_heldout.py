"""A release with documents the frozen pre-annotation rules never saw: v1.1.0 plus a
hand-made export of new seeds. The test split holds only held-out documents (002
leaves it, once), and the card and MANIFEST.json carry the seed and held-out
pre-annotation figures."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from nkcorpus.build.manifest import read_manifest
from nkcorpus.build.release import build_release
from nkcorpus.build.splits import TEST_REASON
from nkcorpus.paths import dataset_dir
from nkcorpus.schema.model import load_schema
from tests.build import documents

FROZEN_MODEL = "nkcorpus-prelabel-0.2.0-patterns-c261a659633b"  # frozen.json's patterns
OTHER_MODEL = "nkcorpus-prelabel-9.9.9-patterns-0123456789ab"
ROOT = Path(__file__).resolve().parents[2]
TASKS = ROOT / "annotation" / "tasks.json"
V1_1_0_SPLITS = {
    "000_610f827a1a73c6d9": "validation",
    "002_f4fac74a6db6b90a": "test",
    "003_8619a8974c0e0bd4": "train",
    "004_cf81856647957af6": "train",
}


def _v1_1_0_exports(folder: Path) -> list[Path]:
    """The exports v1.1.0 was built from, as the commit that added it held them: the
    seed documents' gold of v1.0.0, with their predictions (skips outside git)."""
    release = dataset_dir() / "v1.1.0"
    relative = (release / "MANIFEST.json").relative_to(ROOT).as_posix()
    try:
        log = ["git", "log", "--diff-filter=A", "--format=%H", "--", relative]
        commit = subprocess.run(log, cwd=ROOT, capture_output=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    exports = []
    for name in sorted(read_manifest(release)["exports"]):
        show = ["git", "show", f"{commit[-1].decode()}:annotation/exports/{name}"]
        exports.append(folder / name)
        exports[-1].write_bytes(subprocess.run(show, cwd=ROOT, capture_output=True,
                                               check=True).stdout)  # fmt: skip
    return exports


def _gold_result(prediction: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A prediction's result made valid gold: every attribute the rules left unset
    gets the schema's first value."""
    attributes = {label.name: label.attributes for label in load_schema().labels}
    result = [dict(item) for item in prediction]
    for item in prediction:
        if item["type"] != "labels":
            continue
        have = {r["from_name"] for r in result if r.get("id") == item["id"] and "from_name" in r}
        for attribute in attributes[item["value"]["labels"][0]]:
            if attribute.name not in have:
                value = {k: item["value"][k] for k in ("start", "end", "text")}
                result.append({"id": item["id"], "from_name": attribute.name, "to_name": "text",
                               "type": "choices",
                               "value": {**value, "choices": [attribute.values[0]]}})  # fmt: skip
    return result


def _without_first_region(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    first = next(r["id"] for r in result if r["type"] == "labels")
    return [r for r in result if first not in (r.get("id"), r.get("from_id"), r.get("to_id"))]


def _held_out_export(path: Path) -> tuple[Path, dict[str, int]]:
    """Tasks of 005-008 as pulled: gold = the task's pre-annotation (attributes filled),
    prediction = the same less its first region; 008's prediction is by other rules.
    Returns the export and doc_id -> gold span count."""
    tasks = json.loads(TASKS.read_text(encoding="utf-8"))
    chosen = [t for t in tasks if t["data"]["doc_id"][:3] in {"005", "006", "007", "008"}]
    exported, spans = [], {}
    for number, task in enumerate(sorted(chosen, key=lambda t: t["data"]["doc_id"])):
        predicted = task["predictions"][0]["result"]
        model = OTHER_MODEL if task["data"]["doc_id"].startswith("008") else FROZEN_MODEL
        gold = {"id": 900 + number, "completed_by": 1, "ground_truth": True,
                "was_cancelled": False, "updated_at": "2026-12-01T10:00:00.000000Z",
                "lead_time": 10.0, "result": _gold_result(predicted)}  # fmt: skip
        prediction = {"model_version": model, "result": _without_first_region(predicted)}
        exported.append({"id": 800 + number, "updated_at": "2026-12-01T09:00:00.000000Z",
                         "data": task["data"], "annotations": [gold],
                         "predictions": [prediction], "drafts": []})  # fmt: skip
        spans[task["data"]["doc_id"]] = sum(r["type"] == "labels" for r in predicted)
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    return path, spans


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], list[str]]:
    folder = tmp_path_factory.mktemp("heldout")
    dataset = folder / "dataset"
    for name in ("v1.0.0", "v1.1.0"):
        shutil.copytree(dataset_dir() / name, dataset / name)
    export, spans = _held_out_export(folder / "export-20261201T100000Z-heldout.json")
    notes: list[str] = []
    summary = build_release(
        "1.2.0", [*_v1_1_0_exports(folder), export], dataset, documents=documents(),
        reviewers=frozenset(), progress=False, echo=notes.append,
    )  # fmt: skip
    return summary.folder, spans, notes


def test_release_heldout_test_split_holds_only_documents_the_rules_never_saw(built) -> None:
    folder, spans, notes = built
    splits = read_manifest(folder)["splits"]
    assert read_manifest(folder.parent / "v1.1.0")["splits"] == V1_1_0_SPLITS
    held_out = sorted(spans)
    assert sorted(splits) == sorted([*V1_1_0_SPLITS, *held_out])
    assert splits["002_f4fac74a6db6b90a"] == "validation"  # the one move out of test
    assert {splits[d] for d in V1_1_0_SPLITS} == {"train", "validation"}
    test = [d for d, split in splits.items() if split == "test"]
    assert test and set(test) <= set(held_out)
    assert {"train", "validation", "test"} == set(splits.values())
    moved = f"split moved: 002_f4fac74a6db6b90a: test -> validation ({TEST_REASON})"
    assert moved in notes
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert (
        f"Moved in this release: 002_f4fac74a6db6b90a: test -> validation ({TEST_REASON})" in card
    )
    assert "the test split holds only held-out\ndocuments" in card
    changelog = (folder.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"  - 002_f4fac74a6db6b90a: test -> validation ({TEST_REASON})" in changelog


def test_release_heldout_figures_in_the_card_and_manifest(built) -> None:
    folder, spans, _ = built
    figures = read_manifest(folder)["pre_annotation"]
    frozen_docs = sorted(d for d in spans if not d.startswith("008"))
    assert figures["held_out"]["documents"] == frozen_docs
    assert figures["seen"]["documents"] == sorted(V1_1_0_SPLITS)
    assert figures["not_frozen"] == {next(d for d in spans if d.startswith("008")): OTHER_MODEL}
    assert figures["unpredicted"] == [] and figures["model_versions"][-1] == FROZEN_MODEL
    held_all = figures["held_out"]["scores"][-1]
    # each held-out document predicts its gold less one span, all exactly right:
    # gold = sum of spans, predicted = gold - 3 documents, P = 1, R = predicted / gold
    gold = sum(spans[d] for d in frozen_docs)
    assert (held_all["label"], held_all["gold"], held_all["predicted"]) == ("ALL", gold, gold - 3)
    assert held_all["exact"]["precision"] == 1.0
    assert held_all["exact"]["recall"] == round((gold - 3) / gold, 4)
    seen_all = figures["seen"]["scores"][-1]
    # v1.1.0's card shows the same predictions against the same gold as 0.876 and 0.925
    assert (seen_all["gold"], seen_all["exact"]["f1"], seen_all["overlap"]["f1"]) == (
        164, 0.8758, 0.9251,
    )  # fmt: skip
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "| label | seed: gold / predicted | seed: exact P / R / F1 |" in card
    assert f"| ALL | 164 / 142 | 0.944 / 0.817 / 0.876 | 0.993 / 0.866 / 0.925 | {gold} /" in card
    assert f"- Held-out: 3 documents (added after the rules were frozen), {gold} gold" in card
    assert "- Seed: 4 documents (the rules were written from them), 164 gold" in card
    assert "Both figures favour the rules." in card
    assert "(made by `nkcorpus-prelabel-9.9.9-patterns-0123456789ab`, not the frozen" in card


def test_release_without_held_out_documents_keeps_the_old_card_and_manifest(
    tmp_path: Path,
) -> None:
    folder = build_release(
        "1.0.0", _v1_1_0_exports(tmp_path), tmp_path / "dataset", documents=documents(),
        reviewers=frozenset(), progress=False,
    ).folder  # fmt: skip
    assert "pre_annotation" not in read_manifest(folder)
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "Pre-annotation F1 against the gold (export-20261123T143940Z" in card
    assert "| label | exact F1 | overlap F1 |" in card and "seed: gold" not in card
    assert "Test documents never\nmove" in card
