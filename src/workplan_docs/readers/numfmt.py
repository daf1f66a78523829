"""Excel number formats: a cell's value as the text Excel shows for it.

A plan's cells are text, but a spreadsheet stores 6 with the format ``0"月"`` and shows
"6月", stores 0.95 with ``0%`` and shows "95%", stores 45473 as a date.  The parts of
the format language that plans use are rendered here: sections (positive; negative;
zero; text), quoted and escaped literals, digit placeholders (0 # ?), thousands
separators and scaling commas, decimals, percent, scientific notation, the text
placeholder @, and dates and times.

Dates are written the Chinese way with the fields the format shows ("2024年6月30日",
"2024年6月", "6月30日"; a time only when the format shows one and it is not midnight),
whatever the separators of the format: that is the form the schedule parser and a
reader of the plan both understand.  Colours, conditions and fill characters, which
change how a cell looks but not what it says, are ignored.
"""

from __future__ import annotations

import datetime
import re

# Built-in formats (ECMA-376 §18.8.30) that plans meet; 14 and 22 follow the reader's
# locale in Excel and are shown as the Chinese long date; 27–36 and 50–58 are the
# Chinese (zh-CN) built-ins.
BUILTIN = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    12: "General", 13: "General", 14: "yyyy-m-d", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "yyyy-m-d h:mm", 27: 'yyyy"年"m"月"', 28: 'm"月"d"日"',
    29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"', 32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"',
    34: 'h"时"mm"分"', 35: 'h"时"mm"分"ss"秒"', 36: 'yyyy"年"m"月"', 37: "#,##0;-#,##0", 38: "#,##0;-#,##0",
    39: "#,##0.00;-#,##0.00", 40: "#,##0.00;-#,##0.00", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss", 48: "##0.0E+0",
    49: "@", 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"', 54: 'm"月"d"日"',
    55: 'h"时"mm"分"', 56: 'h"时"mm"分"ss"秒"', 57: 'yyyy"年"m"月"', 58: 'm"月"d"日"',
}

# One token of a format: a quoted literal, an escaped character, a bracketed code, a
# padding or fill pair, a run of one date letter, AM/PM, or any single character.
_TOKEN = re.compile(r'"[^"]*"?|\\.|\[[^\]]*\]?|_.|\*.|[yY]+|[mM]+|[dD]+|[hH]+|[sS]+|[aA]{3,4}|AM/PM|am/pm|A/P|a/p|上午/下午|.', re.S)
_DATE_LETTERS = re.compile(r"[ymdhs]", re.I)


def _tokens(section: str) -> list[str]:
    return _TOKEN.findall(section)


def _sections(code: str) -> list[str]:
    """The ;-separated sections, a ; inside quotes or brackets not counting."""
    sections, current = [], ""
    for token in _tokens(code):
        if token == ";":
            sections.append(current)
            current = ""
        else:
            current += token
    return [*sections, current]


def _literal(token: str) -> str | None:
    """What a literal token shows, or None when the token is not a literal."""
    if token.startswith('"'):
        return token.strip('"')
    if token.startswith("\\"):
        return token[1:]
    if token.startswith("_"):
        return " "
    if token.startswith("*"):
        return ""
    if token.startswith("["):  # [Red], [>100], [$-804]: not shown; [$¥-804] shows ¥
        money = re.match(r"\[\$([^-\]]*)", token)
        return money[1] if money else ""
    return None


def is_date_format(code: str) -> bool:
    section = _sections(code)[0]
    return any(_literal(t) is None and _DATE_LETTERS.match(t) and t.lower() != "general"[: len(t)]
               for t in _tokens(section)) and "general" not in section.lower()


def shown_text(value: str, code: str) -> str:
    """A text cell under a format with a text section ("第"@"项")."""
    sections = _sections(code)
    section = sections[3] if len(sections) >= 4 else sections[0]
    if "@" not in section:
        return value
    return "".join(value if t == "@" else (_literal(t) if _literal(t) is not None else t) for t in _tokens(section))


def shown_number(value: float, code: str, date1904: bool = False) -> str:
    """A number as Excel shows it under ``code``."""
    if not code or code.lower() == "general" or code == "@":
        return general(value)
    if is_date_format(code):
        return shown_date(value, code, date1904)
    sections = _sections(code)
    if value < 0 and len(sections) >= 2:
        section, value = sections[1], -value
    elif value == 0 and len(sections) >= 3:
        section = sections[2]
    else:
        section = sections[0]
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", section)
    if bare.strip().lower() == "general":  # General with literals around it: 0"项" written as General"项"
        before, _, after = section.partition(bare.strip())
        return _literals(before) + general(value) + _literals(after)
    return _render_number(value, _tokens(section))


def _literals(section: str) -> str:
    return "".join(t if _literal(t) is None else _literal(t) or "" for t in _tokens(section))


def general(value: float) -> str:
    """Excel's General format: integers without ".0", others to 15 significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}".replace("e+", "E+").replace("e-", "E-")


def _render_number(value: float, tokens: list[str]) -> str:
    placeholders = [i for i, t in enumerate(tokens) if t in ("0", "#", "?")]
    if not placeholders:  # only literals: Excel shows them, and the number's sign
        return ("-" if value < 0 else "") + "".join(_literal(t) if _literal(t) is not None else t for t in tokens)
    point = next((i for i, t in enumerate(tokens) if t == "."), None)
    exponent = next((i for i, t in enumerate(tokens) if t in ("E", "e")), None)
    percent = sum(1 for t in tokens if t == "%")
    value *= 100**percent
    last = placeholders[-1]
    scaling = 0
    for t in tokens[last + 1 :]:  # commas right after the last placeholder divide by 1000
        if t != ",":
            break
        scaling += 1
    value /= 1000**scaling
    grouping = any(t == "," for t in tokens[placeholders[0] : last + 1])
    end = exponent if exponent is not None else len(tokens)
    fraction = [i for i in placeholders if point is not None and point < i < end]
    integer = [i for i in placeholders if (point is None or i < point) and i < end]
    negative = value < 0
    value = abs(value)
    power = ""
    if exponent is not None and value:
        shift = len(integer) or 1
        power_value = int(f"{value:e}".split("e")[1]) - (shift - 1)
        value /= 10.0**power_value
        power = ("E" + ("-" if power_value < 0 else "+") + str(abs(power_value)).rjust(
            sum(1 for t in tokens[exponent:] if t == "0"), "0"))
    decimals = len(fraction)
    rounded = f"{value:.{decimals}f}"
    whole, _, frac = rounded.partition(".")
    minimum = sum(1 for i in integer if tokens[i] == "0")
    whole = whole.lstrip("0") or ""
    whole = whole.rjust(minimum, "0")
    if grouping and whole:
        whole = f"{int(whole):,}".rjust(minimum, "0")
    frac_text = "".join(
        digit if tokens[i] == "0" or digit != "0" or frac[k:].strip("0") else ("" if tokens[i] == "#" else " ")
        for k, (i, digit) in enumerate(zip(fraction, frac))
    )
    slots = _integer_slots(whole, [tokens[i] for i in integer], grouping)
    out: list[str] = []
    for i, token in enumerate(tokens):
        if i in integer:
            out.append(slots[integer.index(i)])
        elif grouping and token == "," and integer and integer[0] < i < integer[-1]:
            continue
        elif i in fraction:
            if i == fraction[0]:
                out.append(frac_text)
        elif token == "." and i == point:
            if fraction and frac_text.strip() or any(tokens[j] == "0" for j in fraction):
                out.append(".")
        elif exponent is not None and i >= exponent:
            if i == exponent:
                out.append(power)
        elif token == "," and i > last:
            continue
        elif token == "%":
            out.append("%")
        else:
            shown = _literal(token)
            out.append(token if shown is None else shown)
    text = "".join(out)
    return ("-" + text) if negative and any(ch.isdigit() and ch != "0" for ch in text) else text


def _integer_slots(whole: str, placeholders: list[str], grouping: bool) -> list[str]:
    """The digits each integer placeholder shows: one each from the right, the rest in
    the leftmost ("0000-00" shows 1234 as 0012-34); with grouping all in the first."""
    if not placeholders:
        return []
    if grouping:
        return [whole] + [""] * (len(placeholders) - 1)
    slots = []
    rest = whole
    for placeholder in reversed(placeholders[1:]):
        if rest:
            slots.append(rest[-1])
            rest = rest[:-1]
        else:
            slots.append({"0": "0", "?": " "}.get(placeholder, ""))
    return [rest, *reversed(slots)]


def to_datetime(serial: float, date1904: bool = False) -> datetime.datetime | None:
    """A date serial as a datetime (Excel's 1900 system counts a 29 February 1900 that never was)."""
    if not 0 <= serial < 2_958_466:  # up to 9999-12-31
        return None
    if date1904:
        epoch = datetime.datetime(1904, 1, 1)
    else:
        epoch = datetime.datetime(1899, 12, 30) if serial >= 61 else datetime.datetime(1899, 12, 31)
    moment = epoch + datetime.timedelta(days=serial)
    return moment.replace(microsecond=0) + datetime.timedelta(seconds=round(moment.microsecond / 1e6))


def shown_date(serial: float, code: str, date1904: bool = False) -> str:
    moment = to_datetime(serial, date1904)
    if moment is None:
        return general(serial)
    fields = _date_fields(_sections(code)[0])
    return date_text(moment, fields)


def _date_fields(section: str) -> set[str]:
    """Which of year, month, day, time a date format shows (m is minutes next to h or s)."""
    letters = [t.lower()[0] for t in _tokens(section) if _literal(t) is None and _DATE_LETTERS.match(t)]
    fields = set()
    for k, letter in enumerate(letters):
        if letter == "m":
            before = letters[k - 1] if k else ""
            after = letters[k + 1] if k + 1 < len(letters) else ""
            fields.add("time" if before == "h" or after == "s" else "month")
        else:
            fields.add({"y": "year", "d": "day", "h": "time", "s": "time"}[letter])
    if "[h]" in section.lower() or "[m]" in section.lower():
        fields.add("time")
    return fields


def date_text(moment: datetime.datetime | datetime.date, fields: set[str] | None = None) -> str:
    """The Chinese form of a date: the fields shown, and the time when shown and not midnight."""
    fields = fields if fields is not None else {"year", "month", "day", "time"}
    text = ""
    if "year" in fields:
        text += f"{moment.year}年"
    if "month" in fields:
        text += f"{moment.month}月"
    if "day" in fields:
        text += f"{moment.day}日"
    if isinstance(moment, datetime.datetime) and "time" in fields and moment.time() != datetime.time():
        clock = f"{moment.hour}:{moment.minute:02d}" + (f":{moment.second:02d}" if moment.second else "")
        text = f"{text} {clock}" if text else clock
    return text or f"{moment.year}年{moment.month}月{moment.day}日"
