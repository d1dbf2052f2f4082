"""Errors of the build stage.

Codes: B10x reading exports, B12x gold selection, B13x-B15x validation
problems (collected, see `nkcorpus.build.validate`), B100 the summary of a
failed validation; B20x split ratios, B21x span/token alignment; B30x
versions and the release itself (B302: a version exists and never changes);
B40x manifests and `verify`; B50x `diff`; B70x `publish`.
"""

from __future__ import annotations

from nkcorpus.errors import NkError


class BuildError(NkError):
    """An export cannot be read, or a task cannot be turned into gold."""
