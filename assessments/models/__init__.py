"""The domain's rows: the benchmark (an edition of sourced figures), brands and assessments."""

from assessments.models.assessment import Answer, Assessment, PillarResult, Recommendation, Result
from assessments.models.benchmark import (
    Category,
    Choice,
    Citation,
    ContextFigure,
    Edition,
    Pillar,
    Practice,
    Question,
    Tier,
)
from assessments.models.brands import Brand, Membership

__all__ = [
    "Answer",
    "Assessment",
    "Brand",
    "Category",
    "Choice",
    "Citation",
    "ContextFigure",
    "Edition",
    "Membership",
    "Pillar",
    "PillarResult",
    "Practice",
    "Question",
    "Recommendation",
    "Result",
    "Tier",
]
