#!/usr/bin/python3
"""Runs the paper reproductions in experiments/paper/ and checks their published figures.

Each check names a run by its swept values and a final metric that must land within a tolerance
of a level. Levels given as "reference_<name>" are read from the run's own metrics.json (the
task computes them in closed form, e.g. the add_stream plateaus of Marschall et al. 2020).

Usage: python3 scripts/reproduce_paper.py [--tbptt build/harness/tbptt] [--only NAME] [--out DIR]
Exit 0 when every check passes, 1 otherwise.
"""

import argparse
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# experiment file -> list of (swept values, metric, level, tolerance, what the paper says)
CHECKS = {
    "experiments/paper/marschall2020_add_stream.yaml": [
        ({"train.tbptt.k2": "1"}, "loss", "reference_no_memory", 0.02,
         "k2 = 1 cannot see the lag-3 dependency: the no-memory plateau, 0.6616 nats"),
        ({"train.tbptt.k2": "4"}, "loss", "reference_t1_only", 0.02,
         "k2 = 4 learns the lag-3 dependency only: 0.5192 nats"),
        ({"train.tbptt.k2": "12"}, "loss", "reference_both", 0.02,
         "k2 = 12 learns both dependencies: 0.4545 nats"),
    ],
}


def load_runs(out_dir):
    runs = []
    for path in sorted((out_dir / "runs").glob("*/metrics.json")):
        runs.append(json.loads(path.read_text()))
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tbptt", default=str(ROOT / "build/harness/tbptt"))
    parser.add_argument("--only", help="run only experiments whose file name contains this")
    parser.add_argument("--out", default=str(ROOT / "results/paper"))
    args = parser.parse_args()

    failures = 0
    for experiment, checks in CHECKS.items():
        if args.only and args.only not in experiment:
            continue
        out_dir = pathlib.Path(args.out) / pathlib.Path(experiment).stem
        print(f"== {experiment} -> {out_dir}", flush=True)
        subprocess.run([args.tbptt, "run", str(ROOT / experiment), "--output", str(out_dir)], check=True)
        runs = load_runs(out_dir)
        for swept, metric, level, tol, claim in checks:
            matching = [r for r in runs if all(r["swept"].get(k) == v for k, v in swept.items())]
            if not matching:
                print(f"FAIL  no run with {swept}")
                failures += 1
                continue
            for run in matching:
                final = run["final"]
                target = final[level] if isinstance(level, str) else level
                value = final.get(metric)
                ok = value is not None and abs(value - target) <= tol
                failures += not ok
                print(f"{'ok  ' if ok else 'FAIL'}  {run['setting']:<24} {metric} = {value:.4f}, "
                      f"expected {target:.4f} +- {tol}  ({claim})")
    print("all checks passed" if failures == 0 else f"{failures} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
