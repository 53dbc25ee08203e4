"""The second factor: an authenticator app (TOTP) and single-use recovery codes, by django-otp.

Staff must verify a device in every session before any page (MFA_REQUIRED_FOR_STAFF); anyone
else who enrolled one must too. The rule is SecondFactorMiddleware, after django-otp's own
middleware, which sets `request.user.is_verified()`. API tokens carry no session and are left
as they are: a token is created with the password and revoked in the admin.

Wrong codes are throttled by django-otp itself: each failure doubles the wait before the device
accepts another try (OTP_TOTP_THROTTLE_FACTOR, OTP_STATIC_THROTTLE_FACTOR).
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
# Pages a signed-in person reaches before verifying: the second-factor pages, logging out,
# choosing a language.
OPEN_URL_NAMES = {
    "login",
    "logout",
    "set_language",
    "mfa-enrol",
    "mfa-verify",
    "mfa-recovery",
    "health",
}


# Whether the session's user has a device, noted at login and kept by the pages that add or remove
# one: the rule then costs no query per page. A device set up from another session applies from
# the next login; one removed in the admin is noticed by the code page (views/mfa.py).
ENROLLED = "mfa-enrolled"


def remember_enrolment(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver."""
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED] = user_has_device(user)


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled: the same key until its first code is entered."""
    device = totp_device(user, confirmed=False)
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as inline SVG markup, which the CSP allows (a data: image it refuses)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, light="#fff", title=_("QR code for your authenticator app")
    )


def recovery_codes_create(user) -> list[str]:
    """New recovery codes, replacing any left; shown once, each works once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery")
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def enrol_confirm(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """The first right code confirms the device, verifies this session and makes recovery codes."""
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session[ENROLLED] = True
    return recovery_codes_create(device.user)


def _device(user, *, recovery: bool) -> Device | None:
    """The recovery codes, or the one authenticator (set up or being set up: enrol() keeps one)."""
    if recovery:
        return StaticDevice.objects.filter(user=user).first()
    return TOTPDevice.objects.filter(user=user).first()


def verify(request: HttpRequest, user, code: str, *, recovery: bool) -> bool:
    """Verify this session with an authenticator code, or with a recovery code (used up)."""
    device = _device(user, recovery=True) if recovery else totp_device(user)
    if device is None or not device.verify_token(code.strip().replace(" ", "")):
        return False
    otp_login(request, device)
    return True


def wait_seconds(user, *, recovery: bool) -> int:
    """How long the device refuses codes after too many wrong ones (0: it accepts one now)."""
    device = _device(user, recovery=recovery)
    allowed, data = device.verify_is_allowed() if device else (True, None)
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()))


def devices_remove(request: HttpRequest, user) -> None:
    """Lost or replaced device: remove it and the recovery codes; the person may enrol again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session[ENROLLED] = False


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


class SecondFactorMiddleware:
    """Refuses a session without a verified device: staff always, others once they enrolled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        user = request.user
        # is_verified is django-otp's, added by its middleware just before this one.
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES:
            return None
        if ENROLLED not in request.session:  # a session from before this rule
            request.session[ENROLLED] = user_has_device(user)
        enrolled = request.session[ENROLLED]
        if not enrolled and not (user.is_staff and settings.MFA_REQUIRED_FOR_STAFF):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Verify your second factor on the website, or use an API token.")},
                status=403,
            )
        target = reverse("mfa-verify" if enrolled else "mfa-enrol")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
