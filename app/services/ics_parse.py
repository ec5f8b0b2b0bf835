"""Fast ICS reading: decode bytes, unfold, split into components by a line scan, tokenize lines.

``icalendar.Calendar.from_ical`` builds a full object tree for every property of every
component; importing needs a dozen properties per event, so the file is split into
component texts first (one bad component is then skipped and reported, the rest imported)
and only the properties Cadence models are tokenized (``calendar_records`` turns them into
values; time zones, durations, recurrence and VTIMEZONEs go through icalendar,
recurring-ical-events and dateutil). Unmodelled lines survive verbatim in the raw text.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field

from app.errors import ValidationError

_BOM = b"\xef\xbb\xbf"
_PARAM_VALUE = re.compile(r'"([^"]*)"|([^";:,]*)')
_UNESCAPE = re.compile(r"\\(.)")
_BOUNDARY = re.compile(r"^(BEGIN|END)[ \t]*:([^\n]*)$", re.I | re.M)
_DTSTAMP = re.compile(r"^DTSTAMP[;:][^\n]*\n?", re.I | re.M)
_UNESCAPED = {"n": "\n", "N": "\n", "\\": "\\", ";": ";", ",": ",", ":": ":", '"': '"'}
_TOP_LEVEL_PROPS = {"X-WR-TIMEZONE", "X-WR-CALNAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL",
                    "METHOD", "PRODID", "CALSCALE", "X-WR-CALDESC", "NAME", "COLOR"}
MAX_FILE_BYTES = 200 * 1024 * 1024


class IcsFormatError(ValidationError):
    """The bytes are not an iCalendar file at all (HTML, binary, empty)."""


class LineError(ValueError):
    """A content line that cannot be tokenized."""


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode stray non-UTF-8 bytes as Windows-1252 (Latin-1 where cp1252 has a hole)."""
    assert isinstance(exc, UnicodeDecodeError)
    chunk = exc.object[exc.start:exc.end]
    return "".join(_one_cp1252(b) for b in chunk), exc.end


def _one_cp1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


codecs.register_error("cadence-cp1252", _cp1252_fallback)


@dataclass(slots=True)
class RawComponent:
    """One top-level component: its unfolded text (BEGIN..END), where it starts, its hash."""

    name: str
    body: str  # lines joined by "\n"
    line_no: int
    digest: str = ""
    complete: bool = True
    problem: str | None = None
    _lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = [ln for ln in self.body.split("\n") if ln and not ln.isspace()]
        return self._lines

    @property
    def text(self) -> str:
        return "\r\n".join(self.lines)


@dataclass
class IcsFile:
    """A decoded, split file: calendar-level properties and its components in file order."""

    props: dict[str, str] = field(default_factory=dict)
    components: list[RawComponent] = field(default_factory=list)
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    body_digest: str = ""

    def vtimezones(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for comp in self.components:
            if comp.name == "VTIMEZONE" and comp.complete:
                for line in comp.lines:
                    if line[:5].upper() == "TZID:" or line[:5].upper() == "TZID;":
                        out[line.split(":", 1)[1].strip().strip('"').strip()] = comp.text
                        break
        return out

    def of_kind(self, *names: str) -> list[RawComponent]:
        return [c for c in self.components if c.name in names]


def decode(data: bytes) -> tuple[str, str]:
    """Text with LF line ends and folds undone, plus the encoding used.

    Unfolding happens on bytes, before decoding, so a fold inside a UTF-8 sequence heals.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return re.sub(r"\n[ \t]", "", text), "utf-16"
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    data = re.sub(rb"\n[ \t]", b"", data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="cadence-cp1252"), "windows-1252"


def _sniff(text: str) -> None:
    head = text.lstrip()[:512].lower()
    if not head:
        raise IcsFormatError("The file is empty.")
    if head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body")) or "<html" in head:
        raise IcsFormatError("This is a web page (HTML), not an iCalendar file.")
    if "\x00" in head:
        raise IcsFormatError("This is a binary file, not an iCalendar file.")
    if "begin:v" not in text[:65536].lower():
        raise IcsFormatError("Not an iCalendar file: no BEGIN:VCALENDAR or BEGIN:VEVENT found.")


def read_ics(data: bytes) -> IcsFile:
    """Split ``data`` into components; raise IcsFormatError when it is no ICS at all."""
    if len(data) > MAX_FILE_BYTES:
        raise IcsFormatError(f"The file is too large ({len(data) // 2**20} MB).")
    text, encoding = decode(data)
    _sniff(text)
    out = IcsFile(encoding=encoding, body_digest=hashlib.sha1(data).hexdigest())
    if encoding != "utf-8":
        out.notes.append(f"not UTF-8: read as {encoding}")
    _split(text, out)
    _hash_components(out)
    return out


def _split(text: str, out: IcsFile) -> None:
    """Find component boundaries with one regex pass (C speed) instead of a Python loop
    over every line; only the BEGIN/END lines and the calendar's own lines are visited."""
    depth = 0
    top = ""
    start = start_line = 0
    gap = 0  # where the current stretch of calendar-level lines begins
    line, pos = 1, 0
    for m in _BOUNDARY.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        name = m.group(2).strip().upper()
        if m.group(1).upper() == "BEGIN":
            if depth == 0:
                _calendar_props(text[gap:m.start()], out)
                gap = m.end()
                if name == "VCALENDAR":
                    continue
                top, start, start_line, depth = name, m.start(), line, 1
            else:
                depth += 1
            continue
        if depth == 0:  # END:VCALENDAR or a stray END
            _calendar_props(text[gap:m.start()], out)
            gap = m.end()
            continue
        depth -= 1
        if depth > 0 and name == top:  # a sub-component was never closed
            depth = 0
            out.components.append(RawComponent(top, text[start:m.end()], start_line,
                                               problem=f"unclosed sub-component inside {top}"))
            gap = m.end()
        elif depth == 0:
            out.components.append(RawComponent(top, text[start:m.end()], start_line))
            gap = m.end()
    if depth > 0:
        out.components.append(RawComponent(
            top, text[start:], start_line, complete=False,
            problem=f"truncated: BEGIN:{top} at line {start_line} has no END"))
        out.notes.append("the file is truncated")
    else:
        _calendar_props(text[gap:], out)


def _calendar_props(chunk: str, out: IcsFile) -> None:
    for raw in chunk.split("\n"):
        if ":" not in raw:
            continue
        name = raw.split(":", 1)[0].split(";", 1)[0].strip().upper()
        if name in _TOP_LEVEL_PROPS:
            out.props.setdefault(name, raw.split(":", 1)[1].strip())


def _hash_components(out: IcsFile) -> None:
    """A digest per component over its text minus DTSTAMP (feeds rewrite it on every fetch)
    plus the file context that changes its meaning (X-WR-TIMEZONE, VTIMEZONEs)."""
    context = hashlib.sha1(out.props.get("X-WR-TIMEZONE", "").encode())
    for comp in out.components:
        if comp.name == "VTIMEZONE":
            context.update(comp.body.encode("utf-8", "surrogatepass"))
    for comp in out.components:
        h = context.copy()
        h.update(_DTSTAMP.sub("", comp.body).encode("utf-8", "surrogatepass"))
        comp.digest = h.hexdigest()


def split_line(line: str) -> tuple[str, dict[str, str], str]:
    """(NAME, {PARAM: value}, raw value) of one unfolded content line (RFC 5545 §3.1)."""
    colon = line.find(":")
    semi = line.find(";")
    if semi == -1 or (colon != -1 and colon < semi):
        if colon <= 0:
            raise LineError(f"not a property line: {line[:60]!r}")
        return _bare(line[:colon]), {}, line[colon + 1:]
    name = _bare(line[:semi])
    if not name:
        raise LineError(f"not a property line: {line[:60]!r}")
    params: dict[str, str] = {}
    pos = semi + 1
    size = len(line)
    while True:
        eq = line.find("=", pos)
        if eq == -1:
            raise LineError(f"broken parameter in {line[:60]!r}")
        key = line[pos:eq].strip().upper()
        pos = eq + 1
        values: list[str] = []
        while True:
            m = _PARAM_VALUE.match(line, pos)
            assert m is not None  # the pattern also matches the empty string
            values.append(m.group(1) if m.group(1) is not None else m.group(2))
            pos = m.end()
            if pos >= size:
                return _salvage(line, name, params, key, values)
            if line[pos] == ",":
                pos += 1
                continue
            break
        params[key] = ",".join(values)
        if line[pos] == ":":
            return name, params, line[pos + 1:]
        if line[pos] != ";":
            raise LineError(f"broken parameter in {line[:60]!r}")
        pos += 1


def _salvage(line: str, name: str, params: dict[str, str], key: str,
             values: list[str]) -> tuple[str, dict[str, str], str]:
    """``DTSTART;TZID="W. Europe Standard Time:20200609T090000"`` (a closing quote in the
    wrong place, written by some Exchange versions): split the last value at its colon."""
    last = values[-1] if values else ""
    if ":" not in last:
        raise LineError(f"no value in {line[:60]!r}")
    head, _, value = last.rpartition(":")
    params[key] = ",".join([*values[:-1], head])
    return name, params, value


def _bare(name: str) -> str:
    name = name.strip().upper()
    dot = name.find(".")
    return name[dot + 1:] if dot != -1 else name  # drop vCard-style groups ("ITEM1.X-...")


def unescape(value: str) -> str:
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(1)), value)


def split_list(value: str) -> list[str]:
    """Split a TEXT list (CATEGORIES) on commas that are not escaped."""
    parts = re.split(r"(?<!\\),", value)
    return [unescape(p).strip() for p in parts if p.strip()]


def own_lines(comp: RawComponent) -> list[str]:
    """The component's own property lines (not those of nested VALARMs etc.)."""
    out: list[str] = []
    depth = 0
    for line in comp.lines[1:-1] if comp.complete else comp.lines[1:]:
        head = line[:6].upper()
        if head == "BEGIN:":
            depth += 1
        elif head[:4] == "END:":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(line)
    return out


def properties(comp: RawComponent, wanted: frozenset[str]) -> list[tuple[str, dict[str, str], str]]:
    """Tokenized (name, params, value) for the wanted property names, in file order."""
    found: list[tuple[str, dict[str, str], str]] = []
    for line in own_lines(comp):
        cut = min((i for i in (line.find(":"), line.find(";")) if i != -1), default=-1)
        if cut <= 0 or _bare(line[:cut]) not in wanted:
            continue
        found.append(split_line(line))
    return found
