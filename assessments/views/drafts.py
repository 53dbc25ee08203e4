"""Nothing typed is lost: autosave answers, saves that arrive after logout, and edit conflicts.

The step page's script (static/js/autosave.js) posts the form a moment after each change with
action=autosave and reads JSON back. A save posted after the session ended is kept in the new
(anonymous) session, which Django carries over at login, and is saved when the step opens again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

AUTOSAVE = "autosave"
KEPT = "kept_answers"
RESTORED = _(
    "You were logged out before your last answers were saved. They were kept and are now "
    "saved: check them below."
)
LOGGED_OUT = _("You were logged out. Log in again: the answers you typed are kept.")


def keep_for_login(request: HttpRequest, *, pk: int, step: str) -> HttpResponse:
    """Keep a posted step for after login; a GET just goes to the login page."""
    if request.method == "POST":
        data = {k: v for k, v in request.POST.lists() if k not in ("csrfmiddlewaretoken", "action")}
        request.session[KEPT] = {"assessment": pk, "step": step, "data": data}
        if request.POST.get("action") == AUTOSAVE:
            body = {"saved": False, "logged_out": True, "message": str(LOGGED_OUT)}
            body["login_url"] = redirect_to_login(request.path)["Location"]
            return JsonResponse(body, status=401)
        messages.info(request, LOGGED_OUT)
    return redirect_to_login(request.path)


def take_kept(request: HttpRequest, *, pk: int, step: str) -> QueryDict | None:
    """The answers kept for this step at logout, once; None when there are none."""
    kept = request.session.get(KEPT)
    if not kept or kept.get("assessment") != pk or kept.get("step") != step:
        return None
    del request.session[KEPT]
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    return data


def autosaved(assessment) -> JsonResponse:
    when = time_format(timezone.localtime(assessment.updated_at), "TIME_FORMAT")
    message = gettext("Saved at %(time)s") % {"time": when}
    return JsonResponse({"saved": True, "version": assessment.version, "message": message})


def autosave_refused(form) -> JsonResponse:
    """The form's problems by field, so the page marks them; nothing was saved."""
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    message = gettext("Not saved: check the answers marked in red.")
    return JsonResponse({"saved": False, "errors": errors, "message": message}, status=400)


def autosave_conflict(request: HttpRequest, conflict) -> JsonResponse:
    heading = who_saved(conflict.saved_by, request.user)["heading"]
    return JsonResponse({"saved": False, "conflict": True, "message": heading}, status=409)


def who_saved(saved_by, user) -> dict[str, str]:
    """The conflict's wording: the user's own other tab, a named colleague, or someone."""
    if saved_by is not None and saved_by.pk == user.pk:
        return {
            "heading": gettext("You saved this assessment in another tab or window"),
            "label": gettext("Saved in your other tab:"),
        }
    if saved_by is not None:
        name = saved_by.get_full_name() or saved_by.get_username()
        return {
            "heading": gettext("%(name)s saved this assessment in the meantime") % {"name": name},
            "label": gettext("Saved by %(name)s:") % {"name": name},
        }
    return {
        "heading": gettext("Someone else saved this assessment in the meantime"),
        "label": gettext("Saved last:"),
    }


def differs(key: str, typed: dict[str, object], saved: dict[str, object]) -> bool:
    """Whether the form's answer to a question is not the one saved (order of ticks ignored)."""
    if (key in typed) != (key in saved):
        return True
    return _comparable(typed.get(key)) != _comparable(saved.get(key))


def _comparable(value: object) -> object:
    if isinstance(value, list | tuple):
        return sorted(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value
