"""No credential ever leaves the places meant to hold it.

Every leaf `nkcorpus` command runs in a child process with distinctive marker
credentials in its environment (`LABEL_STUDIO_USERNAME`, `_PASSWORD`,
`_API_KEY`, `HF_TOKEN`), on a copy of the repository's inputs
(`NKCORPUS_ROOT`), and everything it prints or writes is searched for the
markers: raw, any-case, URL-encoded, base64 at every alignment, and 12-character
heads and tails of their random parts. Searched: stdout and stderr, the
server's `label-studio.log` and every other file of its data folder except the
credentials file and the database (which must hold them), pulled exports,
releases (Parquet and DocBins decompressed), the pipeline's scratch output and
the `datasets` cache. Error paths are run too (a wrong API key, a server that
is down, a Hub that cannot be reached), since error messages are where tokens
usually slip out.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nkcorpus.annotation.studio.credentials import CREDENTIALS_FILE, DATABASE_FILE
from nkcorpus.annotation.studio.server import LOG_FILE, studio_binary
from nkcorpus.cli import app, command_index
from nkcorpus.errors import StudioError
from tests.annotation.conftest import free_port

RANDOM = secrets.token_hex(12)  # 24 hex characters, new every run
MARKERS = {
    "LABEL_STUDIO_PASSWORD": f"nkleakPw{secrets.token_hex(12)}",
    "LABEL_STUDIO_API_KEY": f"nkleakKey{secrets.token_hex(12)}",  # a valid legacy token
    "HF_TOKEN": f"hf_nkleakHf{secrets.token_hex(12)}",
}
WRONG_KEY = f"nkleakWrong{secrets.token_hex(12)}"  # sent to a server that refuses it
USERNAME = f"nkleak.{RANDOM}@example.org"  # not a secret: `studio up` names the admin


def secret_forms(secret: str) -> set[bytes]:
    """Byte strings whose presence means `secret` leaked, in any common encoding."""
    raw = secret.encode()
    tail = secret[-24:]
    forms = {raw, tail[:12].encode(), tail[-12:].encode()}
    forms |= {
        urllib.parse.quote(secret, safe="").encode(),
        urllib.parse.quote_plus(secret).encode(),
    }
    forms.add(json.dumps(secret)[1:-1].encode())
    for shift in range(3):  # base64 of the secret inside any longer text
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * shift + raw)
            first, last = -(-8 * shift // 6), 8 * (shift + len(raw)) // 6
            forms.add(encoded[first:last])
    return forms


def readable_views(path: Path) -> Iterator[bytes]:
    """The bytes of `path`, plus its decompressed content where it is compressed."""
    data = path.read_bytes()
    yield data
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        yield json.dumps(pq.read_table(path).to_pylist(), default=str).encode()
    for decompress in (zlib.decompress, gzip.decompress):  # DocBins are zlib'd msgpack
        with contextlib.suppress(zlib.error, OSError, EOFError):
            yield decompress(data)


def find_leaks(
    sources: dict[str, bytes | Path],
    secret_values: dict[str, str],
    skip: Callable[[Path], bool] | None = None,
) -> list[str]:
    """'where: which secret (form)' for every secret form found in any source.
    A source is captured output (bytes) or a file or folder (searched recursively,
    leaving out the files for which `skip(path)` is true)."""
    found = []
    forms = {name: secret_forms(value) for name, value in secret_values.items()}
    for where, source in sources.items():
        if isinstance(source, bytes):
            views = [(where, [source])]
        else:
            files = (
                sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
            )
            files = [p for p in files if not (skip and skip(p))]
            views = [(str(p), list(readable_views(p))) for p in files]
        for place, contents in views:
            contents += [c.lower() for c in contents]
            for name, wanted in forms.items():
                hits = sorted(
                    (f for f in wanted if any(f in c or f.lower() in c for c in contents)), key=len
                )
                if hits:
                    found.append(f"{place}: {name} ({hits[-1][:40]!r})")
    return found


def test_leak_search_finds_a_planted_secret(tmp_path: Path) -> None:
    """The search can fail: a marker in any encoding, even compressed, is found."""
    secret = MARKERS["HF_TOKEN"]
    planted = {
        "raw.txt": f"token={secret}\n".encode(),
        "upper.log": f"TOKEN={secret.upper()}".encode(),
        "url.txt": urllib.parse.quote(f"x={secret}&y=1", safe="").encode(),
        "b64.txt": base64.b64encode(f"Authorization: Basic u:{secret}".encode()),
        "b64url.txt": base64.urlsafe_b64encode(f"ab{secret}".encode()),
        "head.txt": f"token {secret[-24:-12]}...".encode(),
        "docbin.spacy": zlib.compress(f'{{"user_data": "{secret}"}}'.encode()),
        "page.gz": gzip.compress(secret.encode()),
    }
    for name, data in planted.items():
        (tmp_path / name).write_bytes(data)
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": [f"say {secret}"] * 50}), tmp_path / "t.parquet")
    (tmp_path / "clean.txt").write_text("nothing secret here, " + secret[:-24], encoding="utf-8")
    leaks = find_leaks({"folder": tmp_path}, {"HF_TOKEN": secret})
    assert sorted(Path(leak.split(":")[0]).name for leak in leaks) == sorted(
        [*planted, "t.parquet"]
    )
    assert find_leaks({"stdout": f"ok {secret} ok".encode()}, {"HF_TOKEN": secret})
    assert not find_leaks({"stdout": b"ok"}, {"HF_TOKEN": secret})


# ---------------------------------------------------------------- running commands

# Every leaf command the two tests below run (with --help's names).
COVERED = {
    "schema write", "schema check", "seeds add", "seeds clean", "seeds summary", "seeds lines",
    "tasks", "pipeline", "validate", "counts", "review", "agreement", "prelabel-report", "build",
    "verify", "repair",
    "diff", "publish", "tag", "studio up", "studio sync", "studio pull", "studio users",
    "studio restore",
}  # fmt: skip


def _environment(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABEL_STUDIO_", "HF_"))}
    env.update(MARKERS)
    env.update(
        {
            "LABEL_STUDIO_USERNAME": USERNAME,
            "NKCORPUS_ROOT": str(root),
            "NKCORPUS_LOCK_DIR": str(root / "locks"),
            "XDG_DATA_HOME": str(root / "xdg"),
            "HF_HOME": str(root / "hf-home"),  # the datasets cache is searched too
            "HF_ENDPOINT": f"http://127.0.0.1:{free_port()}",  # nothing listens: publish fails
            "NO_COLOR": "1",
        }
    )
    return env


def _copy_inputs(repo_root: Path, root: Path) -> Path:
    """The inputs of every command, in a scratch root; the repository is never written."""
    shutil.copytree(repo_root / "seeds", root / "seeds")
    shutil.copytree(repo_root / "dataset", root / "dataset")
    shutil.copytree(repo_root / "annotation" / "exports", root / "annotation" / "exports")
    # the reviewers whose acceptances make the committed exports' gold
    shutil.copy(repo_root / "annotation" / "reviewers.yaml", root / "annotation" / "reviewers.yaml")
    shutil.copy(repo_root / "pyproject.toml", root / "pyproject.toml")
    return root


def run(
    command: str, args: list[str], env: dict[str, str], outputs: dict, expect: int = 0
) -> subprocess.CompletedProcess[bytes]:
    """Run `nkcorpus COMMAND ARGS`, keep its output for the search, check its status."""
    done = subprocess.run(
        [sys.executable, "-m", "nkcorpus", *command.split(), *args],
        cwd=env["NKCORPUS_ROOT"],
        env=env,
        capture_output=True,
        timeout=900,
    )
    label = f"nkcorpus {command} {' '.join(args)}"
    outputs[f"{label} [stdout]"], outputs[f"{label} [stderr]"] = done.stdout, done.stderr
    assert done.returncode == expect, f"{label}: exit {done.returncode}\n{done.stderr.decode()}"
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return done


def test_no_offline_command_prints_or_writes_a_credential(repo_root: Path, tmp_path: Path) -> None:
    root = _copy_inputs(repo_root, tmp_path / "root")
    env, outputs = _environment(root), {}
    exports = sorted(str(p) for p in (root / "annotation" / "exports").glob("*.json"))
    dataset = ["--dataset-dir", str(root / "dataset")]
    run("schema write", ["--out", str(root / "generated")], env, outputs)
    run("schema check", ["--out", str(root / "generated")], env, outputs)
    run("seeds add", [], env, outputs)
    run("seeds clean", ["--out", str(root / "clean.jsonl")], env, outputs)
    run("seeds summary", ["--json"], env, outputs)
    run("seeds lines", [str(root / "seeds" / "000_610f827a1a73c6d9.txt")], env, outputs)
    run("tasks", ["--out", str(root / "tasks.json"), "--no-progress"], env, outputs)
    run("pipeline", ["--out", str(root / "out")], env, outputs)
    run("validate", exports, env, outputs)
    run("counts", ["--json"], env, outputs)
    # --annotators: no marker key goes to whatever listens on the default URL
    run("review", [*exports, "--annotators", "2", "--json"], env, outputs)
    run("agreement", [*exports, "--json"], env, outputs)
    run("prelabel-report", ["--export", exports[-1]], env, outputs)
    build = ["--version", "9.9.9", *[a for e in exports for a in ("--export", e)], *dataset]
    run("build", [*build, "--no-progress"], env, outputs)
    run("verify", dataset, env, outputs)
    run("repair", dataset, env, outputs)
    run("diff", ["1.0.0", "9.9.9", *dataset], env, outputs)
    dry = run("publish", ["9.9.9", "--repo-id", "org/nk", "--dry-run", *dataset], env, outputs)
    assert b"dry run: nothing was sent" in dry.stdout
    failed = run("publish", ["9.9.9", "--repo-id", "org/nk", *dataset], env, outputs, expect=1)
    assert b"[B707]" in failed.stderr  # the token was used, the Hub was unreachable
    untagged = run("tag", ["9.9.9", *dataset], env, outputs, expect=1)
    assert b"[B320]" in untagged.stderr  # the scratch root is no git work tree
    assert (root / "dataset" / "v9.9.9" / "MANIFEST.json").is_file()
    assert (root / "out" / "dataset" / "v0.0.0" / "MANIFEST.json").is_file()
    leaks = find_leaks({**outputs, "files": root}, MARKERS)
    assert not leaks, "credentials leaked:\n" + "\n".join(leaks)
    assert not find_leaks({**outputs, "files": root}, {"username": RANDOM})


@pytest.mark.studio
def test_no_studio_command_prints_or_logs_a_credential(repo_root: Path, tmp_path: Path) -> None:
    try:
        binary = studio_binary()
    except StudioError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Label Studio server not installed: {exc}")
        pytest.skip(f"Label Studio server not installed: {exc}")
    root = _copy_inputs(repo_root, tmp_path / "root")
    env, outputs = {**_environment(root), "NKCORPUS_STUDIO_BIN": str(binary)}, {}
    data_dir, port = root / "studio-data", free_port()
    url = f"http://127.0.0.1:{port}"
    run("tasks", ["--out", str(root / "tasks.json"), "--no-progress"], env, outputs)
    up_out, up_err = root / "up.stdout", root / "up.stderr"
    argv = [
        "up",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--tasks",
        str(root / "tasks.json"),
    ]
    with open(up_out, "wb") as stdout, open(up_err, "wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "nkcorpus", "studio", *argv],
            cwd=root,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 400
            while b"Press Ctrl-C" not in up_out.read_bytes() and server.poll() is None:
                assert time.monotonic() < deadline, up_err.read_text()
                time.sleep(0.5)
            assert server.poll() is None, up_err.read_text()
            synced = run(
                "studio sync", ["--url", url, "--tasks", str(root / "tasks.json")], env, outputs
            )
            tasks = json.loads((root / "tasks.json").read_text(encoding="utf-8"))
            present = f"already present {len(tasks) - 1}".encode()  # all but the withheld copy
            assert present in synced.stdout, synced.stdout
            run("studio pull", ["--url", url, "--out", str(root / "pulled")], env, outputs)
            [pulled] = (root / "pulled").glob("export-*.json")
            run("studio restore", ["--url", url, "--no-progress"], env, outputs)
            run("review", ["--url", url, str(pulled)], env, outputs)
            run("agreement", [str(pulled)], env, outputs)
            run("studio users", ["--url", url], env, outputs)
            wrong = {**env, "LABEL_STUDIO_API_KEY": WRONG_KEY}
            run(
                "studio sync",
                ["--url", url, "--tasks", str(root / "tasks.json")],
                wrong,
                outputs,
                1,
            )
            run("studio pull", ["--url", url, "--out", str(root / "refused")], wrong, outputs, 1)
            down = f"http://127.0.0.1:{free_port()}"
            run("studio pull", ["--url", down, "--out", str(root / "down")], env, outputs, 1)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
    assert server.returncode == 0, up_err.read_text()
    [export] = (root / "pulled").glob("export-*.json")
    run("validate", [str(export)], env, outputs)
    stored = data_dir / CREDENTIALS_FILE
    # Positive control: the markers are the live credentials, and the search sees them.
    assert len(find_leaks({"credentials": stored}, MARKERS)) == 2
    log = data_dir / LOG_FILE
    assert log.stat().st_size, "the server wrote no log"

    def holds_secrets_by_design(path: Path) -> bool:
        return path == stored or path.name.startswith(DATABASE_FILE)

    searched = {**outputs, "files": root}  # root holds the data folder, exports, stdout of up
    leaks = find_leaks(searched, {**MARKERS, "wrong key": WRONG_KEY}, holds_secrets_by_design)
    assert not leaks, "credentials leaked:\n" + "\n".join(leaks)
    named = find_leaks(searched, {"username": RANDOM}, holds_secrets_by_design)
    # `up` prints the admin's name, `studio users` lists accounts by email: on purpose
    shown_on_purpose = (str(up_out), "nkcorpus studio users")
    assert all(n.startswith(shown_on_purpose) for n in named), named


def test_every_leaf_command_is_covered() -> None:
    """New commands must be added to the runs above (this fails until they are)."""
    leaves = {line.split(":")[0] for line in command_index(app).split("\n\n")}
    assert leaves == COVERED
