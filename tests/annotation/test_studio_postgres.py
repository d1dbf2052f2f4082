"""Label Studio on a real PostgreSQL (the session fixtures `postgres` and
`studio_pg_server`, started by `studio up`'s own code): the project, its tasks
and annotations live in PostgreSQL, not in a SQLite file, and no secret shows
up in a command line, the log, the pid file or the data folder."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from nkcorpus.annotation.studio import pidfile
from nkcorpus.annotation.studio.client import connect
from nkcorpus.annotation.studio.credentials import CREDENTIALS_FILE, DATABASE_FILE
from nkcorpus.annotation.studio.pull import pull_project
from nkcorpus.annotation.studio.sync import sync_project
from tests.annotation.conftest import PgStudio, make_task, span
from tests.test_secrets import secret_forms

pytestmark = pytest.mark.studio

# Code point offsets: the emoji is outside the BMP, two UTF-16 units.
TEXT = "Defector 😀 Kim Ryong-il crossed the DMZ in 2019."
TITLE = "nk-postgres-test"


def _cmdlines(pgid: int) -> dict[int, bytes]:
    """The raw command lines of every process in group `pgid` (Linux /proc)."""
    lines = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                lines[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
    return lines


def test_postgres_holds_the_project_tasks_and_annotations(
    studio_pg_server: PgStudio, tmp_path: Path
) -> None:
    studio, cluster = studio_pg_server.studio, studio_pg_server.cluster
    client = connect(studio.url, studio.api_key)
    tasks = [make_task(f"pg{i}", f"{TEXT} Task {i}.") for i in range(3)]
    report = sync_project(client, studio.url, tasks, title=TITLE)
    again = sync_project(client, studio.url, tasks, title=TITLE)
    assert (report.imported, again.imported, again.present) == (3, 0, 3)

    project = report.project_id
    count = cluster.query(f"SELECT count(*) FROM task WHERE project_id = {project}")
    assert count == "3"  # three tasks synced, the second sync imported none
    assert cluster.query(f"SELECT title FROM project WHERE id = {project}") == TITLE

    task_id = int(cluster.query(f"SELECT min(id) FROM task WHERE project_id = {project}"))
    region = span(TEXT, "Kim Ryong-il", "PERSON", "Xpg1")
    response = httpx.post(
        f"{studio.url}/api/tasks/{task_id}/annotations/",
        json={"result": [region]},
        headers={"Authorization": f"Token {studio.api_key}"},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    stored = cluster.query(f"SELECT count(*) FROM task_completion WHERE task_id = {task_id}")
    assert stored == "1"

    pulled = pull_project(client, studio.url, tmp_path, title=TITLE)
    assert pulled.tasks == 3
    exported = json.loads(pulled.path.read_text(encoding="utf-8"))
    annotated = next(t for t in exported if t["id"] == task_id)
    value = annotated["annotations"][0]["result"][0]["value"]
    text = annotated["data"]["text"]
    # "Defector 😀 " is 11 code points (9 + emoji + space), "Kim Ryong-il" 12: [11, 23)
    assert (value["start"], value["end"]) == (11, 23)
    assert text[value["start"] : value["end"]] == value["text"] == "Kim Ryong-il"

    data_dir = studio_pg_server.data_dir
    assert not (data_dir / DATABASE_FILE).exists(), "Label Studio wrote a SQLite database"
    assert not list(data_dir.rglob("*.sqlite3"))


def test_postgres_secrets_stay_out_of_argv_log_pidfile_and_data_dir(
    studio_pg_server: PgStudio,
) -> None:
    server, cluster = studio_pg_server.server, studio_pg_server.cluster
    credentials = studio_pg_server.credentials
    secrets = {
        "PostgreSQL password": cluster.password,
        "admin password": credentials.password,
        "API token": credentials.api_key,
    }
    forms = {name: secret_forms(value) for name, value in secrets.items()}

    cmdlines = _cmdlines(server.process.pid)  # the supervisor leads the group
    assert len(cmdlines) >= 2, cmdlines  # the supervisor and Label Studio
    places = {f"/proc/{pid}/cmdline": raw for pid, raw in cmdlines.items()}
    for path in sorted(studio_pg_server.data_dir.rglob("*")):
        if path.is_file() and path.name not in {CREDENTIALS_FILE, ".env"}:
            places[str(path)] = path.read_bytes()  # the log and the pid file among them
    assert studio_pg_server.data_dir / "label-studio.log" in studio_pg_server.data_dir.rglob("*")
    assert pidfile.pid_path(studio_pg_server.data_dir).exists()
    leaks = [
        f"{name} in {place}"
        for place, raw in places.items()
        for name, variants in forms.items()
        if any(form in raw for form in variants)
    ]
    assert not leaks
    # Positive control: the scan finds a secret where it is meant to be, the
    # server's environment (readable only by this user) and the credentials file.
    environ = b"".join((Path(f"/proc/{pid}") / "environ").read_bytes() for pid in cmdlines)
    assert any(form in environ for form in forms["PostgreSQL password"])
    stored = (studio_pg_server.data_dir / CREDENTIALS_FILE).read_bytes()
    assert any(form in stored for form in forms["admin password"])
    log = (studio_pg_server.data_dir / "label-studio.log").read_text(errors="replace")
    assert f"database postgresql://{cluster.user}@127.0.0.1:{cluster.port}/{cluster.dbname}" in log


def test_postgres_backup_with_pg_dump_restores_into_a_new_database(
    studio_pg_server: PgStudio,
) -> None:
    """The README's backup: pg_dump of the database, pg_restore into a new one."""
    studio, cluster = studio_pg_server.studio, studio_pg_server.cluster
    client = connect(studio.url, studio.api_key)
    tasks = [make_task(f"bk{i}", f"Backup text {i}.") for i in range(2)]
    project = sync_project(client, studio.url, tasks, title="nk-postgres-backup").project_id
    dump = cluster.folder / "studio.dump"
    done = cluster.tool("pg_dump", "--format=custom", f"--file={dump}", cluster.dbname)
    assert done.returncode == 0, done.stderr
    cluster.create_database("nkcorpus_restored")
    done = cluster.tool("pg_restore", "--dbname=nkcorpus_restored", str(dump))
    assert done.returncode == 0, done.stderr
    restored = cluster.sql(
        f"SELECT count(*) FROM task WHERE project_id = {project}", dbname="nkcorpus_restored"
    )
    assert restored == "2"  # the two tasks synced above
    owner = cluster.sql(
        "SELECT tableowner FROM pg_tables WHERE tablename = 'task'", dbname="nkcorpus_restored"
    )
    assert owner == cluster.user  # Label Studio's role owns the restored tables
