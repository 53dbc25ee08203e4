"""/api/v1/invitations/: list, create and revoke, a thin layer over assessments/invitations.py.

Scoped by the same rule as the web page: the invitations to the brands the caller may invite to
(admins: all; consultants: the brands they serve); anything else is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.exceptions import Conflict
from api.serializers import ErrorSerializer, StrictInputSerializer
from assessments import invitations
from assessments.models import Invitation


class InvitationSerializer(serializers.ModelSerializer):
    brand: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    invited_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    status = serializers.ChoiceField(
        choices=["pending", "expired", "accepted", "revoked"], read_only=True
    )
    expires_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "brand",
            "role",
            "language",
            "status",
            "invited_by",
            "sent_at",
            "expires_at",
            "accepted_at",
        ]


class InvitationCreateSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)
    brand = serializers.SlugField(help_text="The slug of a brand you may invite to.")
    role = serializers.ChoiceField(choices=list(invitations.ROLE_LABELS))
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES], required=False
    )

    def validate_brand(self, slug: str):
        brand = invitations.brands_inviting(self.context["user"]).filter(slug=slug).first()
        if brand is None:
            raise serializers.ValidationError(
                _("No brand with this slug among the brands you serve.")
            )
        return brand


class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations to the brands you may invite to. DELETE revokes a pending one: from then on
    it is gone from the API (404), and its link no longer works."""

    queryset = Invitation.objects.none()  # for the schema; get_queryset() scopes it
    serializer_class = InvitationSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        visible = invitations.invitations_visible_to(self.request.user)
        # A revoked invitation is deleted as far as the API is concerned (the web page still
        # lists it for the record).
        return visible.filter(revoked_at__isnull=True).order_by("-sent_at", "-pk")

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def create(self, request):
        """Invite by email to a brand with a role; an address with an account joins at once."""
        serializer = InvitationCreateSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        data = {"language": request.LANGUAGE_CODE, **serializer.validated_data}
        try:
            invitation = invitations.invite(inviter=request.user, **data)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(ErrorSerializer, description="Already accepted: not revocable."),
        }
    )
    def destroy(self, request, *args, **kwargs):
        """Revoke a pending (or expired) invitation."""
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        if instance.accepted_at is not None:
            raise Conflict(
                _(
                    "This invitation was accepted, so there is nothing to revoke: remove the "
                    "person's access to the brand instead."
                )
            )
        invitations.revoke(instance)
