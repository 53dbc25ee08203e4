"""The lock files agree with the requirement files they are made from (`make lock`).

requirements.txt and requirements-dev.txt name the direct dependencies; requirements.lock and
requirements-dev.lock pin everything they pull in, with hashes, and are what `make`, the
Dockerfile and CI install. A pin changed in one and not the other would install a version nobody
asked for, or fail at install time, so a mismatch fails here first.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
# A lock entry: "name==version", then optional markers, then its hashes on continuation lines.
LOCK_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(.*?)(?=^\S|\Z)", re.M | re.S)


def direct_pins(name: str) -> dict[str, str]:
    """The requirements a requirements file names (following -r), as {name: pinned version}."""
    pins: dict[str, str] = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r"):
            pins |= direct_pins(line.removeprefix("-r").strip())
        elif line:
            requirement = Requirement(line)
            specifiers = list(requirement.specifier)
            exact = len(specifiers) == 1 and specifiers[0].operator == "=="
            assert exact, f"{name}: {line!r} must pin one version (name==version)"
            pins[canonicalize_name(requirement.name)] = specifiers[0].version
    return pins


def locked(name: str) -> dict[str, tuple[str, list[str]]]:
    """A lock file's entries, as {name: (version, hashes)}."""
    return {
        canonicalize_name(package): (version, re.findall(r"--hash=(sha256:[0-9a-f]{64})", rest))
        for package, version, rest in LOCK_ENTRY.findall((ROOT / name).read_text())
    }


@pytest.mark.parametrize(
    ("requirements", "lock"),
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_every_direct_pin_is_locked_at_the_same_version(requirements, lock):
    pins, entries = direct_pins(requirements), locked(lock)
    assert pins, f"{requirements} names no requirement"
    mismatched = {
        package: (version, entries.get(package, ("not locked",))[0])
        for package, version in pins.items()
        if entries.get(package, (None,))[0] != version
    }
    assert mismatched == {}, f"{requirements} vs {lock} ({{name: (pinned, locked)}}): run make lock"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_has_its_hashes(lock):
    entries = locked(lock)
    # More than the direct pins: the lock holds what they pull in too.
    assert len(entries) > len(direct_pins(lock.replace(".lock", ".txt")))
    assert [package for package, (_, hashes) in entries.items() if not hashes] == []


def test_development_installs_the_versions_production_runs():
    runtime, dev = locked("requirements.lock"), locked("requirements-dev.lock")
    differ = {
        package: (version, dev.get(package, ("not locked",))[0])
        for package, (version, _) in runtime.items()
        if dev.get(package, (None,))[0] != version
    }
    assert differ == {}


def test_make_installs_from_the_locks_with_hashes_required():
    makefile = (ROOT / "Makefile").read_text()
    for lock in ("requirements.lock", "requirements-dev.lock"):
        assert f"pip install --quiet --require-hashes -r {lock}" in makefile
    # The install stamps are made from the locks, so changing a lock reinstalls.
    assert re.search(r"^\$\(VENV\)/\.run-installed: requirements\.lock$", makefile, re.M)
    assert re.search(r"^\$\(VENV\)/\.dev-installed: .*requirements-dev\.lock$", makefile, re.M)
    assert not re.search(r"pip install .*-r requirements(-dev)?\.txt", makefile)
