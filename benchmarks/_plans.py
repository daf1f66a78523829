"""Large plans for the benchmark, made by replicating the seed plan.

Item ``i`` is a copy of seed item ``i % 20`` with its own 序号.  The first twenty are the
seed verbatim; later copies get their units from a pool that grows with the plan (a
province's task list names a few hundred offices): leads follow a skewed distribution
(a handful of offices lead most tasks), participants are drawn evenly, each copy
keeping the seed item's number of participants.  Deterministic for a given size.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "seed-plan.yaml"

_CITIES = ("省", "南州市", "北川市", "东阳市", "西岭市", "青山市", "临江市", "安平市", "长宁市", "白水市")
_OFFICES = (
    "发展改革委", "教育厅", "科技厅", "工业和信息化厅", "公安厅", "民政厅", "司法厅", "财政厅", "人力资源社会保障厅",
    "自然资源厅", "生态环境厅", "住房城乡建设厅", "交通运输厅", "水利厅", "农业农村厅", "商务厅", "文化和旅游厅",
    "卫生健康委", "应急管理厅", "审计厅", "市场监管局", "统计局", "医保局", "林业局", "粮食和储备局", "体育局",
    "广电局", "能源局", "药监局", "知识产权局",
)


def unit_count(items: int) -> int:
    """Units named in a plan of ``items`` tasks: the seed's 31 up to 300 for a large plan."""
    return max(31, min(300, items // 3))


def plan_data(items: int, units: int | None = None) -> dict[str, Any]:
    """Plan-file data (as read from YAML) with ``items`` tasks spread over ``units`` units."""
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    registry = list(seed["units"])
    wanted = units if units is not None else unit_count(items)
    names = [f"{city}{office}" for city in _CITIES for office in _OFFICES]
    registry += [{"name": name, "kind": "外部"} for name in names[: max(wanted - len(registry), 0)]]
    pool = [u["name"] for u in registry if u.get("kind") != "泛指"]
    random_ = random.Random(items * 1000 + wanted)
    weights = [1 / (rank + 1) for rank in range(len(pool))]  # Zipf: a few offices lead most tasks
    out = []
    for i in range(items):
        source = seed["items"][i % len(seed["items"])]
        item = dict(source, seq=i + 1)
        if i >= len(seed["items"]):
            item.pop("lead_text", None)
            item.pop("participants_text", None)
            lead = random_.choices(pool, weights)[0]
            others = [u for u in random_.sample(pool, min(len(source.get("participants", [])) + 1, len(pool)))
                      if u != lead]
            item["lead"] = [lead]
            item["participants"] = others[: len(source.get("participants", []))]
        out.append(item)
    return {**seed, "items": out, "units": registry}


def write_plan(path: Path, items: int, units: int | None = None) -> Path:
    """The plan as a YAML file, for the command-line measurements."""
    text = yaml.safe_dump(plan_data(items, units), allow_unicode=True, sort_keys=False, width=10_000)
    path.write_text(text, encoding="utf-8")
    return path
