"""Copy task (Arjovsky, Shah & Bengio 2016; Ke et al. 2018): experiments/paper/arjovsky2016_copy.yaml.

The loss at a recall step depends on a symbol delay + length steps back (delay + 1 to
delay + 2 * length - 1 for the ten symbols), so a window of k2 <= delay + 10 steps cannot reach
back to the symbol of any recall step with k2 < delay + 1 and only to part of them below
delay + 2 * length. The baseline is the task's chance loss, length * ln(symbols) /
(delay + 2 * length) nats per step: blanks, then a uniform guess.
"""

import pathlib

import reproduce_common as common

NAME = "copy"
TITLE = "Copy task: TBPTT(k, k) cannot learn a delay longer than its window; full BPTT can"
PAPER = "Arjovsky, Shah & Bengio 2016, ICML (sec. 4.1); Ke et al. 2018, NeurIPS (sparse attentive backtracking)"
EXPERIMENT = "arjovsky2016_copy.yaml"
DELAY = 30


def run(ctx):
    sets = ["train.tokens=200000", "eval.sequences=64", "sweep.seed=[1]"] if ctx.quick else []
    runs = ctx.run_experiment(EXPERIMENT, sets)
    rows = []
    for r in runs:
        k1, k2 = r["swept"].get("train.tbptt.k1", "full"), r["swept"].get("train.tbptt.k2", "full")
        updates = common.final(r, "updates")
        rows.append({"k1": k1, "k2": k2, "seed": int(r["swept"].get("seed", 1)), "status": r["status"],
                     "loss": common.final(r, "loss"), "accuracy": common.final(r, "accuracy"),
                     "chance_loss": common.final(r, "chance_loss"),
                     "seconds_per_update": common.final(r, "cpu_seconds") / updates if updates else None})
    return {"delay": DELAY, "length": 10, "rows": rows,
            "model": common.model_text(ctx.out / pathlib.Path(EXPERIMENT).stem)}


def order(row):
    """Full BPTT first, then by window, then by seed."""
    return (row["k2"] != "full", 0 if row["k2"] == "full" else int(row["k2"]), row["seed"])


def label(row):
    return "full BPTT" if row["k2"] == "full" else f"TBPTT({row['k1']}, {row['k2']})"


def check(data):
    rows, delay = sorted(data["rows"], key=order), data["delay"]
    full = [r for r in rows if r["k2"] == "full"]
    short = [r for r in rows if r["k2"] != "full" and int(r["k2"]) <= delay + 10]
    checks = []
    bad = [r for r in short if not (r["loss"] >= 0.9 * r["chance_loss"] and r["accuracy"] <= 0.25)]
    checks.append(common.Check(
        f"every TBPTT run with k2 <= {delay + 10} stays at >= 0.9 x baseline loss and <= 25% recall accuracy",
        bool(short) and not bad,
        "; ".join(f"{label(r)} seed {r['seed']}: {r['loss'] / r['chance_loss']:.3f} x baseline, "
                  f"{100 * r['accuracy']:.1f}%" for r in short)))
    solved = [r for r in full if r["loss"] <= 0.5 * r["chance_loss"] or r["accuracy"] >= 0.6]
    checks.append(common.Check(
        "full BPTT reaches 0.5 x baseline loss or 60% recall accuracy in at least 2 of 3 seeds",
        len(solved) >= 2,
        f"{len(solved)} of {len(full)}: " + "; ".join(
            f"seed {r['seed']}: {r['loss'] / r['chance_loss']:.3f} x baseline, {100 * r['accuracy']:.1f}%"
            for r in full)))
    settings = {}
    for r in rows:
        settings.setdefault(label(r), []).append(r["seconds_per_update"])
    timed = {k: v for k, v in settings.items() if all(t is not None and t > 0 for t in v)}
    checks.append(common.Check(
        "the time per update of each setting, side by side",
        len(timed) == len(settings) and bool(settings),
        "; ".join(f"{k}: {1e3 * common.median(v):.2f} ms" for k, v in settings.items()
                  if k in timed)))
    return checks


def plot(data, out_stem):
    plt = common.pyplot()
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(13, 3.9))
    names = []
    for r in sorted(data["rows"], key=order):
        if label(r) not in names:
            names.append(label(r))
    for i, name in enumerate(names):
        rs = [r for r in data["rows"] if label(r) == name]
        ax1.scatter([i] * len(rs), [r["loss"] / r["chance_loss"] for r in rs], color=f"C{i}")
        ax2.scatter([i] * len(rs), [100 * r["accuracy"] for r in rs], color=f"C{i}")
        times = [1e3 * r["seconds_per_update"] for r in rs if r["seconds_per_update"]]
        if times:
            ax3.bar(i, common.median(times), color=f"C{i}")
            ax3.text(i, common.median(times), f"{common.median(times):.2f}", ha="center", va="bottom", fontsize=8)
    ax1.axhline(0.9, color="gray", ls="--", lw=0.8)
    ax1.axhline(0.5, color="gray", ls=":", lw=0.8)
    ax2.axhline(25, color="gray", ls="--", lw=0.8)
    ax2.axhline(60, color="gray", ls=":", lw=0.8)
    for ax, ylabel in ((ax1, "held-out loss / baseline (dashed 0.9, dotted 0.5)"),
                       (ax2, "recall accuracy, % (dashed 25, dotted 60)"),
                       (ax3, "training CPU time per update (ms, median of seeds)")):
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=20, fontsize=8)
        ax.set_ylabel(ylabel, fontsize=9)
    model = f"{data['model']}, " if data.get("model") else ""
    fig.suptitle(f"copy, delay {data['delay']}, length {data['length']}, {model}one dot per seed, equal token budgets")
    common.save_figure(fig, out_stem)
