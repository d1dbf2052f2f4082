"""`MANIFEST.json` of a release, and `verify`: every file's sha256 checked.

The manifest lists every file of the version folder (sha256, bytes), the
schema version and hash, the sha256 of every input export, the code version
and the split of every document (so that later versions keep it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nkcorpus.atomic import atomic_write_text
from nkcorpus.build.errors import BuildError

MANIFEST_NAME = "MANIFEST.json"
MANIFEST_FORMAT = 1


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_files(folder: Path) -> list[str]:
    """Relative POSIX paths of every file in `folder` except the manifest, sorted."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
    )


def write_manifest(folder: Path, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Write MANIFEST.json: `fields` plus the checksum of every file now in `folder`."""
    files = {
        name: {"sha256": file_sha256(folder / name), "bytes": (folder / name).stat().st_size}
        for name in release_files(folder)
    }
    manifest = {"manifest_format": MANIFEST_FORMAT, **fields, "files": files}
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write_text(folder / MANIFEST_NAME, text, overwrite=False)
    return manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BuildError(
            "B401", f"{path}: cannot read the release manifest ({exc}); the release is damaged"
        ) from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BuildError("B401", f"{path}: no `files` mapping; the release is damaged")
    return manifest


def verify_release(folder: Path) -> list[str]:
    """Every difference between `folder` and its manifest; empty when intact."""
    manifest = read_manifest(folder)
    listed: Mapping[str, Any] = manifest["files"]
    present = set(release_files(folder))
    extra = sorted(present - set(listed))
    problems = [f"{folder / name}: not in {MANIFEST_NAME} (added after release)" for name in extra]
    for name, entry in sorted(listed.items()):
        path = folder / name
        if name not in present:
            problems.append(f"{path}: listed in {MANIFEST_NAME} but missing")
        elif file_sha256(path) != entry.get("sha256"):
            problems.append(
                f"{path}: sha256 differs from {MANIFEST_NAME} (modified after release); "
                "restore it with `git checkout -- <file>`"
            )
    return problems


def exports_fingerprint(paths: Sequence[Path]) -> dict[str, str]:
    """Export file name -> sha256, the build's annotation inputs."""
    return {path.name: file_sha256(path) for path in sorted(paths, key=lambda p: p.name)}
