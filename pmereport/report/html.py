"""report.html: the executed notebooks as one self-contained board paper (no code, no CDN links).

nbconvert's ``HTMLExporter`` renders each notebook's cells with our slim template
(``templates/pmereport``: markdown cells and published outputs only); ``page.html.j2`` wraps them
with a cover, a contents list built from the headings, and print CSS for A4 (DESIGN.md section 3:
the default nbconvert templates pull require.js and MathJax from a CDN).
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
from markupsafe import Markup
from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates"
HEADING = re.compile(r'<h([1-3]) id="([^"]+)">(.*?)</h\1>', re.S)
ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="#[^"]*">[^<]*</a>')
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Cover:
    """What the cover page says (from the LA settings and the report parameters)."""

    la_name: str
    title: str
    period: str
    produced: str
    marking: str = "OFFICIAL"
    contact: str | None = None
    source_note: str = ""
    data_notes: tuple[str, ...] = ()  # rows left out by validation, one line per extract
    internal: bool = False  # audience: internal (pupil-level rows): said on the cover
    logo: str | None = None  # a data: URI (the page stays self-contained)
    heading_colour: str | None = None  # CSS colour of the title and headings
    accent_colour: str | None = None  # CSS colour of the rule under the cover title


HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class BrandingError(ValueError):
    """The LA's branding settings (la.yaml ``branding:``) name a missing logo or a bad colour."""


def branding_from(notebooks: list) -> dict:
    """The LA's ``branding`` settings (``la.yaml``: ``branding: {logo: FILE, colours: {heading: "#12436D",
    accent: "#28A197"}}``), read from the ``la`` parameter papermill recorded in the first executed
    notebook that was given one, as Cover fields. The logo path is relative to that notebook's
    folder, like every path given to a notebook (or absolute); it is embedded as a data: URI."""
    for nb in notebooks:
        meta = nb.metadata.get("papermill", {})
        branding = ((meta.get("parameters") or {}).get("la") or {}).get("branding")
        if not branding:
            continue
        fields = {}
        colours = branding.get("colours") or {}
        for key, field_name in (("heading", "heading_colour"), ("accent", "accent_colour")):
            if key in colours:
                if not HEX_COLOUR.fullmatch(str(colours[key])):
                    raise BrandingError(f"la.yaml branding colours {key}: {colours[key]!r} is not a colour "
                                        "like \"#12436D\"")
                fields[field_name] = str(colours[key])
        if branding.get("logo"):
            path = Path(branding["logo"]).expanduser()
            if not path.is_absolute():
                path = Path(meta.get("input_path", ".")).parent / path
            kind = LOGO_TYPES.get(path.suffix.lower())
            if kind is None or not path.is_file():
                raise BrandingError(f"la.yaml branding logo: {path} is not an SVG, PNG or JPEG file that exists")
            fields["logo"] = f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
        return fields
    return {}


def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="pmereport")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def notebook_body(nb, prefix: str) -> str:
    """The report content of one executed notebook; heading ids are prefixed to stay unique."""
    body, _ = _exporter().from_notebook_node(nb)
    body = ANCHOR_LINK.sub("", body)
    return HEADING.sub(lambda m: f'<h{m[1]} id="{prefix}-{m[2]}">{m[3]}</h{m[1]}>', body)


def contents(bodies: list[str]) -> list[dict]:
    """Contents entries (level, id, text) from the h1-h3 headings of the report body."""
    items = []
    for body in bodies:
        for level, anchor, text in HEADING.findall(body):
            items.append({"level": int(level), "id": anchor, "text": TAG.sub("", text).strip()})
    return [i for i in items if i["level"] <= 2]


def _css_string(text: str) -> Markup:
    """Text for a CSS string inside <style> (raw text: HTML entities would show as typed)."""
    return Markup(str(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C "))


def section_prefix(index: int) -> str:
    """The heading-id prefix of the report's ``index``-th notebook (0-based)."""
    return f"s{index + 1}"


def build_html(notebooks: list, cover: Cover, bodies: dict[int, str] | None = None) -> str:
    """One HTML document: cover, contents, then every notebook's content, with CSS inline.
    ``bodies``: notebook bodies already made (``notebook_body(nb, section_prefix(i))``) by position."""
    bodies = [(bodies or {}).get(i) or notebook_body(nb, section_prefix(i)) for i, nb in enumerate(notebooks)]
    cover = replace(cover, **{k: v for k, v in branding_from(notebooks).items() if getattr(cover, k) is None})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             keep_trailing_newline=True)
    env.filters["css_string"] = _css_string
    page = env.get_template("page.html.j2")
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return page.render(css=Markup(css), bodies=[Markup(b) for b in bodies],
                       contents=contents(bodies), **cover.__dict__)


EXTERNAL_LINK = re.compile(r'''(?:src|href)\s*=\s*["']?\s*(?:https?:)?//''', re.I)


def external_links(html_text: str) -> list[str]:
    """Every src/href pointing off the page (should be none: the report must work offline)."""
    return [html_text[m.start():m.start() + 80] for m in EXTERNAL_LINK.finditer(html_text)]
