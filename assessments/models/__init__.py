"""The domain's rows: the benchmark (an edition of sourced figures), brands and assessments."""

from assessments.models.accounts import Invitation, Profile
from assessments.models.assessment import Answer, Assessment, PillarResult, Recommendation, Result
from assessments.models.brands import Brand, Membership
from assessments.models.editions import (
    Category,
    Choice,
    Citation,
    ContextFigure,
    Edition,
    EditionPart,
    Pillar,
    Practice,
    PublishedEditionReadOnly,
    Question,
    Tier,
)
from assessments.models.jobs import EditionJob, JobChunk

__all__ = [
    "Answer",
    "Assessment",
    "Brand",
    "Category",
    "Choice",
    "Citation",
    "ContextFigure",
    "Edition",
    "EditionJob",
    "EditionPart",
    "Invitation",
    "JobChunk",
    "Membership",
    "Pillar",
    "PillarResult",
    "Practice",
    "Profile",
    "PublishedEditionReadOnly",
    "Question",
    "Recommendation",
    "Result",
    "Tier",
]
