"""Second-factor pages: enrol an authenticator app, verify at login, recovery codes, removal."""

from __future__ import annotations

from base64 import b32encode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments import mfa
from assessments.views.access import signed_in_user


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"), widget=forms.PasswordInput)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if safe else "/"


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "device": mfa.totp_device(user),
        "codes_left": mfa.recovery_codes_left(user),
        "password_form": PasswordForm(),
    }
    return render(request, "accounts/security.html", context)


@never_cache  # the key and the recovery codes must not stay in a cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if mfa.totp_device(user) is not None:
        # A second device would let whoever has the password alone skip the first one.
        verified = user.is_verified()  # type: ignore[attr-defined]  # django-otp's middleware
        return redirect("mfa-security" if verified else "mfa-verify")
    device = mfa.enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if error := _throttled(user, recovery=False):
            form.add_error("code", error)
            return render(request, "accounts/enrol.html", _enrol_context(request, form, device))
        codes = mfa.enrol_confirm(request, device, form.cleaned_data["code"])
        if codes is not None:
            context = {"codes": codes, "next": _next(request)}
            return render(request, "accounts/recovery_codes.html", context)
        form.add_error("code", _("This code is not right. Enter the code your app shows now."))
    return render(request, "accounts/enrol.html", _enrol_context(request, form, device))


def _enrol_context(request: HttpRequest, form: CodeForm, device) -> dict:
    secret = _spaced_key(device)
    return {"form": form, "qr": mfa.qr_svg(device), "secret": secret, "next": _next(request)}


def _throttled(user, *, recovery: bool) -> str:
    """django-otp's wait after wrong codes, as a message; empty when a code may be tried now."""
    wait = mfa.wait_seconds(user, recovery=recovery)
    if not wait:
        return ""
    return _("Too many wrong codes. Wait %(seconds)s seconds, then try again.") % {"seconds": wait}


def _spaced_key(device) -> str:
    """The key as an app takes it typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _verify(request: HttpRequest, *, recovery: bool) -> HttpResponse:
    user = signed_in_user(request)
    if mfa.totp_device(user) is None:  # removed meanwhile (by an admin): nothing to verify
        request.session[mfa.ENROLLED] = False
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if error := _throttled(user, recovery=recovery):
            form.add_error("code", error)
            status = 429
        elif mfa.verify(request, user, form.cleaned_data["code"], recovery=recovery):
            return redirect(_next(request))
        else:
            form.add_error("code", _("This code is not right."))
    template = "accounts/recovery.html" if recovery else "accounts/verify.html"
    return render(request, template, {"form": form, "next": _next(request)}, status=status)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    return _verify(request, recovery=False)


@login_required
def recovery(request: HttpRequest) -> HttpResponse:
    return _verify(request, recovery=True)


@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    """Asks for the password again: a session left open must not lose its second factor."""
    user = signed_in_user(request)
    form = PasswordForm(request.POST)
    if not (form.is_valid() and user.check_password(form.cleaned_data["password"])):
        messages.error(request, _("Your password is not right: the authenticator app stays."))
        return redirect("mfa-security")
    mfa.devices_remove(request, user)
    messages.success(request, _("The authenticator app and its recovery codes are removed."))
    return redirect("mfa-security")


@never_cache
@login_required
@require_POST
def new_codes(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if mfa.totp_device(user) is None:
        return redirect("mfa-security")
    codes = mfa.recovery_codes_create(user)
    context = {"codes": codes, "next": reverse("mfa-security")}
    return render(request, "accounts/recovery_codes.html", context)
