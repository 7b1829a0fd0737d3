#!/usr/bin/python3
"""Plot a finished tbptt-bench sweep: cost to target, learning curves, context, heat map, frontier.

Reads RESULTS_DIR/summary.csv (one row per run: swept keys such as train.tbptt.k1,
train.tbptt.k2, seed, and metrics such as accuracy, cpu_seconds, cpu_to_target,
tokens_to_target, target, activation_bytes), RESULTS_DIR/runs/*/curve.csv (update, tokens,
wall_s, cpu_s (training only), train_loss, grad_norm, clip_rate, lr, then eval metrics) and
RESULTS_DIR/runs/*/metrics.json (the context-utilisation series). Writes PNG and SVG into
RESULTS_DIR/plots/:
  cost_to_target     per setting, median CPU seconds to reach the target (x) against activation
                     memory (y); settings that did not reach it in every seed are marked apart
  target_curves      the eval metric against training tokens and against training CPU seconds,
                     mean over seeds per setting, with the target level drawn
  context            the context-utilisation curve: held-out metric with the state reset every L
                     steps, one line per setting (mean over seeds), "never" at the right
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
import json
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
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")


def setting_colours(n):
    cmap = plt.get_cmap("tab10" if n <= 10 else "viridis", max(2, n))
    return [cmap(i) for i in range(n)]


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
    # constrained layout keeps the panel titles clear of the figure title and the colour bar
    # clear of the panels; only the first column carries the k1 label.
    fig, axes = plt.subplots(nrows, cols, figsize=(1.5 + 1.0 * len(k2s) * cols + 1.5,
                                                  1.2 + 0.8 * len(k1s) * nrows + 0.6),
                             squeeze=False, layout="constrained")
    lower = any(w in metric.lower() for w in LOWER_IS_BETTER)
    cmap = "viridis_r" if lower else "viridis"
    values = collections.defaultdict(list)
    for r in rows:
        values[(setting_of(r, others), r.get(k1c), r.get(k2c))].append(to_number(r.get(metric)))
    grid_all = [mean_std(v)[0] for v in values.values()]
    finite = [v for v in grid_all if v is not None]
    vmin, vmax = (min(finite), max(finite)) if finite else (0, 1)
    for n, (ax, panel) in enumerate(zip(axes.flat, panels)):
        grid = [[mean_std(values.get((panel, a, b), []))[0] for b in k2s] for a in k1s]
        data = [[math.nan if v is None else v for v in row] for row in grid]
        im = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        ax.set_xticks(range(len(k2s)), [str(v) for v in k2s])
        ax.set_yticks(range(len(k1s)), [str(v) for v in k1s])
        ax.set_xlabel("k2")
        if n % cols == 0:
            ax.set_ylabel("k1")
        if others:
            ax.set_title(label_of(others, panel), fontsize=9)
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                if v is not None:
                    ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8,
                            color="white" if (v - vmin) / ((vmax - vmin) or 1) < 0.5 else "black")
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.9, label=f"{metric} (mean over seeds)")
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
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.2), squeeze=False,
                             layout="constrained")
    order = sorted(groups, key=lambda s: [key_sort(v) for v in s])
    colours = setting_colours(len(order))
    for ax, y_key in zip(axes.flat, panels):
        for i, setting in enumerate(order):
            xs, ys = average_curves(groups[setting], x_key, y_key)
            if xs:
                ax.plot(xs, ys, color=colours[i], lw=1.4, label=label_of(keys, setting))
        ax.set_xlabel(x_key)
        if x_key == "tokens":
            ax.xaxis.set_major_formatter(matplotlib.ticker.EngFormatter())
        ax.set_ylabel(y_key + " (mean over seeds)")
        ax.grid(alpha=0.3)
        if "loss" in y_key:
            ax.set_yscale("log")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if len(labels) <= 40:
        axes.flat[-1].legend(handles, labels, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7,
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
    fig, ax = plt.subplots(figsize=(7.5, 5), layout="constrained")
    # One colour and legend entry per setting instead of text beside each point: labels of
    # nearby points would lie on top of each other.
    pts.sort(key=lambda p: [key_sort(v) for v in p[4]])
    colours = setting_colours(len(pts))
    for i, (c, m, cs, ms, setting) in enumerate(pts):
        ax.errorbar([c], [m], xerr=[cs], yerr=[ms], fmt=MARKERS[i % len(MARKERS)], ms=7,
                    color=colours[i], capsize=2, label=label_of(keys, setting))
    front = pareto([(p[0], p[1]) for p in pts], lower)
    # Markers as well as the line, so that a one-point frontier still shows in the legend.
    ax.plot([f[0] for f in front], [f[1] for f in front], "--", color="red", lw=1, marker="o",
            ms=13, mfc="none", label="Pareto frontier")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.xaxis.set_minor_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_xlabel(f"{cost} (mean over seeds)")
    ax.set_ylabel(f"final {metric}" + (" (lower is better)" if lower else ""))
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    ax.set_title(f"final {metric} against CPU seconds (equal token budget)")
    save(fig, out_dir, "frontier", formats)


def median(values):
    vals = sorted(v for v in values if isinstance(v, float))
    if not vals:
        return None
    mid = len(vals) // 2
    return vals[mid] if len(vals) % 2 else 0.5 * (vals[mid - 1] + vals[mid])


def varying_keys(rows, swept):
    return [k for k in swept if k != "seed" and len({r.get(k) for r in rows}) > 1]


def cost_to_target_plot(rows, swept, all_rows, out_dir, formats):
    """Median CPU seconds to target against activation memory, one point per setting."""
    if not rows or "cpu_to_target" not in rows[0] and "reached_target" not in rows[0]:
        print("note: summary.csv has no cost to target: no cost_to_target plot")
        return
    keys = varying_keys(rows, swept)
    groups = collections.defaultdict(list)
    for r in all_rows:
        groups[setting_of(r, keys)].append(r)
    order = sorted(groups, key=lambda s: [key_sort(v) for v in s])
    reached, missed = [], []
    for setting in order:
        runs = groups[setting]
        cpu = [to_number(r.get("cpu_to_target")) for r in runs]
        memory = mean_std([to_number(r.get("activation_bytes")) for r in runs])[0]
        if memory is None:
            continue
        ok = all(r.get("status", "ok") == "ok" for r in runs)
        n_reached = sum(1 for c in cpu if isinstance(c, float))
        entry = (setting, median(cpu), memory, n_reached, len(runs))
        (reached if ok and n_reached == len(runs) else missed).append(entry)
    if not reached and not missed:
        print("note: no activation_bytes in summary.csv: no cost_to_target plot")
        return
    fig, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
    colours = dict(zip(order, setting_colours(len(order))))
    mib = 1024.0 * 1024.0
    best = min(reached, key=lambda e: (e[1], e[2])) if reached else None
    for i, (setting, cpu, memory, n, total) in enumerate(reached):
        ax.plot([cpu], [memory / mib], MARKERS[order.index(setting) % len(MARKERS)], ms=9,
                color=colours[setting], label=f"{label_of(keys, setting)}: {cpu:.3g} s")
    if best:
        ax.plot([best[1]], [best[2] / mib], "o", ms=17, mfc="none", color="red", label="pick")
    # Not reached in every seed: drawn in a strip right of the reached ones, hollow, with how
    # many seeds got there (their cost is undefined, so their x position means nothing).
    if missed:
        x_max = max([e[1] for e in reached] or [1.0])
        strip = x_max * 1.6
        ax.axvline(x_max * 1.3, color="grey", lw=0.8, ls=":")
        for setting, cpu, memory, n, total in missed:
            ax.plot([strip], [memory / mib], MARKERS[order.index(setting) % len(MARKERS)], ms=9,
                    mfc="none", mew=1.5, color=colours[setting],
                    label=f"{label_of(keys, setting)}: not reached ({n}/{total})")
        ax.text(strip, 0.98, "not reached", transform=ax.get_xaxis_transform(), ha="center",
                va="top", fontsize=8, color="grey")
        ax.set_xlim(0, strip * 1.25)
    else:
        ax.set_xlim(0, max(e[1] for e in reached) * 1.25)
    ax.set_ylim(0, max(e[2] for e in reached + missed) / mib * 1.2)
    ax.set_xlabel("CPU seconds to reach the target (median over seeds, training only)")
    ax.set_ylabel("activation memory (MiB)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    ax.set_title("cost to reach the baseline's quality against memory")
    save(fig, out_dir, "cost_to_target", formats)


def read_groups(results_dir, rows, keys):
    """setting -> [(summary row, curve)] for the runs whose curve.csv can be read."""
    groups = collections.defaultdict(list)
    for folder, row in run_folder_index(results_dir, rows).items():
        c = read_curve(os.path.join(results_dir, "runs", folder, "curve.csv"))
        if c:
            groups[setting_of(row, keys)].append((row, c))
    return groups


def mean_by_tokens(curves, y_key, extra_key):
    """Mean over seeds of y and of extra_key (e.g. cpu_s) at the token counts every seed has."""
    series = []
    for c in curves:
        pts = {x: (y, e) for x, y, e in zip(c.get("tokens", []), c.get(y_key, []), c.get(extra_key, []))
               if isinstance(x, float) and isinstance(y, float) and isinstance(e, float)}
        if pts:
            series.append(pts)
    if not series:
        return [], [], []
    xs = sorted(set.intersection(*(set(s) for s in series)))
    ys = [sum(s[x][0] for s in series) / len(series) for x in xs]
    es = [sum(s[x][1] for s in series) / len(series) for x in xs]
    return xs, ys, es


def target_curves_plot(results_dir, rows, swept, metric, out_dir, formats):
    keys = varying_keys(rows, swept)
    groups = read_groups(results_dir, rows, keys)
    if not groups:
        print("note: no readable curve.csv: no target_curves plot")
        return
    order = sorted(groups, key=lambda s: [key_sort(v) for v in s])
    colours = setting_colours(len(order))
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4), layout="constrained", sharey=True)
    for i, setting in enumerate(order):
        tokens, ys, cpu = mean_by_tokens([c for _, c in groups[setting]], metric, "cpu_s")
        if not tokens:
            continue
        style = dict(color=colours[i], lw=1.5, label=label_of(keys, setting))
        axes[0].plot(tokens, ys, **style)
        axes[1].plot(cpu, ys, **style)
    targets = sorted({t for t in (to_number(r.get("target")) for r in rows) if isinstance(t, float)})
    for ax in axes:
        for t in targets:
            ax.axhline(t, color="red", ls="--", lw=1)
        ax.grid(alpha=0.3)
    if targets:
        axes[0].text(0.01, targets[-1], " target", color="red", fontsize=8, va="bottom",
                     transform=axes[0].get_yaxis_transform())
    axes[0].set_xlabel("training tokens")
    axes[1].set_xlabel("training CPU seconds (evaluation excluded)")
    axes[0].set_ylabel(f"held-out {metric} (mean over seeds)")
    axes[0].xaxis.set_major_formatter(matplotlib.ticker.EngFormatter())
    axes[1].legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.suptitle(f"held-out {metric} against tokens and CPU time; dashed: the target")
    save(fig, out_dir, "target_curves", formats)


def context_plot(results_dir, rows, swept, metric, out_dir, formats):
    keys = varying_keys(rows, swept)
    groups = collections.defaultdict(list)
    for folder, row in run_folder_index(results_dir, rows).items():
        try:
            with open(os.path.join(results_dir, "runs", folder, "metrics.json")) as f:
                m = json.load(f)
        except (OSError, ValueError):
            continue
        series = m.get("series", {})
        periods, values = series.get("context_period"), series.get("context_" + metric)
        never = m.get("final", {}).get(metric)
        if periods and values and never is not None and None not in values:
            groups[setting_of(row, keys)].append((tuple(periods), values, never))
    if not groups:
        print("note: no context-utilisation series in metrics.json: no context plot")
        return
    order = sorted(groups, key=lambda s: [key_sort(v) for v in s])
    colours = setting_colours(len(order))
    fig, ax = plt.subplots(figsize=(7.5, 4.6), layout="constrained")
    longest = 1
    for i, setting in enumerate(order):
        runs = [g for g in groups[setting] if g[0] == groups[setting][0][0]]
        periods = list(runs[0][0])
        ys = [sum(r[1][j] for r in runs) / len(runs) for j in range(len(periods))]
        never = sum(r[2] for r in runs) / len(runs)
        longest = max(longest, max(periods))
        xs = [math.log2(p) for p in periods]
        never_x = math.log2(max(periods)) + 1
        ax.plot(xs + [never_x], ys + [never], marker=MARKERS[i % len(MARKERS)], color=colours[i],
                lw=1.4, label=label_of(keys, setting))
    never_x = math.log2(longest) + 1
    ticks = list(range(0, int(math.log2(longest)) + 1)) + [never_x]
    ax.set_xticks(ticks, [str(2 ** t) for t in ticks[:-1]] + ["never"])
    ax.set_xlabel("state reset every L steps (aligned to each held-out sequence's start)")
    ax.set_ylabel(f"held-out {metric} (mean over seeds)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    ax.set_title("context utilisation: what the trained model uses of the past")
    save(fig, out_dir, "context", formats)


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
    all_rows = rows
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
    cost_to_target_plot(rows, swept, all_rows, out_dir, formats)
    target_curves_plot(args.results_dir, rows, swept, metric, out_dir, formats)
    context_plot(args.results_dir, rows, swept, metric, out_dir, formats)
    heatmap(rows, swept, metric, out_dir, formats)
    curves_plot(args.results_dir, rows, swept, metric, out_dir, formats)
    frontier(rows, swept, metric, out_dir, formats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
