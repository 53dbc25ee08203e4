"""The Simplified Chinese catalogue is complete, well-formed, compiled and covers the code.

Pure file checks (no database): a string marked for translation but left untranslated, a fuzzy
entry, a placeholder lost or misspelt in translation, or a stale .mo fails here, before a
Chinese page shows English or a template raises on a missing %(name)s.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from conftest import require

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# %(name)s, %s, %d, %.1f ... and {name}; %% is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdifr]|%[-+ 0#]*\d*(?:\.\d+)?[sdifr]|\{[a-z_]*\}")


def placeholders(message: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(message.replace("%%", "")))


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_the_placeholder_pattern_sees_named_positional_and_brace_placeholders():
    assert placeholders("%(brand)s: %s of {count} at 50%% and %d") == [
        "%(brand)s",
        "%d",
        "%s",
        "{count}",
    ]


def test_every_message_has_a_chinese_translation_and_none_is_fuzzy(catalogue):
    nplurals = int(re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"]).group(1))
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(i, "") for i in range(nplurals)]
            if not all(form.strip() for form in forms):
                problems.append(f"plural form missing: {entry.msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"untranslated: {entry.msgid!r}")
    assert not problems, "\n".join(problems)
    assert len(catalogue) > 100


def test_every_translation_keeps_the_placeholders_of_its_message(catalogue):
    problems = []
    for entry in catalogue:
        if entry.msgid_plural:
            # Chinese has one plural form: it stands for the plural English message.
            wanted = {tuple(placeholders(entry.msgid)), tuple(placeholders(entry.msgid_plural))}
            for form in entry.msgstr_plural.values():
                if tuple(placeholders(form)) not in wanted:
                    problems.append(f"{entry.msgid_plural!r} -> {form!r}")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            problems.append(f"{entry.msgid!r} -> {entry.msgstr!r}")
    assert not problems, "\n".join(problems)


def test_the_committed_mo_is_compiled_from_the_committed_po(catalogue):
    def messages(entries) -> dict:
        out = {}
        for e in entries:
            if e.msgid and not e.obsolete and "fuzzy" not in e.flags:
                key = (e.msgctxt, e.msgid)
                out[key] = dict(e.msgstr_plural) if e.msgid_plural else e.msgstr
        return out

    compiled = polib.mofile(str(MO))
    stale = "run `make messages` and commit locale/: the .mo differs from the .po"
    assert messages(compiled) == messages(catalogue), stale


def test_every_string_marked_in_the_code_is_in_the_catalogue(tmp_path, catalogue):
    """makemessages over a copy of the sources finds no message the committed .po lacks."""
    require(shutil.which("xgettext") is not None, "install GNU gettext (bin/system-packages)")
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns("tests", "__pycache__", "*.pyc", "*.mo")
    for name in ("assessments", "api", "readiness", "templates", "locale"):
        shutil.copytree(ROOT / name, copy / name, ignore=skip)
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    env = os.environ | {"DEBUG": "true"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    found = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in catalogue if not e.obsolete}
    missing = sorted(e.msgid for e in found if (e.msgctxt, e.msgid) not in committed)
    assert not missing, f"marked but not in the catalogue (run `make messages`): {missing}"
    # `make messages` leaves nothing fuzzy: no guessed translation, no fuzzy header.
    assert not [e.msgid for e in found if "fuzzy" in e.flags] and not found.metadata_is_fuzzy
