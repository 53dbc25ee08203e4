"""A person's own account: password reset by email, the profile page, password change."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import invitations
from assessments.models import Profile
from assessments.passwords import ResetForm, reset_throttled
from assessments.views.access import signed_in_user


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm

    def form_valid(self, form):
        if reset_throttled(self.request, form.cleaned_data["email"]):
            form.add_error(None, _("Too many reset requests. Wait an hour, then ask again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("profile")
    success_message = gettext_lazy("Your password is changed.")


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax"
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The language the site and its mail use for this person; links to password and MFA."""
    user = signed_in_user(request)
    current = Profile.objects.filter(user=user).first()
    initial = {"language": (current and current.language) or translation.get_language()}
    form = LanguageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        Profile.objects.update_or_create(user=user, defaults={"language": language})
        with translation.override(language):
            messages.success(request, _("Your language is saved."))
        response = redirect("profile")
        # The site follows at once: the same cookie the language switcher sets.
        set_language_cookie(response, language)
        return response
    can_invite = invitations.brands_inviting(user).exists()
    return render(request, "accounts/profile.html", {"form": form, "can_invite": can_invite})
