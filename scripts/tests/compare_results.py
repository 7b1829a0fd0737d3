#!/usr/bin/env python3
"""Checks on tbptt results folders, for the cluster and fault tests.

  compare_results.py metrics A B   every run of A and B has the same metrics.json, timing aside
  compare_results.py summary A B   summary.csv and table.md are the same, timing columns aside
  compare_results.py valid DIR     every file parses, every run of the manifest is present once
                                   and done, no temporary file is left, the report is complete
Exit 0 when the check holds, 1 with the differences otherwise.
"""
import csv
import io
import json
import os
import re
import sys


def is_timing(name):
    # The same rule as harness/report/metric_names.cpp (is_timing_metric).
    return (name in ("cpu_seconds", "wall_seconds", "tokens_per_second", "gflops", "cpu_to_target",
                     "wall_to_target")
            or name.endswith("_seconds") or name.endswith("per_second") or name.endswith("_to_target_ratio"))


def comparable_metrics(path):
    with open(path) as f:
        m = json.load(f)
    for part in ("final", "best"):
        m[part] = {k: v for k, v in m.get(part, {}).items() if not is_timing(k)}
    return m


def run_ids(folder):
    return sorted(os.listdir(os.path.join(folder, "runs")))


def check_metrics(a, b):
    problems = []
    if run_ids(a) != run_ids(b):
        problems.append(f"run folders differ: {run_ids(a)} vs {run_ids(b)}")
        return problems
    for rid in run_ids(a):
        ma = comparable_metrics(os.path.join(a, "runs", rid, "metrics.json"))
        mb = comparable_metrics(os.path.join(b, "runs", rid, "metrics.json"))
        if ma != mb:
            problems.append(f"{rid}: metrics differ")
    return problems


def summary_rows(folder):
    with open(os.path.join(folder, "summary.csv")) as f:
        rows = list(csv.reader(f))
    keep = [i for i, name in enumerate(rows[0]) if not any(is_timing(p) for p in re.split(r"[ :]", name))
            and "seconds" not in name]
    return [[row[i] for i in keep] for row in rows]


def check_summary(a, b):
    problems = []
    if summary_rows(a) != summary_rows(b):
        problems.append("summary.csv differs (timing columns aside)")
    return problems


def check_valid(folder):
    problems = []
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    ids = [r["id"] for r in manifest["runs"]]
    if len(ids) != len(set(ids)):
        problems.append("the manifest lists a run twice")
    if run_ids(folder) != sorted(ids):
        problems.append(f"run folders {run_ids(folder)} are not the manifest's runs {sorted(ids)}")
    for rid in ids:
        run = os.path.join(folder, "runs", rid)
        for name in ("config.yaml", "curve.csv", "metrics.json"):
            if not os.path.isfile(os.path.join(run, name)):
                problems.append(f"{rid}: no {name}")
        try:
            with open(os.path.join(run, "metrics.json")) as f:
                m = json.load(f)
            if m.get("id") != rid:
                problems.append(f"{rid}: metrics.json holds id {m.get('id')}")
            with open(os.path.join(run, "curve.csv")) as f:
                rows = list(csv.reader(f))
            # A run that failed before its first evaluation has a header and no row.
            least = 1 if m.get("status") == "failed" else 2
            if len(rows) < least or any(len(r) != len(rows[0]) for r in rows):
                problems.append(f"{rid}: curve.csv is ragged or empty")
        except (OSError, ValueError) as e:
            problems.append(f"{rid}: {e}")
    for root, _, files in os.walk(folder):
        for name in files:
            if name.startswith(".tbptt-tmp."):
                problems.append(f"temporary file left: {os.path.join(root, name)}")
    if manifest.get("status") != "complete" or manifest.get("end_time") is None:
        problems.append(f"manifest status {manifest.get('status')}, end_time {manifest.get('end_time')}")
    counts = manifest.get("counts", {})
    if counts.get("missing", -1) != 0 or sum(counts.values()) != len(ids):
        problems.append(f"manifest counts {counts}")
    with open(os.path.join(folder, "summary.csv")) as f:
        if len(list(csv.reader(f))) != len(ids) + 1:
            problems.append("summary.csv does not have one row per run")
    if not os.path.isfile(os.path.join(folder, "table.md")):
        problems.append("no table.md")
    return problems


def main(argv):
    if len(argv) == 4 and argv[1] in ("metrics", "summary"):
        problems = (check_metrics if argv[1] == "metrics" else check_summary)(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "valid":
        problems = check_valid(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print(f"compare_results.py {argv[1]}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
