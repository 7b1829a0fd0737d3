"""Influence balancing (Tallec & Ollivier 2017): experiments/paper/tallec2017_influence.yaml.

The system s' = A s + theta u (models/influence_cell.hpp) trained by TBPTT(K, K) with the loss on
s_1 at each window's end. Two measurements, both from the engine:
  sensitivity  d s_1 / d theta over K steps, K = 1..100, from `tbptt bias --sensitivity` (the
               per-lag parts of the engine's backward seeded with d s_1 = 1; no closed form here)
  trajectories theta at every evaluation of each run (curve column param_l0.theta) and at the end
Definitions used by the checks:
  diverged     the run stopped on a non-finite loss or gradient, or its final theta is not finite
  wrong way    the final theta is above theta_0 = 0.5: it moved away from the optimum -1/6
"""

import csv
import math
import pathlib

import reproduce_common as common

NAME = "influence"
TITLE = "Influence balancing: the sign of the truncated gradient against the truncation length K"
PAPER = ("Tallec & Ollivier 2017, 'Unbiased online recurrent optimization', ICLR 2018, sec. 5; the setting of "
         "the PES code of Vicol, Metz & Sohl-Dickstein 2021")
EXPERIMENT = "tallec2017_influence.yaml"
THETA = "param_l0.theta"
THETA0 = 0.5
OPTIMUM = -1.0 / 6.0
LENGTH = 100
# The claimed sensitivities (two decimals) and the K at which it first turns negative.
CLAIMED = {1: 1.0, 5: 5.0, 10: 10.0, 15: 14.68, 20: 16.48, 25: 14.20, 30: 9.87, 40: 0.57, 50: -4.75, 100: -6.00}
FIRST_NEGATIVE = 41
SHORT, LONG = 40, 50  # K <= SHORT: theta > 1 or diverge; K >= LONG: |theta + 1/6| < TOL
TOL = 2e-3


def curve_theta(run_dir):
    """(updates, theta) at the run's evaluation points, from its curve.csv."""
    path = pathlib.Path(run_dir) / "curve.csv"
    if not path.exists():
        return [], []
    with path.open() as f:
        rows = [r for r in csv.DictReader(f) if r.get(THETA) not in (None, "")]
    return [int(r["update"]) for r in rows], [float(r[THETA]) for r in rows]


def run(ctx):
    sets = ["train.updates=300", "eval.every=10"] if ctx.quick else []
    rows = []
    out_dir = ctx.out / pathlib.Path(EXPERIMENT).stem
    for r in ctx.run_experiment(EXPERIMENT, sets):
        updates, theta = curve_theta(out_dir / "runs" / r["id"])
        rows.append({"K": int(r["swept"]["train.tbptt.k1"]), "clip": r["swept"]["train.clip.threshold"],
                     "status": r["status"], "theta": common.final(r, THETA, None),
                     "loss": common.final(r, "loss", None), "updates": updates, "theta_curve": theta})
    probe = ctx.engine_json(["bias", str(common.ROOT / "experiments/paper" / EXPERIMENT), "--sensitivity",
                             "--length", str(LENGTH), "--set", "sweep.train.clip.threshold=[off]"])
    first = probe[0]
    sensitivity = [v[first["parameters"].index("l0.theta")] for v in first["sensitivity"]]
    return {"length": LENGTH, "sensitivity": sensitivity, "rows": sorted(rows, key=lambda x: (x["clip"], x["K"]))}


def diverged(row):
    return row["status"] == "diverged" or row["theta"] is None or not math.isfinite(row["theta"])


def check(data):
    s = data["sensitivity"]
    at = lambda k: s[k - 1] if k <= len(s) else math.nan  # noqa: E731
    checks = []
    checks.append(common.Check(
        "the truncated sensitivity d s_1 / d theta over K steps is " +
        ", ".join(f"{v:g}" for v in CLAIMED.values()) + " for K = " + ", ".join(str(k) for k in CLAIMED),
        all(abs(at(k) - v) < 0.005 for k, v in CLAIMED.items()),
        ", ".join(f"K {k}: {at(k):.4f}" for k in CLAIMED)))
    negative = next((k for k in range(1, len(s) + 1) if s[k - 1] < 0), None)
    checks.append(common.Check(
        f"the sensitivity first turns negative at K = {FIRST_NEGATIVE}", negative == FIRST_NEGATIVE,
        f"first negative at K = {negative}" + (f" ({at(negative - 1):.4f} at K = {negative - 1}, "
                                                f"{at(negative):.4f} at K = {negative})" if negative and negative > 1 else "")))
    plain = [r for r in data["rows"] if r["clip"] == "off"]
    short = [r for r in plain if r["K"] <= SHORT]
    checks.append(common.Check(
        f"runs with K <= {SHORT} end with theta > 1 or diverge",
        bool(short) and all(diverged(r) or r["theta"] > 1 for r in short),
        "; ".join(f"K {r['K']}: " + ("diverged" if diverged(r) else f"{r['theta']:.4g}") for r in short)))
    long = [r for r in plain if r["K"] >= LONG]
    checks.append(common.Check(
        f"runs with K >= {LONG} end with |theta + 1/6| < {TOL:g}",
        bool(long) and all(not diverged(r) and abs(r["theta"] - OPTIMUM) < TOL for r in long),
        "; ".join(f"K {r['K']}: theta {common.fmt(r['theta'], 6)}" +
                  ("" if diverged(r) else f" (|theta + 1/6| = {abs(r['theta'] - OPTIMUM):.2e})") for r in long)))
    clipped = [r for r in data["rows"] if r["clip"] != "off" and r["K"] <= SHORT]
    checks.append(common.Check(
        f"clipping does not fix the sign: clipped runs with K <= {SHORT} still move theta away from -1/6 "
        f"(end above theta_0 = {THETA0} or diverge)",
        bool(clipped) and all(diverged(r) or r["theta"] > THETA0 for r in clipped),
        "; ".join(f"K {r['K']} clip {r['clip']}: " + ("diverged" if diverged(r) else f"{r['theta']:.4g}")
                  for r in clipped)))
    return checks


def plot(data, out_stem):
    plt = common.pyplot()
    s = data["sensitivity"]
    # Three panels: the sensitivity; theta for the runs that grow (K <= 40), on a symlog axis
    # because they span 12 decades; theta for K >= 42 on a linear axis, where the convergence to
    # -1/6 can be read (on the symlog axis those curves were squeezed into its linear band).
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(14.5, 4.2))
    ks = list(range(1, len(s) + 1))
    ax1.plot(ks, s, color="C0", lw=1.5, label="engine: d s_1 / d theta over K steps")
    ax1.scatter(list(CLAIMED), list(CLAIMED.values()), color="k", marker="x", s=30, zorder=3, label="claimed")
    ax1.axhline(0, color="gray", lw=0.8)
    ax1.axvline(FIRST_NEGATIVE, color="gray", ls=":", lw=0.8)
    ax1.text(FIRST_NEGATIVE + 1.5, max(s, default=1) * 0.85, f"K = {FIRST_NEGATIVE}", fontsize=8, color="gray")
    ax1.set_xlabel("truncation length K (steps)")
    ax1.set_ylabel("truncated d s_1 / d theta")
    ax1.set_title("sensitivity of s_1 to theta", fontsize=10)
    ax1.legend(fontsize=8, loc="lower left")
    rows = [r for r in data["rows"] if r["updates"]]
    Ks = sorted({r["K"] for r in rows})
    cmap = plt.get_cmap("viridis")
    for ax, part in ((ax2, [r for r in rows if r["K"] <= SHORT]), (ax3, [r for r in rows if r["K"] > SHORT])):
        for r in part:
            color = cmap(Ks.index(r["K"]) / max(1, len(Ks) - 1))
            ax.plot(r["updates"], r["theta_curve"], color=color, lw=1.2, ls="-" if r["clip"] == "off" else "--",
                    label=f"K = {r['K']}" if r["clip"] == "off" else None)
        ax.axhline(OPTIMUM, color="k", lw=0.8, ls=":")
        ax.axhline(THETA0, color="gray", lw=0.6, ls="-.")
        ax.set_xlabel("update")
    ax2.set_yscale("symlog", linthresh=1.0)
    ax2.set_ylim(bottom=-1.0)  # theta never goes below -1/6 here: no empty negative decades
    top = max((abs(v) for r in rows if r["K"] <= SHORT for v in r["theta_curve"] if math.isfinite(v)), default=1.0)
    ax2.set_yticks([-1, 0, 1] + [10.0 ** e for e in range(2, int(math.log10(max(top, 10))) + 1, 2)])
    ax2.set_ylabel("theta (symlog)")
    ax2.set_title(f"K <= {SHORT}: theta grows (dashed: clipped)", fontsize=10)
    ax2.legend(fontsize=7, ncol=2, loc="upper left")
    ax3.set_ylabel("theta (linear)")
    ax3.set_title(f"K >= 42: theta to -1/6 (dotted; dash-dot: theta_0 {THETA0})", fontsize=10)
    ax3.legend(fontsize=7, loc="center right")
    fig.suptitle("influence balancing (Tallec & Ollivier 2017): n = 23, p = 10, SGD lr 1e-4 (paper's loss), "
                 "3000 updates")
    common.save_figure(fig, out_stem)
