"""Gradient clipping (Pascanu, Mikolov & Bengio 2013): experiments/paper/pascanu2013_clipping.yaml.

Definitions used by the checks:
  spike     the largest per-update gradient norm (before clipping) over the run's median one
  blow-up   the run stopped on a non-finite loss or gradient, or ended with a held-out loss above
            10 x the task's chance loss (predicting 0.5: 1/24), i.e. the weights were thrown far
            out by an exploding gradient and did not come back
  solved    final held-out error_rate <= 0.01 (fewer than 1% of sequences with squared error
            above 0.04, the paper's criterion)
"""

import reproduce_common as common

NAME = "pascanu"
TITLE = "Clipping: exploding gradients on the adding problem, and what norm clipping changes"
PAPER = "Pascanu, Mikolov & Bengio 2013, 'On the difficulty of training recurrent neural networks', ICML"
EXPERIMENT = "pascanu2013_clipping.yaml"


def run(ctx):
    sets = ["train.updates=500", "eval.sequences=100", "eval.every=250", "sweep.seed=[1, 2]"] if ctx.quick else []
    rows = []
    for r in ctx.run_experiment(EXPERIMENT, sets):
        rows.append({"lr": float(r["swept"]["train.optimizer.lr"]), "clip": r["swept"]["train.clip.threshold"],
                     "seed": int(r["swept"]["seed"]), "status": r["status"],
                     "loss": common.final(r, "loss", None), "error_rate": common.final(r, "error_rate", None),
                     "chance_loss": common.final(r, "chance_loss", None),
                     "norm_max": common.final(r, "grad_norm_max", None),
                     "norm_median": common.final(r, "grad_norm_median", None)})
    return {"rows": sorted(rows, key=lambda x: (x["lr"], x["clip"], x["seed"]))}


def blew_up(row):
    if row["status"] == "diverged" or row["loss"] is None:
        return True
    return row["chance_loss"] is not None and row["loss"] > 10 * row["chance_loss"]


def solved(row):
    return not blew_up(row) and row["error_rate"] is not None and row["error_rate"] <= 0.01


def spike(row):
    if not row["norm_max"] or not row["norm_median"]:
        return 0.0
    return row["norm_max"] / row["norm_median"]


def check(data):
    rows = data["rows"]
    lrs = sorted({r["lr"] for r in rows})
    pick = lambda lr, clip: [r for r in rows if r["lr"] == lr and r["clip"] == clip]  # noqa: E731
    checks = []
    unclipped = [r for r in rows if r["clip"] == "off"]
    best = max(unclipped, key=spike, default=None)
    checks.append(common.Check(
        "gradient-norm spikes appear: max / median per-update norm above 10 (unclipped runs)",
        best is not None and spike(best) > 10,
        "; ".join(f"lr {lr}: largest {max((spike(r) for r in pick(lr, 'off')), default=0):.1f}" for lr in lrs)))
    if lrs:
        top = lrs[-1]
        off, one = pick(top, "off"), pick(top, "1")
        n_off, n_one = sum(blew_up(r) for r in off), sum(blew_up(r) for r in one)
        checks.append(common.Check(
            f"at the largest learning rate ({top}) unclipped runs blow up in at least 2 of 5 seeds",
            n_off >= 2, f"{n_off} of {len(off)} blew up"))
        checks.append(common.Check(
            f"at the largest learning rate ({top}) runs clipped at 1 never blow up",
            n_one == 0 and len(one) > 0, f"{n_one} of {len(one)} blew up"))
    counts = {lr: (sum(solved(r) for r in pick(lr, "1")), sum(solved(r) for r in pick(lr, "off"))) for lr in lrs}
    checks.append(common.Check(
        "at every learning rate, runs solved with clipping at 1 >= runs solved without",
        bool(counts) and all(c >= u for c, u in counts.values()),
        "; ".join(f"lr {lr}: clip 1 {c}, none {u} (clip 10 {sum(solved(r) for r in pick(lr, '10'))})"
                  for lr, (c, u) in counts.items())))
    return checks


def plot(data, out_stem):
    """Left: each run's final held-out error rate (what "solved" reads), the blown-up runs drawn at
    the top; right: each run's gradient-norm spike. One dot per run, the clip settings side by side."""
    plt = common.pyplot()
    from matplotlib.ticker import LogLocator, ScalarFormatter
    rows = data["rows"]
    lrs = sorted({r["lr"] for r in rows})
    clips = ["off", "10", "1"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 3.9))
    width = 0.25
    for j, clip in enumerate(clips):
        for i, lr in enumerate(lrs):
            g = [r for r in rows if r["lr"] == lr and r["clip"] == clip]
            x = i + (j - 1) * width
            ok = [r for r in g if not blew_up(r)]
            ax1.scatter([x] * len(ok), [r["error_rate"] for r in ok], color=f"C{j}", s=12,
                        label=f"clip {clip}" if i == 0 else None)
            up = [r for r in g if blew_up(r)]
            ax1.scatter([x] * len(up), [1.02] * len(up), color=f"C{j}", marker="x", s=30)
            # The counts in words: several runs can share a dot.
            ax1.text(x, 0.9, f"{sum(solved(r) for r in g)}s\n{len(up)}b", ha="center", va="top", fontsize=7,
                     color=f"C{j}")
            ax2.scatter([x] * len(g), [max(spike(r), 1e-1) for r in g], color=f"C{j}", s=12)
    ax1.axhline(0.01, color="gray", ls="--", lw=0.8)
    ax1.text(len(lrs) - 0.5, 0.015, "solved below 0.01", ha="right", va="bottom", fontsize=7, color="gray")
    ax1.set_ylim(0, 1.06)
    ax1.set_ylabel("final held-out error rate\n(x at the top: blown up)")
    ax1.set_title("solved (s) and blown-up (b) runs of 5", fontsize=9)
    ax1.legend(fontsize=8, loc="center right")
    ax2.set_yscale("log")
    ax2.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
    ax2.yaxis.set_major_formatter(ScalarFormatter())
    ax2.yaxis.set_minor_formatter(plt.NullFormatter())
    ax2.axhline(10, color="gray", ls="--", lw=0.8)
    ax2.set_ylabel("max / median gradient norm")
    ax2.set_title("spikes (before clipping); dashed: 10", fontsize=9)
    for ax in (ax1, ax2):
        ax.set_xticks(range(len(lrs)))
        ax.set_xticklabels([f"lr {lr}" for lr in lrs])
    fig.suptitle("adding (pascanu), L = 50, tanh RNN 50, rho(W_hh) = 0.95, SGD, batch 20, full BPTT "
                 "(one dot per run)", fontsize=10)
    common.save_figure(fig, out_stem)
