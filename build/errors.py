"""Errors of the build stage.

Codes B1xx: B10x reading exports, B12x gold selection, B13x-B15x validation
problems (collected, see `nkcorpus.build.validate`), B100 the summary of a
failed validation.
"""

from __future__ import annotations

from nkcorpus.errors import NkError


class BuildError(NkError):
    """An export cannot be read, or a task cannot be turned into gold."""
