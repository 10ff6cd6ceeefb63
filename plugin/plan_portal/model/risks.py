"""Risks as authors write them: register tables, risk headings, and risk bullets or bold lines.

A risk's level is the author's: an overall rating (a Risk level column, "High Risk: …", "(Medium)")
when there is one, else probability × impact (status.risk_level), else the one of the two the
plan rates ("| Risk | Likelihood | Mitigation |", "| Risk | Severity |").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plan_portal.diagnostics import diagnostic
from plan_portal.model.context import FileContext
from plan_portal.model.outline import Outline
from plan_portal.model.records import Risk
from plan_portal.model.status import rating, risk_level
from plan_portal.model.tables import cell, column_roles, extra_cells
from plan_portal.model.text import keyed, strip_markup
from plan_portal.read.blocks import Block, Item, Paragraph, Section, Table, block_lines

#: Register headers in other languages plans are written in (Chinese, Japanese, Spanish, French,
#: German); CJK words are listed whole, as column_roles matches words under three letters exactly.
_WORDS = {
    "risk": ("風險", "风险", "リスク", "riesgo", "risque", "risiko"),
    "probability": ("機率", "概率", "可能性", "発生確率", "確率", "probabilidad", "probabilité", "wahrscheinlichkeit"),
    "impact": ("影響", "影响", "影響度", "impacto", "auswirkung"),
    "mitigation": ("緩解", "缓解", "緩解策略", "缓解策略", "緩解措施", "缓解措施", "対策", "軽減策", "緩和策",
                   "mitigación", "mesure", "gegenmaßnahme", "maßnahme"),
}
_ROLES = {
    "id": ("id", "#", "risk id", "ref", "no.", "no"),
    "rating": ("risk level", "risk rating", "risk score", "rating", "level", "score", "priority"),
    "probability": ("probability", "likelihood", "prob", "chance", "p", *_WORDS["probability"]),
    "impact": ("impact", "severity", "consequence", "i", *_WORDS["impact"]),
    "mitigation": ("mitigation", "response", "contingency", "countermeasure", "strategy", "plan", "action",
                   *_WORDS["mitigation"]),
    "trigger": ("trigger", "signal", "indicator", "early warning", "detection"),
    "owner": ("owner", "responsible"),
    "description": ("risk", "description", "threat", "concern", "issue", "hazard", "scenario", "what",
                    *_WORDS["risk"]),
}
_RATED_ROLES = ("rating", "probability", "impact")

#: What a keyed line (``**Impact**: High``, ``- Mitigation: …``) says about the risk it belongs to.
_FIELDS = {
    "risk": "risk", "risks": "risk", "threat": "risk",
    "probability": "probability", "likelihood": "probability", "chance": "probability",
    "impact": "impact", "severity": "impact", "consequence": "impact", "consequences": "impact",
    "risk level": "rating", "risk rating": "rating", "risk score": "rating", "level": "rating",
    "rating": "rating", "overall risk": "rating",
    "mitigation": "mitigation", "mitigations": "mitigation", "mitigation strategy": "mitigation",
    "mitigation plan": "mitigation", "response": "mitigation",
    "trigger": "trigger", "triggers": "trigger", "owner": "owner",
    "contingency": "extra", "validation": "extra", "resolution": "extra", "fallback": "extra",
    "detection": "extra", "calculation": "extra", "status": "extra",
}
#: Fields that make a heading or a bold line a risk (not Resolution or Validation alone).
_RISK_FIELDS = frozenset({"risk", "probability", "impact", "rating", "mitigation", "trigger"})
_FIELD_WORDS = "|".join(sorted((re.escape(k) for k in _FIELDS), key=len, reverse=True))
#: ``**Mitigation**:`` inside a line ("- **Risk**: x. **Mitigation**: y") starts a new field.
_INLINE_FIELD = re.compile(rf"(?:\*\*|__)(?:{_FIELD_WORDS})\s*:?(?:\*\*|__)\s*:?", re.I)
_PLAIN_FIELD = re.compile(rf"^\s*(?P<key>{_FIELD_WORDS})\s*:\s*(?P<value>.*)$", re.I)
#: A key that names the risk itself ("Risk", "Risk accepted", "Risk/mitigation") rather than a
#: property of one ("Risk level", "Risk mitigation").
_RISK_KEY = re.compile(r"^risk(?!s?\s+(?:level|score|rating|assessment|analysis|management|register|matrix|"
                       r"profile|tolerance|appetite|mitigations?|areas?|summary|review)\b)(?![a-z])", re.I)

_LEADING_NUMBER = re.compile(r"^\s*(?:[^\w\s]+\s*)?(?:\d+(?:\.\d+)*[.)]?\s+)?")
#: "Risk 1: …", "Risk R2 — …", "High Risk: …", "Technical Risk: …".
_RISK_HEADING = re.compile(
    r"^(?:(?P<prefix>[A-Za-z]+(?:[ -][A-Za-z]+)?)[ -])?risk\s*(?:#?\s*[A-Za-z]{0,3}-?\d+[a-z]?)?"
    r"(?::|\s*[—–]|\s-|\.\s)\s*(?P<name>\S.*)$", re.I)
#: "Low Risk", "High-Risk Items", "Risk: High": a heading that rates the risks below it.
_LEVEL_HEADING = re.compile(
    r"^(?:(?P<before>[A-Za-z]+(?:[ -][A-Za-z]+)?)[ -]risks?(?: items| areas)?"
    r"|risks?\s*[:—–-]\s*(?P<after>[A-Za-z ]+))$", re.I)
_LEADING_SYMBOLS = re.compile(r"^[^\w`*_\[(]+")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_KIND_WORDS = (("probability", re.compile(r"probab|likel|chance", re.I)),
               ("impact", re.compile(r"impact|severity|consequence", re.I)))
_NO_RISK = re.compile(r"^\W*(?:none|nothing|no (?:known |significant |major |new )?risks?|n/a)\b", re.I)
_LEADING_RATING_WORD = re.compile(
    r"^\W*(?:very\s+)?(?:low|medium|moderate|high|critical)(?:\s*[-/]\s*(?:low|medium|high|critical))?\b(?!\s+\w+\s)",
    re.I)
_PLURAL_RISKS = re.compile(r"\brisks\b|\bthreats\b", re.I)
#: "Concerns Identified", "Known Concerns": risks under another name ("Separation of Concerns" is not).
#: "No Additional Security Concerns", "No known risks": a heading that says there are none.
_NEGATED_TITLE = re.compile(r"^\W*(?:no|none|without)\b", re.I)
_CONCERNS = re.compile(r"(?<!separation of )\bconcerns\b", re.I)
_MITIGATION_TITLE = re.compile(r"mitigat|response", re.I)


def _is_risk_table(table: Table, roles: dict[str, int], in_risk_section: bool) -> bool:
    """A register anywhere when a column is the risk and another rates or mitigates it; a table
    with some rating or mitigation column inside a risk section."""
    if "description" not in roles:
        return False
    header = " ".join(table.header).lower()
    named = any(word in header for word in ("risk", "threat", *_WORDS["risk"]))
    rated = any(role in roles for role in _RATED_ROLES)
    return (rated or "mitigation" in roles) and (named or in_risk_section) and (rated or in_risk_section)


def _combined(levels: dict[str, str], raws: dict[str, str]) -> str:
    """Probability × impact when the plan rates both, else the author's overall rating, else the
    one of the two the plan rates when it does not state the other at all (a rating it states but
    that reads as nothing, "Sometimes", leaves the level unknown)."""
    probability, impact = levels["probability"], levels["impact"]
    if probability != "unknown" and impact != "unknown":
        return risk_level(probability, impact)
    if levels["rating"] != "unknown":
        return levels["rating"]
    if probability != "unknown" and not raws["impact"]:
        return probability
    if impact != "unknown" and not raws["probability"]:
        return impact
    return "unknown"


def _table_risks(context: FileContext, table: Table, roles: dict[str, int]) -> list[Risk]:
    risks: list[Risk] = []
    unread: dict[str, list[tuple[int, str]]] = {}
    for row in table.rows:
        description = cell(row, roles["description"])
        raws = {role: cell(row, roles.get(role), plain=True) for role in _RATED_ROLES}
        levels = {role: rating(raw) for role, raw in raws.items()}
        says_none = _NO_RISK.match(cell(row, roles["description"], plain=True))
        if not any(row.plain) or (says_none and set(levels.values()) == {"unknown"}):
            continue  # "| None identified | — | — |" says the register is empty
        for role, raw in raws.items():
            if raw and levels[role] == "unknown":
                unread.setdefault(role, []).append((row.line, raw))
        explicit = cell(row, roles.get("id"), plain=True)
        global_id, local = context.claim(explicit, "risk", description, row.line)
        risks.append(Risk(
            global_id, context.feature, local, description, levels["probability"], raws["probability"],
            levels["impact"], raws["impact"], _combined(levels, raws),
            cell(row, roles.get("owner"), plain=True), cell(row, roles.get("mitigation")),
            cell(row, roles.get("trigger")), context.source(row.line), extra_cells(table, row, roles),
            raw_level=raws["rating"], trigger_column="trigger" in roles,
        ))
    for role, cells in unread.items():
        header = table.header[roles[role]] if roles[role] < len(table.header) else role
        line, first = cells[0]
        more = f" and {len(cells) - 1} more" if len(cells) > 1 else ""
        context.diagnostics.append(diagnostic(
            "unknown-status", context.path, line,
            f"risk {role} column {header!r} holds no rating in {len(cells)} row{'s' if len(cells) > 1 else ''} "
            f"({first[:60]!r}{more}); kept as raw text, level unknown unless another column rates the risk"))
    return risks


@dataclass(slots=True)
class _Draft:
    """A risk being read from a heading or from a bullet or bold line and the lines that follow it."""

    name: str
    line: int
    depth: int
    #: Counts without risk fields: a bullet in a list of risks.
    standalone: bool = False
    #: Read in a section that lists risks, where a bold line with bullets below it is one.
    listed: bool = False
    children: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    #: The rating of a "Medium Risk" heading above: the level when the risk states none itself.
    heading_rating: str = ""
    #: The field opened last (its kind) and its key as written, for the lines that continue it.
    last: str = ""
    last_key: str = ""

    def add(self, key: str, value: str) -> None:
        kind = _FIELDS.get(key.lower().strip(), "extra")
        self.last, self.last_key = kind, key
        if kind == "extra":
            self._extra(key, value)
        else:
            self.fields[kind] = f"{self.fields[kind]}\n{value}".strip() if kind in self.fields else value

    def _extra(self, key: str, value: str, joiner: str = "\n") -> None:
        self.extra[key] = f"{self.extra[key]}{joiner}{value}".strip() if key in self.extra else value

    def follow(self, text: str, bullet: bool) -> None:
        """A line with no key of its own continues the field opened last: a mitigation bullet, a
        wrapped line; before any field it continues the name. Notes under a rating ("Low (20%)"
        then evidence bullets) are kept beside it, so the rating stays a rating."""
        joiner = "\n- " if bullet else " "
        if not self.last and bullet:
            self._extra("Details", text, joiner)
        elif not self.last:
            self.name = f"{self.name} {text}".strip()
        elif self.last == "extra" or self.last in _RATED_ROLES:
            self._extra(self.last_key if self.last == "extra" else f"{self.last_key} notes", text, joiner)
        else:
            self.fields[self.last] = f"{self.fields[self.last]}{joiner}{text}".strip()

    @property
    def is_risk(self) -> bool:
        counts = self.standalone or (self.listed and self.children) or _RISK_FIELDS & self.fields.keys()
        return bool(counts) and not _NO_RISK.match(self.name)

    def rated(self, kind: str) -> str:
        raw = self.fields.get(kind, "")
        return strip_markup(raw or (self.heading_rating if kind == "rating" else ""))


def _field_key(key: str) -> str | None:
    lowered = re.sub(r"\s+", " ", key.casefold().strip())
    return lowered if lowered in _FIELDS else None


def _segments(line: str) -> list[tuple[str | None, str]]:
    """A line as (field key or None, text) pieces: "**Risk**: x **Mitigation**: y" is two fields."""
    pieces: list[tuple[str | None, str]] = []
    starts = [m for m in _INLINE_FIELD.finditer(line)]
    head = line[: starts[0].start()] if starts else line
    if head.strip():
        pair = keyed(head)
        plain = _PLAIN_FIELD.match(strip_markup(head)) if not pair else None
        if pair and _field_key(pair[0]):
            pieces.append((_field_key(pair[0]), pair[1]))
        elif plain:
            pieces.append((_field_key(plain.group("key")) or "details", plain.group("value")))
        else:
            pieces.append((None, head.strip()))
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(line)
        key = _field_key(re.sub(r"[*_:\s]+", " ", match.group(0))) or "details"
        pieces.append((key, line[match.end() : end].strip()))
    return pieces or [(None, "")]


def _ratings_in(text: str) -> tuple[str, dict[str, str]]:
    """A name without its rating parentheses, and what they rated: "Port Conflicts (HIGH PROBABILITY)"
    gives probability "HIGH PROBABILITY"; "(Medium)" an overall rating."""
    found: dict[str, str] = {}

    def take(match: re.Match[str]) -> str:
        kept = []
        for part in re.split(r"[,;/]", match.group(1)):
            if len(part.split()) > 3 or rating(part) == "unknown":
                kept.append(part)
                continue
            kind = next((k for k, pattern in _KIND_WORDS if pattern.search(part)), "rating")
            found[kind] = part.strip()
        return f"({','.join(kept).strip()})" if kept else ""

    name = _PARENTHESES.sub(take, text)
    return re.sub(r"\s{2,}", " ", name).strip(" -—–:"), found


def _apply_ratings(draft: _Draft, ratings: dict[str, str]) -> None:
    for kind, raw in ratings.items():
        draft.fields.setdefault(kind, raw)


def _heading_draft(section: Section, rates_below: str | None, in_risk_section: bool) -> _Draft | None:
    """The risk a heading names: "Risk 1: …", "High Risk: …", or, in a risk section, a heading whose
    body gives the risk's fields (``**Risk**:``, ``**Mitigation**:``, ``**Impact**:``)."""
    if rates_below is not None:
        return None
    title = _LEADING_NUMBER.sub("", section.title).strip()
    match = _RISK_HEADING.match(title)
    fields = _body_fields(section.blocks)
    if not match and not (in_risk_section and _RISK_FIELDS & fields and not re.search(r"\brisks?\b", title, re.I)):
        return None
    name, ratings = _ratings_in(match.group("name") if match else title)
    draft = _Draft(name, section.line, -1)
    prefix = match.group("prefix") if match else None
    if prefix and rating(prefix) != "unknown":
        ratings.setdefault("rating", prefix)
    _apply_ratings(draft, ratings)
    draft.standalone = bool(match)
    return draft


def _body_fields(blocks: list[Block]) -> set[str]:
    """The risk fields a heading's body states for the heading itself: its top-level lines and
    bullets up to the first bold line of another kind ("⚠️ **Open question**: …" starts an entry of
    its own) or a second ``**Risk**:`` (then the body lists several risks)."""
    kinds: set[str] = set()
    for block in blocks:
        if isinstance(block, Item) and block.depth > 1:
            continue
        for _, text in block_lines(block):
            pieces = _segments(text)
            key = pieces[0][0]
            if key is None and (keyed(text) or re.match(r"^\W*(?:\*\*|__)", text)):
                return kinds
            if key == "risk" and "risk" in kinds:
                return set()
            kinds.update(_FIELDS.get(k, "extra") for k, _ in pieces if k)
    return kinds


def _level_heading(title: str) -> str | None:
    """The rating a heading such as "Medium Risk" gives the risks listed below it."""
    match = _LEVEL_HEADING.match(_PARENTHESES.sub("", _LEADING_NUMBER.sub("", title)).strip())
    if not match:
        return None
    raw = match.group("before") or match.group("after") or ""
    return raw.strip() if rating(raw) != "unknown" else None


def _read_body(draft: _Draft, blocks: list[Block]) -> None:
    """Every line under a risk heading is a field of that one risk or continues one; lines before
    the first field describe the risk."""
    draft.last, draft.last_key = "extra", "Details"
    for block in blocks:
        for _, text in block_lines(block):
            for key, value in _segments(text):
                if key:
                    draft.add(key, value)
                elif text.strip():
                    draft.follow(strip_markup(value), isinstance(block, Item))


def _list_drafts(blocks: list[Block], lists_risks: bool, rates_below: str | None, keyed_only: bool,
                 lists_concerns: bool = False) -> list[_Draft]:
    """Risks written as bullets or bold lines, each with the keyed lines and sub-bullets below it.

    ``lists_risks``: the section's title names risks, so its plain top-level bullets are risks, and
    so are its bold lines with bullets below them; ``lists_concerns``: the title names concerns, so
    only its bold lines with bullets below them are (its plain bullets may be review remarks).
    ``rates_below``: the rating of a "Medium Risk" heading, given to its keyed bullets.
    ``keyed_only``: outside risk sections only a line written as a risk (``**Risk**: …``,
    ``**Known risk — fonts.**``) starts one.
    """
    drafts: list[_Draft] = []
    current: _Draft | None = None

    def take(draft: _Draft, pieces: list[tuple[str | None, str]], bullet: bool) -> None:
        for key, value in pieces:
            if key:
                draft.add(key, value)
            elif value:
                draft.follow(strip_markup(value), bullet)

    for block in blocks:
        if not isinstance(block, (Item, Paragraph)):
            current = None
            continue
        depth = block.depth if isinstance(block, Item) else 0
        if current is not None and isinstance(block, Item) and depth > current.depth:
            current.children = True
            for offset, (_, text) in enumerate(block_lines(block)):
                take(current, _segments(text), bullet=offset == 0)
            continue
        for offset, (line, text) in enumerate(block_lines(block)):
            if not text.strip():
                continue
            pieces = _segments(text)
            key, value = pieces[0]
            bold_led = re.match(r"^\W*(?:\*\*|__)", text) is not None
            if offset > 0 and current is not None and (isinstance(block, Item) or (key is None and not bold_led)):
                take(current, pieces, bullet=False)  # a wrapped line
                continue
            named = _named_risk(text) if key is None else None
            risk_key = (key == "risk" and not (keyed_only and _is_rating_line(text))) or (
                key is None and _risk_keyed(text)) or named is not None
            if key is not None and not risk_key:
                if current is not None:
                    take(current, pieces, bullet=False)
                continue
            if risk_key:
                if named is not None:
                    current = _Draft(named[0], line, depth, standalone=True)
                    current.add("Details", named[1])
                else:
                    name = value if key else (keyed(text) or ("", value))[1]
                    current = _Draft(strip_markup(name), line, depth, standalone=True)
                take(current, pieces[1:], bullet=False)
                drafts.append(current)
                continue
            bold = keyed(text) is not None or bold_led
            if keyed_only or not (isinstance(block, Item) or bold):
                current = None
                continue
            if isinstance(block, Item) and depth > 1:
                continue
            name, ratings = _ratings_in(_LEADING_SYMBOLS.sub("", strip_markup(text)))
            current = _Draft(name, line, depth, listed=lists_risks or lists_concerns)
            _apply_ratings(current, ratings)
            if rates_below is not None:
                current.standalone = bold and isinstance(block, Item)
                current.heading_rating = rates_below
            else:
                current.standalone = lists_risks and isinstance(block, Item)
            take(current, pieces[1:], bullet=False)
            drafts.append(current)
    return drafts


#: A bold lead that names a risk: "**Known risk — fonts.** Golden tests …", "**Main risk: drift**".
_NAMED_RISK = re.compile(r"^\W*(?:\*\*|__)(?P<bold>(?:[A-Za-z-]+\s+){0,2}risk\s*[—–:-]\s*[^*_]+?)[.:]?(?:\*\*|__)"
                         r"[.:]?\s*(?P<rest>.*)$", re.I)


def _named_risk(text: str) -> tuple[str, str] | None:
    """(name, rest of the line) of a line whose bold lead names a risk."""
    match = _NAMED_RISK.match(text)
    if not match:
        return None
    return strip_markup(match.group("bold")).strip(), match.group("rest").strip()


def _is_rating_line(text: str) -> bool:
    """"Risk: Low — all changes are additive": a topic's risk rating, not a risk; outside risk
    sections a risk is a bold line (``**Risk**: …``) that does not open with a rating."""
    pair = keyed(text)
    return pair is None or _LEADING_RATING_WORD.match(pair[1]) is not None


def _risk_keyed(text: str) -> bool:
    pair = keyed(text)
    return pair is not None and _RISK_KEY.match(pair[0]) is not None


def _draft_risk(context: FileContext, draft: _Draft) -> Risk:
    raws = {kind: draft.rated(kind) for kind in _RATED_ROLES}
    levels = {kind: rating(raw) for kind, raw in raws.items()}
    extra = dict(draft.extra)
    if "risk" in draft.fields and draft.fields["risk"] != draft.name:
        extra["Risk"] = draft.fields["risk"]
    description = draft.name or draft.fields.get("risk", "")
    global_id, local = context.claim("", "risk", description, draft.line)
    return Risk(
        global_id, context.feature, local, description, levels["probability"], raws["probability"],
        levels["impact"], raws["impact"], _combined(levels, raws),
        strip_markup(draft.fields.get("owner", "")), draft.fields.get("mitigation", ""),
        draft.fields.get("trigger", ""), context.source(draft.line), extra, raw_level=raws["rating"],
    )


def read_risks(context: FileContext, outline: Outline) -> list[Risk]:
    risks: list[Risk] = []
    for index, section in enumerate(outline.doc.sections):
        in_risk_section = "risks" in outline.kinds[index] or any(
            _CONCERNS.search(outline.doc.sections[i].title) and not _NEGATED_TITLE.match(outline.doc.sections[i].title)
            for i in outline.ancestry(index))
        for block in section.blocks:
            if not isinstance(block, Table):
                continue
            roles = column_roles(block.header, _ROLES)
            if _is_risk_table(block, roles, in_risk_section):
                risks.extend(_table_risks(context, block, roles))
        rates_below = _level_heading(section.title) if in_risk_section else None
        heading = _heading_draft(section, rates_below, in_risk_section) if section.level > 1 else None
        if heading is not None:
            _read_body(heading, section.blocks)
            drafts = [heading]
        else:
            title = section.title
            listing = in_risk_section and not (_MITIGATION_TITLE.search(title) or _NEGATED_TITLE.match(title))
            drafts = _list_drafts(section.blocks, listing and bool(_PLURAL_RISKS.search(title)), rates_below,
                                  not in_risk_section, listing and bool(_CONCERNS.search(title)))
        risks.extend(_draft_risk(context, draft) for draft in drafts if draft.is_risk)
    return risks
