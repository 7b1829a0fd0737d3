"""Add-stream plateaus (Pitis 2016; Marschall, Cho & Savin 2020): experiments/paper/marschall2020_add_stream.yaml.

Convention for the boundaries: TBPTT(k1, k2) back-propagates through the last k2 steps, steps
t-k2+1 .. t for the loss at t (DESIGN.md section 1), and the bit x_{t-L} enters at step t-L. So the
loss at t reaches the input of lag L when k2 >= L + 1: the plateaus are expected to change at
k2 = t1 + 1 = 4 and k2 = t2 + 1 = 9, within one step. A run has reached a plateau when its
held-out loss is at most the level + the tolerance.
"""

import math

import reproduce_common as common

NAME = "add_stream"
TITLE = "Add-stream plateaus: TBPTT(1, n) and TBPTT(n, n) against the lags 3 and 8"
PAPER = "Pitis 2016, 'Styles of truncated backpropagation'; Marschall, Cho & Savin 2020, JMLR 21(135)"
EXPERIMENT = "marschall2020_add_stream.yaml"
NS = [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 16]
TOL = 0.02


def run(ctx):
    sets = ["train.tokens=60000", "eval.sequences=32", "sweep.seed=[1]"] if ctx.quick else []
    runs = ctx.run_experiment(EXPERIMENT, sets)
    # Per style, every run as [n, seed, loss]; the points the boundaries are read from are the
    # means over the seeds of each n (a setting's held-out loss, estimated from its seeds).
    data = {"t1": 3, "t2": 8, "tol": TOL, "online_runs": [], "chunked_runs": []}
    for r in runs:
        k1, k2 = int(r["swept"]["train.tbptt.k1"]), int(r["swept"]["train.tbptt.k2"])
        row = [k2, int(r["swept"].get("seed", 1)), common.final(r, "loss")]
        # TBPTT(1, 1) belongs to both styles.
        if k1 == 1:
            data["online_runs"].append(row)
        if k1 == k2:
            data["chunked_runs"].append(row)
        data["levels"] = [common.final(r, "reference_no_memory"), common.final(r, "reference_t1_only"),
                          common.final(r, "reference_both")]
    for style in ("online", "chunked"):
        data[style + "_runs"].sort()
        data[style] = means(data[style + "_runs"])
    return data


def means(rows):
    """[n, mean loss over the seeds] for each n of [n, seed, loss] rows, in order of n."""
    by = {}
    for n, _, loss in rows:
        by.setdefault(n, []).append(loss)
    return [[n, sum(v) / len(v)] for n, v in sorted(by.items())]


def interval(values):
    """Half-width of the 95% Student t interval of the mean (0 for one value)."""
    n = len(values)
    if n < 2:
        return 0.0
    t95 = {2: 12.706, 3: 4.303, 4: 3.182, 5: 2.776}.get(n, 2.0)
    m = sum(values) / n
    return t95 * math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1) / n)


def boundary(points, level, tol):
    """The smallest n whose loss is at most level + tol (math.inf if none)."""
    reached = [n for n, loss in points if loss <= level + tol]
    return min(reached) if reached else math.inf


def per_seed(data, style):
    """{seed: [[n, loss], ...]} of a style; data without seeds counts as one seed."""
    runs = data.get(style + "_runs") or [[n, 1, loss] for n, loss in data[style]]
    out = {}
    for n, seed, loss in runs:
        out.setdefault(seed, []).append([n, loss])
    return out


def check(data):
    """The boundary claims are decided seed by seed: a claim holds when it holds in a majority
    of the seeds (with one seed, in that seed); (a) speaks of every run, so it needs all of them."""
    levels, tol, t1, t2 = data["levels"], data["tol"], data["t1"], data["t2"]
    online = data["online"]
    checks = []
    runs = data.get("online_runs") or [[n, 1, loss] for n, loss in online]
    off = [(n, seed) for n, seed, loss in runs if not any(abs(loss - lv) <= tol for lv in levels)]
    spread = {n: interval([loss for m, _, loss in runs if m == n]) for n, _ in online}
    checks.append(common.Check(
        f"every TBPTT(1, n) run sits on a plateau {', '.join(f'{lv:.4f}' for lv in levels)} (within {tol})",
        not off and len(online) > 0,
        "; ".join(f"n={n}: {loss:.4f}" + (f" +- {spread[n]:.4f}" if spread[n] else "") for n, loss in online) + (
            f" (off a plateau: {', '.join(f'n={n} seed {seed}' for n, seed in off)})" if off else "")))
    on_seeds, ch_seeds = per_seed(data, "online"), per_seed(data, "chunked")
    seeds = sorted(on_seeds)
    majority = len(seeds) // 2 + 1
    for level, lag in ((levels[1], t1), (levels[2], t2)):
        bs = [boundary(on_seeds[s], level, tol) for s in seeds]
        good = sum(abs(b - (lag + 1)) <= 1 for b in bs)
        checks.append(common.Check(
            f"TBPTT(1, n) reaches {level:.4f} at n = {lag + 1} +- 1 (the window must cover lag {lag})",
            bool(seeds) and good >= majority,
            f"first n at or below {level:.4f} + {tol}: " + ", ".join(f"{b}" for b in bs) +
            (f" (seeds {', '.join(map(str, seeds))}: {good} of {len(seeds)} within {lag + 1} +- 1)"
             if len(seeds) > 1 else "")))
    for level in levels[1:]:
        pairs = [(boundary(on_seeds[s], level, tol), boundary(ch_seeds.get(s, []), level, tol)) for s in seeds]
        good = sum(bc > bo for bo, bc in pairs)
        checks.append(common.Check(
            f"TBPTT(n, n) needs a larger n than TBPTT(1, n) to reach {level:.4f}",
            bool(seeds) and good >= majority,
            "; ".join(f"{'seed ' + str(s) + ': ' if len(seeds) > 1 else ''}TBPTT(1, n): n = {bo}, "
                      f"TBPTT(n, n): n = {bc}" for s, (bo, bc) in zip(seeds, pairs)) +
            (f" ({good} of {len(seeds)} larger)" if len(seeds) > 1 else "")))
    return checks


def plot(data, out_stem):
    plt = common.pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    for style, label, marker, dx in (("online", "TBPTT(1, n)", "o", -0.08), ("chunked", "TBPTT(n, n)", "s", 0.08)):
        pts = data[style]
        ax.plot([n + dx for n, _ in pts], [v for _, v in pts], marker=marker, label=label + " (mean over seeds)")
        runs = data.get(style + "_runs", [])
        if len({seed for _, seed, _ in runs}) > 1:
            ax.scatter([n + dx for n, _, _ in runs], [v for _, _, v in runs], s=10, color="gray", alpha=0.6,
                       zorder=3, label="one run" if style == "online" else None)
    for lv, name in zip(data["levels"], ("no memory", "lag 3", "lags 3 and 8")):
        ax.axhline(lv, color="gray", lw=0.8, ls="--")
        # Between n = 12 and 16, where no point is drawn; the lowest level's label below its line,
        # away from the curves that sit just above it.
        low = lv == min(data["levels"])
        ax.text(14, lv - 0.002 if low else lv + 0.002, f"{name} {lv:.4f}", va="top" if low else "bottom",
                ha="center", fontsize=7)
    ax.set_ylim(bottom=min(data["levels"]) - 0.012)
    for lag in (data["t1"], data["t2"]):
        ax.axvline(lag + 1, color="gray", lw=0.6, ls=":")
        ax.text(lag + 1.1, 0.625, f"k2 = {lag + 1}\n(window covers lag {lag})", fontsize=7, color="gray")
    ax.set_xlabel("n (= k2, steps)")
    ax.set_ylabel("held-out cross-entropy (nats per step)")
    ax.set_title("add_stream t1=3, t2=8, tanh RNN 32, 10^6 tokens per run")
    ax.legend(fontsize=8, loc="center right")
    common.save_figure(fig, out_stem)
