"""DOCX writer: ``layout.Document`` + ``Style`` → a Word file laid out per GB/T 9704-2012.

python-docx opens the package (its default template or the office's own reference
.docx) and handles parts, relationships, headers and footers; the body is built with
lxml directly.  Tables in particular are assembled from per-cell element templates
that are deep-copied, because python-docx's ``add_row``/``cell`` API is far too slow
for plans with thousands of rows (python-docx #174, #1516).

Formatting lives in named paragraph styles (``WpBody`` …) rather than on every run: the
XML stays small, a user can restyle the document in Word, and a reference .docx that
already defines a style of the same id keeps its own definition.
"""

from __future__ import annotations

import io
from copy import copy, deepcopy
from pathlib import Path
from typing import Iterable

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.section import Section as DocxSection
from lxml import etree

from ..layout import Cell, Document, PageBreak, Paragraph, Section, Table
from ..style import Style
from .reproducible import build_date, normalise_zip

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NSMAP = {"w": _W_NS}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(tag: str) -> str:
    """The Clark name of a WordprocessingML tag or attribute."""
    return f"{{{_W_NS}}}{tag}"


_TWIPS_PER_MM = 1440 / 25.4
_THEME_FONT_ATTRS = tuple(_w(a) for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))

# Paragraph style per role: (style id, name shown in Word's style pane).
_STYLES = {
    "label": ("WpLabel", "附件标识"),
    "title": ("WpTitle", "公文标题"),
    "subtitle": ("WpSubtitle", "公文副标题"),
    "heading": ("WpHeading", "公文小标题"),
    "body": ("WpBody", "公文正文"),
    "note": ("WpNote", "表注"),
    "table": ("WpTable", "表格文字"),
    "table_header": ("WpTableHeader", "表格标题行"),
    "page_number": ("WpPageNumber", "页码"),
}
# A quarter turn clockwise (GB/T 9704 §8): the portrait binding margin becomes the top one.
_TO_LANDSCAPE = {"top": "left", "right": "top", "bottom": "right", "left": "bottom"}
_TO_PORTRAIT = {source: edge for edge, source in _TO_LANDSCAPE.items()}


def render(document: Document, style: Style, *, docx_template: Path | None = None) -> bytes:
    """The .docx file content of ``document``.

    ``docx_template``: the office's reference .docx; its page setup, styles, header and
    footer are kept and its body content is replaced.  Our page numbers are added only
    when it has no footers of its own.
    """
    doc = docx.Document(str(docx_template) if docx_template is not None else None)
    _drop_thumbnail(doc)
    _set_up_styles(doc, style, own_template=docx_template is None)
    body = doc.element.body
    final = body.sectPr
    for child in list(body):
        if child is not final:
            body.remove(child)
    if docx_template is None:
        for child in list(final):  # the default template's Letter page and margins
            if child.tag in (_w("pgSz"), _w("pgMar")):
                final.remove(child)
    numbered = style.page_numbers.style != "none" and not _has_footers(final)
    if numbered:
        _add_page_numbers(doc, final, style)
    base = deepcopy(final)
    for index, section in enumerate(document.sections):
        last = index == len(document.sections) - 1
        sect_pr = final if last else deepcopy(base)
        text_width = _page_setup(
            sect_pr, section, style, own_page=docx_template is None, numbered=numbered, first=index == 0
        )
        for block in section.blocks:
            _add_block(final, block, text_width, style)
        if not last:
            final.addprevious(_section_break(sect_pr))
    _core_properties(doc, document, style)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


# --- package and styles -------------------------------------------------------------


def _drop_thumbnail(doc: DocxDocument) -> None:
    """The template's preview picture shows the template, not this document: drop it."""
    rels = doc.part.package.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[r_id]


def _set_up_styles(doc: DocxDocument, style: Style, *, own_template: bool) -> None:
    """Chinese fonts and language everywhere they are decided, and our role styles.

    python-docx's default template uses theme fonts with a Japanese East Asian
    language, which makes Word pick a Japanese face for Chinese text (python-docx
    #346, #1396): theme attributes go, explicit ``w:eastAsia`` names come in.  In the
    default template we own every style; in a user's template only docDefaults and
    the styles this writer uses are touched.
    """
    styles = doc.styles.element
    defaults = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if defaults is None:
        doc_defaults = styles.find(_w("docDefaults"))
        if doc_defaults is None:
            doc_defaults = etree.Element(_w("docDefaults"))
            styles.insert(0, doc_defaults)
        defaults = etree.SubElement(etree.Element(_w("rPrDefault")), _w("rPr"))
        doc_defaults.insert(0, defaults.getparent())
    _set_fonts(defaults, style.fonts.latin, style.fonts.family("body"))
    _set_language(defaults)

    existing = {s.get(_w("styleId")): s for s in styles.findall(_w("style"))}
    used = []
    for role, (style_id, name) in _STYLES.items():
        element = existing.get(style_id)
        if element is None:
            element = _role_style(role, style_id, name, style)
            styles.append(element)
        used.append(element)
    normal = existing.get("Normal")
    if normal is not None:
        used.append(normal)
    for rfonts in _theme_font_holders(styles.iter(_w("rFonts")) if own_template else _rfonts_of(used)):
        for attr in _THEME_FONT_ATTRS:
            rfonts.attrib.pop(attr, None)

    settings = doc.settings.element
    lang = settings.find(_w("themeFontLang"))
    if lang is None:
        lang = etree.Element(_w("themeFontLang"))
        anchor = settings.find(_w("clrSchemeMapping"))
        if anchor is not None:
            anchor.addprevious(lang)
        else:
            settings.append(lang)
    lang.set(_w("eastAsia"), "zh-CN")


def _rfonts_of(elements: Iterable[etree._Element]) -> Iterable[etree._Element]:
    for element in elements:
        yield from element.iter(_w("rFonts"))


def _theme_font_holders(rfonts: Iterable[etree._Element]) -> list[etree._Element]:
    return [r for r in rfonts if any(a in r.attrib for a in _THEME_FONT_ATTRS)]


def _set_fonts(rpr: etree._Element, latin: str, east_asian: str) -> None:
    """``w:rFonts`` with Latin and East Asian families, first child of ``rpr`` as the schema wants."""
    rfonts = rpr.find(_w("rFonts"))
    if rfonts is None:
        rfonts = etree.Element(_w("rFonts"))
        rpr.insert(0, rfonts)
    for attr in _THEME_FONT_ATTRS:
        rfonts.attrib.pop(attr, None)
    for attr, family in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asian), ("cs", latin)):
        rfonts.set(_w(attr), family)


def _set_language(rpr: etree._Element) -> None:
    """East Asian language zh-CN, so that Word chooses Chinese glyphs and line breaking."""
    lang = rpr.find(_w("lang"))
    if lang is None:
        lang = etree.SubElement(rpr, _w("lang"))
    lang.set(_w("eastAsia"), "zh-CN")


def _role_style(role: str, style_id: str, name: str, style: Style) -> etree._Element:
    """A paragraph style for one role, from the profile's fonts, sizes and spacing."""
    element = etree.Element(_w("style"), {_w("type"): "paragraph", _w("customStyle"): "1", _w("styleId"): style_id})
    etree.SubElement(element, _w("name"), {_w("val"): name})
    etree.SubElement(element, _w("basedOn"), {_w("val"): "Normal"})
    etree.SubElement(element, _w("qFormat"))
    size = getattr(style.sizes, role)
    pitch = _twips_pt(style.paragraph.line_pitch)
    ppr = etree.SubElement(element, _w("pPr"))
    if role == "heading":
        etree.SubElement(ppr, _w("keepNext"))
    spacing = etree.SubElement(ppr, _w("spacing"), {_w("before"): "0", _w("after"): "0"})
    if role in ("label", "title", "subtitle", "heading", "body"):
        # One line of the type-area grid per line, whatever the font size.
        spacing.set(_w("line"), str(pitch))
        spacing.set(_w("lineRule"), "exact")
        after = {"label": style.paragraph.title_space_before, "title": style.paragraph.title_space_after}.get(role, 0)
        spacing.set(_w("after"), str(after * pitch))
    else:
        spacing.set(_w("line"), str(round(240 * (style.table.line_spacing if role != "page_number" else 1))))
        spacing.set(_w("lineRule"), "auto")
    indent = _twips_pt(2 * size) if role in ("heading", "body") else 0
    etree.SubElement(ppr, _w("ind"), {_w("left"): "0", _w("right"): "0", _w("firstLine"): str(indent)})
    align = {"title": "center", "subtitle": "center", "heading": "both", "body": "both"}.get(role, "left")
    etree.SubElement(ppr, _w("jc"), {_w("val"): align})
    rpr = etree.SubElement(element, _w("rPr"))
    family = style.fonts.family(role)
    # The standard asks for 宋体 digits in page numbers, so the Latin family follows the role there.
    _set_fonts(rpr, family if role == "page_number" else style.fonts.latin, family)
    half_points = str(round(size * 2))
    etree.SubElement(rpr, _w("sz"), {_w("val"): half_points})
    etree.SubElement(rpr, _w("szCs"), {_w("val"): half_points})
    return element


def _twips_pt(points: float) -> int:
    return round(points * 20)


def _twips_mm(millimetres: float) -> int:
    return round(millimetres * _TWIPS_PER_MM)


# --- sections, page setup and page numbers -------------------------------------------


def _has_footers(sect_pr: etree._Element) -> bool:
    return sect_pr.find(_w("footerReference")) is not None


def _add_page_numbers(doc: DocxDocument, sect_pr: etree._Element, style: Style) -> None:
    """Footer parts with a PAGE field, referenced from ``sect_pr`` (copied to every section).

    Every section references the same footer parts explicitly, so none inherits a
    neighbour's footer by accident; restarts are a ``w:pgNumType`` matter.
    """
    section = DocxSection(sect_pr, doc.part)
    kind = style.page_numbers.style
    if kind == "gbt9704":
        doc.settings.odd_and_even_pages_header_footer = True
        _fill_footer(section.footer, style, "right")
        _fill_footer(section.even_page_footer, style, "left")
        default_header = sect_pr.find(_w("headerReference") + "[@" + _w("type") + "='default']")
        has_even_header = sect_pr.find(_w("headerReference") + "[@" + _w("type") + "='even']") is not None
        if default_header is not None and not has_even_header:
            # Odd/even footers switch headers to odd/even too: even pages show the same header.
            even = deepcopy(default_header)
            even.set(_w("type"), "even")
            default_header.addnext(even)
    else:
        # "center", and "gbt9704-landscape" which this writer lays out as centred numbers.
        _fill_footer(section.footer, style, "center")


def _fill_footer(footer, style: Style, side: str) -> None:
    footer.is_linked_to_previous = False
    element = footer._element
    for child in list(element):
        element.remove(child)
    element.append(_page_number_paragraph(style, side))


def _page_number_paragraph(style: Style, side: str) -> etree._Element:
    """"— N —" with N a PAGE field; one character in from the outer edge."""
    p = etree.Element(_w("p"), nsmap=_NSMAP)
    ppr = etree.SubElement(p, _w("pPr"))
    etree.SubElement(ppr, _w("pStyle"), {_w("val"): _STYLES["page_number"][0]})
    one_char = str(_twips_pt(style.sizes.page_number))
    if side != "center":
        etree.SubElement(ppr, _w("ind"), {_w(side): one_char})
    etree.SubElement(ppr, _w("jc"), {_w("val"): side})
    before, _, after = style.page_numbers.format.partition("{n}")
    if before:
        _text_run(p, before)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = etree.SubElement(p, _w("r"))
        if kind is not None:
            etree.SubElement(run, _w("fldChar"), {_w("fldCharType"): kind})
        elif text == " PAGE ":
            instr = etree.SubElement(run, _w("instrText"), {_XML_SPACE: "preserve"})
            instr.text = text
        else:
            etree.SubElement(run, _w("t")).text = text
    if after:
        _text_run(p, after)
    return p


def _text_run(parent: etree._Element, text: str) -> etree._Element:
    run = etree.SubElement(parent, _w("r"))
    t = etree.SubElement(run, _w("t"), {_XML_SPACE: "preserve"})
    t.text = text
    return run


def _page_setup(
    sect_pr: etree._Element, section: Section, style: Style, *, own_page: bool, numbered: bool, first: bool
) -> int:
    """Paper, orientation, margins, footer distance and numbering of one section.

    Returns the text width in twips.  With a reference .docx its page and margins are
    kept, turned a quarter turn when the section's orientation differs (the §8
    geometry: the binding margin becomes the top one).
    """
    sect_type = sect_pr.get_or_add_type()
    sect_type.set(_w("val"), "nextPage")
    size = sect_pr.get_or_add_pgSz()
    margins = sect_pr.get_or_add_pgMar()
    landscape = section.orientation == "landscape"
    if own_page:
        width, height = (_twips_mm(v) for v in style.page.size(section.orientation))
        m = style.page.margins(section.orientation)
        edges = {"top": m.top, "bottom": m.bottom, "left": m.left, "right": m.right}
        for edge, millimetres in edges.items():
            margins.set(_w(edge), str(_twips_mm(millimetres)))
        margins.set(_w("header"), str(_twips_mm(15)))
        margins.set(_w("gutter"), "0")
    else:
        width, height = int(size.get(_w("w"), "11906")), int(size.get(_w("h"), "16838"))
        if (width > height) != landscape:
            width, height = height, width
            old = {e: margins.get(_w(e), "1440") for e in ("top", "right", "bottom", "left")}
            for edge, source in (_TO_LANDSCAPE if landscape else _TO_PORTRAIT).items():
                margins.set(_w(edge), old[source])
    size.set(_w("w"), str(width))
    size.set(_w("h"), str(height))
    if landscape:
        size.set(_w("orient"), "landscape")
    else:
        size.attrib.pop(_w("orient"), None)
    if numbered or own_page:
        top_of_number = int(margins.get(_w("bottom"))) - _twips_mm(style.page_numbers.distance)
        margins.set(_w("footer"), str(max(top_of_number - _twips_pt(style.sizes.page_number), 0)))
    _set_restart(sect_pr, section.restart_numbering, first)
    return width - int(margins.get(_w("left"))) - int(margins.get(_w("right")))


def _set_restart(sect_pr: etree._Element, restart: bool, first: bool) -> None:
    """Page numbers start at 1 in a restarting section and continue elsewhere."""
    number_type = sect_pr.find(_w("pgNumType"))
    if restart:
        if number_type is None:
            number_type = etree.Element(_w("pgNumType"))
            sect_pr.insert_element_before(
                number_type, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
                "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
            )
        number_type.set(_w("start"), "1")
    elif number_type is not None and not first:
        number_type.attrib.pop(_w("start"), None)


def _section_break(sect_pr: etree._Element) -> etree._Element:
    """The paragraph that ends a section and carries its properties, kept 1 pt high
    so that a table filling its last page does not push a blank page out."""
    p = etree.Element(_w("p"), nsmap=_NSMAP)
    ppr = etree.SubElement(p, _w("pPr"))
    etree.SubElement(ppr, _w("spacing"), {_w("before"): "0", _w("after"): "0", _w("line"): "20", _w("lineRule"): "exact"})
    rpr = etree.SubElement(ppr, _w("rPr"))
    etree.SubElement(rpr, _w("sz"), {_w("val"): "2"})
    etree.SubElement(rpr, _w("szCs"), {_w("val"): "2"})
    ppr.append(sect_pr)
    return p


# --- body content --------------------------------------------------------------------


def _add_block(anchor: etree._Element, block: Paragraph | Table | PageBreak, text_width: int, style: Style) -> None:
    """Insert ``block`` before ``anchor`` (the body's final ``w:sectPr``)."""
    if isinstance(block, Paragraph):
        anchor.addprevious(_paragraph(block))
    elif isinstance(block, Table):
        _add_table(anchor, block, text_width, style)
    else:
        p = etree.Element(_w("p"), nsmap=_NSMAP)
        etree.SubElement(etree.SubElement(p, _w("r")), _w("br"), {_w("type"): "page"})
        anchor.addprevious(p)


def _paragraph(paragraph: Paragraph) -> etree._Element:
    """A paragraph in its role's style; a newline in the text is a line break."""
    p = etree.Element(_w("p"), nsmap=_NSMAP)
    etree.SubElement(etree.SubElement(p, _w("pPr")), _w("pStyle"), {_w("val"): _STYLES[paragraph.role][0]})
    run = etree.SubElement(p, _w("r"))
    for index, line in enumerate(paragraph.text.split("\n")):
        if index:
            etree.SubElement(run, _w("br"))
        etree.SubElement(run, _w("t"), {_XML_SPACE: "preserve"}).text = line
    return p


def _add_table(anchor: etree._Element, table: Table, text_width: int, style: Style) -> None:
    """A fixed-layout bordered table whose column widths Word (``w:tcW``) and
    LibreOffice (``w:gridCol``) both honour, header rows repeated on every page.

    The empty table goes into the document first and rows are appended in place:
    moving one large detached tree of copies into the document afterwards costs time
    that grows faster than the row count (lxml re-maps namespaces node by node).
    """
    widths = _grid(table.widths(text_width), text_width)
    tbl = etree.Element(_w("tbl"), nsmap=_NSMAP)
    tbl.append(_table_properties(text_width, style))
    grid = etree.SubElement(tbl, _w("tblGrid"))
    for width in widths:
        etree.SubElement(grid, _w("gridCol"), {_w("w"): str(width)})
    anchor.addprevious(tbl)
    cells = _CellMaker(table, widths, style)
    for rows, header in ((table.header_rows, True), (table.rows, False)):
        row_template = _row_template(header)
        for row in rows:
            tr = copy(row_template)
            tbl.append(tr)
            column = 0
            for cell in row:
                tr.append(cells.make(cell, column, header))
                column += cell.span


def _grid(widths: list[float], total: int) -> list[int]:
    """Whole twips that add up to ``total`` exactly (largest remainder rounding)."""
    whole = [int(w) for w in widths]
    by_remainder = sorted(range(len(widths)), key=lambda i: widths[i] - whole[i], reverse=True)
    for i in by_remainder[: total - sum(whole)]:
        whole[i] += 1
    return whole


def _table_properties(text_width: int, style: Style) -> etree._Element:
    tbl_pr = etree.Element(_w("tblPr"))
    etree.SubElement(tbl_pr, _w("tblW"), {_w("w"): str(text_width), _w("type"): "dxa"})
    etree.SubElement(tbl_pr, _w("jc"), {_w("val"): "center"})
    borders = etree.SubElement(tbl_pr, _w("tblBorders"))
    eighths = str(round(style.table.border * 8))
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        etree.SubElement(
            borders, _w(edge), {_w("val"): "single", _w("sz"): eighths, _w("space"): "0", _w("color"): "000000"}
        )
    etree.SubElement(tbl_pr, _w("tblLayout"), {_w("type"): "fixed"})
    margins = etree.SubElement(tbl_pr, _w("tblCellMar"))
    padding = str(_twips_mm(style.table.cell_padding))
    for edge, value in (("top", "0"), ("left", padding), ("bottom", "0"), ("right", padding)):
        etree.SubElement(margins, _w(edge), {_w("w"): value, _w("type"): "dxa"})
    etree.SubElement(tbl_pr, _w("tblLook"), {_w("val"): "0000"})
    return tbl_pr


def _row_template(header: bool) -> etree._Element:
    """``w:tr`` with its properties in schema order: cantSplit, (trHeight,) tblHeader."""
    tr = etree.Element(_w("tr"), nsmap=_NSMAP)
    tr_pr = etree.SubElement(tr, _w("trPr"))
    etree.SubElement(tr_pr, _w("cantSplit"))
    if header:
        etree.SubElement(tr_pr, _w("tblHeader"))
    return tr


class _CellMaker:
    """Cells as deep copies of one template per distinct look (column, span, alignment,
    fill, weight): a copy and a text assignment per cell is what makes long tables fast."""

    def __init__(self, table: Table, widths: list[int], style: Style) -> None:
        self._columns = table.columns
        self._widths = widths
        self._header_fill = style.table.header_fill or None
        self._templates: dict[tuple, etree._Element] = {}

    def make(self, cell: Cell, column: int, header: bool) -> etree._Element:
        fill = cell.fill or (self._header_fill if header else None)
        align = cell.align or self._columns[column].align
        key = (column, cell.span, align, fill, cell.bold, header)
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = self._template(*key)
        tc = copy(template)  # lxml's copy is a deep copy, without deepcopy's memo overhead
        lines = cell.text.split("\n")
        tc[1][-1][-1].text = lines[0]
        for line in lines[1:]:
            extra = copy(template[1])
            extra[-1][-1].text = line
            tc.append(extra)
        return tc

    def _template(self, column: int, span: int, align: str, fill: str | None, bold: bool, header: bool):
        tc = etree.Element(_w("tc"), nsmap=_NSMAP)
        tc_pr = etree.SubElement(tc, _w("tcPr"))
        width = sum(self._widths[column : column + span])
        etree.SubElement(tc_pr, _w("tcW"), {_w("w"): str(width), _w("type"): "dxa"})
        if span > 1:
            etree.SubElement(tc_pr, _w("gridSpan"), {_w("val"): str(span)})
        if fill:
            etree.SubElement(tc_pr, _w("shd"), {_w("val"): "clear", _w("color"): "auto", _w("fill"): fill})
        etree.SubElement(tc_pr, _w("vAlign"), {_w("val"): "center"})
        p = etree.SubElement(tc, _w("p"))
        ppr = etree.SubElement(p, _w("pPr"))
        role = "table_header" if header else "table"
        etree.SubElement(ppr, _w("pStyle"), {_w("val"): _STYLES[role][0]})
        etree.SubElement(ppr, _w("jc"), {_w("val"): align})
        run = etree.SubElement(p, _w("r"))
        if bold:
            rpr = etree.SubElement(run, _w("rPr"))
            etree.SubElement(rpr, _w("b"))
            etree.SubElement(rpr, _w("bCs"))
        etree.SubElement(run, _w("t"), {_XML_SPACE: "preserve"})
        return tc


# --- metadata ------------------------------------------------------------------------


def _core_properties(doc: DocxDocument, document: Document, style: Style) -> None:
    """Metadata from the document, dates from ``build_date()`` so that builds repeat."""
    properties = doc.core_properties
    author = document.author or style.metadata.author
    properties.title = document.title
    properties.subject = document.subject
    properties.author = author
    properties.last_modified_by = author
    properties.keywords = "; ".join(document.keywords)
    properties.comments = ""
    properties.category = ""
    stamp = build_date()
    properties.created = properties.modified = properties.last_printed = stamp
    properties.revision = 1
