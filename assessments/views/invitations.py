"""Invitation pages: invite, list, re-send and revoke (inviters); accept (the invitee)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments import invitations
from assessments.models import Brand, Profile
from assessments.views.access import signed_in_user
from assessments.views.account import set_language_cookie


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"), max_length=254)
    brand = forms.ModelChoiceField(label=gettext_lazy("Brand"), queryset=Brand.objects.none())
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=list(invitations.ROLE_LABELS.items())
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the invitation"), choices=settings.LANGUAGES
    )

    def __init__(self, *args, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = invitations.brands_inviting(inviter).order_by("name")


class AcceptForm(UserCreationForm):
    """Django's: a free username, and a password its validators accept, typed twice."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)


def _inviter(request: HttpRequest):
    user = signed_in_user(request)
    if not invitations.brands_inviting(user).exists():
        raise PermissionDenied(_("Only admins and consultants invite people."))
    return user


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    inviter = _inviter(request)
    initial = {"language": translation.get_language(), "role": "manager"}
    form = InviteForm(request.POST or None, inviter=inviter, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invite(inviter=inviter, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if invitation.accepted_at:
                note = _("%(email)s already has an account: they now have access to %(brand)s.")
            else:
                note = _("Invitation sent to %(email)s for %(brand)s.")
            messages.success(request, note % {"email": invitation.email, "brand": invitation.brand})
            return redirect("invitations")
    pending = invitations.invitations_visible_to(inviter).pending().order_by("-sent_at")
    context = {"form": form, "pending": pending, "roles": invitations.ROLE_LABELS}
    return render(request, "accounts/invitations.html", context, status=400 if form.errors else 200)


def _visible(request: HttpRequest, pk: int):
    return get_object_or_404(invitations.invitations_visible_to(_inviter(request)), pk=pk)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _visible(request, pk)
    try:
        invitations.resend(invitation)
    except invitations.InvitationUnusable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
        )
    return redirect("invitations")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _visible(request, pk)
    invitations.revoke(invitation)
    messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("invitations")


def _welcome(request: HttpRequest, user, invitation) -> HttpResponse:
    """Signed in, on the dashboard, in the language the invitation was written in."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # The login remembered the language of this page; the invitation's is the one chosen.
    Profile.objects.filter(user=user).update(language=invitation.language)
    with translation.override(invitation.language):
        welcome = _("Welcome! You now have access to %(brand)s.")
        messages.success(request, welcome % {"brand": invitation.brand})
    response = redirect("dashboard")
    set_language_cookie(response, invitation.language)
    return response


@never_cache  # the link's token is in the URL
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitations.usable(token)
    except invitations.InvitationUnusable as exc:
        return render(request, "accounts/invitation_unusable.html", {"error": exc}, status=410)
    form = AcceptForm(request.POST or None, instance=get_user_model()(email=invitation.email))
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(
                token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except invitations.InvitationUnusable as exc:  # used in another tab meanwhile
            return render(request, "accounts/invitation_unusable.html", {"error": exc}, status=410)
        return _welcome(request, user, invitation)
    context = {
        "form": form,
        "invitation": invitation,
        "role": invitations.ROLE_LABELS[invitation.role],
    }
    return render(request, "accounts/invitation_accept.html", context)
