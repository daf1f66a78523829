"""Benchmark: our writers against the obvious implementations, in fresh processes.

    python benchmarks/run.py            # full run (about 10 minutes on 2 cores)
    python benchmarks/run.py --quick    # one repeat, smaller plans: a smoke test

Every figure is the median of ``--repeats`` runs, each in a new process so that no run
profits from another's imports or registered fonts.  Writer figures are the render time
measured inside the child (``_task.py``); command figures are the wall time of the whole
command, measured here.  Peak memory is the child's own maximum resident set.

Prints a Markdown table and writes ``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _plans import ROOT, SEED, write_plan  # noqa: E402
from _task import truetype_table_face  # noqa: E402

TASK = str(HERE / "_task.py")
FORMATS = ("docx", "xlsx", "pdf")


@dataclass
class Result:
    name: str
    items: int | None
    seconds: float
    rss_mb: float
    runs: list[float] = field(default_factory=list)


def _cli() -> list[str]:
    """The installed ``workplan-docs`` script, as a user runs it."""
    script = shutil.which("workplan-docs") or str(Path(sys.executable).with_name("workplan-docs"))
    return [script]


def _run_task(task: str, items: int) -> tuple[float, float]:
    output = subprocess.run([sys.executable, TASK, task, str(items)], capture_output=True, text=True, check=True)
    data = json.loads(output.stdout.strip().splitlines()[-1])
    return data["seconds"], data["rss_mb"]


def _run_command(command: list[str], timeout: float = 600, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and peak memory of ``command``.  RUSAGE_CHILDREN reports the largest child
    so far, so each command runs under a small Python parent that reports for it alone."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    output = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True,
                            timeout=timeout, env=env)
    seconds, rss = output.stdout.split()
    return float(seconds), float(rss)


def _measure(name: str, items: int | None, repeats: int, once: object) -> Result:
    return _measure_alternately([name], items, repeats, [once])[0]


def _measure_alternately(names: list[str], items: int | None, repeats: int, runners: list[object]) -> list[Result]:
    """Each runner ``repeats`` times, taking turns, so that what the machine is doing
    meanwhile (a throttled CPU after minutes of load, another job) weighs on all alike."""
    runs: list[list[float]] = [[] for _ in names]
    peaks: list[list[float]] = [[] for _ in names]
    for _ in range(repeats):
        for k, once in enumerate(runners):
            seconds, rss = once()  # type: ignore[operator]
            runs[k].append(seconds)
            peaks[k].append(rss)
    results = [Result(name, items, statistics.median(r), max(p), r) for name, r, p in zip(names, runs, peaks)]
    size = f" N={items}" if items is not None else ""
    for result in results:
        print(f"  {result.name}{size}: {result.seconds:.3f} s, {result.rss_mb:.0f} MB", file=sys.stderr, flush=True)
    return results


def _libreoffice(docx: Path, work: Path) -> tuple[float, float]:
    """A cold conversion: a fresh profile each run (what a user's first conversion costs)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=work))
    out = Path(tempfile.mkdtemp(prefix="lo-out-", dir=work))
    seconds, rss = _run_command([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                                 "pdf", "--outdir", str(out), str(docx)], timeout=180)
    if not (out / (docx.stem + ".pdf")).exists():
        raise RuntimeError("LibreOffice wrote no PDF")
    shutil.rmtree(profile, ignore_errors=True)
    return seconds, rss


def _build(plan: Path, work: Path, *options: str, cold: bool = False) -> tuple[float, float]:
    """A whole ``build``; ``cold``: with an empty font cache, as on a fresh machine."""
    out = Path(tempfile.mkdtemp(prefix="build-", dir=work))
    env = {**os.environ, "XDG_CACHE_HOME": str(out / "cache")} if cold else None
    try:
        return _run_command([*_cli(), "build", str(plan), "-o", str(out / "out"), *options], env=env)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _naive(fmt: str, plan: Path, work: Path, font: tuple[str, int]) -> tuple[float, float]:
    """The naive script (``_naive.py``) as a whole process, from the plan file to the file."""
    target = work / f"naive.{fmt}"
    try:
        return _run_command([sys.executable, str(HERE / "_naive.py"), fmt, str(plan), str(target), font[0], str(font[1])])
    finally:
        target.unlink(missing_ok=True)


def measure(quick: bool, repeats: int, work: Path) -> list[Result]:
    sizes = (20, 200, 1000) if quick else (20, 1000, 2000, 10_000)
    compare = 1000 if quick else 2000  # where ours meet the baselines
    large = sizes[-1]
    results: list[Result] = []

    def add(name: str, items: int | None, once: object, times: int = repeats) -> None:
        results.append(_measure(name, items, times, once))

    print("startup", file=sys.stderr)
    add("python -c pass", None, lambda: _run_command([sys.executable, "-c", "pass"]))
    add("import workplan_docs", None, lambda: _run_command([sys.executable, "-c", "import workplan_docs"]))
    add("workplan-docs --help", None, lambda: _run_command([*_cli(), "--help"]))

    print("writers on the attachment", file=sys.stderr)
    for n in sizes:
        add("load plan file (YAML → validated plan)", n, lambda n=n: _run_task("load", n))
        add("plan + attachment document", n, lambda n=n: _run_task("plan", n))
        for fmt in FORMATS:
            add(f"ours {fmt}", n, lambda n=n, fmt=fmt: _run_task(f"ours-{fmt}", n))
    print("baselines", file=sys.stderr)
    for fmt in FORMATS:
        add(f"baseline {fmt}", compare, lambda fmt=fmt: _run_task(f"base-{fmt}", compare))

    print("whole process: plan file → attachment, against the script a user would write", file=sys.stderr)
    compare_plan = write_plan(work / f"plan-{compare}.yaml", compare)
    font = truetype_table_face()
    for fmt in FORMATS:
        results += _measure_alternately(
            [f"script {fmt}, whole process", f"build attachment {fmt}, whole process"], compare, repeats,
            [lambda fmt=fmt: _naive(fmt, compare_plan, work, font),
             lambda fmt=fmt: _build(compare_plan, work, "--reports", "attachment", "--formats", fmt)],
        )

    print("commands", file=sys.stderr)
    results += _measure_alternately(
        ["build seed, all reports × formats", "build seed, all reports × formats, empty font cache"], 20, repeats,
        [lambda: _build(SEED, work), lambda: _build(SEED, work, cold=True)],
    )
    add("build seed, all reports × formats, --jobs 1", 20, lambda: _build(SEED, work, "--jobs", "1"))
    seed_docx = work / "seed"
    subprocess.run([*_cli(), "build", str(SEED), "-o", str(seed_docx), "--reports", "attachment", "--formats", "docx"],
                   check=True, stdout=subprocess.DEVNULL)
    # The target ratio compares two short commands: more runs, taking turns.
    results += _measure_alternately(
        ["build seed attachment → PDF", "LibreOffice: seed DOCX → PDF (cold)"], 20, max(repeats, 7),
        [lambda: _build(SEED, work, "--reports", "attachment", "--formats", "pdf"),
         lambda: _libreoffice(next(seed_docx.glob("*.docx")), work)],
    )

    big = write_plan(work / f"plan-{large}.yaml", large)
    add("build attachment docx+xlsx+pdf", large, lambda: _build(big, work, "--reports", "attachment"), 1)
    units_plan = write_plan(work / "plan-units.yaml", 300 if quick else 1000, 60 if quick else 300)
    unit_items = 300 if quick else 1000
    add("build unit sheets (300 units), default jobs", unit_items,
        lambda: _build(units_plan, work, "--reports", "units"), 1)
    add("build unit sheets (300 units), --jobs 1", unit_items,
        lambda: _build(units_plan, work, "--reports", "units", "--jobs", "1"), 1)
    return results


def _find(results: list[Result], name: str, items: int | None = None) -> Result | None:
    return next((r for r in results if r.name == name and (items is None or r.items == items)), None)


def ratios(results: list[Result], quick: bool) -> dict[str, float]:
    """The figures the targets are stated in."""
    compare = 1000 if quick else 2000
    sizes = (200, 1000) if quick else (1000, 10_000)
    found: dict[str, float] = {}
    for fmt in FORMATS:
        ours, base = _find(results, f"ours {fmt}", compare), _find(results, f"baseline {fmt}", compare)
        if ours and base:
            found[f"{fmt}: baseline / ours at {compare} items (speed-up)"] = base.seconds / ours.seconds
        script = _find(results, f"script {fmt}, whole process", compare)
        whole = _find(results, f"build attachment {fmt}, whole process", compare)
        if script and whole:
            found[f"{fmt}: naive script / ours, whole process at {compare} items"] = script.seconds / whole.seconds
        small, large = _find(results, f"ours {fmt}", sizes[0]), _find(results, f"ours {fmt}", sizes[1])
        if small and large:
            found[f"{fmt}: time({sizes[1]}) / time({sizes[0]})"] = large.seconds / small.seconds
    small, large = _find(results, "plan + attachment document", sizes[0]), _find(results, "plan + attachment document", sizes[1])
    if small and large:
        found[f"plan + attachment: time({sizes[1]}) / time({sizes[0]})"] = large.seconds / small.seconds
    loaded = _find(results, "load plan file (YAML → validated plan)", sizes[1])
    if loaded:
        found[f"load a {sizes[1]}-item plan file (seconds)"] = loaded.seconds
    warm = _find(results, "build seed, all reports × formats")
    cold = _find(results, "build seed, all reports × formats, empty font cache")
    if warm and cold:
        found["seed build (seconds)"] = warm.seconds
        found["seed build: empty font cache / warm"] = cold.seconds / warm.seconds
    big = _find(results, "build attachment docx+xlsx+pdf")
    if big:
        found[f"{big.items}-item attachment in three formats (peak MB)"] = big.rss_mb
    pdf, office = _find(results, "build seed attachment → PDF"), _find(results, "LibreOffice: seed DOCX → PDF (cold)")
    if pdf and office:
        found["seed PDF: LibreOffice / ours (whole process)"] = office.seconds / pdf.seconds
    serial = _find(results, "build unit sheets (300 units), --jobs 1")
    parallel = _find(results, "build unit sheets (300 units), default jobs")
    if serial and parallel:
        found["unit sheets: --jobs 1 / default (pool speed-up)"] = serial.seconds / parallel.seconds
    return found


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{value:.1f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "date": date.today().isoformat(),
            "load": load}


def table(results: list[Result], found: dict[str, float], info: dict[str, str], repeats: int) -> str:
    lines = [
        (f"{info['date']} · {info['cpus']} × {info['cpu']} · Python {info['python']} · load average before the run "
         f"{info['load']} · median of {repeats} fresh processes (marked ¹: one run; the seed PDF and LibreOffice: "
         f"{max(repeats, 7)} each, taking turns)"),
        "",
        "| measurement | items | seconds | peak MB |",
        "|---|---:|---:|---:|",
    ]
    for r in results:
        mark = " ¹" if len(r.runs) == 1 and repeats > 1 else ""
        lines.append(f"| {r.name}{mark} | {r.items if r.items is not None else ''} | {r.seconds:.3f} | {r.rss_mb:.0f} |")
    lines += ["", "| ratio | value |", "|---|---:|"]
    lines += [f"| {name} | {value:.2f} |" for name, value in found.items()]
    return "\n".join(lines)


def _compile_sources() -> None:
    """Write our modules' bytecode, as ``pip install`` does for an installed package.  An
    editable checkout under ``PYTHONDONTWRITEBYTECODE`` (some sandboxes and CI images set
    it) would otherwise compile every module in every timed run: 30 ms of a 0.3 s build."""
    compileall.compile_dir(ROOT / "src", quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one repeat, smaller plans")
    parser.add_argument("--repeats", type=int, help="runs per measurement (default 3, or 1 with --quick)")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latest.json", help="where to write results")
    args = parser.parse_args()
    repeats = args.repeats or (1 if args.quick else 3)
    started = time.perf_counter()
    _compile_sources()
    with tempfile.TemporaryDirectory(prefix="workplan-bench-") as work:
        results = measure(args.quick, repeats, Path(work))
    found, info = ratios(results, args.quick), machine()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": info, "repeats": repeats, "quick": args.quick,
                                     "results": [asdict(r) for r in results], "ratios": found},
                                    ensure_ascii=False, indent=2), encoding="utf-8")
    print(table(results, found, info, repeats))
    print(f"\n({time.perf_counter() - started:.0f} s; written {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json})",
          file=sys.stderr)


if __name__ == "__main__":
    main()
