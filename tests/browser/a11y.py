"""axe-core in the browser, and a watch over every page a test opens.

``check_a11y(page)`` injects node_modules/axe-core/axe.min.js through DevTools
(``page.evaluate``: the site's Content-Security-Policy, ``script-src 'self'``,
does not apply to it, so no context needs ``bypass_csp``), runs the WCAG 2.0 and
2.1 A and AA rules and fails with each violation's id, help and nodes.

``watch(context)`` records, for each page of a context, every document loaded,
uncaught script errors and Content-Security-Policy violations; the ``new_context``
fixture fails the test if a loaded document was never checked with axe.
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Runs in every document before the site's own scripts (DevTools, so not subject to the CSP).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
                              + " (" + (event.sourceFile || "") + ":" + event.lineNumber + ")");
});
"""

_axe_source: str | None = None
_watched: dict = {}  # context -> {"pages": {page: state}, "errors": [str]}


def axe_source() -> str:
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_PATH.read_text(encoding="utf-8")
    return _axe_source


# -- the watch ----------------------------------------------------------------

def watch(context) -> None:
    state = {"pages": {}, "errors": []}
    _watched[context] = state
    context.add_init_script(RECORD_CSP_VIOLATIONS)

    def on_page(page):
        record = {"loads": [], "checked": set()}
        state["pages"][page] = record
        page.on("load", lambda p: p.url != "about:blank" and record["loads"].append(p.url))
        page.on("pageerror", lambda error: state["errors"].append(f"script error on {page.url}: {error}"))
        page.on("console", lambda message: _on_console(state, page, message))

    context.on("page", on_page)


def _on_console(state: dict, page, message) -> None:
    if message.type == "error" and ("Content Security Policy" in message.text or "Refused to" in message.text):
        state["errors"].append(f"CSP violation on {page.url}: {message.text}")


def console_errors(context) -> list[str]:
    return list(_watched.get(context, {}).get("errors", []))


def unchecked_pages(context) -> list[str]:
    """Documents loaded in this context that never went through check_a11y."""
    state = _watched.get(context)
    if state is None:
        return []
    missing = []
    for record in state["pages"].values():
        for index, url in enumerate(record["loads"]):
            if index not in record["checked"]:
                missing.append(f"page loaded but never checked with axe: {url}")
    return missing


def page_errors(context) -> list[str]:
    state = _watched.pop(context, None)
    return list(state["errors"]) if state else []


def _mark_checked(page) -> None:
    for state in _watched.values():
        record = state["pages"].get(page)
        if record is not None:
            record["checked"].update(range(len(record["loads"])))


# -- axe -------------------------------------------------------------------------

def run_axe(page) -> list[dict]:
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """async (tags) => {
             const results = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                      resultTypes: ["violations"]});
             return results.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
               nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
             }));
           }""",
        WCAG_TAGS,
    )
    return result


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}  {node['html'][:200]}")
            if node.get("summary"):
                lines.extend(f"      {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


def csp_violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []")


def check_a11y(page) -> None:
    """Zero WCAG 2.1 A/AA violations on the page as it is now, and no CSP violation."""
    violations = run_axe(page)
    assert not violations, format_violations(page.url, violations)
    blocked = csp_violations(page)
    assert not blocked, f"Content-Security-Policy violations on {page.url}: {blocked}"
    _mark_checked(page)
