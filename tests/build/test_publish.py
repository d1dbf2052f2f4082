"""Publishing a release folder: planning, checks, and the Hub calls (via a recording fake)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from nkcorpus.build.errors import BuildError
from nkcorpus.build.publish import plan_publish, publish

REPO = "nk-org/nk-defectors"
SECRET = "hf_SECRETtokenXYZ123"
FILES = {
    "README.md": b"# NK defector corpus\n",
    "croissant.json": b'{"@type": "sc:Dataset"}\n',
    "data/default/train-00000-of-00001.parquet": b"PAR1" + b"\0" * 40 + b"PAR1",
    "spacy/train.spacy": b"\x92spacy-docbin",
}


def make_release(root: Path, version: str = "1.0.0", files: dict[str, bytes] = FILES) -> Path:
    """A tiny release folder root/v<version>/ with a correct MANIFEST.json."""
    folder = root / f"v{version}"
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    listing = {
        rel: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        for rel, data in files.items()
    }
    manifest = {"version": version, "files": listing}
    (folder / "MANIFEST.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


@dataclass
class _Ref:
    name: str


@dataclass
class _Refs:
    tags: list[_Ref]


@dataclass
class _Commit:
    oid: str


@dataclass
class RecordingApi:
    """Stands in for HfApi (the Hub is unreachable from tests): records every call."""

    existing_tags: list[str] = field(default_factory=list)
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    def create_repo(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append(("create_repo", args, kwargs))
        return f"https://huggingface.co/datasets/{args[0]}"

    def list_repo_refs(self, *args: Any, **kwargs: Any) -> _Refs:
        self.calls.append(("list_repo_refs", args, kwargs))
        return _Refs([_Ref(t) for t in self.existing_tags])

    def upload_folder(self, *args: Any, **kwargs: Any) -> _Commit:
        self.calls.append(("upload_folder", args, kwargs))
        return _Commit("abc123")

    def create_tag(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("create_tag", args, kwargs))

    def named(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(a, k) for n, a, k in self.calls if n == name]


@pytest.fixture(autouse=True)
def _secret_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", SECRET)


def test_publish_dry_run_lists_every_file_without_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HF_TOKEN")
    folder = make_release(tmp_path)
    plan = publish(folder, REPO, dry_run=True)
    manifest_size = (folder / "MANIFEST.json").stat().st_size
    expected = sorted([*((p, len(d)) for p, d in FILES.items()), ("MANIFEST.json", manifest_size)])
    assert plan.files == tuple(expected)
    assert (plan.version, plan.tag, plan.repo_id, plan.folder) == ("1.0.0", "v1.0.0", REPO, folder)
    text = plan.describe()
    assert REPO in text and "v1.0.0" in text
    for path, size in expected:
        assert path in text and f"{size:,d} B" in text
    assert f"{sum(s for _, s in expected):,d} B" in text


def test_publish_missing_token_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_TOKEN")
    api = RecordingApi()
    with pytest.raises(BuildError, match="HF_TOKEN"):
        publish(make_release(tmp_path), REPO, api=api)  # type: ignore[arg-type]
    assert api.calls == []


def test_publish_extra_file_named(tmp_path: Path) -> None:
    folder = make_release(tmp_path)
    (folder / "data" / "stray.parquet").write_bytes(b"x")
    with pytest.raises(BuildError, match=r"data/stray\.parquet.*nkcorpus verify 1\.0\.0"):
        plan_publish(folder, REPO)


def test_publish_missing_file_named(tmp_path: Path) -> None:
    folder = make_release(tmp_path)
    (folder / "spacy" / "train.spacy").unlink()
    with pytest.raises(BuildError, match=r"spacy/train\.spacy: in MANIFEST\.json but not on disk"):
        plan_publish(folder, REPO)


def test_publish_size_mismatch_named(tmp_path: Path) -> None:
    folder = make_release(tmp_path)
    (folder / "README.md").write_bytes(b"changed after the manifest was written\n")
    with pytest.raises(BuildError, match=r"README\.md: \d+ bytes on disk"):
        plan_publish(folder, REPO)


def test_publish_version_mismatch_named(tmp_path: Path) -> None:
    folder = make_release(tmp_path)
    renamed = folder.rename(tmp_path / "v1.0.1")
    with pytest.raises(BuildError, match=r"MANIFEST\.json.*'1\.0\.0'.*v1\.0\.1") as info:
        plan_publish(renamed, REPO)
    assert info.value.code == "B702"


def test_publish_missing_manifest_or_folder(tmp_path: Path) -> None:
    folder = make_release(tmp_path)
    (folder / "MANIFEST.json").unlink()
    with pytest.raises(BuildError, match=r"MANIFEST\.json: missing"):
        plan_publish(folder, REPO)
    with pytest.raises(BuildError, match=r"v9\.9\.9"):
        plan_publish(tmp_path / "v9.9.9", REPO)
    with pytest.raises(BuildError, match=r"vX\.Y\.Z"):
        plan_publish(tmp_path, REPO)


@pytest.mark.parametrize(
    "bad", ["nk-defectors", "org/", "/name", "a/b/c", "org/na me", "org/a..b", "org/a--b", ""]
)
def test_publish_repo_id_validation(tmp_path: Path, bad: str) -> None:
    with pytest.raises(BuildError, match="ORG/NAME") as info:
        publish(make_release(tmp_path), bad, dry_run=True)
    assert info.value.code == "B704"


def test_publish_token_never_in_messages_or_describe(tmp_path: Path) -> None:
    folder = make_release(tmp_path)
    plan = publish(folder, REPO, api=RecordingApi())  # type: ignore[arg-type]
    assert SECRET not in plan.describe() and SECRET not in repr(plan)
    with pytest.raises(BuildError) as refused:
        publish(folder, REPO, api=RecordingApi(["v1.0.0"]))  # type: ignore[arg-type]
    (folder / "extra.txt").write_text(SECRET, encoding="utf-8")
    with pytest.raises(BuildError) as mismatch:
        publish(folder, REPO)
    for info in (refused, mismatch):
        assert SECRET not in str(info.value) and SECRET not in repr(info.value)


def test_publish_uploads_folder_and_tags_commit(tmp_path: Path) -> None:
    folder = make_release(tmp_path)
    api = RecordingApi(existing_tags=["v0.9.0"])
    plan = publish(folder, REPO, api=api)  # type: ignore[arg-type]
    assert plan.tag == "v1.0.0"
    assert [n for n, _, _ in api.calls] == [
        "create_repo",
        "list_repo_refs",
        "upload_folder",
        "create_tag",
    ]
    [(args, kwargs)] = api.named("create_repo")
    assert args == (REPO,) and kwargs == {"repo_type": "dataset", "exist_ok": True}
    [(_, kwargs)] = api.named("upload_folder")
    assert kwargs["folder_path"] == folder and kwargs["repo_id"] == REPO
    assert kwargs["repo_type"] == "dataset" and kwargs["commit_message"] == "Release v1.0.0"
    [(args, kwargs)] = api.named("create_tag")
    assert args == (REPO,)
    assert kwargs == {"tag": "v1.0.0", "repo_type": "dataset", "revision": "abc123"}


def test_publish_existing_tag_refused(tmp_path: Path) -> None:
    api = RecordingApi(existing_tags=["v1.0.0"])
    with pytest.raises(BuildError, match=r"already has tag v1\.0\.0") as info:
        publish(make_release(tmp_path), REPO, api=api)  # type: ignore[arg-type]
    assert info.value.code == "B706"
    assert api.named("upload_folder") == [] and api.named("create_tag") == []


def test_publish_hub_error_wrapped_without_token(tmp_path: Path) -> None:
    class FailingApi(RecordingApi):
        def upload_folder(self, *args: Any, **kwargs: Any) -> _Commit:
            raise OSError(f"connection reset (Authorization: Bearer {SECRET})")

    with pytest.raises(BuildError, match=f"upload_folder failed for dataset {REPO}") as info:
        publish(make_release(tmp_path), REPO, api=FailingApi())  # type: ignore[arg-type]
    assert info.value.code == "B707" and SECRET not in str(info.value)
