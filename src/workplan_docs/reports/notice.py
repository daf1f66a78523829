"""通知: the notice that issues the plan, with the attachment bound after it (GB/T 9704 §7).

One document of three parts: the notice on portrait pages (版头, 标题, 主送, 正文,
附件说明, 署名, 成文日期, 附注), the attachment as printed alone (its landscape section),
and the 版记 on a last, even, unnumbered portrait page.  Page numbers run on from the
notice through the attachment.  Every position is a number of lines of the 22-line
grid or a length from the style profile's ``[notice]`` table: nothing here knows a format.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from ..errors import WorkplanError
from ..layout import Block, Paragraph, Rule, Section, Space, Span, fixed_em, text_em
from ..model import Plan
from ..notice import Notice, date_text
from ..progress import ProgressFile
from ..style import NoticeSettings, Style, load_style
from . import Output
from .attachment import attachment
from ._common import body_paragraph, plan_document
from .bulletin import bulletin_blocks, needs_progress
from .progress import WARN_DAYS

TITLE = "通知"
RED = "FF0000"
MM = 72 / 25.4  # points per millimetre


def _blank_lines(style: Style, count: int) -> list[Block]:
    """``count`` blank lines of the 22-line grid (as a space: an empty paragraph has no
    height in the PDF but a line in Word)."""
    return [Space(count * style.paragraph.line_pitch / MM)] if count else []


def _letterhead(notice: Notice, style: Style) -> list[Block]:
    """份号 / 密级 / 紧急程度, the 发文机关标志 35 mm below the top of the type area, the
    发文字号 two lines below it, and the red rule 4 mm below that.  The 标志 is set as a
    title (its face, and the blank line a title has below it, in every format)."""
    settings, pitch = style.notice, style.paragraph.line_pitch
    blocks: list[Block] = []
    marks = [(notice.copy_number, "body"), (notice.secrecy, "heading"), (notice.urgency, "heading")]
    lines = [Paragraph(text, role, align="left", indent=0) for text, role in marks if text]
    blocks += lines
    above = len(lines) * pitch / MM
    blocks.append(Space(max(settings.header_top - above, 0.0)))
    width = style.page.text_width("portrait")
    red = notice.letterhead == "red"
    header_color = RED if red else "FFFFFF"  # pre-printed paper: the space is kept, nothing printed
    for name in notice.header_text.split("\n"):  # joint issuance: one line per organ, when written so
        size = min(settings.header_size, int(width * MM / max(text_em(name), 1) * 10) / 10)  # one line at most
        blocks.append(Paragraph(name, "title", align="center", indent=0, size=size, color=header_color))
    blocks += _blank_lines(style, max(2 - style.paragraph.title_space_after, 0))
    if notice.upward:
        blocks += _signer_lines(notice)
    else:
        blocks.append(Paragraph(notice.number, "body", align="center", indent=0))
    blocks.append(Rule(settings.red_rule, RED if red else "FFFFFF", space_before=settings.rule_gap))
    return blocks


def _signer_lines(notice: Notice) -> list[Paragraph]:
    """签发人 of an upward document (GB/T 9704 §7.2.4, §7.2.5): "签发人：" and the names in 楷体,
    right-aligned one character in, two names to a line, each line's names starting under
    the first name of the line above (every line padded to the first one's width with
    full-width spaces); the 发文字号 flush left one character in, on the last line."""
    width = max(len(name) for name in notice.signers)
    names = [name.ljust(width, "　") for name in notice.signers]
    rows = ["　".join(names[start:start + 2]) for start in range(0, len(names), 2)]
    lines = []
    for number, row in enumerate(rows):
        label = "签发人：" if number == 0 else "　" * len("签发人：")
        text = notice.number if number == len(rows) - 1 else ""
        lines.append(Paragraph(text, "body", align="left", indent=1, right_indent=1,
                               right=(Span(label), Span(row.ljust(len(rows[0]), "　"), "subtitle"))))
    return lines


def _signature(notice: Notice) -> list[Paragraph]:
    """署名 and 成文日期 (GB/T 9704 §7.3.5): sealed, the date four characters from the
    right and the name centred over it; unsealed, the name two characters in and the date
    starting two characters right of the name's start (the name moving left when the date
    is the longer, so that the date still ends two characters in)."""
    name, date = notice.signature_text, date_text(notice.date)
    name_em, date_em = fixed_em(name), fixed_em(date)
    if notice.sealed:
        date_right = 4.0
        name_right = max(date_right + (date_em - name_em) / 2, 0.0)
    else:
        name_right = 2.0
        date_right = name_em - 2 - date_em + name_right
        if date_right < 2:
            date_right = 2.0
            name_right = date_right + date_em + 2 - name_em
    return [Paragraph(name, "body", align="right", indent=0, right_indent=name_right),
            Paragraph(date, "body", align="right", indent=0, right_indent=date_right)]


def _attachment_note(notice: Notice, plan: Plan) -> list[Paragraph]:
    """附件说明: "附件：" and the title (no closing mark); several numbered "1." "2." with
    continuation lines aligned under the first title."""
    titles = notice.attachment_titles(plan)
    if len(titles) == 1:
        leads = ["附件："]
    else:
        leads = [f"{'附件：' if n == 1 else '　　　'}{n}." for n in range(1, len(titles) + 1)]
    return [Paragraph(lead + title, "body", align="left", indent=2, hanging=len(lead))
            for lead, title in zip(leads, titles)]


def _kept_body_blocks(body: list[Block], style: Style) -> int:
    """How many blocks at the end of the body go onto the 署名's page: the last paragraph,
    and the one before it when the last takes a single line, so that at least two lines of
    body text stand above the 附件说明 and 署名 (none when the body ends with a table)."""
    per_line = style.page.text_width("portrait") * MM / (style.sizes.body + style.character_spacing("body"))
    count = lines = 0
    for block in reversed(body):
        if not isinstance(block, Paragraph) or lines >= 2:
            break
        lines += math.ceil((fixed_em(block.text) + (block.indent or 0)) / per_line)
        count += 1
    return count


def _notice_section(notice: Notice, plan: Plan, style: Style, body: list[Block]) -> Section:
    blocks: list[Block] = _letterhead(notice, style)
    blocks += [*_blank_lines(style, 2), Paragraph(notice.title_for(plan), "title")]  # two below the red rule
    blocks.append(Paragraph("、".join(notice.to) + "：", "body", align="left", indent=0))
    # The end of the body, the 附件说明, 署名, 成文日期 and 附注 share a page (GB/T 9704 §7.3.5: no
    # page holds the 署名 without body text): each of them is kept with the next.
    kept = _kept_body_blocks(body, style)
    ending: list[Block] = body[len(body) - kept:]
    if notice.attachment_titles(plan):
        ending += [*_blank_lines(style, 1), *_attachment_note(notice, plan)]
    ending += [*_blank_lines(style, 1), *_signature(notice)]
    if notice.note:
        ending.append(Paragraph(f"（{notice.note.strip('（）()')}）", "body", align="left", indent=2))
    blocks += body[:len(body) - kept]
    blocks += [replace(b, keep_with_next=True) if isinstance(b, Paragraph) else b for b in ending[:-1]]
    blocks.append(ending[-1])
    return Section(name=TITLE, blocks=tuple(blocks), orientation="portrait")


def _imprint_section(notice: Notice, settings: NoticeSettings) -> Section:
    """版记: rules the width of the type area (first and last thick, those between thin),
    抄送 above 印发机关 and 印发日期, the last rule on the foot of the type area."""
    size = settings.imprint_size
    thick, thin = settings.imprint_thick, settings.imprint_thin
    foot: list[Block] = [Rule(thick)]
    if notice.cc:
        foot += [Paragraph(f"抄送：{'，'.join(notice.cc)}。", "body", align="left", indent=1, right_indent=1, size=size),
                 Rule(thin)]
    foot += [Paragraph(notice.printer_text, "body", align="left", indent=1, right_indent=1, size=size,
                       right=(Span(f"{date_text(notice.printed_on)}印发"),)),
             Rule(thick)]
    return Section(name="版记", blocks=(), orientation="portrait", page_numbers=False, even_page=True,
                   foot=tuple(foot))


def notice_sections(plan: Plan, notice: Notice, style: Style, body: list[Block] | None = None) -> list[Section]:
    """The sections of the notice with the plan's attachment bound after it (when it is one
    of the attachments); ``body`` replaces the notice's own paragraphs (the 情况通报)."""
    body = [body_paragraph(text) for text in notice.body] if body is None else body
    bound: tuple[Section, ...] = ()
    if notice.binds_plan(plan):
        bound = attachment(plan.model_copy(update={"attachment": notice.plan_label(plan)})).sections
    return [_notice_section(notice, plan, style, body), *bound, _imprint_section(notice, style.notice)]


def outputs(
    plan: Plan, notice: Notice | None = None, style: Style | None = None, progress: ProgressFile | None = None,
    as_of: dt.date | None = None, warn_days: int = WARN_DAYS,
) -> list[Output]:
    """通知.docx / 通知.pdf: the whole issuance in one file (no XLSX: a notice is not a table).
    A notice whose body is ``bulletin`` carries the 情况通报 of ``progress`` on ``as_of``."""
    if notice is None:
        raise WorkplanError("通知需要通知文件：请用 --notice 指定 notice.yaml（可用 notice init 生成初稿）")
    body = None
    if notice.bulletin:
        data = needs_progress(progress, plan, "通知正文为情况通报（body: bulletin），")
        body = bulletin_blocks(plan, data, as_of or dt.date.today(), warn_days)
    sections = notice_sections(plan, notice, style or load_style(None), body)
    document = replace(plan_document(plan, TITLE, sections, TITLE), title=notice.title_for(plan))
    return [Output(TITLE, document, formats=("docx", "pdf"))]
