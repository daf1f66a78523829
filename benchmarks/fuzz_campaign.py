"""A long fuzz campaign, outside the test suite: N generated plans (default 10,000) through
every writer, with the checks of tests/test_fuzz.py (``check_plan``).

    python benchmarks/fuzz_campaign.py            # 10,000 plans on 2 processes
    python benchmarks/fuzz_campaign.py -n 500 --workers 1

Each process runs Hypothesis with its own seed and no example database, so a campaign
explores fresh plans and a failure is shrunk to a small one, which is printed.  The exit
status is 1 when any plan failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checks live in the tests package


def _campaign(job: tuple[int, int]) -> tuple[Counter[str], str | None]:
    """Run ``count`` plans with Hypothesis seed ``worker``: outcomes, and the failure if any."""
    from hypothesis import HealthCheck, given, seed, settings

    from tests.test_fuzz import check_plan, plans

    worker, count = job
    outcomes: Counter[str] = Counter()

    @seed(worker)
    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=plans())
    def run(data: dict) -> None:  # type: ignore[type-arg]
        outcomes[check_plan(data)] += 1
        done = sum(outcomes.values())
        if done % 500 == 0:
            print(f"  worker {worker}: {done} plans", file=sys.stderr, flush=True)

    try:
        run()
    except Exception as error:  # noqa: BLE001 - the campaign reports any failure, shrunk
        return outcomes, f"{type(error).__name__}: {error}"
    return outcomes, None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--plans", type=int, default=10_000, help="plans in all (default 10,000)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    args = parser.parse_args()
    shares = [args.plans // args.workers + (i < args.plans % args.workers) for i in range(args.workers)]
    started = time.perf_counter()
    with Pool(args.workers) as pool:
        results = pool.map(_campaign, list(enumerate(shares)))
    elapsed = time.perf_counter() - started
    outcomes: Counter[str] = sum((counts for counts, _ in results), Counter())
    failures = [failure for _, failure in results if failure]
    total = sum(outcomes.values())
    print(f"{total} plans in {elapsed:.0f} s on {args.workers} processes ({total / elapsed:.1f} plans/s): "
          f"PDF written and read back {outcomes['pdf']}, PDF refused for missing glyphs {outcomes['refused']}; "
          f"failures {len(failures)}")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
