"""Write and check the artefacts generated from the schema.

`schema/generated/` is output: nobody edits it. `nkcorpus schema write`
regenerates it; `nkcorpus schema check` fails when any file differs from what
the schema generates now (or is missing, or is not ours).
"""

from __future__ import annotations

import json
from pathlib import Path

from nkcorpus.atomic import atomic_write_text
from nkcorpus.errors import SchemaError
from nkcorpus.schema.bio import schema_to_bio_tags
from nkcorpus.schema.features import schema_to_features
from nkcorpus.schema.label_config import schema_to_label_config
from nkcorpus.schema.model import LabelSchema
from nkcorpus.schema.records import schema_to_record_models

GENERATED_DIR = Path(__file__).with_name("generated")
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def schema_to_files(schema: LabelSchema) -> dict[str, str]:
    """Relative path -> exact text of every generated artefact."""
    features = {table: f.to_dict() for table, f in schema_to_features(schema).items()}
    files = {
        "label_config.xml": schema_to_label_config(schema),
        "features.json": _json(features),
        "bio_tags.json": _json(schema_to_bio_tags(schema)),
    }
    for table, model in schema_to_record_models(schema).tables().items():
        json_schema = {
            "$schema": JSON_SCHEMA_DIALECT,
            "$comment": (
                f"One row of the `{table}` table, with class labels as their names. "
                f"Generated from schema_version {schema.schema_version}; do not edit."
            ),
            **model.model_json_schema(),
        }
        files[f"jsonschema/{table}.schema.json"] = _json(json_schema)
    files["schema_info.json"] = _json(
        {
            "schema_version": schema.schema_version,
            "schema_sha256": schema.schema_hash,
            "files": sorted(files),
        }
    )
    return files


def stale_files(schema: LabelSchema, out_dir: Path = GENERATED_DIR) -> list[str]:
    """Generated files that are missing, different, or not generated at all."""
    expected = schema_to_files(schema)
    stale = [
        name
        for name, text in expected.items()
        if not (out_dir / name).is_file() or (out_dir / name).read_text(encoding="utf-8") != text
    ]
    extra = (
        [
            p.relative_to(out_dir).as_posix()
            for p in sorted(out_dir.rglob("*"))
            if p.is_file() and p.relative_to(out_dir).as_posix() not in expected
        ]
        if out_dir.is_dir()
        else []
    )
    return sorted(stale + extra)


def write_generated(schema: LabelSchema, out_dir: Path = GENERATED_DIR) -> list[str]:
    """Regenerate every artefact; remove files that are no longer generated.
    Returns the relative paths that changed."""
    changed = stale_files(schema, out_dir)
    expected = schema_to_files(schema)
    for name in changed:
        path = out_dir / name
        if name in expected:
            atomic_write_text(path, expected[name])
        else:
            path.unlink()
    return changed


def check_generated(schema: LabelSchema, out_dir: Path = GENERATED_DIR) -> None:
    """Raise SchemaError naming every out-of-date artefact."""
    stale = stale_files(schema, out_dir)
    if stale:
        raise SchemaError(
            "S010",
            f"{out_dir}: generated files are out of date with schema/labels.yaml: "
            f"{', '.join(stale)}. Run `nkcorpus schema write` and commit the result.",
        )
