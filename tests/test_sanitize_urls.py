"""The sanitizer decides whether a URL is local as the browser parses it (WHATWG URL parsing), so
that no spelling of another host (backslashes, control characters, tabs and newlines, spaces)
gets an image fetched from it. test_browser_requests.py shows the same in Chromium."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_portal.sanitize import is_local, sanitize_html
from test_generate import elements as attributes

#: Values a browser resolves to another host, as the filter receives them (entities decoded).
OFF_SITE = [
    "/\\evil.invalid/a.png", "\\\\evil.invalid/a.png", "\\/evil.invalid/a.png", " //evil.invalid/a.png",
    "/\t/evil.invalid/a.png", "\n//evil.invalid/a.png", "/\r/evil.invalid/a.png", "\x01\x1f //evil.invalid/a.png",
    "///evil.invalid/a.png", "/\n\\evil.invalid/a.png", "//evil.invalid/a.png", "https://evil.invalid/a.png",
    "ht\ttps://evil.invalid/a.png", "HTTP://evil.invalid/", "data:image/png;base64,AAAA", "javascript:alert(1)",
    "http://[bad",
]
#: Values that stay on the site, however they look.
LOCAL = ["img/a.png", "../x.png", "/site/a.png", "a.png?x=//evil.invalid", "#part", "", "/%5Cevil.invalid/a.png",
         "\uff0f\uff0fevil.invalid/a.png", "img\\a.png", ". /x.png"]


@pytest.mark.parametrize("value", OFF_SITE)
def test_values_that_leave_the_site_are_not_local(value: str) -> None:
    assert not is_local(value)


@pytest.mark.parametrize("value", LOCAL)
def test_plain_local_paths_are_local(value: str) -> None:
    assert is_local(value)


@pytest.mark.parametrize("markup", [
    '<img src="/\\evil.invalid/a.png">', '<img src="\\\\evil.invalid/a.png">', '<img src=" //evil.invalid/a.png">',
    '<img src="/&#9;/evil.invalid/a.png">', '<img src="&#10;//evil.invalid/a.png">',
    '<img src="&#x5C;&#x5C;evil.invalid/a.png">', '<img src="/&NewLine;/evil.invalid/a.png">',
])
def test_an_image_from_another_host_loses_its_source(markup: str) -> None:
    assert attributes(sanitize_html(markup)) == [("img", {})]


@pytest.mark.parametrize("src", ["img/a.png", "../x.png", "/site/a.png"])
def test_local_images_stay_as_written(src: str) -> None:
    assert sanitize_html(f'<img src="{src}" alt="a">') == f'<img src="{src}" alt="a">'


@pytest.mark.parametrize(("markup", "kept"), [
    # No scheme of its own: the link is written as the browser follows it, to the other site.
    ('<a href="/\\evil.invalid/x">l</a>', "https://evil.invalid/x"),
    ('<a href=" //evil.invalid/x">l</a>', "https://evil.invalid/x"),
    ('<a href="/&#9;/evil.invalid/x">l</a>', "https://evil.invalid/x"),
    ('<a href="ht&#9;tps://evil.invalid/x">l</a>', "https://evil.invalid/x"),
    ('<a href="https://example.org/doc">l</a>', "https://example.org/doc"),
    ('<a href="mailto:a@example.org">l</a>', "mailto:a@example.org"),
    ('<a href="../spec/#part">l</a>', "../spec/#part"),
    ('<a href="java&#9;script:alert(1)">l</a>', None),
    ('<a href="data:text/html,x">l</a>', None),
    ('<a href="ftp://example.org/x">l</a>', None),
])
def test_links_off_the_site_say_so(markup: str, kept: str | None) -> None:
    [(tag, attrs)] = attributes(sanitize_html(markup))
    assert tag == "a" and attrs.get("href") == kept


@pytest.mark.parametrize("markup", [
    '<img src="a.png" srcset="//evil.invalid/a.png 1x">',
    '<div style="background-image: url(//evil.invalid/a.png)">x</div>',
    '<span style="background: url(\'a.png\')">x</span>',  # style is never kept, local or not
    '<table background="//evil.invalid/a.png"><tr><td background="a.png">x</td></tr></table>',
])
def test_srcset_style_and_background_are_dropped(markup: str) -> None:
    for _, attrs in attributes(sanitize_html(markup)):
        assert not {"srcset", "style", "background"} & set(attrs), attrs


@pytest.mark.parametrize("markup", [
    '<video poster="//evil.invalid/a.png" src="a.mp4"></video>', '<audio src="//evil.invalid/a.mp3"></audio>',
    '<picture><source srcset="//evil.invalid/a.png"></picture>', '<input type="image" src="//evil.invalid/a.png">',
    '<base href="//evil.invalid/">', '<link rel="stylesheet" href="//evil.invalid/a.css">',
    '<svg><image href="//evil.invalid/a.png"/></svg>', '<iframe src="//evil.invalid/"></iframe>',
])
def test_elements_that_fetch_by_themselves_are_dropped(markup: str) -> None:
    assert "evil.invalid" not in sanitize_html(markup)


_SPELLINGS = st.lists(st.sampled_from(["/", "\\", "\t", "\n", "\r", " ", "\x0c", "\x00", "\x1f", "&#9;", "&#10;",
                                       "&#x5C;", "&sol;", "&bsol;", "&Tab;", ".", "%2F"]), max_size=6)


def leaves_the_site(value: str) -> bool:
    """The steps of WHATWG URL parsing that decide whether a URL names a host or a scheme of its own,
    written out here so that the test does not ask the sanitizer's own parser."""
    url = re.sub("[\t\n\r]", "", value.strip("".join(map(chr, range(0x21))))).replace("\\", "/")
    return url.startswith("//") or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url) is not None


@settings(max_examples=300, deadline=None)
@given(_SPELLINGS)
def test_no_spelling_of_a_host_keeps_an_image_source_that_leaves(prefix: list[str]) -> None:
    """Whatever the characters before a host name, a source that is kept, as the browser reads it
    back from the sanitized HTML, stays on the site."""
    for tag, attrs in attributes(sanitize_html(f'<img src="{"".join(prefix)}evil.invalid/a.png">')):
        src = attrs.get("src")
        assert tag == "img" and (src is None or not leaves_the_site(src)), (prefix, src)


@pytest.mark.parametrize("value", OFF_SITE[:-1])  # all but the one no URL parser accepts
def test_the_oracle_agrees_on_the_examples(value: str) -> None:
    assert leaves_the_site(value) and not any(leaves_the_site(local) for local in LOCAL)
