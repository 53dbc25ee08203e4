"""The domain's rows: the benchmark (an edition of sourced figures), brands and assessments."""

from assessments.models.accounts import Invitation, Profile
from assessments.models.actions import TrackedAction
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
    PopulationKind,
    Practice,
    PublishedEditionReadOnly,
    Question,
    Tier,
)
from assessments.models.jobs import EditionJob, JobChunk
from assessments.models.outbox import OutboxMessage
from assessments.models.review import EditionComment

__all__ = [
    "Answer",
    "Assessment",
    "Brand",
    "Category",
    "Choice",
    "Citation",
    "ContextFigure",
    "Edition",
    "EditionComment",
    "EditionJob",
    "EditionPart",
    "Invitation",
    "JobChunk",
    "Membership",
    "OutboxMessage",
    "Pillar",
    "PillarResult",
    "PopulationKind",
    "Practice",
    "Profile",
    "PublishedEditionReadOnly",
    "Question",
    "Recommendation",
    "Result",
    "Tier",
    "TrackedAction",
]
