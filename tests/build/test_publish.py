"""Publishing a release folder: planning, checks, and the Hub calls (via a recording fake)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2  # huggingface_hub's HTTP client: its errors carry its Response
import pytest
from huggingface_hub import (
    CommitInfo,
    CommitOperationAdd,
    CommitOperationDelete,
    GitRefInfo,
    GitRefs,
)
from huggingface_hub.errors import RepositoryNotFoundError

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


HEAD = "a" * 40  # the Hub branch head the fake reports
NEW = "b" * 40  # the commit the fake's create_commit makes


def _ref(name: str, kind: str, commit: str) -> GitRefInfo:
    return GitRefInfo(name=name, ref=f"refs/{kind}/{name}", target_commit=commit)


@dataclass
class RecordingApi:
    """Stands in for HfApi (the Hub is unreachable from tests): records every call
    and answers with huggingface_hub's own objects (GitRefs, CommitInfo)."""

    existing_tags: list[str] = field(default_factory=list)
    remote_files: list[str] | None = field(default_factory=lambda: [".gitattributes"])
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    def create_repo(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append(("create_repo", args, kwargs))
        return f"https://huggingface.co/datasets/{args[0]}"

    def list_repo_refs(self, *args: Any, **kwargs: Any) -> GitRefs:
        self.calls.append(("list_repo_refs", args, kwargs))
        tags = [_ref(t, "tags", HEAD) for t in self.existing_tags]
        return GitRefs(branches=[_ref("main", "heads", HEAD)], converts=[], tags=tags)

    def list_repo_files(self, *args: Any, **kwargs: Any) -> list[str]:
        self.calls.append(("list_repo_files", args, kwargs))
        if self.remote_files is None:
            url = f"https://huggingface.co/api/datasets/{args[0]}/tree/main"
            answer = httpx2.Response(404, request=httpx2.Request("GET", url))
            raise RepositoryNotFoundError("404 Client Error: Repository Not Found", response=answer)
        return list(self.remote_files)

    def create_commit(self, *args: Any, **kwargs: Any) -> CommitInfo:
        self.calls.append(("create_commit", args, kwargs))
        url = f"https://huggingface.co/datasets/{args[0]}/commit/{NEW}"
        return CommitInfo(url, kwargs["commit_message"], "", NEW)

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
    assert plan.deletions is None and "delete: not listed" in text and "--remote" in text


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


def test_publish_uploads_folder_as_one_commit_and_tags_it(tmp_path: Path) -> None:
    folder = make_release(tmp_path)
    api = RecordingApi(existing_tags=["v0.9.0"])
    plan = publish(folder, REPO, api=api)  # type: ignore[arg-type]
    assert plan.tag == "v1.0.0" and plan.deletions == ()  # only .gitattributes on the Hub
    assert [n for n, _, _ in api.calls] == [
        "create_repo",
        "list_repo_refs",
        "list_repo_files",
        "create_commit",
        "create_tag",
    ]
    [(args, kwargs)] = api.named("create_repo")
    assert args == (REPO,) and kwargs == {"repo_type": "dataset", "exist_ok": True}
    [(args, kwargs)] = api.named("list_repo_files")
    assert args == (REPO,) and kwargs == {"repo_type": "dataset", "revision": HEAD}
    [(args, kwargs)] = api.named("create_commit")
    operations = args[1]
    assert all(isinstance(op, CommitOperationAdd) for op in operations)
    # the 4 payload files plus MANIFEST.json, each from its path in the folder
    assert sorted(op.path_in_repo for op in operations) == sorted([*FILES, "MANIFEST.json"])
    assert {op.path_or_fileobj for op in operations} == {
        str(folder / p) for p in [*FILES, "MANIFEST.json"]
    }
    assert kwargs == {
        "commit_message": "Release v1.0.0",
        "repo_type": "dataset",
        "parent_commit": HEAD,  # a push after the listing fails the commit
    }
    [(args, kwargs)] = api.named("create_tag")
    assert args == (REPO,)
    assert kwargs == {"tag": "v1.0.0", "repo_type": "dataset", "revision": NEW}


STALE = ["data/default/test-00000-of-00001.parquet", "old-notes.md"]


def test_publish_deletes_what_an_earlier_upload_left_in_the_same_commit(tmp_path: Path) -> None:
    folder = make_release(tmp_path)
    remote = [".gitattributes", "README.md", "spacy/train.spacy", *STALE]
    api = RecordingApi(remote_files=remote)
    plan = publish(folder, REPO, api=api)  # type: ignore[arg-type]
    # remote 5 files - 2 the release holds (overwritten) - .gitattributes (kept) = 2 deleted
    assert plan.deletions == tuple(STALE)
    [(args, _)] = api.named("create_commit")
    deletes = [op for op in args[1] if isinstance(op, CommitOperationDelete)]
    assert [(op.path_in_repo, op.is_folder) for op in deletes] == [(p, False) for p in STALE]
    assert len(args[1]) == len(STALE) + len(FILES) + 1  # one commit: deletes and adds
    text = plan.describe()
    assert "delete: 2 file(s) left by an earlier upload" in text
    assert all(f"  - {p}" in text for p in STALE) and "  - .gitattributes" not in text


def test_publish_dry_run_with_remote_lists_deletions_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HF_TOKEN")  # reading a public repo needs no token
    folder = make_release(tmp_path)
    api = RecordingApi(remote_files=[".gitattributes", "croissant.json", *STALE])
    plan = publish(folder, REPO, dry_run=True, list_remote=True, api=api)  # type: ignore[arg-type]
    assert plan.deletions == tuple(STALE)
    assert [n for n, _, _ in api.calls] == ["list_repo_files"]  # read-only
    assert "delete: 2 file(s)" in plan.describe()


def test_publish_dry_run_with_remote_on_a_new_repo_deletes_nothing(tmp_path: Path) -> None:
    api = RecordingApi(remote_files=None)  # the Hub answers 404: no such repo yet
    plan = publish(make_release(tmp_path), REPO, dry_run=True, list_remote=True, api=api)  # type: ignore[arg-type]
    assert plan.deletions == () and "delete: 0 file(s)" in plan.describe()


def test_publish_dry_run_without_remote_makes_no_call(tmp_path: Path) -> None:
    api = RecordingApi()
    publish(make_release(tmp_path), REPO, dry_run=True, api=api)  # type: ignore[arg-type]
    assert api.calls == []


def test_publish_existing_tag_refused(tmp_path: Path) -> None:
    api = RecordingApi(existing_tags=["v1.0.0"])
    with pytest.raises(BuildError, match=r"already has tag v1\.0\.0") as info:
        publish(make_release(tmp_path), REPO, api=api)  # type: ignore[arg-type]
    assert info.value.code == "B706"
    assert api.named("create_commit") == [] and api.named("create_tag") == []


def test_publish_hub_error_wrapped_without_token(tmp_path: Path) -> None:
    class FailingApi(RecordingApi):
        def create_commit(self, *args: Any, **kwargs: Any) -> CommitInfo:
            raise OSError(f"connection reset (Authorization: Bearer {SECRET})")

    with pytest.raises(BuildError, match=f"create_commit failed for dataset {REPO}") as info:
        publish(make_release(tmp_path), REPO, api=FailingApi())  # type: ignore[arg-type]
    assert info.value.code == "B707" and SECRET not in str(info.value)


def test_publish_dry_run_listing_failure_is_b707_without_token(tmp_path: Path) -> None:
    class Unreachable(RecordingApi):
        def list_repo_files(self, *args: Any, **kwargs: Any) -> list[str]:
            raise OSError(f"no route to host (token {SECRET})")

    with pytest.raises(BuildError, match=f"list_repo_files failed for dataset {REPO}") as info:
        publish(make_release(tmp_path), REPO, dry_run=True, list_remote=True, api=Unreachable())  # type: ignore[arg-type]
    assert info.value.code == "B707" and SECRET not in str(info.value)
