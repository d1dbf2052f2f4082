"""Attribute values a rule can know from the words of a span, its sentence
and its inferred relations. A rule that cannot tell says nothing: the
annotator sets the attribute (the schema's `unknown` is a human judgement).

Values are looked up in the schema when used; a value the schema does not
allow is a bug and raises A205.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from spacy.tokens import Span

from nkcorpus.annotation.errors import AnnotationError
from nkcorpus.annotation.prelabel.numbers import tokens_to_qualifier
from nkcorpus.annotation.prelabel.relations import Relation
from nkcorpus.schema.model import LabelSchema, load_schema

Rule = Callable[[Span, Sequence[Relation]], list[str]]
_NORTH = r"(?:the\s+)?(?:north|n\.|pyongyang)(?!\s+korean)"
_SOUTH = r"(?:the\s+)?(?:south|s\.|seoul)(?!\s+korean)"
_LEAVE = (
    r"\b(?:from|out\s+of|left|leaves?|leaving|fled|flee(?:s|ing)?|escap(?:e|es|ed|ing)|quit)\s+"
)


def _first(text: str, table: Sequence[tuple[str, str]]) -> str | None:
    """The value of the first (pattern, value) row whose pattern occurs in `text`."""
    for pattern, value in table:
        if re.search(pattern, text):
            return value
    return None


def _earliest(text: str, table: Sequence[tuple[str, str]]) -> str | None:
    """The value of the keyword that occurs earliest in `text`."""
    hits = [(m.start(), value) for pattern, value in table if (m := re.search(pattern, text))]
    return min(hits)[1] if hits else None


DIRECTION = [  # first match wins: sources before destinations before "back"
    (_LEAVE + _NORTH, "out_of_north"),
    (_LEAVE + _SOUTH, "south_to_north"),
    (r"\b(?:north|n\.|pyongyang|northwards?)\b(?!\s+korean)", "south_to_north"),
    (r"\b(?:south|s\.|seoul|southwards?)\b(?!\s+korean)", "north_to_south"),
    (r"\b(?:back|home|homeland|hometown|return\w*|re-?entry|re-?enter\w*|re-?defect\w*)\b",
     "south_to_north"),
    (r"\b(?:defect\w*|fle[de]\w*|escap\w*|china|russia|mongolia|laos|thailand)\b", "out_of_north"),
]  # fmt: skip
ROUTE_IN_SPAN = [
    (r"\b(?:china|chinese|third countr\w*|thailand|laos|mongolia|russia|vietnam|cambodia)\b",
     "third_country"),
    (r"\b(?:boat|sea|maritime|swam|swim\w*|northern limit line|coast\w*|waters)\b", "sea"),
    (r"\b(?:dmz|demilitari[sz]ed|demarcation|mdl|barbed|fence|border)\b", "land_border_dmz"),
    (r"\b(?:deport\w*|repatriat\w*|sent back|extradit\w*)\b", "official_channel"),
]  # fmt: skip
ROUTE_IN_SENTENCE = [
    *ROUTE_IN_SPAN[:2],
    (r"\b(?:dmz|demilitari[sz]ed|demarcation|mdl|barbed|fence)\b", "land_border_dmz"),
    (r"\b(?:legal|official|formal) channels?\b|\b(?:deport\w*|repatriat\w*)\b", "official_channel"),
]
STATUS_CUES = [  # in the words before the crossing, in its sentence
    (r"\b(?:tr(?:y|ies|ied|ying)|attempt\w*|sought)\b", "attempted"),
    (r"\b(?:plan\w*|intend\w*|want\w*|will|going to|hop(?:e|es|ed|ing)|decided|aim\w*)\b",
     "planned"),
]  # fmt: skip
STATUS_IN_SPAN = [
    (r"\b(?:failed|attempted|foiled)\b", "attempted"),
    (r"\b(?:planned|intended)\b", "planned"),
    (r"^(?:re-?)?(?:\w+ed|fled|went|came|left|ran|swam|made|got|reached)\b", "completed"),
    (r"^(?:re-?)?(?:defect|return|go|come|flee|escape|cross|leave)\b", "generic"),
    (r"\b(?:defections|crossings|returns)$", "generic"),
]
ROLE_WORDS = [
    (r"\b(?:defector|refugee|escapee|defected|defectee)\b", "defector"),
    (r"\b(?:returnee|re-defector|returned defector)\b", "returnee"),
    (r"\b(?:official|officer|minister|diplomat|lawmaker|spokes\w+|ambassador)\b", "official"),
    (r"\b(?:expert|analyst|professor|researcher|scholar|heads|director|president of)\b",
     "expert"),
    (r"\b(?:activist|campaigner|pastor|missionary|advocate)\b", "activist"),
    (r"\b(?:athlete|olympian|journalist|reporter|student|cleaner)\b", "other"),
]  # fmt: skip
DIRECTION_ROLES = {"out_of_north": ["defector"], "north_to_south": ["defector"],
                   "south_to_north": ["defector", "returnee"]}  # fmt: skip
CATEGORY = [
    (r"\b(?:highlight|protest|message|denounc|condemn|draw attention|raise awareness)", "protest"),
    (r"\b(?:charges?|penalt|crime|criminal|prosecut|arrest|investigation|police)",
     "crime_avoidance"),
    (r"\b(?:coax|coerc|blackmail|threats|pressur|lur|abduct|kidnap|forced)", "state_coercion"),
    (r"\b(?:famil|hometown|relative|parent|child|mother|father|wife|husband|miss|long|yearn)",
     "family_ties"),
    (r"\b(?:adjust|adapt|integrat|settle|assimilat|fit in)", "failed_integration"),
    (r"\b(?:discriminat|prejudice|stigma|treatment|mistreat|contempt|respect)", "discrimination"),
    (r"\b(?:poverty|hunger|starv|famine|money|ends meet|econom|job|income|destitut|debt|living)",
     "economic_hardship"),
    (r"\b(?:persecut|oppress|regime|freedom|political|dictator|repress)", "political_persecution"),
]  # fmt: skip
SUBJECT_IN_SENTENCE = [(r"\bwhereabouts\b", "unknown_whereabouts"),
                       (r"\b(?:survey\w*|poll\w*|respondents)\b", "survey")]  # fmt: skip
SUBJECT_BY_DIRECTION = {"south_to_north": "returnees", "north_to_south": "arrivals_in_south"}
_APPOSITION_OPENERS = frozenset({",", "―", "—", "–", "("})
_APPOSITION_STOPS = frozenset({",", ";", ".", ")", "―", "—", "–", "”", '"'})


def direction(span: Span, relations: Sequence[Relation] = ()) -> list[str]:
    value = _first(span.text.lower(), DIRECTION)
    return [value] if value else []


def route(span: Span, relations: Sequence[Relation] = ()) -> list[str]:
    value = _first(span.text.lower(), ROUTE_IN_SPAN) or _first(
        span.sent.text.lower(), ROUTE_IN_SENTENCE
    )
    return [value] if value else []


def status(span: Span, relations: Sequence[Relation] = ()) -> list[str]:
    before = span.doc[max(span.sent.start, span.start - 8) : span.start]
    value = _first(before.text.lower(), STATUS_CUES)
    if value is None and not (len(before) and before[-1].lower_ == "to"):
        value = _first(span.text.lower(), STATUS_IN_SPAN)
    if value is None and len(before) > 1 and before[-1].is_alpha:
        value = "completed" if before[-1].lower_ in {"have", "has", "had"} else None
    return [value] if value else []


def _apposition(span: Span) -> str:
    doc = span.doc
    if span.end >= len(doc) or doc[span.end].text not in _APPOSITION_OPENERS:
        return ""
    words = []
    for token in doc[span.end + 1 : span.end + 16]:
        if token.text in _APPOSITION_STOPS:
            break
        words.append(token.text)
    return " ".join(words).lower()


def roles(span: Span, relations: Sequence[Relation] = ()) -> list[str]:
    text = f"{span.text.lower()} | {_apposition(span)}"
    found = {value for pattern, value in ROLE_WORDS if re.search(pattern, text)}
    for relation in relations:
        if relation.name == "agent" and relation.head == span:
            for value in direction(relation.tail):
                found.update(DIRECTION_ROLES.get(value, []))
    return sorted(found)


def category(span: Span, relations: Sequence[Relation] = ()) -> list[str]:
    value = _earliest(span.text.lower(), CATEGORY)
    return [value] if value else []


def qualifier(span: Span, relations: Sequence[Relation] = ()) -> list[str]:
    return [tokens_to_qualifier([t.text for t in span])]


def subject(span: Span, relations: Sequence[Relation] = ()) -> list[str]:
    value = _first(span.sent.text.lower(), SUBJECT_IN_SENTENCE)
    for relation in relations:
        if value is None and relation.name == "quantifies" and relation.head == span:
            value = SUBJECT_BY_DIRECTION.get(next(iter(direction(relation.tail)), ""))
    return [value] if value else []


# Rules by attribute name; names are checked against the schema.
ATTRIBUTE_RULES: dict[str, Rule] = {
    "roles": roles, "direction": direction, "route": route, "status": status,
    "category": category, "qualifier": qualifier, "subject": subject,
}  # fmt: skip


def span_attributes(
    span: Span, relations: Sequence[Relation] = (), schema: LabelSchema | None = None
) -> dict[str, list[str]]:
    """Attribute name -> chosen values, for the attributes of the span's label
    that a rule can tell. Raises A205 when a rule names an attribute, or
    yields a value, that the schema does not have."""
    schema = schema or load_schema()
    unknown = sorted(set(ATTRIBUTE_RULES) - {a.name for _, a in schema.attributes})
    if unknown:
        raise AnnotationError("A205", f"attribute rules {unknown} name no attribute of the schema")
    chosen: dict[str, list[str]] = {}
    for spec in schema.label(span.label_).attributes:
        rule = ATTRIBUTE_RULES.get(spec.name)
        values = rule(span, relations) if rule else []
        bad = [v for v in values if v not in spec.values]
        if bad:
            raise AnnotationError(
                "A205", f"rule {spec.name!r} chose {bad}, not among the schema's {spec.values}"
            )
        if values:
            chosen[spec.name] = values if spec.multiple else values[:1]
    return chosen
