"""The HTML renderer: a self-contained page with a matrix per rule, checked as markup and in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import msgspec
import pytest

from govrules.findings import Report
from govrules.renderers import RenderContext, render
from govrules.renderers._common import category, index_findings, instant, outcome_key

GOLDEN = Path(__file__).resolve().parent / "golden"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EVENT_KINDS = {"triggered", "prerequisite", "content", "forbidden"}
COLOURS = {  # the CSS custom properties of the page, as computed colours
    "met": "rgb(67, 160, 71)",
    "late": "rgb(251, 140, 0)",
    "missing": "rgb(229, 57, 53)",
    "warning": "rgb(253, 216, 53)",
    "pending": "rgb(144, 164, 174)",
    "exempt": "rgb(126, 87, 194)",
}


class Page(HTMLParser):
    """The parts of the page the tests look at: matrix cells, rows, scripts, links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[dict[str, str]] = []
        self.rows: list[dict[str, str]] = []
        self.matrices: list[str] = []
        self.attrs: list[tuple[str, dict[str, str]]] = []
        self.ids: dict[str, dict[str, str]] = {}
        self._rule = ""
        self._row = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.attrs.append((tag, a))
        if "id" in a:
            self.ids[a["id"]] = a
        if tag == "table" and "matrix" in a.get("class", ""):
            self._rule = a["data-rule"]
            self.matrices.append(self._rule)
        if tag == "tr" and "data-actor" in a:
            self._row = a["data-actor"]
            self.rows.append({"rule": self._rule, **a})
        if tag == "td" and "cell" in a.get("class", "").split():
            self.cells.append({"rule": self._rule, "row": self._row, **a})

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._rule = ""


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def expected_grid(report: Report, context: RenderContext) -> dict[str, tuple[int, int]]:
    """(rows, columns) of each rule's matrix, computed from the outcomes."""
    rows: dict[str, set[tuple[str, str]]] = defaultdict(set)
    columns: dict[str, set[str]] = defaultdict(set)
    for o in report.outcomes:
        rows[o.rule].add((o.actor, o.counterpart or ""))
        by_event = context.rules.get(o.rule, {}).get("kind") in EVENT_KINDS
        columns[o.rule].add(instant(report, o.opens)[:7] if by_event else o.period)
    return {rule: (len(rows[rule]), len(columns[rule])) for rule in rows}


def test_golden(
    case: str,
    log: str,
    cli: Callable[..., tuple[int, str, str]],
    args: Callable[..., list[str]],
    golden: Callable[[Path, str], None],
) -> None:
    """The CLI's HTML report of each example log equals its golden file."""
    code, out, err = cli(*args(log, "--format", "html"))
    assert err == ""
    assert code == (1 if case == "gaps" else 0)
    golden(GOLDEN / f"{case}.html", out)


def test_self_contained(case: str, example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """No external script, style, image, font or link: the page works offline."""
    report, context = example(case)
    out = render(report, "html", context)
    page = parse(out)
    for tag, a in page.attrs:
        for name in ("src", "href", "srcset", "action"):
            assert name not in a, (tag, a)
    assert "<link" not in out
    assert not re.search(r"url\(|@import|https?://", out.split('<script type="application/json"')[0])


def test_matrix_cells(case: str, example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """Each rule with outcomes has a matrix of rows x columns cells, coloured by the outcome categories."""
    report, context = example(case)
    page = parse(render(report, "html", context))
    grid = expected_grid(report, context)
    assert page.matrices == sorted(grid)
    per_rule = Counter(c["rule"] for c in page.cells)
    for rule, (n_rows, n_cols) in grid.items():
        assert per_rule[rule] == n_rows * n_cols, rule
    index = index_findings(report.findings)
    cats: dict[str, list[str]] = defaultdict(list)
    for o in report.outcomes:
        kind = context.rules.get(o.rule, {}).get("kind")
        column = instant(report, o.opens)[:7] if kind in EVENT_KINDS else o.period
        cats["|".join((o.rule, o.actor, o.counterpart or "", column))].append(
            category(o, index.get(outcome_key(o), ()))
        )
    filled = {c["data-key"]: c for c in page.cells if c["data-category"] != "none"}
    assert set(filled) == set(cats)
    for key, cell in filled.items():
        assert f"c-{cell['data-category']}" in cell["class"].split()
        assert cell["data-category"] in cats[key]


def test_known_cells(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """Branch 3's December report is missing, Branch 2's May report late, Branch 4 not held in January."""
    report, context = example("gaps")
    cells = {c["data-key"]: c for c in parse(render(report, "html", context)).cells}
    assert cells["branch-monthly-report|branch-3||2024-12"]["data-category"] == "missing"
    assert cells["branch-monthly-report|branch-2||2024-05"]["data-category"] == "late"
    assert cells["branch-monthly-report|branch-1||2024-01"]["data-category"] == "met"
    assert cells["branch-monthly-report|branch-4||2024-01"]["data-category"] == "not-held"


def test_script_data_cannot_close_the_script(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """Text such as ``</script>`` in a message stays inside the JSON data block."""
    report, context = example("gaps")
    f = msgspec.structs.replace(report.findings[0], message="</script><script>alert(1)</script>")
    hostile = report.model_copy(update={"findings": (f, *report.findings[1:])})
    out = render(hostile, "html", context)
    assert out.count("</script>") == 2
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in out


# -- the page in a real browser ---------------------------------------------------------------


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _png_pixels(path: Path) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0) and colour_type in (2, 6)
    bpp = 4 if colour_type == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    pixels: list[tuple[int, int, int]] = []
    for y in range(height):
        filt = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = previous[x]
            c = previous[x - bpp] if x >= bpp else 0
            if filt == 1:
                line[x] = (line[x] + a) & 0xFF
            elif filt == 2:
                line[x] = (line[x] + b) & 0xFF
            elif filt == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        pixels.extend(tuple(line[i : i + 3]) for i in range(0, stride, bpp))  # type: ignore[misc]
        previous = line
    return width, height, pixels


# Added to a copy of the page by the test (not part of the report): records each cell's computed colour.
_PROBE = """<script>
Array.prototype.forEach.call(document.querySelectorAll("td.cell"), function (td) {
  td.setAttribute("data-test-bg", getComputedStyle(td).backgroundColor);
});
</script>
</body>"""


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")
def test_in_headless_chromium(example: Callable[..., tuple[Report, RenderContext]], tmp_path: Path) -> None:
    """The example's page renders in Chromium: cells, colours, an opened cell and a filter, and a screenshot."""
    report, context = example("gaps")
    text = render(report, "html", context)
    page = tmp_path / "report.html"
    page.write_text(text, encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(text.replace("</body>", _PROBE, 1), encoding="utf-8")

    key = "branch-monthly-report|branch-3||2024-12"
    url = f"{probe.as_uri()}#actor=branch-3&cell={quote(key, safe='')}"
    done = _chromium(tmp_path, "--virtual-time-budget=2000", "--dump-dom", url)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = parse(done.stdout)
    assert dom.ids["govrules-data"] is not None
    html_tag = next(a for tag, a in dom.attrs if tag == "html")
    assert html_tag.get("data-ready") == "1", "the page's script did not run"

    grid = expected_grid(report, context)
    per_rule = Counter(c["rule"] for c in dom.cells)
    assert {rule: per_rule[rule] for rule in grid} == {rule: r * c for rule, (r, c) in grid.items()}
    cells = {c["data-key"]: c for c in dom.cells}
    for name, expected in (
        ("branch-monthly-report|branch-3||2024-12", "missing"),
        ("branch-monthly-report|branch-2||2024-05", "late"),
        ("branch-monthly-report|branch-1||2024-01", "met"),
    ):
        assert cells[name]["data-test-bg"] == COLOURS[expected], name
    assert "selected" in cells[key]["class"].split()
    for c in dom.cells:
        if c["data-category"] in COLOURS:
            assert c["data-test-bg"] == COLOURS[c["data-category"]], c["data-key"]

    # The cell named in the address is open, with the clause's words; the actor filter hides other rows.
    detail = dom.ids["detail"]
    assert "hidden" not in detail
    assert detail["data-key"] == key
    body = done.stdout.split('id="detail-body"', 1)[1].split("</aside>", 1)[0]
    assert context.rules["branch-monthly-report"]["words"] in body
    assert "Original words" in body
    assert "no qualifying event" in body
    hidden = {r["data-actor"] for r in dom.rows if "hidden" in r.get("class", "").split() and r["rule"]}
    shown = {r["data-actor"] for r in dom.rows if "hidden" not in r.get("class", "").split() and r["rule"]}
    assert shown == {"branch-3"}
    assert "branch-1" in hidden

    # A met cell opens its evidence with the log row it came from.
    met = next(o for o in report.outcomes if o.rule == "branch-monthly-report" and o.status == "met" and o.evidence)
    met_key = f"{met.rule}|{met.actor}||{met.period}"
    done = _chromium(
        tmp_path, "--virtual-time-budget=2000", "--dump-dom", f"{page.as_uri()}#cell={quote(met_key, safe='')}"
    )
    body = done.stdout.split('id="detail-body"', 1)[1].split("</aside>", 1)[0]
    loc = report.evidence_locations[met.evidence[0]]
    assert f"<code>{met.evidence[0]}</code>" in body
    assert f"{Path(loc.file).name}:{loc.line}" in body  # the log by its file name, as every report says it

    # The code filter dims every cell without that code and hides the other findings, also when
    # another part of the address is a malformed escape (which stopped the page's script).
    done = _chromium(
        tmp_path, "--virtual-time-budget=2000", "--dump-dom", f"{page.as_uri()}#note=%E0%A4%A&code=missing"
    )
    dom = parse(done.stdout)
    for c in dom.cells:
        assert ("dim" in c["class"].split()) == ("missing" not in c.get("data-codes", "").split()), c["data-key"]
    shown_findings = [
        a for tag, a in dom.attrs if tag == "tr" and "data-code" in a and "hidden" not in a.get("class", "")
    ]
    assert shown_findings
    assert {a["data-code"] for a in shown_findings} == {"missing"}

    # The screenshot shows the matrix: the category colours are on it.
    shot = tmp_path / "report.png"
    done = _chromium(tmp_path, "--window-size=1400,2400", f"--screenshot={shot}", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    width, height, pixels = _png_pixels(shot)
    assert (width, height) == (1400, 2400)
    seen: Counter[tuple[int, ...]] = Counter(pixels)
    for name in ("met", "missing", "late"):
        rgb = tuple(int(n) for n in re.findall(r"\d+", COLOURS[name]))
        assert seen[rgb] > 200, f"no {name} cells on the screenshot {shot}"


@pytest.mark.parametrize(("lang", "label"), [("en", "Step"), ("zh", "步骤")])
def test_a_steps_label_is_a_word(example: Callable[..., tuple[Report, RenderContext]], lang: str, label: str) -> None:
    """The detail panel labels a chain's step with a word of its own: in Chinese 步骤, where it was
    "第  步" (the step's phrase with its number left out)."""
    report, context = example("gaps", lang)
    out = render(report, "html", context)
    data = json.loads(out.split('<script type="application/json" id="govrules-data">')[1].split("</script>")[0])
    assert data["labels"]["step"] == label


# Added to a copy of the page by the test, before the page's own script: records an uncaught error.
_ERRORS = """<head><script>
window.addEventListener("error", function (event) {
  document.documentElement.setAttribute("data-test-error", String(event.message));
});
</script>"""


def test_the_script_looks_up_cells_and_rules_as_own_entries_only(
    example: Callable[..., tuple[Report, RenderContext]],
) -> None:
    """The page's script reads a cell or a rule named in the address only as the data's own entry
    (``#cell=toString`` names no cell), never as a member every object inherits."""
    report, context = example("gaps")
    script = render(report, "html", context).rsplit("<script>", 1)[1]
    assert "Object.prototype.hasOwnProperty.call(map, key)" in script
    assert re.findall(r"data\.(?:cells|rules)\[", script) == []


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")
@pytest.mark.parametrize("key", ["toString", "constructor", "__proto__"])
def test_an_address_naming_an_objects_member_opens_no_cell(
    example: Callable[..., tuple[Report, RenderContext]], tmp_path: Path, key: str
) -> None:
    """``#cell=toString`` (``constructor``, ``__proto__``) opens nothing and throws nothing in
    Chromium: the detail panel stays hidden and the filter given beside it still applies. Before,
    the page looked the name up among the inherited members of an object and threw a TypeError."""
    report, context = example("gaps")
    page = tmp_path / "report.html"
    page.write_text(render(report, "html", context).replace("<head>", _ERRORS, 1), encoding="utf-8")
    done = _chromium(tmp_path, "--virtual-time-budget=2000", "--dump-dom", f"{page.as_uri()}#cell={key}&code=missing")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = parse(done.stdout)
    html_tag = next(a for tag, a in dom.attrs if tag == "html")
    assert html_tag.get("data-ready") == "1", "the page's script did not run"
    assert "data-test-error" not in html_tag, html_tag.get("data-test-error")
    assert "hidden" in dom.ids["detail"]
    assert "data-key" not in dom.ids["detail"]
    assert {c["data-key"] for c in dom.cells if "selected" in c["class"].split()} == set()
    shown = {
        a["data-code"]
        for tag, a in dom.attrs
        if tag == "tr" and "data-code" in a and "hidden" not in a.get("class", "")
    }
    assert shown == {"missing"}
