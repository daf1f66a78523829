"""Splitting 牵头单位 / 参与部门 cells into units."""

from __future__ import annotations

from dataclasses import dataclass, field

from workplan_docs.units import Registry, is_blank, split_units


@dataclass
class Entry:
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None


def names(text: str, registry: Registry | None = None) -> list[str]:
    return [m.name for m in split_units(text, registry)]


def test_separators() -> None:
    assert names("认监委、计量司，动植司,检验司；食品局;特设局\n食品司") == [
        "认监委", "计量司", "动植司", "检验司", "食品局", "特设局", "食品司"]


def test_one_unit_per_line() -> None:
    assert names("科技司\n执法司") == ["科技司", "执法司"]


def test_conjunction_between_two_units_splits() -> None:
    assert names("通关司、科技司、监督司及相关司局") == ["通关司", "科技司", "监督司", "相关司局"]
    assert names("认监委和标准委") == ["认监委", "标准委"]


def test_conjunction_inside_a_name_does_not_split() -> None:
    assert names("国家发展和改革委员会") == ["国家发展和改革委员会"]
    assert names("国家发展和改革委员会", Registry([Entry("国家发展和改革委员会")])) == ["国家发展和改革委员会"]


def test_brackets_stay_inside_names() -> None:
    assert names("各大区国家计量测试中心、各省计量院（所）") == ["各大区国家计量测试中心", "各省计量院（所）"]


def test_role_sentence_yields_every_unit_with_its_role() -> None:
    text = "中国质检协会承办竞赛组织工作。认监委、标准委、总局相关司局、各直属检验检疫局、省级质量技术监督局、有关行业协会协助"
    mentions = split_units(text)
    assert [m.name for m in mentions] == [
        "中国质检协会", "认监委", "标准委", "总局相关司局", "各直属检验检疫局", "省级质量技术监督局", "有关行业协会"]
    assert mentions[0].role == "承办竞赛组织工作"
    assert {m.role for m in mentions[1:]} == {"协助"}


def test_whitespace_and_width_are_normalised() -> None:
    assert names(" 科技 司 、\u3000认监委\u00a0") == ["科技司", "认监委"]
    assert names("ＡＢＣ中心") == ["ABC中心"]


def test_aliases_resolve_to_registry_name() -> None:
    registry = Registry([Entry("认监委", ["国家认监委"])])
    assert names("国家认监委、科技司", registry) == ["认监委", "科技司"]


def test_duplicates_are_named_once() -> None:
    assert names("科技司、科技司") == ["科技司"]


def test_blank_cells() -> None:
    assert is_blank("\u00a0") and is_blank(" \n\t") and not is_blank("科技司")
    assert names("\u00a0") == []


def test_generic_kind() -> None:
    registry = Registry([Entry("科技司", kind="司局")])
    assert registry.kind("相关司局") == "泛指"
    assert registry.kind("科技司") == "司局"
    assert registry.kind("某中心") is None
