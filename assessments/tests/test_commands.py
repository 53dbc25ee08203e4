from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings

from api import tokens
from api.models import ApiToken
from assessments.demo import DEMO_PASSWORD
from assessments.models import Assessment, Brand, Membership

pytestmark = pytest.mark.django_db


def run(*args: str, **options) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue().strip().splitlines()


def test_create_user_prints_the_api_token_alone_on_the_last_line():
    lines = run("create_user", "mei", "--role", "consultant", "--brand", "acme", "--brand", "zeta")
    token = ApiToken.objects.get(user__username="mei")
    # Its value is printed, its digest kept; it is named after the command in the user's list.
    assert token.digest == tokens.digest(lines[-1]) and token.name == "create_user"
    assert set(Brand.objects.values_list("slug", flat=True)) == {"acme", "zeta"}
    assert set(Membership.objects.values_list("role", flat=True)) == {"consultant"}


def test_create_user_reads_the_password_from_standard_input_and_can_log_in(client):
    lines = run(
        "create_user",
        "li",
        "--role",
        "brand_manager",
        "--brand",
        "acme",
        "--set-password",
        stdin=StringIO("s3cret-pw!-long\n"),
    )
    assert tokens.digest(lines[-1]) == ApiToken.objects.get(user__username="li").digest
    # django-axes watches every login and needs the request to know the client's address.
    request = RequestFactory().post("/login/")
    assert client.login(request=request, username="li", password="s3cret-pw!-long")
    assert Membership.objects.get(user__username="li").role == Membership.Role.MANAGER


def test_create_user_prompts_on_a_terminal(monkeypatch, client):
    tty = StringIO()
    tty.isatty = lambda: True  # type: ignore[method-assign]
    answers = iter(["a-long-passphrase-9", "a-long-passphrase-9"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    run("create_user", "wen", "--role", "consultant", "--set-password", stdin=tty)
    request = RequestFactory().post("/login/")
    assert client.login(request=request, username="wen", password="a-long-passphrase-9")


def test_create_user_refuses_two_different_entries_at_the_prompt(monkeypatch):
    tty = StringIO()
    tty.isatty = lambda: True  # type: ignore[method-assign]
    answers = iter(["a-long-passphrase-9", "a-long-passphrase-8"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="differ"):
        run("create_user", "wen", "--role", "consultant", "--set-password", stdin=tty)
    assert not get_user_model().objects.filter(username="wen").exists()


@pytest.mark.parametrize("weak", ["1", "password", "mei-ling-chen"])
def test_create_user_refuses_a_weak_password_and_creates_nothing(weak):
    with pytest.raises(CommandError, match="password: "):
        run(
            "create_user",
            "mei-ling-chen",
            "--role",
            "consultant",
            "--brand",
            "acme",
            "--set-password",
            stdin=StringIO(weak + "\n"),
        )
    assert not get_user_model().objects.filter(username="mei-ling-chen").exists()
    assert not Brand.objects.exists()


def test_create_user_takes_no_password_on_the_command_line():
    with pytest.raises(CommandError, match="--password"):
        run("create_user", "li", "--role", "consultant", "--password", "s3cret-pw!-long")


def test_create_user_makes_admins_staff():
    run("create_user", "root2", "--role", "admin")
    assert ApiToken.objects.get(user__username="root2").user.is_staff


def test_create_user_refuses_brands_for_admins():
    with pytest.raises(CommandError, match="--brand"):
        run("create_user", "root3", "--role", "admin", "--brand", "acme")


def test_load_demo_refuses_with_debug_off():
    with pytest.raises(CommandError, match="DEBUG"):
        run("load_demo")
    assert not Brand.objects.exists()
    assert not get_user_model().objects.filter(username="admin").exists()


def test_load_demo_forced_with_debug_off_prints_a_random_password(client):
    lines = run("load_demo", "--force")
    password = lines[0].rsplit(": ", 1)[1].rstrip("):")
    assert password != DEMO_PASSWORD and len(password) >= 20
    request = RequestFactory().post("/login/")
    assert not client.login(request=request, username="admin", password=DEMO_PASSWORD)
    assert client.login(request=request, username="admin", password=password)


@override_settings(DEBUG=True)
@pytest.mark.edition_2026
def test_load_demo_scores_the_demo_assessments_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lines = run("load_demo")
    assert any("manager" in line for line in lines)
    assert Assessment.objects.filter(status=Assessment.Status.SCORED).count() == 5
    with django_capture_on_commit_callbacks(execute=True):
        run("load_demo")
    assert Assessment.objects.count() == 5


@override_settings(DEBUG=True)
@pytest.mark.edition_2026
def test_the_demo_shows_the_2026_edition_and_a_trend_across_editions(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run("load_demo")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="manager"))
    earlier, latest = Assessment.objects.filter(brand__slug="lumiere-beauty").order_by(
        "submitted_at"
    )
    assert (earlier.result.edition.label, latest.result.edition.label) == (
        "2017 China benchmark",
        "2026 China benchmark",
    )
    html = client.get(f"/assessments/{latest.pk}/report/").content.decode()
    assert "benchmark edition “2026 China benchmark”" in html
    assert "Change of edition: that assessment was scored on the “2017 China benchmark”" in html
    assert '<small class="edition-change">across editions</small>' in html
    old = client.get(f"/assessments/{earlier.pk}/report/").content.decode()
    assert "This result stays on the “2017 China benchmark” edition" in old
    assert "the current edition is “2026 China benchmark”" in old
    luxury = Assessment.objects.get(brand__slug="maison-aurel")
    page = client.get(f"/assessments/{luxury.pk}/report/").content.decode()
    assert "China benchmark: 67% of Luxury brands tracked by China Re-Hub" in page
    assert "No published brand figure; proxy: 52% of China&#x27;s live-commerce market" in page
