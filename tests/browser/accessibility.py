"""axe-core, the accessibility checker, run inside a page the browser tests have opened.

The script comes from the npm registry (`make vendor-js` copies it into tests/browser/vendor/):
the site never serves it. It is evaluated through the DevTools protocol, which the pages'
Content-Security-Policy does not govern, so the page under test stays exactly as visitors get it.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, the level a public body in Austria must meet (Web-Zugänglichkeits-Gesetz).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page):
    """What axe-core finds wrong on the page as it is now: a list of its violation objects."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    return page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)",
                         AXE_TAGS)  # fmt: skip


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}: {node['failureSummary'].splitlines()[-1].strip()}"
                     for node in violation["nodes"][:5])  # fmt: skip
    return "\n".join(lines)


def assert_no_axe_violations(page, what):
    violations = axe_violations(page)
    assert not violations, f"axe-core on the {what} ({page.url}):\n{describe(violations)}"
