"""/api/v1/auth/: a token for a username and password; one's tokens listed and revoked.

A token's value is in the answer that makes it and nowhere after: lists show its prefix, name
and dates. Making one takes the password (a stolen token cannot make itself a longer-lived
sibling); listing and revoking take any of the caller's credentials, and see only their tokens
(another's id is a 404).
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import tokens
from api.exceptions import LoginFailed
from api.models import ApiToken
from api.params import StrictQueryParamsMixin
from api.serializers import ErrorSerializer, StrictInputSerializer
from api.throttling import FailOpenScopedRateThrottle

NO_CURRENT_TOKEN = _(
    "This request was not made with an API token, so there is no current token to revoke."
)


class TokenInputSerializer(StrictInputSerializer):
    username = serializers.CharField(min_length=1, max_length=150)
    password = serializers.CharField(min_length=1, max_length=128, style={"input_type": "password"})
    name = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text="What the token is for (a script, a laptop), to tell your tokens apart.",
    )
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=tokens.LONGEST_DAYS,
        required=False,
        help_text="The token stops working this many days from now. Without it, the service's "
        "default lifetime applies (by default none: it works until revoked).",
    )

    def validate_expires_in_days(self, days: int) -> int:
        if days > tokens.max_days():
            raise serializers.ValidationError(
                _(
                    "Ensure this value is less than or equal to %(limit)d: the longest lifetime "
                    "a token may have here, in days."
                )
                % {"limit": tokens.max_days()}
            )
        return days


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at"]
        read_only_fields = fields


class TokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True,
        help_text="Send it as `Authorization: Token <token>`. Shown only this once: keep it.",
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


class TokenView(StrictQueryParamsMixin, APIView):
    """Username and password in, API token out; failures count towards a lockout (django-axes)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        operation_id="auth_token",
        request=TokenInputSerializer,
        responses={
            200: TokenCreatedSerializer,
            401: OpenApiResponse(ErrorSerializer, description="Wrong username or password."),
            429: OpenApiResponse(
                ErrorSerializer, description="Throttled, or locked out after failed logins."
            ),
        },
        auth=[],
        description="A new token each time, optionally named and with a lifetime; its value "
        "is in this answer only. Send it as `Authorization: Token <token>`. Repeated failures "
        "for one username from one address lock that pair out (429, JSON message).",
    )
    def post(self, request):
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The Django request: django-axes reads the client address and flags lockouts on it.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise LoginFailed()
        token, value = tokens.token_create(
            user=user, name=data["name"], expires_at=tokens.expiry_for(data.get("expires_in_days"))
        )
        # The value, beside what the list shows: the one answer that ever holds it.
        return Response({"token": value, **ApiTokenSerializer(token).data})


@extend_schema_view(
    list=extend_schema(
        description="Your API tokens, newest first, expired ones too until revoked: name, "
        "prefix (the value's first characters) and dates, never the value."
    ),
    destroy=extend_schema(description="Revoke one of your tokens: its next use is a 401."),
)
class ApiTokenViewSet(
    StrictQueryParamsMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Your API tokens; DELETE revokes one, or the one the request was made with (current)."""

    queryset = ApiToken.objects.none()  # for the schema; get_queryset() scopes it
    serializer_class = ApiTokenSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    def perform_destroy(self, instance: ApiToken) -> None:
        tokens.token_revoke(instance)

    @extend_schema(
        request=None,
        responses={
            204: None,
            404: OpenApiResponse(
                ErrorSerializer, description="The request was not made with an API token."
            ),
        },
    )
    @action(detail=False, methods=["delete"])
    def current(self, request):
        """Revoke the token this request was made with (a logout): its next use is a 401."""
        if not isinstance(request.auth, ApiToken):
            raise NotFound(NO_CURRENT_TOKEN)
        tokens.token_revoke(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
