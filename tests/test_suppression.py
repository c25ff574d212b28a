"""Inline suppression comments in Markdown and HTML."""

from linter import Linter

MARKDOWN = """# Rates story

<!-- copydesk-disable starter.percent -->
Rates rose 5 per cent.
<!-- copydesk-enable starter.percent -->

Costs rose 3 per cent.

<!-- copydesk-disable-next-line -->
Taxes rose 2 per cent.

Fees rose 1 per cent.
"""

HTML = """<html><body><h1>Rates story</h1>
<!-- copydesk-disable starter -->
<p>Rates rose 5 per cent.</p>
<!-- copydesk-enable starter -->
<p>Costs rose 3 per cent.</p>
<!-- copydesk-disable-next-line starter.percent -->
<p>Taxes rose 2 per cent.</p>
</body></html>
"""


def _percent_lines(source: str, fmt: str) -> list[str]:
    article, findings = Linter().check(source, fmt)
    return [article.line_text(article.position(f.start)[0]) for f in findings if f.rule == "starter.percent"]


def test_markdown_disable_enable_and_next_line():
    assert _percent_lines(MARKDOWN, "markdown") == ["Costs rose 3 per cent.", "Fees rose 1 per cent."]


def test_html_disable_by_prefix_and_next_line_by_id():
    assert _percent_lines(HTML, "html") == ["<p>Costs rose 3 per cent.</p>"]
