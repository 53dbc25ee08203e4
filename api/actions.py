"""/api/v1/actions/: a brand's tracked actions, read by whoever sees the brand, changed by its team.

Interface only: the rules (owner, status, versions, who may edit) are in assessments.actions.
The queryset is scoped by TrackedAction.objects.visible_to, the brands' one access rule, so an
action of a brand the caller does not see is a 404 for every method.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from api.exceptions import Conflict
from api.filters import StrictBooleanFilter
from api.pagination import BoundedPageNumberPagination
from api.params import StrictQueryParamsMixin
from api.serializers import BrandRefSerializer, ConflictSerializer, StrictInputSerializer
from assessments import actions
from assessments.models import Brand, TrackedAction

OWNER_HELP = "The username of someone who can see the brand; null: nobody yet."
NOT_AN_OWNER = _("The owner must be someone who can see this brand.")

# --- Input ------------------------------------------------------------------------------------


class OwnerField(serializers.CharField):
    """A username in, a user out; an unknown one reads like one who cannot see the brand."""

    def to_internal_value(self, data):
        username = super().to_internal_value(data)
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(NOT_AN_OWNER)
        return user

    def to_representation(self, value):
        return value.username


class ActionFieldsSerializer(StrictInputSerializer):
    practice_key = serializers.SlugField(required=False, help_text="A practice of the benchmark.")
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Default: the practice's."
    )
    owner = OwnerField(required=False, allow_null=True, help_text=OWNER_HELP)
    status = serializers.ChoiceField(choices=TrackedAction.Status.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True, help_text="YYYY-MM-DD.")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ActionCreateSerializer(ActionFieldsSerializer):
    brand = serializers.SlugField(help_text="The slug of a brand you serve.")

    def validate_brand(self, slug: str) -> Brand:
        brand = Brand.objects.visible_to(self.context["user"]).filter(slug=slug).first()
        if brand is None:
            raise serializers.ValidationError(
                _("No brand with this slug among the brands you serve.")
            )
        return brand


class ActionUpdateSerializer(ActionFieldsSerializer):
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version you read: if someone saved since, nothing is saved and you get 409.",
    )


# --- Output -----------------------------------------------------------------------------------


class UsernameField(serializers.CharField):
    def to_representation(self, value):
        return value.username


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    brand = BrandRefSerializer()
    practice_key = serializers.SlugField()
    title = serializers.CharField()
    owner = UsernameField(allow_null=True)
    status = serializers.ChoiceField(choices=TrackedAction.Status.choices)
    due_date = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    notes = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True, help_text="When last marked done.")
    version = serializers.IntegerField()
    created_by = UsernameField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_overdue(self, action: TrackedAction) -> bool:
        return action.is_overdue(timezone.localdate())


class ChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True, help_text="Username; null if since deleted.")
    type = serializers.ChoiceField(choices=["created", "changed"])
    changes = serializers.DictField(
        child=serializers.DictField(), help_text='{"status": {"from": "todo", "to": "doing"}}'
    )


class ActionDetailSerializer(ActionSerializer):
    history = serializers.SerializerMethodField()

    @extend_schema_field(ChangeSerializer(many=True))
    def get_history(self, action: TrackedAction) -> list[dict[str, object]]:
        return list(ChangeSerializer(actions.action_history(action), many=True).data)


# --- Filters and views ------------------------------------------------------------------------


class ActionFilter(django_filters.FilterSet):
    brand = django_filters.CharFilter(field_name="brand__slug", help_text="Brand slug.")
    status = django_filters.ChoiceFilter(choices=TrackedAction.Status.choices)
    owner = django_filters.CharFilter(field_name="owner__username", help_text="Username.")
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="Open, past due.")

    class Meta:
        model = TrackedAction
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = TrackedAction.objects.overdue(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class ActionViewSet(
    StrictQueryParamsMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """The tracked actions of the brands you see, soonest due first; filter with params."""

    queryset = TrackedAction.objects.none()  # for the schema; get_queryset() scopes each request
    serializer_class = ActionSerializer
    pagination_class = BoundedPageNumberPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActionFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return TrackedAction.objects.visible_to(self.request.user).for_list()

    @extend_schema(request=ActionCreateSerializer, responses={201: ActionSerializer})
    def create(self, request):
        """Add an action to a brand you serve (its managers and consultants; not admins)."""
        data = _valid(ActionCreateSerializer, request.data, user=request.user)
        brand = data.pop("brand")
        with _field_errors():
            action = actions.action_create(brand=brand, user=request.user, fields=data)
        return Response(ActionSerializer(action).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ActionDetailSerializer})
    def retrieve(self, request, pk=None):
        """One action with its history: who changed what, and when."""
        return Response(ActionDetailSerializer(self.get_object()).data)

    @extend_schema(
        request=ActionUpdateSerializer,
        responses={200: ActionSerializer, 409: OpenApiResponse(ConflictSerializer)},
    )
    def partial_update(self, request, pk=None):
        """Change some fields; send the version you read to get 409 instead of overwriting."""
        action = self.get_object()
        data = _valid(ActionUpdateSerializer, request.data)
        version = data.pop("version", None)
        try:
            with _field_errors():
                action = actions.action_update(
                    action=action, user=request.user, fields=data, expected_version=version
                )
        except actions.StaleAction as exc:
            # The API's one error format, with the version to re-read beside it.
            raise Conflict(str(exc), "stale_version", current_version=exc.current_version) from exc
        return Response(ActionSerializer(action).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Delete an action (its brand's managers and consultants)."""
        with _field_errors():
            actions.action_delete(action=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@contextmanager
def _field_errors() -> Iterator[None]:
    """The service's refusals as API errors: a 400 naming the field, or a 403."""
    try:
        yield
    except actions.ActionErrors as exc:
        raise ValidationError({k: [v] for k, v in exc.errors.items()}) from exc
    except actions.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc


def _valid(serializer_class, data, **context) -> dict:
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
