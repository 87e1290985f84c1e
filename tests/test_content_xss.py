"""content.render: Markdown first, then the allow-list; nothing executable survives."""
from __future__ import annotations

from markupsafe import Markup

from hub import content
from tests.helpers.xss import executable_parts, payloads


def test_every_corpus_payload_renders_to_nothing_executable():
    corpus = payloads()
    assert len(corpus) > 7000
    failures = []
    for item in corpus:
        for source in (item["payload"], f"Intro\n\n{item['payload']}\n\n[link]({item['payload']})"):
            html = str(content.render(source))
            problems = executable_parts(html)
            if problems:
                failures.append((item["source"], item["payload"][:80], problems))
    assert failures == [], f"{len(failures)} payloads produced executable output, e.g. {failures[:3]}"


def test_markdown_made_links_are_checked_after_rendering():
    # Markdown turns these into <a href=...>; only the allow-list after rendering can refuse them.
    for source in ("[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))",
                   "<javascript:alert(1)>", "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](vbscript:msgbox)",
                   "![img](x \"onerror=alert(1)\")", "[x]( javascript:alert(1))"):
        html = str(content.render(source))
        assert executable_parts(html) == [], (source, html)


def test_ordinary_writing_survives():
    html = content.render("**Bold** idea: see https://example.org/toolkit and [our plan](/spaces/commons)\n\n"
                          "- stratify by race\n- and language\n\n```\n<b>code</b>\n```")
    assert isinstance(html, Markup)
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://example.org/toolkit" rel="nofollow noopener noreferrer ugc">' in html
    assert '<a href="/spaces/commons">our plan</a>' in html
    assert "<li>stratify by race</li>" in html
    assert "&lt;b&gt;code&lt;/b&gt;" in html


def test_empty_and_huge_input():
    assert content.render("") == Markup("")
    assert content.render(None) == Markup("")
    assert len(content.render("a" * 500_000)) < 200_000


def test_runs_of_brackets_are_kept_as_text():
    # Past MAX_LINK_BRACKETS the brackets are escaped, not dropped: what was typed still shows.
    html = str(content.render("[" * 3000 + " tail [link](https://example.org)"))
    assert html.count("[") >= 3000 and "tail" in html
    early = str(content.render("[link](https://example.org) " + "[" * 3000))
    assert '<a href="https://example.org"' in early, "links before the cap still work"


def test_scheme_smuggling_in_links_is_refused():
    for href in ("javascript:123", "JAVASCRIPT:1", " java\nscript:alert(1)", "data:text/html,x", "vbscript:x"):
        html = str(content.render(f'<a href="{href}">x</a> [y]({href})'))
        assert "href" not in html, (href, html)
