"""Images and other resources written in a published spec.md load from the site only, however the URL
is spelled: Chromium reads ``/\\host``, `` //host`` or ``/<tab>/host`` as another host, as WHATWG URL
parsing says, and the sanitizer must decide "local" as the browser does.

Every vector is written into a spec.md, the site is built and served on 127.0.0.1, and the page is
opened in Chromium (the one of test_browser.py, with its skip/require rule): no request may leave
127.0.0.1, and no link may point off the site while its attribute looks like a local path.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from test_browser import (
    HOSTILE_MKDOCS,
    LOCAL_HOST,
    Guard,
    _serve,
    browser_fixture,  # noqa: F401 - the "browser" fixture
    build_one_feature_site,
    require_browser,
)
from test_xss import guard_fixture  # noqa: F401 - the "guard" fixture

#: Each vector names a host of its own, so that a request that gets out says which vector let it.
VECTORS = [
    '<img src="/\\v01.invalid/a.png">',
    '<img src="\\\\v02.invalid/a.png">',
    '<img src=" //v03.invalid/a.png">',
    '<img src="/&#9;/v04.invalid/a.png">',
    '<img src="&#10;//v05.invalid/a.png">',
    '<img src="\\/v06.invalid/a.png">',
    '<img src="/&#13;/v07.invalid/a.png">',
    '<img src="&#1;&#31;//v08.invalid/a.png">',
    '<img src="&#x5C;&#x5C;v09.invalid/a.png">',
    '<img src="//v10.invalid/a.png">',
    '<img src="https://v11.invalid/a.png">',
    '<img src="ht&#9;tps://v12.invalid/a.png">',
    '<img src="/&#10;\\v13.invalid/a.png">',
    '<img src="local.png" srcset="//v14.invalid/a.png 1x, /\\v14.invalid/b.png 2x">',
    '<video poster="//v15.invalid/a.png" src="/\\v15.invalid/a.mp4"><source src="//v15.invalid/b.mp4"></video>',
    '<audio src="//v16.invalid/a.mp3" autoplay></audio>',
    '<picture><source srcset="//v17.invalid/a.png"><img src="local.png"></picture>',
    '<div style="background-image: url(//v18.invalid/a.png)">styled</div>',
    "<span style=\"background: url('/\\v19.invalid/a.png')\">styled</span>",
    '<table background="//v20.invalid/a.png"><tr><td background="/\\v20.invalid/b.png">cell</td></tr></table>',
    '<input type="image" src="//v21.invalid/a.png">',
    '<object data="//v22.invalid/a.svg"></object><embed src="//v22.invalid/b.svg">',
    '<iframe src="//v22.invalid/"></iframe>',
    '<link rel="stylesheet" href="//v23.invalid/a.css"><link rel="prefetch" href="/\\v23.invalid/b">',
    '<base href="//v24.invalid/">',
    '<svg><image href="//v25.invalid/a.png"/></svg>',
    '<meta http-equiv="refresh" content="0; url=//v26.invalid/">',
    '<img src="&#0;//v27.invalid/a.png">',
]

#: Markdown images and links, which Python-Markdown writes as <img src> and <a href> with the backslash kept.
MARKDOWN_VECTORS = [
    "![m](/\\m01.invalid/f.png)",
    "![m](<\\\\\\\\m02.invalid/f.png>)",
    "[m03](/\\m03.invalid/page)",
    "[m04](\\\\\\\\m04.invalid/page)",
]

#: Links written with a tab, a backslash or a newline that point off the site.
LINK_VECTORS = [
    '<a href="/\\l01.invalid/x">l01</a>',
    '<a href=" //l02.invalid/x">l02</a>',
    '<a href="/&#9;/l03.invalid/x">l03</a>',
    '<a href="\\\\l04.invalid/x">l04</a>',
]

#: What stays: plain local paths, and links to other sites written as such.
LOCAL_IMAGES = ["img/a.png", "../x.png", "/site/a.png", "local.png"]
KEPT_LINKS = ['<a href="https://example.org/doc">an outside link</a>', '<a href="mailto:a@example.org">mail</a>']

SPEC = "\n\n".join([
    "# Feature Specification: resources",
    *VECTORS,
    *MARKDOWN_VECTORS,
    *LINK_VECTORS,
    *(f'<img src="{src}" alt="local">' for src in LOCAL_IMAGES),
    *KEPT_LINKS,
]) + "\n"

@pytest.fixture(scope="module", autouse=True)
def _browser_available() -> None:
    require_browser()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_one_feature_site(tmp_path_factory.mktemp("resources"), HOSTILE_MKDOCS, "001-resources",
                                  "# Implementation Plan: Resources\n", SPEC)


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    yield from _serve(site)


def test_no_resource_of_a_spec_loads_from_another_host(guard: Guard, base_url: str) -> None:
    page_url = urljoin(base_url, "plans/001-resources/spec/")
    page = guard.new_page()
    page.goto(page_url, wait_until="networkidle")
    assert "resources" in page.title().lower() or page.locator("h1").count() > 0
    assert guard.foreign == [], f"requests left {LOCAL_HOST}: {guard.foreign}"
    # The local images were fetched (so images do load here), from the site.
    requested = {urlsplit(url).path for url in guard.requests}
    for src in LOCAL_IMAGES:
        assert urlsplit(urljoin(page_url, src)).path in requested, (src, sorted(requested))
    assert guard.dialogs == [] and guard.errors == []
    guard.checked = True


def test_no_link_looks_local_but_leads_elsewhere(guard: Guard, base_url: str) -> None:
    page = guard.open(urljoin(base_url, "plans/001-resources/spec/"))
    links = page.eval_on_selector_all(
        ".md-content a[href]", "links => links.map(a => [a.getAttribute('href'), a.href, a.textContent])")
    off_site = {text: (written, resolved) for written, resolved, text in links
                if urlsplit(resolved).hostname not in (LOCAL_HOST, None)}
    for text, (written, resolved) in off_site.items():
        assert written.startswith(("https://", "http://")), f"{text}: {written!r} leads to {resolved}"
    # Each spelling of another host is kept as the link the browser follows, written out in full.
    for text in ("m03", "m04", "l01", "l02", "l03", "l04"):
        assert off_site.get(text, ("", ""))[0].startswith(f"https://{text}.invalid/"), (text, off_site.get(text))
    assert "an outside link" in off_site
    mail = [written for written, _, text in links if text == "mail"]
    assert mail == ["mailto:a@example.org"]
    guard.assert_clean()
