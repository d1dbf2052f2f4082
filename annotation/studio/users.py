"""`nkcorpus studio users`: the server's accounts with their user ids, so a
maintainer can list reviewers by id in `annotation/reviewers.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.studio.client import api_call, connect, resolve_url
from nkcorpus.annotation.studio.credentials import resolve_api_key


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    reviewer: bool


def list_accounts(client: LabelStudio, url: str, reviewers: frozenset[int]) -> list[Account]:
    """Every account of the server, in id order, marked when it is a reviewer."""
    with api_call(url, "listing the accounts"):
        users = client.users.list()
    return sorted(
        (Account(int(u.id), str(u.email or ""), int(u.id) in reviewers) for u in users),
        key=lambda a: a.id,
    )


def accounts_to_text(accounts: list[Account]) -> str:
    """One line per account: id, email, and whether `annotation/reviewers.yaml` lists it.

    >>> print(accounts_to_text([Account(1, "admin@x", False), Account(3, "r@x", True)]))
    id  email    reviewer
     1  admin@x  -
     3  r@x      yes
    """
    width = max([len("email"), *(len(a.email) for a in accounts)])
    lines = [f"id  {'email'.ljust(width)}  reviewer"]
    lines += [
        f"{a.id:>2}  {a.email.ljust(width)}  {'yes' if a.reviewer else '-'}" for a in accounts
    ]
    return "\n".join(lines)


def users(
    url: str | None = None, api_key: str | None = None, data_dir: Path | None = None
) -> list[Account]:
    """Connect (as `sync` does) and list the accounts."""
    from nkcorpus.annotation.reviewers import load_reviewers

    url = resolve_url(url)
    key, _ = resolve_api_key(api_key, data_dir)
    return list_accounts(connect(url, key), url, load_reviewers().ids)
