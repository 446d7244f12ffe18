"""Project-wide checks that no single feature owns.

- English is complete: every message in the source is in the `en` catalogue, translated and
  not fuzzy; every catalogue compiles, and its committed .mo is current.
- Front-end libraries come from npm (package.json) and are served from node_modules; no page
  loads anything from another host.
- Python dependencies are pinned, and every package the code imports is declared.
- The shared test fixtures (tests/conftest.py) keep their promises.
"""

from __future__ import annotations

import ast
import gettext
import importlib.metadata
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

SRC = Path(settings.BASE_DIR)  # src/saram
PROJECT = Path(settings.PROJECT_DIR)


# --- Message catalogues ------------------------------------------------------------------------


@dataclass
class PoEntry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text.startswith('"') else ""


def read_po(path: Path) -> list[PoEntry]:
    """The live entries of a PO or POT file (header and obsolete `#~` entries left out)."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    has_msgid = False
    flags: set[str] = set()
    references: list[str] = []
    target = ("msgid", 0)  # the field a continuation line ("...") extends

    def finish() -> None:
        if current is not None and (current.msgid or current.msgctxt is not None):
            entries.append(current)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#:"):
            references += line[2:].split()
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"{path}:{number}: string outside an entry")
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt" or (keyword == "msgid" and (current is None or has_msgid)):
            finish()
            current = PoEntry(msgid="", flags=flags, references=references, line=number)
            has_msgid, flags, references = False, set(), []
        if current is None:
            raise ValueError(f"{path}:{number}: {keyword!r} before any msgid")
        plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in {"msgctxt", "msgid", "msgid_plural"}:
            setattr(current, keyword, _unquote(rest))
            has_msgid = has_msgid or keyword == "msgid"
            target = (keyword, 0)
        elif keyword == "msgstr" or plural:
            index = int(plural.group(1)) if plural else 0
            current.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{number}: unexpected {keyword!r}")
    finish()
    return entries


def locale_dirs() -> list[Path]:
    """Every place Django looks for Saram's catalogues: LOCALE_PATHS and each app's locale/."""
    dirs = [Path(p) for p in settings.LOCALE_PATHS]
    dirs += sorted(p for p in SRC.glob("*/locale") if p.is_dir())
    return list(dict.fromkeys(d.resolve() for d in dirs))


def en_catalogues() -> list[Path]:
    return [
        po
        for d in locale_dirs()
        for po in sorted((d / "en" / "LC_MESSAGES").glob("*.po"))
        if po.is_file()
    ]


def test_en_catalogue_translates_every_message() -> None:
    problems = []
    for po in en_catalogues():
        for entry in read_po(po):
            where = f"{po.relative_to(PROJECT)}:{entry.line}"
            if "fuzzy" in entry.flags:
                problems.append(f"{where}: fuzzy: {entry.msgid!r}")
            elif not entry.msgstr or any(not s for s in entry.msgstr.values()):
                problems.append(f"{where}: untranslated: {entry.msgid!r}")
    assert not problems, "English catalogue incomplete:\n" + "\n".join(problems)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (scripts/setup)")
def test_en_catalogue_holds_every_message_in_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever `makemessages` finds in the source is in one of the `en` catalogues.

    Django merges every catalogue it finds (LOCALE_PATHS and each app's locale/), so a message
    counts as present in any of them. The source is scanned in a copy, so nothing is written
    to the checkout.
    """
    catalogues = en_catalogues()
    if not catalogues:
        return  # no catalogue yet: nothing to be incomplete
    have: dict[str, set[tuple[str | None, str]]] = {}
    for po in catalogues:
        have.setdefault(po.stem, set()).update(e.key for e in read_po(po))
    copy = tmp_path / "saram"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    monkeypatch.chdir(copy)
    missing = []
    for domain, keys in sorted(have.items()):
        with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
            call_command(
                "makemessages",
                locale=["en"],
                domain=domain,
                keep_pot=True,
                verbosity=0,
                stdout=io.StringIO(),
            )
        for entry in read_po(copy / "locale" / f"{domain}.pot"):
            if entry.key not in keys:
                where = entry.references[0] if entry.references else "?"
                missing.append(f"{where}: {entry.msgid!r}")
    assert not missing, (
        f"{len(missing)} messages in the source are in no English catalogue "
        "(run makemessages -l en, then translate):\n" + "\n".join(missing)
    )


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs gettext (scripts/setup)")
@pytest.mark.parametrize("po", [p for d in locale_dirs() for p in sorted(d.glob("*/*/*.po"))])
def test_catalogue_compiles(po: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs gettext (scripts/setup)")
@pytest.mark.parametrize("po", [p for d in locale_dirs() for p in sorted(d.glob("*/*/*.po"))])
def test_committed_compiled_catalogue_matches_its_source(po: Path, tmp_path: Path) -> None:
    """Running Saram needs no gettext because the .mo files are committed: they must be current."""
    mo = po.with_suffix(".mo")
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True, capture_output=True)
    assert mo.exists(), f"{mo.relative_to(PROJECT)} is missing: compile it (see docs/testing.md)"
    with mo.open("rb") as committed, fresh.open("rb") as compiled:
        have = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
        want = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    stale = sorted(str(k) for k in want.keys() ^ have.keys())
    stale += sorted(str(k) for k in want.keys() & have.keys() if want[k] != have[k])
    assert not stale, (
        f"{mo.relative_to(PROJECT)} is stale, recompile it (see docs/testing.md); "
        f"{len(stale)} messages differ, e.g. {stale[:3]}"
    )


def test_po_reader_reads_plurals_contexts_flags_and_continuations(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\nmsgid "주민"\nmsgstr "Resident"\n\n'
        '#, fuzzy\nmsgctxt "menu"\nmsgid "지도"\nmsgstr "Map"\n\n'
        'msgid "명 %(n)s"\nmsgid_plural "명들 %(n)s"\nmsgstr[0] "%(n)s person"\nmsgstr[1] ""\n\n'
        'msgid ""\n"긴 "\n"문장"\nmsgstr ""\n"A long "\n"sentence"\n\n'
        '#~ msgid "옛것"\n#~ msgstr "Old"\n',
        encoding="utf-8",
    )
    entries = read_po(po)
    assert [e.msgid for e in entries] == ["주민", "지도", "명 %(n)s", "긴 문장"]
    assert entries[0].references == ["a.py:1"] and entries[0].msgstr == {0: "Resident"}
    assert entries[1].key == ("menu", "지도") and "fuzzy" in entries[1].flags
    assert entries[2].msgstr == {0: "%(n)s person", 1: ""}
    assert entries[3].msgstr == {0: "A long sentence"}


# --- Front end ---------------------------------------------------------------------------------


def test_front_end_libraries_are_installed_at_the_locked_versions() -> None:
    wanted = json.loads((PROJECT / "package.json").read_text())["dependencies"]
    for prefix, path in settings.STATICFILES_DIRS:
        assert Path(path).is_dir(), f"{path} (static {prefix}) is missing: run scripts/setup"
    for name, version in wanted.items():
        meta = PROJECT / "node_modules" / name / "package.json"
        assert meta.exists(), f"{name} is not installed: run scripts/setup"
        installed = json.loads(meta.read_text())["version"]
        assert installed == version, f"{name} {installed} installed, {version} wanted"


_REMOTE = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I
)
_REMOTE_CSS = re.compile(r"@import\s+(?:url\()?\s*[\"']?(?:https?:)?//|url\(\s*[\"']?https?://")


def test_no_page_loads_anything_from_another_host() -> None:
    """The machines have no internet, and residents' browsing is nobody else's business."""
    offenders = []
    for path in sorted(SRC.rglob("*")):
        if path.suffix not in {".html", ".js", ".css", ".txt"} or "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        pattern = _REMOTE if path.suffix in {".html", ".txt"} else _REMOTE_CSS
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{path.relative_to(PROJECT)}:{line}: {match.group(0)}")
    assert not offenders, "\n".join(offenders)


# --- Python dependencies -----------------------------------------------------------------------


def _project() -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    return project


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def test_python_dependencies_are_pinned() -> None:
    project = _project()
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    unpinned = [r for r in requirements if not re.search(r"==\s*[\w.]+", r)]
    assert not unpinned, f"pin these with ==: {unpinned}"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_every_imported_package_is_a_declared_dependency() -> None:
    """A fresh machine installs only what pyproject.toml declares; an import that works here
    only because a package happens to be installed would fail there."""
    project = _project()
    runtime = {_name(r) for r in project["dependencies"]}
    extras = {
        _name(r) for extra in project.get("optional-dependencies", {}).values() for r in extra
    }
    providers = importlib.metadata.packages_distributions()
    first_party = {"saram", "tests", "bench", "conftest"}
    problems = []
    for root, allowed in (
        (SRC, runtime),
        (PROJECT / "tests", runtime | extras),
        (PROJECT / "bench", runtime | extras),
    ):
        for path in sorted(root.rglob("*.py")):
            for module in sorted(_imports(path)):
                if module in sys.stdlib_module_names or module in first_party:
                    continue
                if (path.parent / f"{module}.py").exists() or (path.parent / module).is_dir():
                    continue  # a sibling module (scripts in bench/ import each other)
                dists = {_name(d) for d in providers.get(module, [])}
                if not dists & allowed:
                    where = path.relative_to(PROJECT)
                    by = ", ".join(sorted(dists)) or "nothing installed"
                    problems.append(f"{where}: import {module} (provided by {by})")
    assert not problems, "imports of undeclared packages:\n" + "\n".join(problems)


# --- The shared fixtures -----------------------------------------------------------------------


def test_city_fixture_loads_every_dong_of_the_demo_city(city, dong, other_dong) -> None:  # type: ignore[no-untyped-def]
    assert city.gus.count() == 2
    assert sum(gu.dongs.count() for gu in city.gus.all()) == 35
    assert dong.gu.city == city and other_dong != dong


def test_make_user_gives_the_role_over_the_area(make_user, dong) -> None:  # type: ignore[no-untyped-def]
    from saram.core.access import Can, scope_of

    officer = make_user("welfare_officer", dong)
    admin = make_user("city_admin")

    assert officer.check_password(officer.raw_password)
    assert scope_of(officer).dong_ids(Can.VIEW_PEOPLE) == {dong.pk}
    assert len(scope_of(admin).dong_ids(Can.VIEW_AREAS)) == 35
    assert not scope_of(admin).dong_ids(Can.VIEW_PEOPLE)


def test_make_person_seals_a_valid_resident_registration_number(make_person, other_dong) -> None:  # type: ignore[no-untyped-def]
    from saram.core.engine.identity import normalize_rrn
    from saram.core.personal_data import open_rrn, rrn_digest

    person = make_person(other_dong, name="김철수")
    person.refresh_from_db()

    assert normalize_rrn(person.rrn) == person.rrn
    assert open_rrn(bytes(person.rrn_cipher)) == person.rrn
    assert person.rrn_hmac == rrn_digest(person.rrn)
    assert person.rrn not in bytes(person.rrn_cipher).decode("latin-1")
    assert (person.dong, person.masked_name) == (other_dong, "김*수")


def test_client_as_is_logged_in(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("citizen")

    assert client.get("/accounts/login/").wsgi_request.user == client.user
