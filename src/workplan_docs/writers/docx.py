"""DOCX writer: ``layout.Document`` + ``Style`` → a Word file laid out per GB/T 9704-2012.

python-docx opens the package (its default template or the office's own reference
.docx) and handles parts, relationships, headers and footers; the body is built with
lxml directly.  Tables are written as XML text from one string template per cell look
and spliced into the document part when the package is written: python-docx's
``add_row``/``cell`` API is far too slow for plans with thousands of rows (python-docx
#174, #1516), and even an lxml tree costs some 25 nodes and 3 KB of memory per cell
(200 MB for a 10,000-item attachment) where the text is 260 bytes.

Formatting lives in named paragraph styles (``WpBody`` …) rather than on every run: the
XML stays small, a user can restyle the document in Word, and a reference .docx that
already defines a style of the same id keeps its own definition.
"""

from __future__ import annotations

import io
import re
from copy import deepcopy
from datetime import datetime
from pathlib import Path
from typing import Iterable

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.enum.section import WD_HEADER_FOOTER
from docx.opc.package import Unmarshaller
from docx.opc.part import Part, PartFactory
from docx.opc.pkgreader import PackageReader
from docx.opc.pkgwriter import PackageWriter
from docx.package import Package
from lxml import etree

from ..layout import Cell, Document, PageBreak, Paragraph, Rule, Section, Space, Table, fixed_em, kept_run_end
from ..style import Style
from . import office_fonts
from .reproducible import APP_XML, build_date, zip_package
from .xml_text import xml_attribute, xml_text

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
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
# First-line indent per role, in characters (a paragraph may set its own).
_FIRST_LINE = {role: 2 if role in ("heading", "body") else 0 for role in _STYLES}
# A quarter turn clockwise (GB/T 9704 §8): the portrait binding margin becomes the top one.
_TO_LANDSCAPE = {"top": "left", "right": "top", "bottom": "right", "left": "bottom"}
_TO_PORTRAIT = {source: edge for edge, source in _TO_LANDSCAPE.items()}


def render(document: Document, style: Style, *, docx_template: Path | None = None) -> bytes:
    """The .docx file content of ``document``.

    ``docx_template``: the office's reference .docx; its page setup, styles, header and
    footer are kept and its body content is replaced.  Our page numbers are added only
    when it has no footers of its own.
    """
    if docx_template is None:
        doc = _default_template(style)
    else:
        doc = docx.Document(str(docx_template))
        _drop_thumbnail(doc)
        _set_up_styles(doc, style, own_template=False)
        _set_up_font_parts(doc, style, own_template=False)
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
    numbers = _PageNumbers(doc, final, style) if numbered else None
    base = deepcopy(final)
    tables: list[list[bytes]] = []  # the body's tables as XML, spliced in when the package is written
    for index, section in enumerate(document.sections):
        last = index == len(document.sections) - 1
        sect_pr = final if last else deepcopy(base)
        text_width = _page_setup(
            sect_pr, section, style, own_page=docx_template is None, numbered=numbered, first=index == 0
        )
        if section.foot or not section.page_numbers:
            _own_footers(doc, sect_pr, section, text_width, style)
        elif numbers is not None:
            numbers.reference(sect_pr, section.orientation)
        blocks = section.blocks or (Space(0),)  # a section holds at least one paragraph
        run_end = 0  # the end of the run of blocks kept with the next (keep_with_next) being added
        for index, block in enumerate(blocks):
            element = _add_block(final, block, text_width, style, tables)
            if isinstance(block, Paragraph) and block.keep_with_next and index >= run_end:
                run_end = kept_run_end(blocks, index)
            if index < run_end and element is not None:
                _keep_with_next(element)
        if not last:
            final.addprevious(_section_break(sect_pr))
    stamp = document.date or build_date()
    _core_properties(doc, document, style, stamp)
    _app_properties(doc)
    return _save(doc, tables, stamp)


# --- package ------------------------------------------------------------------------

# python-docx's default template set up for a style (no leftovers, our styles and fonts),
# as the package read back, by the style's settings: set up once per process, then opened
# for each document (parsing the template's 438 KB of stale styles and setting ours up
# again took two thirds of the time of a small document).
_PREPARED: dict[str, PackageReader] = {}


def _default_template(style: Style) -> DocxDocument:
    key = style.model_dump_json()
    if key not in _PREPARED:
        doc = docx.Document()
        _drop_thumbnail(doc)
        _drop_template_leftovers(doc)
        _set_up_styles(doc, style, own_template=True)
        _set_up_font_parts(doc, style, own_template=True)
        buffer = io.BytesIO()
        doc.save(buffer)
        _PREPARED[key] = PackageReader.from_file(buffer)  # its parts' bytes, read by each document anew
    return _open_prepared(_PREPARED[key])


# Parts of the prepared template that a document never changes, kept as bytes when it is
# opened: python-docx parsed the 340 KB of styles (the template's latent styles included)
# for every document, 20 ms each, two thirds of a seed report's DOCX.
_UNCHANGED_PARTS = frozenset((CT.WML_STYLES, CT.WML_NUMBERING, CT.WML_FONT_TABLE, CT.WML_WEB_SETTINGS))
# Members the same in every package of a build (a template's styles and theme).
_SHARED_MEMBERS = frozenset(("word/styles.xml", "word/theme/theme1.xml", "word/fontTable.xml", "word/numbering.xml"))


def _open_prepared(prepared: PackageReader) -> DocxDocument:
    """The prepared template as a python-docx document, its unchanged parts left unparsed."""

    def make_part(partname: PackURI, content_type: str, reltype: str, blob: bytes, package: Package) -> Part:
        if content_type in _UNCHANGED_PARTS:
            return Part.load(partname, content_type, blob, package)
        return PartFactory(partname, content_type, reltype, blob, package)

    package = Package()
    Unmarshaller.unmarshal(prepared, package, make_part)
    return package.main_document_part.document


_PLACEHOLDER = re.compile(rb"<!--wp-table-(\d+)-->")


def _save(doc: DocxDocument, tables: list[list[bytes]], stamp: datetime) -> bytes:
    """The package as python-docx writes it, with each table placeholder comment of the
    main document part replaced by that table's XML, and dates fixed."""
    package = doc.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    spliced = [_SplicedPart(part, tables) if part is doc.part else part for part in parts]
    members = _Members()
    # PackageWriter.write's steps, into ``members`` rather than a zip file of its own.
    PackageWriter._write_content_types_stream(members, spliced)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, spliced)
    return zip_package(members.written, stamp, shared=_SHARED_MEMBERS)


class _Members:
    """The package members python-docx writes (its ``PhysPkgWriter`` interface), kept in
    order for ``zip_package``, which deflates the unchanged template parts once a build."""

    def __init__(self) -> None:
        self.written: list[tuple[str, bytes]] = []

    def write(self, name: PackURI, blob: bytes) -> None:
        self.written.append((name.membername, blob))


class _SplicedPart:
    """A part as ``PackageWriter`` reads it (name, content type, relationships, bytes),
    its XML serialised by python-docx with the tables spliced in."""

    def __init__(self, part: Part, tables: list[list[bytes]]) -> None:
        self.partname, self.content_type, self.rels = part.partname, part.content_type, part.rels
        pieces = _PLACEHOLDER.split(part.blob)  # text, table number, text, table number, …, text
        self.blob = b"".join(
            chunk for k, piece in enumerate(pieces) for chunk in (tables[int(piece)] if k % 2 else (piece,))
        )


# --- package and styles -------------------------------------------------------------


def _drop_thumbnail(doc: DocxDocument) -> None:
    """The template's preview picture shows the template, not this document: drop it."""
    rels = doc.part.package.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[r_id]


# Parts of python-docx's default template that describe the template, not our document:
# Word 2010's copy of the styles (438 KB, ignored since Word 2013 and stale once our
# styles change) and a SharePoint custom-XML item.
_STALE_PARTS = ("http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects", RT.CUSTOM_XML)
# Settings that claim things about the template: revision ids of its editing sessions,
# a finished spelling check, a preview picture to save, its document id.
_STALE_SETTINGS = (_w("rsids"), _w("proofState"), _w("savePreviewPicture"),
                   "{http://schemas.microsoft.com/office/word/2010/wordml}docId")


def _drop_template_leftovers(doc: DocxDocument) -> None:
    """Remove the default template's stale parts and settings (a part no relationship
    reaches is not written: python-docx writes the parts reachable from the relationships)."""
    rels = doc.part.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype in _STALE_PARTS]:
        del rels[r_id]
    settings = doc.settings.element
    for child in [c for c in settings if c.tag in _STALE_SETTINGS]:
        settings.remove(child)


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
    rfonts.set(_w("hint"), "eastAsia")  # quotes, dashes and ellipses in the Chinese face, full width


def _set_language(rpr: etree._Element) -> None:
    """East Asian language zh-CN, so that Word chooses Chinese glyphs and line breaking."""
    lang = rpr.find(_w("lang"))
    if lang is None:
        lang = etree.SubElement(rpr, _w("lang"))
    lang.set(_w("eastAsia"), "zh-CN")


def _set_up_font_parts(doc: DocxDocument, style: Style, *, own_template: bool) -> None:
    """Font names Word and WPS can honour or substitute (see ``office_fonts``): the font
    table lists exactly the families used; in the default template the theme's fonts are
    the profile's and the maths font (Cambria Math) goes.  A user's template keeps its
    theme and its font table, which gains the families it lacks."""
    for part in doc.part.package.iter_parts():
        if part.content_type.endswith(".fontTable+xml"):
            part._blob = _font_table(part.blob, style, own_template)
        elif part.content_type.endswith(".theme+xml") and own_template:
            part._blob = office_fonts.theme(part.blob, style)
    if own_template:
        for math_font in doc.settings.element.iter("{*}mathFont"):
            math_font.getparent().remove(math_font)
        # The template's other styles (Macro Text …) name Courier: fonts of the profile only.
        known = set(office_fonts.families(style))
        for rfonts in doc.styles.element.iter(_w("rFonts")):
            for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
                value = rfonts.get(_w(attr))
                if value is not None and value not in known:
                    rfonts.set(_w(attr), style.fonts.family("body") if attr == "eastAsia" else style.fonts.latin)


def _font_table(blob: bytes, style: Style, own_template: bool) -> bytes:
    ours = office_fonts.font_table(style)
    if own_template:
        return ours
    theirs = etree.fromstring(blob)
    known = {font.get(_w("name")) for font in theirs.iter(_w("font"))}
    for font in etree.fromstring(ours).iter(_w("font")):
        if font.get(_w("name")) not in known:
            theirs.append(font)
    return etree.tostring(theirs, xml_declaration=True, encoding="UTF-8", standalone=True)


def _gbk_run_properties(family: str) -> str:
    """The run properties of characters set in a GBK face (all four slots, East Asian hint)."""
    name = xml_attribute(family)
    return f'<w:rPr><w:rFonts w:ascii={name} w:hAnsi={name} w:eastAsia={name} w:cs={name} w:hint="eastAsia"/></w:rPr>'


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
    # Pages break between any two lines, as in the PDF: every full page holds 22 lines.
    etree.SubElement(ppr, _w("widowControl"), {_w("val"): "0"})
    if role in ("table", "table_header"):
        # No closing mark hangs past a cell's text (LibreOffice never hangs one there; the PDF neither).
        etree.SubElement(ppr, _w("overflowPunct"), {_w("val"): "0"})
    # No extra space between Chinese and Latin letters or digits ("5月、9月"): the PDF adds
    # none, and with it a short cell would wrap in Word and LibreOffice and not in the PDF.
    etree.SubElement(ppr, _w("autoSpaceDE"), {_w("val"): "0"})
    etree.SubElement(ppr, _w("autoSpaceDN"), {_w("val"): "0"})
    spacing = etree.SubElement(ppr, _w("spacing"), {_w("before"): "0", _w("after"): "0"})
    if role in ("label", "title", "subtitle", "heading", "body", "note"):
        # One line of the type-area grid per line, whatever the font size.
        spacing.set(_w("line"), str(pitch))
        spacing.set(_w("lineRule"), "exact")
        # The blank line above a title is its label's space after (as in the PDF, a title
        # that follows anything else has no space above it).
        after = {"label": style.paragraph.title_space_before, "title": style.paragraph.title_space_after}.get(role, 0)
        spacing.set(_w("after"), str(after * pitch))
    elif role in ("table", "table_header"):
        # Exact, as the PDF sets it (size × line_spacing), so both break pages at the same rows.
        spacing.set(_w("line"), str(_twips_pt(size * style.table.line_spacing)))
        spacing.set(_w("lineRule"), "exact")
    else:
        spacing.set(_w("line"), "240")
        spacing.set(_w("lineRule"), "auto")
    indent = _twips_pt(_FIRST_LINE[role] * size)
    etree.SubElement(ppr, _w("ind"), {_w("left"): "0", _w("right"): "0", _w("firstLine"): str(indent)})
    align = {"title": "center", "subtitle": "center", "heading": "both", "body": "both"}.get(role, "left")
    etree.SubElement(ppr, _w("jc"), {_w("val"): align})
    rpr = etree.SubElement(element, _w("rPr"))
    family = style.fonts.family(role)
    # The standard asks for 宋体 digits in page numbers, so the Latin family follows the role there.
    _set_fonts(rpr, family if role == "page_number" else style.fonts.latin, family)
    if style.fonts.bold(role):
        etree.SubElement(rpr, _w("b"))
        etree.SubElement(rpr, _w("bCs"))
    spacing = style.character_spacing(role)
    if spacing:  # the character grid, as "字符间距 紧缩" (Word's docGrid charSpace: see the README)
        etree.SubElement(rpr, _w("spacing"), {_w("val"): str(_twips_pt(spacing))})
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


class _PageNumbers:
    """Footer parts with a PAGE field, created once and referenced from every section.

    Every section references its footers explicitly, so none inherits a neighbour's
    footer by accident (python-docx links new sections to the previous footer);
    restarts are a ``w:pgNumType`` matter.  Styles: ``gbt9704`` odd pages right and
    even pages left, one character in; ``center``; ``gbt9704-landscape`` as
    ``gbt9704`` on portrait pages and, on landscape pages, the number turned with the
    page on its binding edge (GB/T 9704 §8), in a text box positioned on the page.
    """

    def __init__(self, doc: DocxDocument, sect_pr: etree._Element, style: Style) -> None:
        self._doc = doc
        self._style = style
        self._parts: dict[str, list[tuple[WD_HEADER_FOOTER, str]]] = {}
        self._odd_even = style.page_numbers.style in ("gbt9704", "gbt9704-landscape")
        if self._odd_even:
            doc.settings.odd_and_even_pages_header_footer = True
            _mirror_header(sect_pr)

    def reference(self, sect_pr: etree._Element, orientation: str) -> None:
        """Point ``sect_pr`` at the footers for its orientation (set up after its margins)."""
        rotated = orientation == "landscape" and self._style.page_numbers.style == "gbt9704-landscape"
        kind = "rotated" if rotated else "upright"
        if kind not in self._parts:
            self._parts[kind] = self._footers(sect_pr, rotated)
        for old in sect_pr.findall(_w("footerReference")):
            sect_pr.remove(old)
        for which, r_id in self._parts[kind]:
            sect_pr.add_footerReference(which, r_id)

    def _footers(self, sect_pr: etree._Element, rotated: bool) -> list[tuple[WD_HEADER_FOOTER, str]]:
        sides: tuple[tuple[str, WD_HEADER_FOOTER], ...] = (
            ("right", WD_HEADER_FOOTER.PRIMARY),
            ("left", WD_HEADER_FOOTER.EVEN_PAGE),
        )
        if not self._odd_even:
            sides = (("center", WD_HEADER_FOOTER.PRIMARY),)
        references: list[tuple[WD_HEADER_FOOTER, str]] = []
        for side, which in sides:
            part, r_id = self._doc.part.add_footer_part()
            footer = part.element
            for child in list(footer):
                footer.remove(child)
            if rotated:
                footer.append(_rotated_page_number(sect_pr, self._style, side, len(references) + 1))
            else:
                footer.append(_page_number_paragraph(self._style, side, indent=True))
            references.append((which, r_id))
        return references


def _own_footers(doc: DocxDocument, sect_pr: etree._Element, section: Section, text_width: int, style: Style) -> None:
    """Footers of a section without page numbers, holding its ``foot`` blocks (the 版记),
    whose last line then sits on the foot of the type area: Word measures the footer
    distance from the page's bottom edge to the footer's bottom."""
    for old in sect_pr.findall(_w("footerReference")):
        sect_pr.remove(old)
    for which in (WD_HEADER_FOOTER.PRIMARY, WD_HEADER_FOOTER.EVEN_PAGE):
        part, r_id = doc.part.add_footer_part()
        footer = part.element
        for child in list(footer):
            footer.remove(child)
        for block in section.foot or (Space(0),):
            footer.append(_block_paragraph(block, text_width, style))
        sect_pr.add_footerReference(which, r_id)
    margins = sect_pr.get_or_add_pgMar()
    margins.set(_w("footer"), margins.get(_w("bottom")))
    if section.even_page:
        sect_pr.get_or_add_type().set(_w("val"), "evenPage")


def _mirror_header(sect_pr: etree._Element) -> None:
    """Odd/even footers switch headers to odd/even too: even pages get the same header."""
    default = sect_pr.find(f"{_w('headerReference')}[@{_w('type')}='default']")
    if default is not None and sect_pr.find(f"{_w('headerReference')}[@{_w('type')}='even']") is None:
        even = deepcopy(default)
        even.set(_w("type"), "even")
        default.addnext(even)


def _page_number_paragraph(style: Style, side: str, *, indent: bool) -> etree._Element:
    """"— N —" with N a PAGE field, aligned to ``side``, one character in when ``indent``."""
    p = etree.Element(_w("p"), nsmap=_NSMAP)
    ppr = etree.SubElement(p, _w("pPr"))
    etree.SubElement(ppr, _w("pStyle"), {_w("val"): _STYLES["page_number"][0]})
    if indent and side != "center":
        etree.SubElement(ppr, _w("ind"), {_w(side): str(_twips_pt(style.sizes.page_number))})
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


_EMU_PER_TWIP = 635
_ROTATED_BOX_LENGTH = 60 * 36000  # EMU: room for "— 999 —" along the page edge


def _rotated_page_number(sect_pr: etree._Element, style: Style, side: str, shape_id: int) -> etree._Element:
    """A footer paragraph anchoring a text box on the left edge of a landscape page,
    its text turned a quarter turn clockwise so that it reads upright when the bound
    (portrait) document is held normally: near the bottom on odd pages ("right" in the
    portrait view), near the top on even pages ("left"); its top ``distance`` from the
    type area and one character in from the type area's end, as on a portrait page.
    """
    margins = sect_pr.find(_w("pgMar"))
    page_height = int(sect_pr.find(_w("pgSz")).get(_w("h"))) * _EMU_PER_TWIP
    left, top, bottom = (int(margins.get(_w(e))) * _EMU_PER_TWIP for e in ("left", "top", "bottom"))
    one_char = _twips_pt(style.sizes.page_number) * _EMU_PER_TWIP
    thickness = round(one_char * 1.5)
    x = left - _twips_mm(style.page_numbers.distance) * _EMU_PER_TWIP - thickness
    if side == "right":
        y = page_height - bottom - one_char - _ROTATED_BOX_LENGTH
    else:
        y = top + one_char
    box = _text_box(x, y, thickness, _ROTATED_BOX_LENGTH, shape_id)
    box.find(f".//{_w('txbxContent')}").append(_page_number_paragraph(style, side, indent=False))
    p = etree.Element(_w("p"), nsmap=_NSMAP)
    etree.SubElement(etree.SubElement(p, _w("pPr")), _w("pStyle"), {_w("val"): _STYLES["page_number"][0]})
    etree.SubElement(p, _w("r")).append(box)
    return p


def _text_box(x: int, y: int, width: int, height: int, shape_id: int) -> etree._Element:
    """A borderless DrawingML text box (Word 2010 shape) at (x, y) EMU from the page
    corner, with vertical text (``vert``: turned 90° clockwise), wrapped in
    ``mc:AlternateContent`` as Word writes it."""
    xml = f"""<mc:AlternateContent xmlns:mc="{_MC_NS}" xmlns:w="{_W_NS}" xmlns:wp="{_WP_NS}" xmlns:a="{_A_NS}"
 xmlns:wps="{_WPS_NS}"><mc:Choice Requires="wps"><w:drawing>
<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{shape_id}" behindDoc="0"
 locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>
<wp:extent cx="{width}" cy="{height}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
<wp:docPr id="{9000 + shape_id}" name="页码 {shape_id}"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="{_WPS_NS}"><wps:wsp><wps:cNvSpPr txBox="1"/>
<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>
<wps:txbx><w:txbxContent/></wps:txbx>
<wps:bodyPr rot="0" vert="vert" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t"><a:noAutofit/>
</wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice></mc:AlternateContent>"""
    return etree.fromstring(xml.replace("\n", ""))


def _text_run(parent: etree._Element, text: str) -> None:
    run = etree.SubElement(parent, _w("r"))
    etree.SubElement(run, _w("t"), {_XML_SPACE: "preserve"}).text = text


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
    spacing = {_w("before"): "0", _w("after"): "0", _w("line"): "20", _w("lineRule"): "exact"}
    etree.SubElement(ppr, _w("spacing"), spacing)
    rpr = etree.SubElement(ppr, _w("rPr"))
    etree.SubElement(rpr, _w("sz"), {_w("val"): "2"})
    etree.SubElement(rpr, _w("szCs"), {_w("val"): "2"})
    ppr.append(sect_pr)
    return p


# --- body content --------------------------------------------------------------------


def _add_block(
    anchor: etree._Element, block: Paragraph | Table | PageBreak | Space | Rule, text_width: int, style: Style,
    tables: list[list[bytes]],
) -> etree._Element | None:
    """Insert ``block`` before ``anchor`` (the body's final ``w:sectPr``); a table as a
    placeholder comment, its XML added to ``tables``.  The paragraph inserted, if any."""
    if isinstance(block, (Paragraph, Space, Rule)):
        p = _block_paragraph(block, text_width, style)
    elif isinstance(block, Table):
        anchor.addprevious(etree.Comment(f"wp-table-{len(tables)}"))
        tables.append(_table_xml(block, text_width, style))
        return None
    else:
        p = etree.Element(_w("p"), nsmap=_NSMAP)
        etree.SubElement(etree.SubElement(p, _w("r")), _w("br"), {_w("type"): "page"})
    anchor.addprevious(p)
    return p


def _keep_with_next(p: etree._Element) -> None:
    """A paragraph (or a spacer) of a run kept with the next block: whole (keepLines) and on
    the page where the next paragraph starts (keepNext), in schema order after pStyle."""
    style_id = p.find(_w("pPr")).find(_w("pStyle"))
    style_id.addnext(etree.Element(_w("keepLines")))
    style_id.addnext(etree.Element(_w("keepNext")))


def _block_paragraph(block: Paragraph | Space | Rule, text_width: int, style: Style) -> etree._Element:
    if isinstance(block, Paragraph):
        return _paragraph(block, text_width, style)
    if isinstance(block, Space):
        return _spacer(_twips_mm(block.height))
    # A rule: the bottom border of a paragraph as high as the space above the rule.
    p = _spacer(_twips_mm(block.space_before))
    border = etree.Element(_w("pBdr"))
    eighths = max(round(block.weight * 72 / 25.4 * 8), 2)
    etree.SubElement(border, _w("bottom"), {_w("val"): "single", _w("sz"): str(eighths), _w("space"): "0",
                                            _w("color"): block.color})
    p.find(_w("pPr")).find(_w("spacing")).addprevious(border)
    return p


def _spacer(twips: int) -> etree._Element:
    """An empty paragraph exactly ``twips`` high (Word draws at least 1 twip)."""
    p = etree.Element(_w("p"), nsmap=_NSMAP)
    ppr = etree.SubElement(p, _w("pPr"))
    etree.SubElement(ppr, _w("pStyle"), {_w("val"): _STYLES["body"][0]})
    etree.SubElement(ppr, _w("spacing"), {_w("before"): "0", _w("after"): "0", _w("line"): str(max(twips, 1)),
                                          _w("lineRule"): "exact"})
    etree.SubElement(ppr, _w("ind"), {_w("firstLine"): "0"})
    rpr = etree.SubElement(ppr, _w("rPr"))
    etree.SubElement(rpr, _w("sz"), {_w("val"): "2"})
    etree.SubElement(rpr, _w("szCs"), {_w("val"): "2"})
    return p


_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}


def _paragraph(paragraph: Paragraph, text_width: int, style: Style) -> etree._Element:
    """A paragraph in its role's style, with the paragraph's own overrides; a newline in
    the text is a line break, the ``right`` spans go to a right tab stop."""
    p = etree.Element(_w("p"), nsmap=_NSMAP)
    ppr = etree.SubElement(p, _w("pPr"))
    etree.SubElement(ppr, _w("pStyle"), {_w("val"): _STYLES[paragraph.role][0]})
    size = paragraph.size or getattr(style.sizes, paragraph.role)
    right = _twips_pt(paragraph.right_indent * size)
    if paragraph.right:
        tabs = etree.SubElement(ppr, _w("tabs"))
        etree.SubElement(tabs, _w("tab"), {_w("val"): "right", _w("pos"): str(text_width - right)})
    if paragraph.size:
        pitch = max(style.paragraph.line_pitch, paragraph.size * 1.2)  # as the PDF
        etree.SubElement(ppr, _w("spacing"), {_w("line"): str(_twips_pt(pitch)), _w("lineRule"): "exact"})
    if paragraph.indent is not None or paragraph.right_indent or paragraph.hanging:
        indent = {_w("right"): str(right)}
        first = _twips_pt((paragraph.indent if paragraph.indent is not None else _FIRST_LINE[paragraph.role]) * size)
        if paragraph.hanging:
            # The lines after the first start under the first line's character number ``hanging``:
            # the lead's full-width characters advance one em plus the grid's character spacing.
            lead = paragraph.text[:paragraph.hanging]
            hang = _twips_pt(fixed_em(lead) * size + style.character_spacing(paragraph.role) * len(lead))
            indent |= {_w("left"): str(first + hang), _w("hanging"): str(hang)}
        else:
            indent[_w("firstLine")] = str(first)
        etree.SubElement(ppr, _w("ind"), indent)
    if paragraph.align:
        etree.SubElement(ppr, _w("jc"), {_w("val"): _JC[paragraph.align]})
    _add_runs(p, paragraph.text, paragraph, style.fonts.family(paragraph.role), None)
    if paragraph.right:
        run = etree.SubElement(p, _w("r"))
        _run_properties(run, paragraph, None)
        etree.SubElement(run, _w("tab"))
        for span in paragraph.right:
            family = style.fonts.family(span.role or paragraph.role)
            _add_runs(p, span.text, paragraph, family, family if span.role not in (None, paragraph.role) else None)
    return p


def _add_runs(p: etree._Element, text: str, paragraph: Paragraph, family: str, face: str | None) -> None:
    """``text`` as runs of ``paragraph`` in ``family``, which is the style's face unless
    ``face`` names it; characters a GB2312-only family lacks go in runs of the GBK face
    of the same kind, and a newline is a line break."""
    for part, gbk in office_fonts.split_gb2312(text, family):
        run = etree.SubElement(p, _w("r"))
        _run_properties(run, paragraph, gbk or face)
        for index, line in enumerate(part.split("\n")):
            if index:
                etree.SubElement(run, _w("br"))
            etree.SubElement(run, _w("t"), {_XML_SPACE: "preserve"}).text = line


def _run_properties(run: etree._Element, paragraph: Paragraph, face: str | None) -> None:
    """A run's own properties in schema order: a face other than the style's (a GBK face,
    a span's role), the paragraph's colour and size."""
    if not (face or paragraph.color or paragraph.size):
        return
    rpr = etree.SubElement(run, _w("rPr"))
    if face:
        slots = {_w(a): face for a in ("ascii", "hAnsi", "eastAsia", "cs")}
        etree.SubElement(rpr, _w("rFonts"), slots | {_w("hint"): "eastAsia"})
    if paragraph.color:
        etree.SubElement(rpr, _w("color"), {_w("val"): paragraph.color})
    if paragraph.size:
        etree.SubElement(rpr, _w("sz"), {_w("val"): str(round(paragraph.size * 2))})
        etree.SubElement(rpr, _w("szCs"), {_w("val"): str(round(paragraph.size * 2))})


def _table_xml(table: Table, text_width: int, style: Style) -> list[bytes]:
    """A fixed-layout bordered table whose column widths Word (``w:tcW``) and
    LibreOffice (``w:gridCol``) both honour, header rows repeated on every page: its XML
    in UTF-8, a row at a time (a 10,000-row table is 19 MB, held once rather than also
    as one string)."""
    padding = 2 * _twips_pt(style.table.padding_points[0])
    widths = _grid(table.widths(text_width, _twips_pt(style.sizes.table), padding), text_width)
    tbl = etree.Element(_w("tbl"), nsmap=_NSMAP)
    tbl.append(_table_properties(text_width, style))
    grid = etree.SubElement(tbl, _w("tblGrid"))
    for width in widths:
        etree.SubElement(grid, _w("gridCol"), {_w("w"): str(width)})
    chunks = [etree.tostring(tbl, encoding="unicode").removesuffix("</w:tbl>").encode("utf-8")]
    cells = _CellMaker(table, widths, style)
    header_rows = table.fitted_header(widths, _twips_pt(style.sizes.table), padding)
    for rows, header in ((header_rows, True), (table.rows, False)):
        # Row properties in schema order: cantSplit, (trHeight,) tblHeader.
        start = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        for index, row in enumerate(rows):
            parts = [start]
            below = _merged_columns(rows[index + 1]) if index + 1 < len(rows) else set()
            # Header rows and group headings stay on the page of the row below them.
            keep = header or table.is_group_row(index)
            column = 0
            for cell in row:
                merge = "continue" if cell.merge_up else "restart" if column in below and cell.span == 1 else None
                parts.append(cells.make(cell, column, header, merge, keep))
                column += cell.span
            parts.append("</w:tr>")
            chunks.append("".join(parts).encode("utf-8"))
    chunks.append(b"</w:tbl>")
    return chunks


def _merged_columns(row: tuple[Cell, ...]) -> set[int]:
    """The columns where ``row``'s cell continues the cell above it."""
    found, column = set(), 0
    for cell in row:
        if cell.merge_up:
            found.add(column)
        column += cell.span
    return found


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
    padding, vertical = (str(_twips_pt(points)) for points in style.table.padding_points)
    for edge, value in (("top", vertical), ("left", padding), ("bottom", vertical), ("right", padding)):
        etree.SubElement(margins, _w(edge), {_w("w"): value, _w("type"): "dxa"})
    etree.SubElement(tbl_pr, _w("tblLook"), {_w("val"): "0000"})
    return tbl_pr


class _CellMaker:
    """Cells as XML text from one template per distinct look (column, span, alignment,
    fill, weight): an escape and two concatenations per cell is what makes long tables fast."""

    def __init__(self, table: Table, widths: list[int], style: Style) -> None:
        self._columns = table.columns
        self._widths = widths
        self._header_fill = style.table.header_fill or None
        self._templates: dict[tuple, tuple[str, str, str]] = {}
        self._style = style

    def make(self, cell: Cell, column: int, header: bool, merge: str | None = None, keep: bool = False) -> str:
        """A cell; ``merge`` "restart" or "continue" merges it down (``w:vMerge``: the
        continuing cell is empty, Word and WPS print the first cell's text over the run);
        ``keep`` keeps its row on the page of the next row."""
        fill = cell.fill or (self._header_fill if header else None)
        align = cell.align or self._columns[column].align
        key = (column, cell.span, align, fill, cell.bold, header, merge, keep)
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = self._template(*key)
        start, new_line, end = template
        family = self._style.fonts.family("table_header" if header or cell.bold else "table")
        text = "".join(
            xml_text(part) if gbk is None else self._gbk_part(xml_text(part), gbk, cell.bold and not header)
            for part, gbk in office_fonts.split_gb2312("" if merge == "continue" else cell.text, family)
        )
        return start + text.replace("\n", new_line) + end

    def _gbk_part(self, text: str, gbk: str, bold: bool) -> str:
        """Characters outside GB2312 as a run of their own in the GBK face, between runs of
        the cell's look (see ``_template``)."""
        back = f"</w:t></w:r>{self._run(bold)}<w:t xml:space=\"preserve\">"
        return f'</w:t></w:r><w:r>{_gbk_run_properties(gbk)}<w:t xml:space="preserve">{text}{back}'

    def _run(self, bold: bool) -> str:
        """A run of a cell's text.  A bold cell prints in the header's face (a 黑体, which is
        never bolded again), as in the PDF."""
        if not bold:
            return "<w:r>"
        family = xml_attribute(self._style.fonts.family("table_header"))
        latin = xml_attribute(self._style.fonts.latin)
        return (f"<w:r><w:rPr><w:rFonts w:ascii={latin} w:hAnsi={latin} w:eastAsia={family} w:cs={latin} "
                'w:hint="eastAsia"/></w:rPr>')

    def _template(
        self, column: int, span: int, align: str, fill: str | None, bold: bool, header: bool, merge: str | None,
        keep: bool,
    ) -> tuple[str, str, str]:
        """The XML before a cell's text, between two of its lines (a new paragraph of the
        same look) and after it."""
        width = sum(self._widths[column : column + span])
        properties = f'<w:tcW w:w="{width}" w:type="dxa"/>'
        if span > 1:
            properties += f'<w:gridSpan w:val="{span}"/>'
        if merge == "restart":
            properties += '<w:vMerge w:val="restart"/>'
        elif merge == "continue":
            properties += "<w:vMerge/>"
        if fill:
            properties += f'<w:shd w:val="clear" w:color="auto" w:fill={xml_attribute(fill)}/>'
        properties += '<w:vAlign w:val="center"/>'
        style_id = _STYLES["table_header" if header else "table"][0]
        run = self._run(bold and not header)  # header cells are in the header style's face already
        keep_next = "<w:keepNext/>" if keep else ""
        paragraph = f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{keep_next}<w:jc w:val={xml_attribute(align)}/></w:pPr>{run}'
        paragraph += '<w:t xml:space="preserve">'
        close = "</w:t></w:r></w:p>"
        return f"<w:tc><w:tcPr>{properties}</w:tcPr>{paragraph}", close + paragraph, close + "</w:tc>"


# --- metadata ------------------------------------------------------------------------


_PROPERTY_LIMIT = 255  # characters python-docx allows in a core property (it raises beyond)


def _property(text: str) -> str:
    """A metadata value cut to the limit: a long title is printed whole, only the file's
    properties hold its beginning."""
    return text[:_PROPERTY_LIMIT]


def _core_properties(doc: DocxDocument, document: Document, style: Style, stamp: datetime) -> None:
    """Metadata from the document; created and modified at ``stamp``, the build date.
    The document has not been printed: the template's "last printed" date goes."""
    properties = doc.core_properties
    author = _property(document.author or style.metadata.author)
    properties.title = _property(document.title)
    properties.subject = _property(document.subject)
    properties.author = author
    properties.last_modified_by = author
    properties.keywords = _property("; ".join(document.keywords))
    properties.comments = ""
    properties.category = ""
    properties.created = properties.modified = stamp
    properties.revision = 1
    core = properties._element
    for printed in core.findall("{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastPrinted"):
        core.remove(printed)


def _app_properties(doc: DocxDocument) -> None:
    """Extended properties (app.xml) naming this tool, with no page or word counts that
    nobody counted and no template name (the template's own said "Microsoft Macintosh
    Word", one page, Normal.dotm)."""
    package = doc.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
            rel.target_part._blob = APP_XML
            return
    part = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, APP_XML, package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)
