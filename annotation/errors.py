"""Errors of the annotation stage that are not about talking to Label Studio.

Codes A2xx: pre-annotation patterns, tasks files and prediction scoring.
"""

from __future__ import annotations

from nkcorpus.errors import NkError


class AnnotationError(NkError):
    """Pre-annotation rules, the tasks file or a scoring input is invalid."""
