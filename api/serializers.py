"""The API's shapes: explicit input serializers (what a client may send) and output ones.

No domain rule lives here: answers are validated by the services, access by the querysets.
Request-implied values (the user) come in through the serializer context, never from the body.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import destinations, webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from assessments.core.evidence import POPULATION_KINDS, Wording
from assessments.core.texts import Text
from assessments.evidence_words import share_words
from assessments.localized import TierTexts, shown
from assessments.models import Assessment, Brand, Category, Result
from assessments.report_data import BASES, Report

# Fields named label, source or context are declared below as the API names them; DRF takes
# declared fields off the class, but its stubs see them overriding the Field attributes of the
# same names (typeddjango/djangorestframework-stubs#158, open), hence an ignore on each.

WORDINGS = tuple(wording.value for wording in Wording)
SERVICE_OWNED = _("This field cannot be written: it is unknown, or set by the service.")
NOT_TEXT = _("Not a valid string.")


class TextField(serializers.CharField):
    """A benchmark text in the request's language (Accept-Language), English where there is no
    Chinese. Benchmark rows read from the database are already in it (django-modeltranslation);
    report rows carry both languages (assessments.core.texts.Text) and are resolved here."""

    def to_representation(self, value: object) -> str:
        return shown(value) if isinstance(value, Text) else super().to_representation(str(value))


class StrictInputSerializer(serializers.Serializer):
    """A field not listed here is refused with a 400 naming it (the service sets it, if at all)."""

    # (So a client sending status, scores or an owner learns at once that the service sets
    # those, instead of having them silently ignored.)

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError({key: [SERVICE_OWNED] for key in unknown})
            # DRF turns a number sent for a text field into its digits; the schema says string,
            # so a generated client and the server would disagree about {"description": 0}.
            not_text = sorted(
                name
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and name in data
                and data[name] is not None
                and not isinstance(data[name], str)
            )
            if not_text:
                raise serializers.ValidationError({name: [NOT_TEXT] for name in not_text})
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: DRF also takes 0, 1, "yes", "on" ..., which the schema's
    boolean does not allow, so a generated client and the server would disagree."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


# --- Errors and auth -------------------------------------------------------------------------


class ErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: required, not_found, ...")
    detail = serializers.CharField(help_text="For people, in the language asked for.")
    attr = serializers.CharField(
        allow_null=True,
        help_text="The field at fault as a dotted path (answers.pay-share), or null.",
    )


# drf-standardized-errors' error types; named ErrorTypeEnum in the schema (ENUM_NAME_OVERRIDES).
ERROR_TYPES = ["validation_error", "client_error", "server_error"]


class ErrorSerializer(serializers.Serializer):
    """Every error under /api/, whatever its status: one entry per problem."""

    type = serializers.ChoiceField(ERROR_TYPES)
    errors = ErrorItemSerializer(many=True, help_text="One per problem; several for a 400.")  # type: ignore[assignment]  # the field is named as the API names it


class ConflictSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(required=False)


# --- Small read shapes shared below -------------------------------------------------------------


class BrandRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class EditionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # named like a Field attribute


class CitationSerializer(serializers.Serializer):
    """A piece of evidence: what it says, whom it counts, who published it and when."""

    category = serializers.CharField(allow_null=True, help_text="Category slug; null: all.")
    percent = serializers.FloatField(allow_null=True, help_text="Null for qualitative evidence.")
    statement = TextField()
    population = TextField(help_text="Whom the figure describes, in the source's words.")
    population_kind = serializers.ChoiceField(
        choices=POPULATION_KINDS,
        help_text="What the figure counts: only `brands` is a share of brands.",
    )
    is_proxy = serializers.BooleanField(
        help_text="True: not a share of brands, used as the benchmark share for want of one."
    )
    publisher = TextField()
    title = TextField(allow_blank=True)
    year = serializers.IntegerField(help_text="Year the figure was published.")
    url = serializers.URLField(allow_null=True, help_text="Null where no public link is known.")
    observed_brands = serializers.IntegerField(
        allow_null=True, help_text="For a figure observed by this service: how many brands."
    )
    note = TextField(allow_blank=True)


# --- Questionnaire and benchmark ----------------------------------------------------------------


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # named like a Field attribute


class QuestionSerializer(serializers.Serializer):
    id = serializers.CharField(source="key", help_text="The key to answer this question under.")
    pillar = serializers.CharField(source="practice.pillar.key")
    practice = serializers.CharField(source="practice.key")
    text = serializers.CharField()
    help = serializers.CharField(source="help_text", allow_blank=True)
    type = serializers.CharField(
        help_text="yes_no: true/false or 'yes'/'no'; single, frequency: a choice value; "
        "multiple: a list of choice values; percent: a number from 0 to 100."
    )
    choices = ChoiceSerializer(many=True, help_text="Empty for percent questions.")
    allows_na = serializers.BooleanField(help_text="Whether null (not applicable) is accepted.")


class QuestionnaireSerializer(serializers.Serializer):
    edition = EditionRefSerializer()
    questions = QuestionSerializer(many=True)


class CategorySerializer(CategoryRefSerializer):
    is_fallback = serializers.BooleanField()


class PillarSerializer(serializers.Serializer):
    key = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    weight = serializers.FloatField()


class BenchmarkCitationSerializer(CitationSerializer):
    category = serializers.CharField(source="category.slug", allow_null=True, default=None)
    url = serializers.SerializerMethodField()  # type: ignore[assignment]  # blank -> null

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, citation) -> str | None:
        return citation.url or None


class PracticeSerializer(serializers.Serializer):
    key = serializers.SlugField()
    pillar = serializers.CharField(source="pillar.key")
    title = serializers.CharField()
    recommendation = serializers.CharField()
    weight = serializers.FloatField()
    effort = serializers.IntegerField(help_text="1 low, 2 medium, 3 high.")
    effort_label = serializers.CharField(source="get_effort_display")
    prevalence = BenchmarkCitationSerializer(
        source="benchmark_citations",
        many=True,
        help_text="The China-benchmark figures per category (category null: all categories).",
    )


class TierSerializer(serializers.Serializer):
    key = serializers.SlugField()
    name = serializers.CharField()
    min_index = serializers.FloatField()
    summary = serializers.CharField()


class BenchmarkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # named like a Field attribute
    published_at = serializers.DateTimeField(allow_null=True)
    categories = CategorySerializer(many=True)
    pillars = PillarSerializer(many=True)
    practices = PracticeSerializer(many=True)
    tiers = TierSerializer(many=True)


# --- Assessments: input -------------------------------------------------------------------------


class AnswersField(serializers.DictField):
    """Question id -> answer; null means "not applicable". The services validate the values."""

    child = serializers.JSONField(allow_null=True)

    def to_internal_value(self, data):
        answers = super().to_internal_value(data)
        if len(answers) > settings.API_MAX_ANSWERS:
            raise serializers.ValidationError(
                f"At most {settings.API_MAX_ANSWERS} answers per request."
            )
        return answers


class AssessmentCreateSerializer(StrictInputSerializer):
    brand = serializers.SlugField(help_text="The slug of a brand you serve.")
    category = serializers.SlugField(help_text="A category slug (see the benchmark).")
    answers = AnswersField(default=dict)
    submit = StrictBooleanField(
        default=False, help_text="true: submit for scoring now (every question must be answered)."
    )

    def validate_brand(self, slug: str) -> Brand:
        # Unknown and not-yours read the same, so a slug's existence never leaks.
        brand = Brand.objects.visible_to(self.context["user"]).filter(slug=slug).first()
        if brand is None:
            raise serializers.ValidationError(
                _("No brand with this slug among the brands you serve.")
            )
        return brand

    def validate_category(self, slug: str) -> Category:
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            raise serializers.ValidationError(_("No such category; see GET /api/v1/benchmark/."))
        return category


class AssessmentUpdateSerializer(StrictInputSerializer):
    refuses_empty = True  # {} is a 400 (the schema's minProperties: 1)
    answers = AnswersField(required=False, help_text="Answers to add or change.")
    submit = StrictBooleanField(default=False)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version you read: if someone saved since, nothing is saved and you get 409.",
    )

    def validate(self, attrs: dict) -> dict:
        if "answers" not in attrs and not attrs["submit"]:
            raise serializers.ValidationError(_("Send answers, submit: true, or both."))
        return attrs


# --- Assessments: output ------------------------------------------------------------------------


class ResultTierSerializer(serializers.Serializer):
    key = serializers.CharField(source="tier_key")
    name = TextField(source="tier_name")
    summary = TextField(source="tier_summary")

    def to_representation(self, instance):
        # A stored result (a list row, an assessment inside a report) is named as the report
        # names it, in the request's language, not by its English copy.
        if isinstance(instance, Result):
            instance = _TierOfResult(instance.tier_key, *self._texts_of(instance))
        return super().to_representation(instance)

    def _texts_of(self, result: Result) -> tuple[Text, Text]:
        root = self.root
        report = root.instance if isinstance(root.instance, Report) else None
        report = report or self.context.get("report")
        if report is not None and report.assessment.result_id == result.pk:
            return report.tier_name, report.tier_summary  # already read: no query
        # One per response, on the root serializer (a list's rows share it).
        if not hasattr(root, "_tier_texts"):
            root._tier_texts = TierTexts(get_language())  # type: ignore[attr-defined]
        return root._tier_texts.of(result)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _TierOfResult:
    tier_key: str
    tier_name: Text
    tier_summary: Text


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    brand = BrandRefSerializer()
    category = CategoryRefSerializer()
    status = serializers.ChoiceField(choices=Assessment.Status.choices)
    version = serializers.IntegerField(help_text="Send it back with PATCH to detect conflicts.")
    edition = EditionRefSerializer(help_text="The edition whose questionnaire is answered.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    scored_at = serializers.DateTimeField(allow_null=True)
    overall = serializers.FloatField(source="result.overall", allow_null=True)
    readiness_index = serializers.FloatField(source="result.readiness_index", allow_null=True)
    tier = ResultTierSerializer(source="result", allow_null=True)


class PillarRowSerializer(serializers.Serializer):
    key = serializers.SlugField()
    name = TextField()
    score = serializers.FloatField(allow_null=True)
    benchmark = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(allow_null=True, help_text="score - benchmark")
    change = serializers.FloatField(
        allow_null=True, help_text="Since the brand's previous scored assessment."
    )


class RecommendationRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    bucket = serializers.CharField(help_text="Priority quartile, P1 (first) to P4.")
    practice_key = serializers.SlugField()
    pillar_key = serializers.SlugField()
    title = TextField()
    text = TextField()
    effort = serializers.IntegerField()
    effort_label = serializers.CharField()
    expected_gain = serializers.FloatField(help_text="Points of the overall score.")
    share = serializers.FloatField(allow_null=True, help_text="Benchmark prevalence, 0 to 1.")
    basis = serializers.ChoiceField(
        choices=BASES,
        help_text="Where the benchmark share came from: the category's figure, one for all "
        "categories, an estimate (other_categories, pillar_average, edition_average), none, "
        "or observed among brands assessed by this service.",
    )
    is_fallback = serializers.BooleanField(help_text="True when no figure for the category.")
    wording = serializers.ChoiceField(
        choices=WORDINGS,
        help_text="How the share may be worded: brands (a share of brands), proxy (no published "
        "brand figure), estimate, observed, none.",
    )
    share_text = serializers.SerializerMethodField(
        help_text="The share in words, in the request's language."
    )
    evidence = CitationSerializer(many=True)

    def get_share_text(self, row) -> str:
        return share_words(row)


class PreviousEditionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="edition_id")
    label = serializers.CharField(source="edition_label")  # type: ignore[assignment]  # stubs#158


class PreviousSerializer(serializers.Serializer):
    assessment_id = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    readiness_index = serializers.FloatField(allow_null=True)
    edition = PreviousEditionSerializer(source="*", help_text="The edition it was scored on.")
    same_edition = serializers.BooleanField(
        help_text="False: scored on another edition, so the change is partly a change of edition."
    )


class ContextFigureSerializer(serializers.Serializer):
    statement = serializers.CharField()
    publisher = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    year = serializers.IntegerField()
    population = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class ReportEditionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="edition_id")
    label = serializers.CharField(source="edition_label")  # type: ignore[assignment]  # named like a Field attribute
    release_note = serializers.CharField(
        source="edition_release_note",
        allow_blank=True,
        help_text="What changed in this edition, in the request's language.",
    )


class ReportSerializer(serializers.Serializer):
    """The report of a scored assessment: scores, benchmark, gaps and recommendations."""

    assessment = AssessmentSerializer()
    overall = serializers.FloatField(allow_null=True)
    benchmark_overall = serializers.FloatField(allow_null=True)
    readiness_index = serializers.FloatField(
        allow_null=True, help_text="100 x overall / benchmark_overall: 100 is on par."
    )
    index_change = serializers.FloatField(allow_null=True)
    tier = ResultTierSerializer(source="*")
    edition = ReportEditionSerializer(source="*", help_text="The edition the result used.")
    current_edition_label = serializers.CharField(
        allow_null=True,
        help_text="Null while the result's edition is current; else the current edition's label "
        "(a result stays on the edition it was scored on).",
    )
    pillars = PillarRowSerializer(many=True)
    recommendations = RecommendationRowSerializer(many=True)
    previous = PreviousSerializer(allow_null=True)
    percentile = serializers.FloatField(
        allow_null=True, help_text="Null while fewer than 5 other brands of the category scored."
    )
    context = ContextFigureSerializer(many=True)  # type: ignore[assignment]  # named like a Field attribute


class PlanActionSerializer(serializers.Serializer):
    practice_key = serializers.SlugField()
    pillar_key = serializers.SlugField()
    title = TextField()
    text = TextField(help_text="The practice's recommendation.")
    from_adoption = serializers.FloatField(help_text="The practice's adoption now, 0 to 1.")
    to_adoption = serializers.FloatField(help_text="Its adoption with every answer at its best.")
    gain = serializers.FloatField(help_text="Readiness index points this action adds.")
    effort = serializers.IntegerField()
    effort_label = serializers.CharField()
    share = serializers.FloatField(allow_null=True, help_text="Benchmark prevalence, 0 to 1.")
    basis = serializers.CharField(help_text="Where the benchmark figure came from.")
    evidence = CitationSerializer(many=True)


class PlanSerializer(serializers.Serializer):
    """The least-effort set of practices to raise that reaches a target tier or index."""

    target = serializers.CharField(help_text="The tier key asked for, or the index as written.")
    target_index = serializers.FloatField(help_text="The readiness index to reach.")
    reachable = serializers.BooleanField(
        help_text="False when even full adoption of every practice falls short: the actions "
        "are then the plan that gets closest."
    )
    current_index = serializers.FloatField(allow_null=True)
    projected_index = serializers.FloatField(
        allow_null=True, help_text="The index the answers score with these actions done."
    )
    total_effort = serializers.IntegerField(help_text="The sum of the actions' efforts.")
    actions = PlanActionSerializer(many=True, help_text="Largest gain first.")


class AssessmentDetailSerializer(AssessmentSerializer):
    answers = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(child=serializers.JSONField(allow_null=True)))
    def get_answers(self, assessment: Assessment) -> dict:
        return self.context["answers"]

    @extend_schema_field(ReportSerializer(allow_null=True))
    def get_report(self, assessment: Assessment) -> dict | None:
        report = self.context["report"]
        return None if report is None else ReportSerializer(report).data


# --- Webhooks -----------------------------------------------------------------------------------

_http_only = URLValidator(schemes=["http", "https"])


def _public_destination(url: str) -> None:
    reason = destinations.refusal(url)
    if reason:
        raise serializers.ValidationError(reason)


class WebhookEndpointInputSerializer(StrictInputSerializer):
    url = serializers.URLField(max_length=500, validators=[_http_only, _public_destination])

    def validate_url(self, url: str) -> str:
        # An internationalised host (bücher.example) is kept in its ASCII form (xn--...), so the
        # URL echoed back is a URI, as the schema's format: uri says.
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host.isascii():
            return url
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise serializers.ValidationError(_("The host name is not valid.")) from exc
        netloc = parts.netloc.replace(host, ascii_host, 1)
        return urlunsplit(parts._replace(netloc=netloc))

    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = StrictBooleanField(required=False, help_text="false pauses deliveries.")


class WebhookEndpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "is_active", "created_at", "updated_at"]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        help_text="The signing secret: shown only in this response. Store it now."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEventSerializer(serializers.Serializer):
    """The JSON body of every webhook POST, signed as the X-Readiness-Signature header says."""

    event = serializers.ChoiceField(WebhookEndpoint.Event.choices)
    created_at = serializers.DateTimeField()
    data = serializers.JSONField(  # type: ignore[assignment]  # the field is named as the event names it
        help_text="assessment.scored: assessment_id, result_id, brand {slug, name}, category, "
        "submitted_at, overall, readiness_index, tier {key, name (English)}, edition {id, "
        "label}, report_url (absolute). action.updated: action_id, brand, practice_key, title, "
        "status, owner, due_date, version, change {at, by, type, changes}, url (absolute). "
        "ping (sent once, on registration): endpoint_id, url. Times are ISO 8601 UTC with a Z."
    )


@extend_schema_field(WebhookEventSerializer)
class WebhookEventField(serializers.JSONField):
    """The stored event, exactly as sent (the schema shows its shape)."""


class WebhookDeliverySerializer(serializers.ModelSerializer):
    payload = WebhookEventField(
        allow_null=True, help_text="The event sent; null once you may no longer see its brand."
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "status",
            "attempts",
            "response_status",
            "last_error",
            "payload",
            "created_at",
            "last_attempt_at",
            "delivered_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        row = super().to_representation(instance)
        # A brand the viewer can no longer see: its data stays out of the log (the row stays,
        # so the owner still sees that an event was cancelled, and why).
        brand = webhooks.subject_brand(instance.payload)
        if brand is not None and brand not in self.context.get("visible_brands", ()):
            row["payload"] = None
        return row
