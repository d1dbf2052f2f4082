"""Installing the package: one `nkcorpus` namespace, nothing at the top level
that shadows PyPA's `build` or PyPI's `schema`, and no output in `build/`."""

import subprocess
import sys
import zipfile


def test_packaging_exposes_only_the_nkcorpus_namespace(tmp_path):
    probe = (
        "import importlib.util as u, json, nkcorpus.schema, nkcorpus.build, nkcorpus.annotation;"
        "print(json.dumps({m: u.find_spec(m) is not None "
        "for m in ['schema', 'annotation', 'build', 'nkcorpus.schema.model']}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == (
        '{"schema": false, "annotation": false, "build": false, "nkcorpus.schema.model": true}'
    )


def test_packaging_wheel_maps_stage_folders_and_leaves_build_alone(repo_root, tmp_path):
    build_before = sorted(p.name for p in (repo_root / "build").iterdir())
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(repo_root),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert sorted(p.name for p in (repo_root / "build").iterdir()) == build_before
    (wheel,) = tmp_path.glob("nk_defector_corpus-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top_level == {"nkcorpus"}
    for required in (
        "nkcorpus/schema/labels.yaml",
        "nkcorpus/schema/generated/label_config.xml",
        "nkcorpus/build/__init__.py",
        "nkcorpus/annotation/__init__.py",
    ):
        assert required in names


def test_packaging_cli_help_lists_every_command(tmp_path):
    from nkcorpus.cli import app

    out = subprocess.run(
        [sys.executable, "-m", "nkcorpus", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    leaves = [(command.name, command.callback.__doc__) for command in app.registered_commands]
    for group in app.registered_groups:
        prefix = f"{group.name} " if isinstance(group.name, str) else ""
        leaves += [
            (prefix + command.name, command.callback.__doc__)
            for command in group.typer_instance.registered_commands
        ]
    assert {"tasks", "prelabel-report", "seeds add", "schema check"} <= {n for n, _ in leaves}
    for name, doc in leaves:
        first_line = doc.strip().splitlines()[0]
        assert f"{name}: {first_line}" in out.stdout, name
