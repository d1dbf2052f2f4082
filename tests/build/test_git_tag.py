"""`nkcorpus tag`: the annotated git tag of a committed release, in a git
repository made in tmp_path (the project's own repository is never touched)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkcorpus.build.errors import BuildError
from nkcorpus.build.git_tag import release_tag, tag_release
from nkcorpus.cli import app
from tests.build.test_publish import make_release


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one commit that adds dataset/v1.0.0/."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "config", "user.name", "Release Tester")
    git(root, "config", "user.email", "tester@example.org")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "config", "tag.gpgsign", "false")
    (root / "README.md").write_text("project\n", encoding="utf-8")
    git(root, "add", "README.md")
    git(root, "commit", "--quiet", "-m", "start")
    make_release(root / "dataset", "1.0.0")
    git(root, "add", "dataset")
    git(root, "commit", "--quiet", "-m", "Release v1.0.0")
    return root


def test_git_tag_name_matches_the_hub_tag_with_a_dataset_prefix() -> None:
    assert release_tag("1.2.3") == "dataset-v1.2.3" and release_tag("v1.2.3") == "dataset-v1.2.3"
    with pytest.raises(BuildError, match="B301"):
        release_tag("1.2")


def test_git_tag_annotates_the_commit_that_added_the_release(repo: Path) -> None:
    released = git(repo, "rev-parse", "HEAD")
    (repo / "README.md").write_text("later work\n", encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "later work")  # HEAD moves on: the tag must not
    result = tag_release("1.0.0", repo / "dataset")
    assert (result.tag, result.commit, result.created) == ("dataset-v1.0.0", released, True)
    assert git(repo, "cat-file", "-t", "dataset-v1.0.0") == "tag"  # annotated, not lightweight
    assert git(repo, "rev-parse", "dataset-v1.0.0^{commit}") == released
    message = git(repo, "tag", "-l", "--format=%(contents)", "dataset-v1.0.0")
    assert "Release folder dataset/v1.0.0/ (MANIFEST.json sha256 " in message


def test_git_tag_without_version_tags_the_latest_release(repo: Path) -> None:
    make_release(repo / "dataset", "1.1.0")
    git(repo, "add", "dataset")
    git(repo, "commit", "--quiet", "-m", "Release v1.1.0")
    assert tag_release(None, repo / "dataset").tag == "dataset-v1.1.0"
    assert git(repo, "tag", "-l") == "dataset-v1.1.0"


def test_git_tag_again_on_the_same_commit_changes_nothing(repo: Path) -> None:
    first = tag_release("1.0.0", repo / "dataset")
    tag_object = git(repo, "rev-parse", "dataset-v1.0.0")
    again = tag_release("1.0.0", repo / "dataset")
    assert again.created is False and again.commit == first.commit
    assert git(repo, "rev-parse", "dataset-v1.0.0") == tag_object


def test_git_tag_never_moves_an_existing_tag(repo: Path) -> None:
    start = git(repo, "rev-parse", "HEAD~1")
    git(repo, "tag", "dataset-v1.0.0", start)
    with pytest.raises(BuildError, match=r"B322.*dataset-v1\.0\.0 exists on .*never moved"):
        tag_release("1.0.0", repo / "dataset")
    assert git(repo, "rev-parse", "dataset-v1.0.0^{commit}") == start


def test_git_tag_refuses_an_uncommitted_release(repo: Path) -> None:
    make_release(repo / "dataset", "1.1.0")  # built, not committed: untracked
    with pytest.raises(BuildError, match=r"B321.*v1\.1\.0: not committed as it is on disk"):
        tag_release("1.1.0", repo / "dataset")
    assert git(repo, "tag", "-l") == ""


def test_git_tag_refuses_a_release_that_differs_from_head(repo: Path) -> None:
    readme = repo / "dataset" / "v1.0.0" / "README.md"
    readme.write_bytes(readme.read_bytes().upper())  # same size, other bytes
    with pytest.raises(BuildError, match=r"B321.*differs from its MANIFEST\.json"):
        tag_release("1.0.0", repo / "dataset")
    git(repo, "checkout", "--", "dataset")
    (repo / "dataset" / "v1.0.0" / "notes.txt").write_text("x\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"B321.*(not in MANIFEST|not committed)"):
        tag_release("1.0.0", repo / "dataset")
    assert git(repo, "tag", "-l") == ""


def test_git_tag_refuses_a_release_changed_after_its_commit(repo: Path) -> None:
    released = git(repo, "rev-parse", "HEAD")
    make_release(repo / "dataset", "1.0.0", {"README.md": b"# rewritten\n"})
    (repo / "dataset" / "v1.0.0" / "spacy" / "train.spacy").unlink()
    for gone in ("croissant.json", "data/default/train-00000-of-00001.parquet"):
        (repo / "dataset" / "v1.0.0" / gone).unlink()
    git(repo, "add", "-A", "dataset")
    git(repo, "commit", "--quiet", "-m", "edit a release")
    with pytest.raises(BuildError, match=rf"B321.*changed after the commit .*{released[:12]}"):
        tag_release("1.0.0", repo / "dataset")


def test_git_tag_refuses_outside_a_git_work_tree(tmp_path: Path) -> None:
    make_release(tmp_path / "plain", "1.0.0")
    with pytest.raises(BuildError, match=r"B320.*not inside a git work tree"):
        tag_release("1.0.0", tmp_path / "plain")


def test_git_tag_missing_release_is_b402(repo: Path) -> None:
    with pytest.raises(BuildError, match=r"B402.*v9\.9\.9"):
        tag_release("9.9.9", repo / "dataset")
    with pytest.raises(BuildError, match=r"B402.*no release to tag"):
        tag_release(None, repo / "empty")


def test_git_tag_cli_tags_and_reports(repo: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["tag", "1.0.0", "--dataset-dir", str(repo / "dataset")])
    assert made.exit_code == 0, made.output
    assert "as dataset-v1.0.0" in made.output
    again = runner.invoke(app, ["tag", "--dataset-dir", str(repo / "dataset")])
    assert again.exit_code == 0 and "already tags" in again.output
    refused = runner.invoke(app, ["tag", "1.0.0", "--dataset-dir", str(repo / "nowhere")])
    assert refused.exit_code == 1 and "B402" in refused.output
