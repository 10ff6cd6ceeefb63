"""A written portal page loses the theme's indentation between tags, and nothing a reader sees."""

from __future__ import annotations

from plan_portal.render.whitespace import squeeze_whitespace

PAGE = """<html>
  <head>
    <script>
      var kept = "a\\n    b";
    </script>
    <style>
      .x { color: red; }
    </style>
  </head>
  <body>
    <nav class="md-nav">
      <span class="md-ellipsis">
        Plans
      </span>
    </nav>
    <p>Two   spaces stay   inside a line, <em>and</em>
       a line break inside text stays.</p>
    <pre><code>def f():
    return 1
</code></pre>
    <textarea>
  kept as typed
    </textarea>
    <a title="a
    multi-line title" href="#x">x</a>
  </body>
</html>
"""


def test_indentation_between_tags_goes_and_everything_else_stays() -> None:
    squeezed = squeeze_whitespace(PAGE)
    assert "<em>and</em>\na line break inside text stays." in squeezed  # one line break after a tag
    assert "<nav class=\"md-nav\">\n<span class=\"md-ellipsis\">\nPlans\n</span>\n</nav>" in squeezed
    # whitespace inside pre, textarea, script and style, inside a line and inside attributes is untouched
    for kept in ("<pre><code>def f():\n    return 1\n</code></pre>", "<textarea>\n  kept as typed\n    </textarea>",
                 '<script>\n      var kept = "a\\n    b";\n    </script>',
                 "<style>\n      .x { color: red; }\n    </style>",
                 "Two   spaces stay   inside a line, <em>and</em>", 'title="a\n    multi-line title"'):
        assert kept in squeezed, kept
    assert "</textarea>\n<a title" in squeezed and "</body>\n</html>" in squeezed
    # the text a browser shows, whitespace collapsed, is the same
    def shown(html: str) -> str:
        return " ".join(html.split())
    assert shown(squeezed) == shown(PAGE)


def test_a_page_without_line_breaks_is_unchanged() -> None:
    html = "<p>one  <b>two</b>   three</p>"
    assert squeeze_whitespace(html) == html
