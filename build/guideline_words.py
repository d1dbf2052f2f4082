"""The closed word lists behind the guideline checks (`nkcorpus.build.guideline_checks`).

Each list is the one GUIDELINES.md states for its rule; change both together.
Words are compared lower-cased, token by token (the `tokens` table's tokeniser).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# CROSSING boundaries: a verb that governs the movement stays outside the span.
# Followed by "to" + the movement verb ("attempted to cross", "plans to return").
GOVERNING_TO = _words(
    """attempt attempts attempted attempting try tries tried trying plan plans planned planning
    decide decides decided deciding want wants wanted wanting hope hopes hoped hoping intend
    intends intended intending manage manages managed managing seek seeks sought seeking
    choose chooses chose chosen choosing dare dares dared daring wish wishes wished wishing
    aim aims aimed aiming vow vows vowed vowing threaten threatens threatened threatening
    agree agrees agreed agreeing refuse refuses refused refusing expect expects expected
    expecting prepare prepares prepared preparing begin begins began begun beginning start
    starts started starting continue continues continued continuing"""
)
# Followed (within three words) by an event noun that names the movement
# ("took the perilous journey", "made a daring escape", "attempted the crossing").
GOVERNING_NOUN = _words(
    """take takes took taken taking make makes made making undertake undertakes undertook
    undertaken undertaking attempt attempts attempted attempting complete completes completed
    completing stage stages staged staging risk risks risked risking"""
)
MOVEMENT_NOUNS = _words(
    """journey journeys trip trips crossing crossings escape escapes defection defections
    flight flights dash trek treks voyage voyages swim walk leap jump passage run return
    returns re-entry reentry entry re-defection"""
)

# CROSSING: general nouns that only refer back to a crossing are not CROSSINGs
# ("This incident", "a rare and risky move", "the latest event").
GENERAL_NOUNS = _words(
    """incident incidents event events case cases move moves act acts step steps affair
    episode episodes matter decision decisions action actions development"""
)

# agent: words that may stand between the mover and its movement verb
# ("A man who previously defected", "Son plans to publicly defect", "Kim's return").
MOVER_GAP = (
    _words(
        """who that has have had is was were are be been being will would could can may might
    must shall should did does do not never also then later previously reportedly allegedly
    eventually finally first recently once already successfully secretly illegally again
    just originally to publicly formally 's ’s"""
    )
    | GOVERNING_TO
)
MOVER_GAP_MAX = 4  # words between the mover and the CROSSING, at most

# MOTIVE extent: words that introduce a reason and stay outside the span.
MOTIVE_OUTSIDE_FIRST = _words(
    """due owing because after for since as feel feels felt think thinks thought believe
    believes believed say says said"""
)
MOTIVE_OUTSIDE_PAIRS = frozenset({("in", "order"), ("so", "as"), ("out", "of")})
# A MOTIVE that runs on: longer than this, or with a clause inside.
MOTIVE_MAX_WORDS = 12
CLAUSE_WORDS = _words("who whom whose which where when while because after before since although")
