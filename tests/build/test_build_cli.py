"""`nkcorpus build|verify|diff|publish` through the real CLI."""

from pathlib import Path

from typer.testing import CliRunner

from nkcorpus.cli import app
from tests.fixtures import v1_exports

RUNNER = CliRunner()


def _run(*args: str):
    return RUNNER.invoke(app, list(args))


def test_build_cli_builds_verifies_diffs_and_dry_runs_publish(tmp_path: Path, monkeypatch):
    dataset = tmp_path / "dataset"
    # v1.0.0's export (the fixture): its gold covers 000, 002, 003, 004; 001 is withheld
    build = ("build", "--version", "1.0.0", "--export", str(v1_exports()[0]),
             "--dataset-dir", str(dataset), "--no-progress")  # fmt: skip
    built = _run(*build)
    assert built.exit_code == 0, built.output
    assert f"wrote {dataset / 'v1.0.0'}: 4 document(s)" in built.output
    assert "withheld near-duplicate: 001_01116437e2deb97c" in built.output
    again = _run(*build)
    assert again.exit_code == 1 and "B302" in again.output

    verified = _run("verify", "--dataset-dir", str(dataset))
    assert verified.exit_code == 0 and "v1.0.0: OK" in verified.output
    diffed = _run("diff", "1.0.0", "1.0.0", "--dataset-dir", str(dataset))
    assert diffed.exit_code == 0 and "no document or span changed" in diffed.output

    monkeypatch.setenv("HF_TOKEN", "hf_secret_never_printed")
    plan = _run(
        "publish", "1.0.0", "--repo-id", "org/nk", "--dry-run", "--dataset-dir", str(dataset)
    )
    assert plan.exit_code == 0, plan.output
    assert "data/documents/train-00000-of-00001.parquet" in plan.output
    assert "nothing was sent" in plan.output and "hf_secret" not in plan.output

    (dataset / "v1.0.0" / "README.md").write_text("tampered", encoding="utf-8")
    tampered = _run("verify", "1.0.0", "--dataset-dir", str(dataset))
    assert tampered.exit_code == 1 and "README.md: sha256 differs" in tampered.output
    refused = _run(
        "publish", "1.0.0", "--repo-id", "org/nk", "--dry-run", "--dataset-dir", str(dataset)
    )
    assert refused.exit_code == 1 and "B403" in refused.output


def test_build_cli_reports_bad_arguments(tmp_path: Path):
    bad_version = _run("build", "--version", "1.0", "--dataset-dir", str(tmp_path))
    assert bad_version.exit_code == 1 and "B301" in bad_version.output
    bad_ratios = _run("build", "--version", "1.0.0", "--split-ratios", "1,1,1",
                      "--dataset-dir", str(tmp_path))  # fmt: skip
    assert bad_ratios.exit_code == 1 and "B201" in bad_ratios.output
    missing = _run("verify", "2.0.0", "--dataset-dir", str(tmp_path))
    assert missing.exit_code == 1 and "B402" in missing.output
    assert list(tmp_path.iterdir()) == []


def test_build_cli_verify_reports_bookkeeping_and_debris_and_repair_fixes_them(tmp_path: Path):
    from tests.build.test_release import tiny_export

    export, dataset = tiny_export(tmp_path), tmp_path / "dataset"
    built = _run("build", "--version", "1.0.0", "--export", str(export),
                 "--dataset-dir", str(dataset), "--no-progress")  # fmt: skip
    assert built.exit_code == 0, built.output
    (dataset / ".building-v1.1.0-4242" / "data").mkdir(parents=True)
    (dataset / "README.md").write_text("stale\n", encoding="utf-8")
    verified = _run("verify", "--dataset-dir", str(dataset))
    assert verified.exit_code == 1 and "v1.0.0: OK" in verified.output
    assert f"[B405] {dataset / '.building-v1.1.0-4242'}: left by a build that died" in (
        verified.output
    )
    assert "[B404]" in verified.output and "README.md: does not point at the latest" in (
        verified.output
    )
    repaired = _run("repair", "--dataset-dir", str(dataset))
    assert repaired.exit_code == 0, repaired.output
    assert "removed .building-v1.1.0-4242: left by a build that died" in repaired.output
    assert f"rewrote {dataset / 'README.md'} from the release folders" in repaired.output
    assert _run("verify", "--dataset-dir", str(dataset)).exit_code == 0
    nothing = _run("repair", "--dataset-dir", str(tmp_path / "none"))
    assert nothing.exit_code == 1 and "B402" in nothing.output
    assert not (tmp_path / "none").exists()
