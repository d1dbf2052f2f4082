"""Rule-based pre-annotation: spaCy patterns that propose PERSON, CROSSING,
MOTIVE and STATISTIC regions, the attributes and relations a rule can know,
as Label Studio predictions. See "Pre-annotation rules" in GUIDELINES.md."""
