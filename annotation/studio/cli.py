"""`nkcorpus studio up|sync|pull`: thin commands over the studio library.

Library modules are imported inside the commands so that `nkcorpus --help`
does not pay for loading the Label Studio SDK.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from nkcorpus.cli_errors import fail
from nkcorpus.errors import NkError, StudioError

app = typer.Typer(help="Run Label Studio and move tasks and annotations in and out of it.")

_DATA_DIR_DEFAULT = "(default: ~/.local/share/nkcorpus/label-studio, or under $XDG_DATA_HOME)"
UrlOption = Annotated[
    str | None,
    typer.Option(help="Label Studio URL (default: $LABEL_STUDIO_URL or http://127.0.0.1:8080)"),
]
AnnotatorsOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Distinct annotators per task: Label All Tasks serves each task to this many "
        "before it counts as done (default: keep the project's; a new project gets 2).",
    ),
]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        help=f"Data folder of `studio up` {_DATA_DIR_DEFAULT}; its stored API key is used "
        "when $LABEL_STUDIO_API_KEY is unset."
    ),
]


class _Spinner:
    """A one-line progress display on stderr while the server starts."""

    FRAMES = "|/-\\"

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.count = 0
        self.last_line = -10.0

    def tick(self, elapsed: float) -> None:
        self.count += 1
        message = f"starting Label Studio... {elapsed:3.0f} s (a first start takes about a minute)"
        if self.tty:
            frame = self.FRAMES[self.count % len(self.FRAMES)]
            sys.stderr.write(f"\r{frame} {message}")
            sys.stderr.flush()
        elif elapsed - self.last_line >= 10:
            self.last_line = elapsed
            typer.echo(message, err=True)

    def clear(self) -> None:
        if self.tty and self.count:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _sync_running(url: str, api_key: str, tasks: Path | None, annotators: int | None) -> str | None:
    """The sync of `up`: a failure is reported but leaves the server running.
    The project's URL, if the sync got that far."""
    from nkcorpus.annotation.studio.client import connect
    from nkcorpus.annotation.studio.sync import sync_project
    from nkcorpus.annotation.studio.tasks_file import default_tasks_path, read_tasks

    try:
        try:
            path = tasks or default_tasks_path()
        except StudioError:
            path = None
        task_list = read_tasks(path) if path and (tasks or path.exists()) else None
        if task_list is None:
            typer.echo(f"note: no tasks file {path or ''}; run `nkcorpus tasks`, then sync.")
        report = sync_project(
            connect(url, api_key), url, task_list, progress=True, annotators=annotators
        )
        typer.echo(report.summary())
        return report.project_url
    except NkError as exc:
        typer.echo(f"warning: sync failed, the server keeps running: {exc}", err=True)
        return None


def _urls(url: str, username: str, project_url: str | None) -> list[str]:
    """Where to go in the browser (no secret: the invite link is on the page named)."""
    lines = [f"Label Studio is running at {url} (log in as {username})."]
    if project_url:
        lines.append(f"  project (annotators: Label All Tasks): {project_url}")
    lines.append(f"  invite annotators (Add People, copy the invite link): {url}/organization/")
    return lines


@app.command("up")
def up(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            "--bind",
            help="Address to listen on; anything but loopback needs --allow-remote.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port; a busy port is an error.")] = 8080,
    data_dir: Annotated[
        Path | None,
        typer.Option(help=f"SQLite database, credentials, log, media {_DATA_DIR_DEFAULT}"),
    ] = None,
    tasks: Annotated[
        Path | None, typer.Option(help="Tasks to import (default: annotation/tasks.json)")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the server.")] = 240.0,
    annotators: AnnotatorsOption = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="PostgreSQL instead of SQLite: postgresql://USER@HOST:PORT/NAME, without "
            "a password (a command line is public; default: $NKCORPUS_STUDIO_DATABASE_URL, "
            "which may carry one)."
        ),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(help="The URL people open (a TLS reverse proxy's, https://...)."),
    ] = None,
    allow_remote: Annotated[
        bool,
        typer.Option(help="Allow a --host other machines can reach (plain HTTP)."),
    ] = False,
) -> None:
    """Start Label Studio, sync the project, and serve until Ctrl-C."""
    previous = {signum: signal.signal(signum, _interrupt) for signum in _STOP_SIGNALS}
    try:
        _up(
            host,
            port,
            data_dir,
            tasks,
            timeout,
            annotators,
            database_url=database_url,
            public_url=public_url,
            allow_remote=allow_remote,
        )
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _up(
    host: str,
    port: int,
    data_dir: Path | None,
    tasks: Path | None,
    timeout: float,
    annotators: int | None,
    *,
    database_url: str | None,
    public_url: str | None,
    allow_remote: bool,
) -> None:
    from nkcorpus.annotation.studio import credentials as cred
    from nkcorpus.annotation.studio import pidfile
    from nkcorpus.annotation.studio import server as srv
    from nkcorpus.annotation.studio.launch import plan_launch

    spinner = _Spinner()
    try:
        binary = srv.studio_binary()
        launch = plan_launch(
            host,
            port,
            data_dir or cred.default_data_dir(),
            database_url=database_url,
            public_url=public_url,
            allow_remote=allow_remote,
        )
        folder = launch.data_dir
        pidfile.ensure_not_running(folder)  # before the port: it may be that server's port
        srv.ensure_port_free(host, port)
        account, created = cred.load_or_create_credentials(folder)
        typer.echo(cred.credentials_notice(account, folder, created))
        typer.echo(f"server log: {folder / srv.LOG_FILE}")
        for line in launch.notices():
            typer.echo(line, err=line.startswith("warning:"))
        with launch.running(
            account, binary=binary, timeout=timeout, on_tick=spinner.tick
        ) as server:
            spinner.clear()
            project_url = _sync_running(server.url, account.api_key, tasks, annotators)
            if project_url and project_url.startswith(server.url):  # the address people open
                project_url = server.shown_url + project_url[len(server.url) :]
            typer.echo("\n".join(_urls(server.shown_url, account.username, project_url)))
            typer.echo("Press Ctrl-C to stop it.")
            try:
                srv.wait_for_exit(server)
            except KeyboardInterrupt:
                typer.echo("\nstopping Label Studio...")
        typer.echo("Label Studio stopped.")
    except NkError as exc:
        spinner.clear()
        fail(exc)
    except KeyboardInterrupt:
        spinner.clear()
        typer.echo("\ninterrupted; Label Studio stopped.", err=True)
        raise typer.Exit(130) from None


@app.command("sync")
def sync_command(
    url: UrlOption = None,
    tasks: Annotated[
        Path | None, typer.Option(help="Label Studio import file (default: annotation/tasks.json)")
    ] = None,
    data_dir: DataDirOption = None,
    annotators: AnnotatorsOption = None,
) -> None:
    """Create/update the project and import the tasks not imported yet."""
    from nkcorpus.annotation.studio.sync import sync
    from nkcorpus.annotation.studio.tasks_file import default_tasks_path

    try:
        report = sync(tasks or default_tasks_path(), url, data_dir=data_dir, annotators=annotators)
    except NkError as exc:
        fail(exc)
    typer.echo(report.summary())


@app.command("pull")
def pull_command(
    url: UrlOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the new export (default: annotation/exports)")
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Export every task with its annotations and predictions to a new file."""
    from nkcorpus.annotation.studio.pull import default_exports_dir, pull

    started = time.monotonic()
    try:
        report = pull(out or default_exports_dir(), url, data_dir=data_dir)
    except NkError as exc:
        fail(exc)
    typer.echo(f"{report.summary()} in {time.monotonic() - started:.1f} s")


@app.command("users")
def users_command(url: UrlOption = None, data_dir: DataDirOption = None) -> None:
    """List the server's accounts with their ids (for annotation/reviewers.yaml)."""
    from nkcorpus.annotation.studio.users import accounts_to_text, users

    try:
        accounts = users(url, data_dir=data_dir)
    except NkError as exc:
        fail(exc)
    typer.echo(accounts_to_text(accounts))


@app.command("restore")
def restore_command(
    url: UrlOption = None,
    export: Annotated[
        list[Path] | None,
        typer.Option(help="An export to restore; repeat it (default: every annotation/exports/*)"),
    ] = None,
    data_dir: DataDirOption = None,
    write_reviewers: Annotated[
        bool,
        typer.Option(
            "--write-reviewers",
            help="Rewrite annotation/reviewers.yaml with the reviewers' user ids on this "
            "server (when it replaces the team's server; see README).",
        ),
    ] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
) -> None:
    """Import every committed annotation, with its author and review, into the project."""
    from nkcorpus.annotation.studio.restore import restore

    started = time.monotonic()
    try:
        report = restore(
            export or None,
            url,
            data_dir=data_dir,
            progress=progress,
            update_reviewers=write_reviewers,
        )
    except NkError as exc:
        fail(exc)
    typer.echo(f"{report.summary()}\nin {time.monotonic() - started:.1f} s")
    error = report.error()
    if error is not None:
        fail(error)
