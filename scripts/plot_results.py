#!/usr/bin/python3
"""Plot a finished tbptt-bench sweep: k1 x k2 heatmap, learning curves, cost/accuracy frontier.

Reads RESULTS_DIR/summary.csv (one row per run: swept keys such as train.tbptt.k1,
train.tbptt.k2, seed, and metrics such as loss, accuracy, cpu_seconds, tokens_per_second,
fidelity_cos) and RESULTS_DIR/runs/*/curve.csv (update, tokens, wall_s, cpu_s, train_loss,
grad_norm, clip_rate, lr, then eval metrics). Writes PNG and SVG into RESULTS_DIR/plots/:
  heatmap_<metric>   final metric, mean over seeds, per (k1, k2); one panel per combination of
                     the other swept keys (e.g. clip threshold)
  curves             train loss (and the eval metric) against tokens, mean over seeds per setting
  frontier           final metric against CPU seconds per setting (seed spread as error bars),
                     with the Pareto frontier
Missing columns or files skip the affected plot with a note; nothing here is fatal but an
unreadable summary.csv.

Usage:
  /usr/bin/python3 scripts/plot_results.py results/copy-truncation [--metric accuracy]
      [--out DIR] [--formats png,svg]
"""

import argparse
import collections
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import matplotlib.ticker  # noqa: E402

RUN_ID_COLUMNS = ("id", "run_id", "run", "run_dir")
METRIC_PREFERENCE = ("accuracy", "bits_per_char", "bpc", "perplexity", "loss", "mse",
                     "eval_loss")
LOWER_IS_BETTER = ("loss", "bpc", "bits", "perplexity", "mse", "error", "seconds")
NOT_SWEPT = {"status", "reason"}


# ----------------------------------------------------------------------------- reading

def to_number(text):
    """float for numeric text, None for empty / nan-like; other text is returned as is."""
    if text is None:
        return None
    t = text.strip()
    if t == "" or t.lower() in ("na", "n/a", "none", "null"):
        return None
    try:
        v = float(t)
    except ValueError:
        return t
    return None if math.isnan(v) else v


def read_csv(path):
    with open(path, newline="") as f:
        return [{k.strip(): v for k, v in row.items() if k is not None} for row in csv.DictReader(f)]


def key_sort(value):
    """Order swept values numerically, 'full' / 'off' / text after numbers."""
    v = to_number(value) if isinstance(value, str) else value
    return (0, v, "") if isinstance(v, float) else (1, 0.0, str(value))


def find_column(columns, *names):
    for n in names:
        if n in columns:
            return n
    for n in names:
        for c in columns:
            if c.endswith("." + n):
                return c
    return None


def classify(rows):
    """Split summary columns into swept keys (dotted names, seed) and numeric metrics."""
    columns = list(rows[0].keys()) if rows else []
    swept, metrics = [], []
    for c in columns:
        if c in RUN_ID_COLUMNS or c in NOT_SWEPT:
            continue
        if c.startswith("best."):  # best-so-far metrics, not settings
            continue
        if "." in c or c in ("seed", "k1", "k2"):
            swept.append(c)
        elif any(isinstance(to_number(r.get(c)), float) for r in rows):
            metrics.append(c)
    return swept, metrics


def setting_of(row, keys):
    return tuple(row.get(k, "") for k in keys)


def short(key):
    return key.split(".")[-1]


def label_of(keys, setting):
    return ", ".join(f"{short(k)}={v}" for k, v in zip(keys, setting)) or "all runs"


def mean_std(values):
    vals = [v for v in values if isinstance(v, float)]
    if not vals:
        return None, None
    m = sum(vals) / len(vals)
    sd = math.sqrt(sum((v - m) ** 2 for v in vals) / (len(vals) - 1)) if len(vals) > 1 else 0.0
    return m, sd


def save(fig, out_dir, name, formats):
    paths = []
    for ext in formats:
        p = os.path.join(out_dir, f"{name}.{ext}")
        fig.savefig(p, dpi=130, bbox_inches="tight")
        paths.append(p)
    plt.close(fig)
    print("wrote " + ", ".join(os.path.relpath(p) for p in paths))


# ----------------------------------------------------------------------------- plots

def heatmap(rows, swept, metric, out_dir, formats):
    k1c, k2c = find_column(swept, "k1"), find_column(swept, "k2")
    if not (k1c and k2c):
        print("note: no k1/k2 columns in summary.csv: no heatmap")
        return
    others = [k for k in swept if k not in (k1c, k2c, "seed")]
    others = [k for k in others if len({r.get(k) for r in rows}) > 1]
    panels = sorted({setting_of(r, others) for r in rows}, key=lambda s: [key_sort(v) for v in s])
    if len(panels) > 12:
        print(f"note: {len(panels)} combinations of {others}: heatmap shows the first 12")
        panels = panels[:12]
    k1s = sorted({r.get(k1c) for r in rows}, key=key_sort)
    k2s = sorted({r.get(k2c) for r in rows}, key=key_sort)
    cols = min(3, len(panels))
    nrows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(1.0 + 0.9 * len(k2s) * cols + 1.5,
                                                  0.8 + 0.7 * len(k1s) * nrows + 0.6),
                             squeeze=False)
    lower = any(w in metric.lower() for w in LOWER_IS_BETTER)
    cmap = "viridis_r" if lower else "viridis"
    values = collections.defaultdict(list)
    for r in rows:
        values[(setting_of(r, others), r.get(k1c), r.get(k2c))].append(to_number(r.get(metric)))
    grid_all = [mean_std(v)[0] for v in values.values()]
    finite = [v for v in grid_all if v is not None]
    vmin, vmax = (min(finite), max(finite)) if finite else (0, 1)
    for ax, panel in zip(axes.flat, panels):
        grid = [[mean_std(values.get((panel, a, b), []))[0] for b in k2s] for a in k1s]
        data = [[math.nan if v is None else v for v in row] for row in grid]
        im = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        ax.set_xticks(range(len(k2s)), [str(v) for v in k2s])
        ax.set_yticks(range(len(k1s)), [str(v) for v in k1s])
        ax.set_xlabel("k2")
        ax.set_ylabel("k1")
        ax.set_title(label_of(others, panel), fontsize=9)
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                if v is not None:
                    ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8,
                            color="white" if (v - vmin) / ((vmax - vmin) or 1) < 0.5 else "black")
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label=f"{metric} (mean over seeds)")
    fig.suptitle(f"final {metric} by truncation (k1, k2)")
    save(fig, out_dir, f"heatmap_{metric}", formats)


def run_folder_index(results_dir, rows):
    """Map run folder -> summary row, through an id column or the folder list."""
    runs_dir = os.path.join(results_dir, "runs")
    if not os.path.isdir(runs_dir):
        return {}
    folders = sorted(d for d in os.listdir(runs_dir) if os.path.isdir(os.path.join(runs_dir, d)))
    idc = next((c for c in RUN_ID_COLUMNS if rows and c in rows[0]), None)
    index = {}
    if idc:
        by_id = {os.path.basename(str(r.get(idc, "")).rstrip("/")): r for r in rows}
        for d in folders:
            if d in by_id:
                index[d] = by_id[d]
    if not index and len(folders) == len(rows) and not idc:
        print("note: summary.csv has no run id column; matching runs/ folders by order")
        index = dict(zip(folders, rows))
    return index


def read_curve(path):
    try:
        rows = read_csv(path)
    except OSError:
        return None
    out = collections.defaultdict(list)
    for r in rows:
        for k, v in r.items():
            out[k].append(to_number(v))
    return out


def average_curves(curves, x_key, y_key):
    """Mean over seeds of y at each x present in every curve (curves share their x grid)."""
    series = []
    for c in curves:
        pts = {x: y for x, y in zip(c.get(x_key, []), c.get(y_key, []))
               if isinstance(x, float) and isinstance(y, float)}
        if pts:
            series.append(pts)
    if not series:
        return [], []
    xs = sorted(set.intersection(*(set(s) for s in series)))
    return xs, [sum(s[x] for s in series) / len(series) for x in xs]


def curves_plot(results_dir, rows, swept, metric, out_dir, formats):
    index = run_folder_index(results_dir, rows)
    if not index:
        print("note: no runs/*/curve.csv matched to summary.csv: no learning curves")
        return
    keys = [k for k in swept if k != "seed" and len({r.get(k) for r in rows}) > 1]
    groups = collections.defaultdict(list)
    for folder, row in index.items():
        c = read_curve(os.path.join(results_dir, "runs", folder, "curve.csv"))
        if c:
            groups[setting_of(row, keys)].append(c)
    if not groups:
        print("note: no readable curve.csv: no learning curves")
        return
    sample = next(iter(groups.values()))[0]
    x_key = next((k for k in ("tokens", "update", "step") if k in sample), None)
    base = {"update", "tokens", "wall_s", "cpu_s", "train_loss", "grad_norm", "clip_rate", "lr"}
    eval_key = metric if metric in sample else next(
        (k for k in sample if k not in base and k not in ("step",)), None)
    panels = [k for k in ("train_loss", eval_key) if k and k in sample]
    if not x_key or not panels:
        print("note: curve.csv lacks tokens/update or train_loss columns: no learning curves")
        return
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.2), squeeze=False)
    order = sorted(groups, key=lambda s: [key_sort(v) for v in s])
    cmap = plt.get_cmap("viridis", max(2, len(order)))
    for ax, y_key in zip(axes.flat, panels):
        for i, setting in enumerate(order):
            xs, ys = average_curves(groups[setting], x_key, y_key)
            if xs:
                ax.plot(xs, ys, color=cmap(i), lw=1.4, label=label_of(keys, setting))
        ax.set_xlabel(x_key)
        ax.set_ylabel(y_key + " (mean over seeds)")
        ax.grid(alpha=0.3)
        if "loss" in y_key:
            ax.set_yscale("log")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if len(labels) <= 40:
        fig.legend(handles, labels, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7,
                   ncol=1 if len(labels) <= 14 else 2)
    fig.suptitle("learning curves per setting")
    save(fig, out_dir, "curves", formats)


def pareto(points, lower_better):
    """Points (cost, value) not dominated by a cheaper-and-better one, by increasing cost."""
    best, front = None, []
    for cost, value in sorted(points):
        if best is None or (value < best if lower_better else value > best):
            best = value
            front.append((cost, value))
    return front


def frontier(rows, swept, metric, out_dir, formats):
    cost = next((c for c in ("cpu_seconds", "cpu_s", "wall_seconds", "seconds") if rows and c in rows[0]), None)
    if not cost:
        print("note: no cpu_seconds column: no cost/accuracy frontier")
        return
    keys = [k for k in swept if k != "seed" and len({r.get(k) for r in rows}) > 1]
    groups = collections.defaultdict(list)
    for r in rows:
        groups[setting_of(r, keys)].append((to_number(r.get(cost)), to_number(r.get(metric))))
    pts = []
    for setting, vals in groups.items():
        cm, cs = mean_std([c for c, _ in vals])
        mm, ms = mean_std([m for _, m in vals])
        if cm is not None and mm is not None:
            pts.append((cm, mm, cs, ms, setting))
    if not pts:
        print(f"note: no rows with both {cost} and {metric}: no frontier")
        return
    lower = any(w in metric.lower() for w in LOWER_IS_BETTER)
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.errorbar([p[0] for p in pts], [p[1] for p in pts], xerr=[p[2] for p in pts],
                yerr=[p[3] for p in pts], fmt="o", ms=5, alpha=0.8, capsize=2)
    if len(pts) <= 40:
        for c, m, _, _, s in pts:
            ax.annotate(label_of(keys, s), (c, m), fontsize=7, xytext=(4, 3),
                        textcoords="offset points")
    front = pareto([(p[0], p[1]) for p in pts], lower)
    ax.plot([f[0] for f in front], [f[1] for f in front], "r--", lw=1, label="Pareto frontier")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.xaxis.set_minor_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_xlabel(f"{cost} (mean over seeds)")
    ax.set_ylabel(f"final {metric}" + (" (lower is better)" if lower else ""))
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    ax.set_title(f"{metric} against cost")
    save(fig, out_dir, "frontier", formats)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results_dir", metavar="RESULTS_DIR")
    ap.add_argument("--metric", help="metric to plot (default: accuracy, else bpc, else loss ...)")
    ap.add_argument("--out", help="output folder (default RESULTS_DIR/plots)")
    ap.add_argument("--formats", default="png,svg")
    args = ap.parse_args(argv)
    summary = os.path.join(args.results_dir, "summary.csv")
    try:
        rows = read_csv(summary)
    except OSError as e:
        print(f"plot_results.py: error: cannot read {summary}: {e}", file=sys.stderr)
        return 2
    if not rows:
        print(f"plot_results.py: error: {summary} has no rows", file=sys.stderr)
        return 2
    if "status" in rows[0]:
        ok = [r for r in rows if r.get("status", "ok") in ("ok", "")]
        if len(ok) < len(rows):
            print(f"note: leaving out {len(rows) - len(ok)} run(s) whose status is not ok")
        rows = ok or rows
    swept, metrics = classify(rows)
    metric = args.metric or next((m for m in METRIC_PREFERENCE if m in metrics),
                                 metrics[0] if metrics else None)
    if metric is None or metric not in rows[0]:
        print(f"plot_results.py: error: no metric {metric!r}; numeric columns: {metrics}",
              file=sys.stderr)
        return 2
    out_dir = args.out or os.path.join(args.results_dir, "plots")
    os.makedirs(out_dir, exist_ok=True)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    print(f"{len(rows)} runs; swept: {', '.join(swept) or '-'}; metric: {metric}")
    heatmap(rows, swept, metric, out_dir, formats)
    curves_plot(args.results_dir, rows, swept, metric, out_dir, formats)
    frontier(rows, swept, metric, out_dir, formats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
