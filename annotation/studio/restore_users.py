"""Who the restored annotations are by, and who reviews on the restored server.

An export names each annotation's author (`completed_by`) by the user id of
the server it came from, and ids differ between servers. `studio restore`
maps each exported author id `k` to an account of the server, in this order:

1. the account with the email the export gives for `k` (exports made with
   full user objects; `studio pull` writes ids only);
2. the account with the email `annotation/reviewers.yaml` gives for reviewer
   `k` (a reviewer who signed up on the new server before the restore);
3. the placeholder account `annotator-<k>@nkcorpus.invalid` (`.invalid` is a
   reserved domain: no mail reaches it), created when missing. The API that
   creates it takes no password, and Label Studio stores an empty password
   hash, which no password matches: nobody can log in as a placeholder.

The placeholders are found again by their email, so a second restore maps to
the same accounts and the mapping needs no file of its own; the restore prints it.

The gold rule counts an acceptance whose author is listed in reviewers.yaml,
by user id of the team's server. On a restored server the reviewers' restored
acceptances are by the mapped accounts, so the list this server needs is each
listed reviewer's mapped account (`reviewers_on_server`); `studio restore
--write-reviewers` writes it into reviewers.yaml.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from label_studio_sdk.client import LabelStudio

from nkcorpus.annotation.reviewers import Reviewer, ReviewerList
from nkcorpus.annotation.studio.client import api_call
from nkcorpus.atomic import atomic_write_text
from nkcorpus.build.gold import annotator_id
from nkcorpus.errors import StudioError

PLACEHOLDER_DOMAIN = "nkcorpus.invalid"
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+@-]*")  # an email YAML reads as it is


def placeholder_email(old_id: int | None) -> str:
    """The placeholder account of exported user id `old_id` (None: no author).

    >>> placeholder_email(7), placeholder_email(None)
    ('annotator-7@nkcorpus.invalid', 'annotator-unknown@nkcorpus.invalid')
    """
    return f"annotator-{'unknown' if old_id is None else old_id}@{PLACEHOLDER_DOMAIN}"


def annotations_to_authors(annotations: Iterable[Mapping[str, Any]]) -> dict[int | None, str]:
    """Each author id of `annotations` -> the email the export gives for it ("" if none).

    >>> annotations_to_authors([{"completed_by": 3}, {"completed_by": {"id": 4, "email": "a@b"}}])
    {3: '', 4: 'a@b'}
    """
    authors: dict[int | None, str] = {}
    for annotation in annotations:
        given = annotation.get("completed_by")
        email = given.get("email") if isinstance(given, Mapping) else None
        old_id = annotator_id(given)
        if (isinstance(email, str) and email) or old_id not in authors:
            authors[old_id] = email if isinstance(email, str) else ""
    return authors


@dataclass(frozen=True)
class MappedAccount:
    """Exported author id `old_id` is account `new_id` (`email`) on this server."""

    old_id: int | None
    new_id: int
    email: str
    how: str  # "export email", "reviewer email", "placeholder", "new placeholder"

    def describe(self) -> str:
        old = "no author" if self.old_id is None else f"user {self.old_id}"
        return f"{old} of the exports -> account {self.new_id} {self.email} ({self.how})"


def choose_account(
    old_id: int | None, export_email: str, reviewer_email: str, server: Mapping[str, int]
) -> tuple[str, str]:
    """The email of the account `old_id` maps to, and how it was chosen; `server`
    maps the server's emails (lower case) to ids.

    >>> choose_account(3, "", "r@x.org", {"r@x.org": 9})
    ('r@x.org', 'reviewer email')
    >>> choose_account(3, "", "r@x.org", {})
    ('annotator-3@nkcorpus.invalid', 'new placeholder')
    """
    for email, how in ((export_email, "export email"), (reviewer_email, "reviewer email")):
        if email and email.lower() in server:
            return email.lower(), how
    email = placeholder_email(old_id)
    return email, "placeholder" if email in server else "new placeholder"


def server_accounts(client: LabelStudio, url: str) -> dict[str, int]:
    """The server's accounts: email (lower case) -> user id."""
    with api_call(url, "listing the accounts"):
        users = client.users.list()
    return {str(u.email or "").lower(): int(u.id) for u in users if u.email}


def map_accounts(
    client: LabelStudio,
    url: str,
    authors: Mapping[int | None, str],
    reviewers: ReviewerList,
    server: dict[str, int],
) -> dict[int | None, MappedAccount]:
    """Map each exported author id of `authors` (id -> email the export gives)
    to an account of the server (`server`: email -> id, from `server_accounts`,
    updated with the placeholders created)."""
    emails = {r.id: r.email for r in reviewers.reviewers}
    mapped: dict[int | None, MappedAccount] = {}
    for old_id in sorted(authors, key=lambda k: -1 if k is None else k):
        reviewer_email = emails.get(old_id, "") if old_id is not None else ""
        email, how = choose_account(old_id, authors[old_id], reviewer_email, server)
        if email not in server:
            name = email.split("@")[0]
            with api_call(url, f"creating the placeholder account {email}"):
                user = client.users.create(
                    username=name, email=email, first_name="Restored", last_name=name
                )
            server[email] = int(user.id)
        mapped[old_id] = MappedAccount(old_id, server[email], email, how)
    return mapped


def reviewers_on_server(
    reviewers: ReviewerList,
    mapped: Mapping[int | None, MappedAccount],
    server: Mapping[str, int],
) -> tuple[ReviewerList, tuple[str, ...]]:
    """The reviewers by this server's user ids (each listed reviewer's mapped
    account, else their account by email), and notes on those left out.

    >>> listed = ReviewerList(reviewers=[Reviewer(id=3, email="r@x.org"), Reviewer(id=4)])
    >>> mapped = {3: MappedAccount(3, 12, "r@x.org", "reviewer email")}
    >>> here, notes = reviewers_on_server(listed, mapped, {"r@x.org": 12})
    >>> [(r.id, r.email) for r in here.reviewers], notes[0][:22]
    ([(12, 'r@x.org')], 'reviewer 4 (no email) ')
    """
    kept: dict[int, Reviewer] = {}
    notes = []
    for reviewer in reviewers.reviewers:
        account = mapped.get(reviewer.id)
        if account is not None:
            kept.setdefault(account.new_id, Reviewer(id=account.new_id, email=account.email))
        elif reviewer.email and reviewer.email.lower() in server:
            new_id = server[reviewer.email.lower()]
            kept.setdefault(new_id, Reviewer(id=new_id, email=reviewer.email))
        else:
            notes.append(
                f"reviewer {reviewer.id} ({reviewer.email or 'no email'}) has no restored "
                "annotation and no account with that email here: once they sign up, add "
                "their id (`nkcorpus studio users`) to annotation/reviewers.yaml"
            )
    return ReviewerList(reviewers=sorted(kept.values(), key=lambda r: r.id)), tuple(notes)


def reviewers_to_yaml(reviewers: ReviewerList, header: str = "") -> str:
    """reviewers.yaml text: `header` (comment lines), then the list.

    >>> print(reviewers_to_yaml(ReviewerList(reviewers=[Reviewer(id=12, email="r@x.org")])))
    reviewers:
      - id: 12
        email: r@x.org
    <BLANKLINE>
    """
    if not reviewers.reviewers:
        return f"{header}reviewers: []\n"
    lines = [f"{header}reviewers:"]
    for reviewer in reviewers.reviewers:
        lines.append(f"  - id: {reviewer.id}")
        if reviewer.email:
            plain = _PLAIN.fullmatch(reviewer.email)
            lines.append(f"    email: {reviewer.email if plain else json.dumps(reviewer.email)}")
    return "\n".join(lines) + "\n"


def write_reviewers(path: Path, reviewers: ReviewerList) -> None:
    """Replace the list in `path` by `reviewers`, keeping its leading comments;
    StudioError A173 when it cannot be written."""
    try:
        try:
            old = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
        except FileNotFoundError:
            old = []
        header = ""
        for line in old:
            if not line.startswith("#"):
                break
            header += line
        atomic_write_text(Path(path), reviewers_to_yaml(reviewers, header))
    except (OSError, UnicodeDecodeError) as exc:
        raise StudioError(
            "A173",
            f"cannot rewrite {path} with the reviewers' ids on this server ({exc}); the "
            "restore itself is complete: fix the file's permissions and restore again with "
            "--write-reviewers",
        ) from exc
