"""The rules of shared/ARCHITECTURE.md that a machine can check, by scanning imports."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LMS = ROOT / "lms"
DOMAINS = sorted(p.name for p in LMS.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"core", "api", "translations", "static"})


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def modules(pattern: str):
    return sorted(LMS.glob(pattern))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# -- roles -------------------------------------------------------------------------------------------------
# Every module of a domain plays one of the parts of ARCHITECTURE.md, told by its place: a file named after
# the part, or any module inside a package named after it (services/importer/reader.py is a service).
ROLES = {"models", "services", "retention", "permissions", "queries", "forms", "views", "signals"}
WEB = {"views", "forms"}  # the web layer; every other part is the domain layer


def role(path: Path) -> str | None:
    """The part a module of a domain plays, or None (the domain's __init__, its blueprint)."""
    parts = path.relative_to(LMS).parts[1:]
    if parts == ("__init__.py",):
        return None
    return parts[0].removesuffix(".py") if parts[0].removesuffix(".py") in ROLES else "unknown"


DOMAIN_MODULES = sorted(p for d in DOMAINS for p in (LMS / d).rglob("*.py"))
DOMAIN_LAYER = [p for p in DOMAIN_MODULES if role(p) not in WEB | {None}]


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=rel)
def test_every_module_of_a_domain_plays_a_known_part(path):
    """No service escapes the rules below by its file name: a module is models, services, retention,
    permissions, queries, forms, views or signals (or inside a package of that name)."""
    assert role(path) != "unknown", f"{rel(path)}: put it in one of {sorted(ROLES)} (a file or a package)"


def test_the_roles_are_found_in_every_domain():
    """The classifier sees the domain layer of every domain that has one (a guard against an empty scan)."""
    by_role = {}
    for path in DOMAIN_MODULES:
        by_role.setdefault(role(path), set()).add(path.relative_to(LMS).parts[0])
    assert {"auth", "authoring", "certificates", "learning", "videos"} <= by_role["services"]
    assert {"auth", "authoring", "certificates", "learning", "videos"} <= by_role["views"]


@pytest.mark.parametrize("path", DOMAIN_LAYER, ids=rel)
def test_the_domain_layer_stays_out_of_the_web_layer(path):
    """Services (and models, queries, permissions, retention, signals) take the acting user as an argument:
    no request, session, current_user, views, forms or worker."""
    forbidden = ("flask.request", "flask.session", "flask.g", "flask_login.current_user", "worker")
    for name in imports_of(path):
        assert not name.startswith(forbidden), f"{rel(path)} imports {name}"
        assert not name.endswith((".views", ".forms")) and ".views." not in name and ".forms." not in name, f"{rel(path)} imports {name}"


@pytest.mark.parametrize("path", DOMAIN_LAYER + modules("core/*.py"), ids=rel)
def test_the_domain_layer_never_commits(path):
    """One unit of work per request or task: the domain layer adds and flushes (core.db, core.mail,
    core.triggers and core.jobs are the units of work)."""
    if path.parent.name == "core" and path.name in {"db.py", "mail.py", "jobs.py", "triggers.py"}:
        return
    source = path.read_text(encoding="utf-8")
    assert "session.commit(" not in source and "import commit" not in source, f"{rel(path)} commits"


@pytest.mark.parametrize("path", modules("core/*.py"), ids=rel)
def test_core_knows_no_domain(path):
    domain_modules = tuple(f"lms.{d}" for d in DOMAINS)
    allowed = {"models_registry.py"}  # the one place that lists every model for Alembic
    if path.name in allowed:
        return
    for name in imports_of(path):
        assert not name.startswith(domain_modules), f"{rel(path)} imports domain code {name}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_domains_meet_only_through_services_and_permissions(domain):
    """Between domains only through the other's services (or permissions/models for reading), never views or forms."""
    for path in (LMS / domain).rglob("*.py"):
        for name in imports_of(path):
            parts = name.split(".")
            if len(parts) >= 3 and parts[0] == "lms" and parts[1] in DOMAINS and parts[1] != domain:
                assert parts[2] not in {"views", "forms"}, f"{rel(path)} imports {name}"


@pytest.mark.parametrize("path", modules("api/*.py"), ids=rel)
def test_api_uses_services_not_views_or_forms(path):
    for name in imports_of(path):
        assert not name.endswith((".views", ".forms")), f"{rel(path)} imports {name}"


def test_worker_tasks_call_services_not_the_web():
    for path in (ROOT / "worker").rglob("*.py"):
        for name in imports_of(path):
            assert not name.endswith((".views", ".forms")) and "flask.request" not in name, f"{rel(path)} imports {name}"


def test_only_config_reads_the_environment():
    offenders = []
    for path in list(LMS.rglob("*.py")) + list((ROOT / "worker").rglob("*.py")):
        if path.name == "devserver.py":
            continue  # the launcher of `make run` passes the environment to its children
        source = path.read_text(encoding="utf-8")
        if "os.environ" in source or "os.getenv" in source:
            offenders.append(rel(path))
    assert offenders == []


def test_no_import_cycles_between_domains():
    graph = {d: set() for d in DOMAINS}
    for domain in DOMAINS:
        for path in (LMS / domain).rglob("*.py"):
            for name in imports_of(path):
                parts = name.split(".")
                if len(parts) >= 2 and parts[0] == "lms" and parts[1] in DOMAINS and parts[1] != domain:
                    graph[domain].add(parts[1])
    for start in DOMAINS:
        seen, stack = set(), list(graph[start])
        while stack:
            node = stack.pop()
            assert node != start, f"import cycle through {start}"
            if node not in seen:
                seen.add(node)
                stack.extend(graph[node])


def test_templates_have_no_inline_script_or_style():
    for path in (ROOT / "templates").rglob("*.html"):
        if "emails" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        assert "<script>" not in source and " style=" not in source and "<style" not in source, rel(path)
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", source), f"inline event handler in {rel(path)}"
