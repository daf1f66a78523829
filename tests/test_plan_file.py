"""Plan files: YAML/JSON/TOML load the same model; bad files give one line per problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from workplan_docs import PlanError, load
from workplan_docs.readers.plan_file import dump_yaml

from .conftest import SAMPLE_PLAN

MINIMAL = {"title": "测试计划", "items": [{"seq": 1, "task": "任务", "lead": ["科技司"], "schedule": "全年"}]}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load(path)
    return [str(p) for p in caught.value.problems]


def test_yaml_json_toml_give_the_same_plan(tmp_path: Path) -> None:
    import tomli_w

    data = yaml.safe_load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    from_yaml = load(SAMPLE_PLAN)
    from_json = load(write(tmp_path, "p.json", json.dumps(data, ensure_ascii=False)))
    (tmp_path / "p.toml").write_bytes(tomli_w.dumps(data).encode())
    from_toml = load(tmp_path / "p.toml")
    assert from_yaml == from_json == from_toml


def test_defaults(tmp_path: Path) -> None:
    plan = load(write(tmp_path, "p.json", json.dumps(MINIMAL)))
    assert plan.attachment == "附件" and plan.year is None
    assert plan.heading("participants") == "参与部门（单位）"


def test_lead_from_lead_text(tmp_path: Path) -> None:
    data = {**MINIMAL, "items": [{"seq": 1, "task": "任务", "lead_text": "科技司\n执法司"}]}
    plan = load(write(tmp_path, "p.json", json.dumps(data)))
    assert plan.items[0].lead == ["科技司", "执法司"]
    assert plan.items[0].lead_display == "科技司\n执法司"


def test_missing_lead_names_item_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.yaml", "title: 计划\nitems:\n  - seq: 7\n    task: 任务\n")
    assert errors_of(path) == [f"{path}: 序号 7: lead: 至少须写明一个牵头单位"]


def test_duplicate_key_is_refused_with_line(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "title: 一\ntitle: 二\nitems: []\n")
    [message] = errors_of(path)
    assert "第 2 行" in message and "title" in message and "重复" in message


def test_duplicate_key_in_json(tmp_path: Path) -> None:
    [message] = errors_of(write(tmp_path, "p.json", '{"title": "a", "title": "b"}'))
    assert "重复" in message


def test_yaml_syntax_error_has_line_number(tmp_path: Path) -> None:
    [message] = errors_of(write(tmp_path, "p.yaml", "title: 计划\nitems:\n  - seq: 1\n   task: [\n"))
    assert message.startswith(str(tmp_path / "p.yaml") + ": 第 ") and "YAML" in message


def test_duplicate_seq(tmp_path: Path) -> None:
    item = {"seq": 3, "task": "任务", "lead": ["科技司"]}
    [message] = errors_of(write(tmp_path, "p.json", json.dumps({"title": "t", "items": [item, item]})))
    assert "序号 3" in message and "重复" in message


def test_missing_seq_and_task_and_wrong_types(tmp_path: Path) -> None:
    data = {"title": "t", "items": [{"task": "任务", "lead": ["科技司"]}, {"seq": 2, "lead": "科技司"}]}
    messages = errors_of(write(tmp_path, "p.json", json.dumps(data)))
    assert any("第 1 条: seq: 缺少此项" in m for m in messages)
    assert any("序号 2: task: 缺少此项" in m for m in messages)
    assert any("序号 2: lead: 应为列表" in m for m in messages)


def test_float_seq_is_refused(tmp_path: Path) -> None:
    [message] = errors_of(write(tmp_path, "p.yaml", "title: t\nitems:\n  - seq: 1.5\n    task: x\n    lead: [a司]\n"))
    assert "seq" in message and "1.5" in message


def test_control_character_is_named(tmp_path: Path) -> None:
    data = {**MINIMAL, "items": [{**MINIMAL["items"][0], "goal": "目标\x07"}]}
    [message] = errors_of(write(tmp_path, "p.json", json.dumps(data)))
    assert "序号 1: goal:" in message and "U+0007" in message


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    data = {**MINIMAL, "items": [{**MINIMAL["items"][0], "shedule": "全年"}]}
    [message] = errors_of(write(tmp_path, "p.json", json.dumps(data)))
    assert "序号 1: shedule:" in message


def test_gbk_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("title: 测试计划\nitems:\n  - seq: 1\n    task: 任务\n    lead: [科技司]\n".encode("gbk"))
    assert load(path).title == "测试计划"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert errors_of(tmp_path / "none.yaml") == [f"{tmp_path / 'none.yaml'}: 文件不存在"]
    (tmp_path / "d.yaml").mkdir()
    assert "文件夹" in errors_of(tmp_path / "d.yaml")[0]


def test_yaml_tags_are_not_constructed(tmp_path: Path) -> None:
    [message] = errors_of(write(tmp_path, "p.yaml", "title: !!python/object/apply:os.system ['true']\nitems: []\n"))
    assert "YAML" in message


def test_dump_yaml_round_trips_every_cell(seed_plan) -> None:  # type: ignore[no-untyped-def]
    data = seed_plan.to_file_data()
    assert yaml.safe_load(dump_yaml(data)) == data
