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
    sets = ["train.tokens=60000", "eval.sequences=32"] if ctx.quick else []
    runs = ctx.run_experiment(EXPERIMENT, sets)
    data = {"t1": 3, "t2": 8, "tol": TOL, "online": [], "chunked": []}
    for r in runs:
        k1, k2 = int(r["swept"]["train.tbptt.k1"]), int(r["swept"]["train.tbptt.k2"])
        # TBPTT(1, 1) belongs to both styles.
        if k1 == 1:
            data["online"].append([k2, common.final(r, "loss")])
        if k1 == k2:
            data["chunked"].append([k2, common.final(r, "loss")])
        data["levels"] = [common.final(r, "reference_no_memory"), common.final(r, "reference_t1_only"),
                          common.final(r, "reference_both")]
    for style in ("online", "chunked"):
        data[style].sort()
    return data


def boundary(points, level, tol):
    """The smallest n whose loss is at most level + tol (math.inf if none)."""
    reached = [n for n, loss in points if loss <= level + tol]
    return min(reached) if reached else math.inf


def check(data):
    levels, tol, t1, t2 = data["levels"], data["tol"], data["t1"], data["t2"]
    online, chunked = data["online"], data["chunked"]
    checks = []
    off = [(n, loss) for n, loss in online if not any(abs(loss - lv) <= tol for lv in levels)]
    checks.append(common.Check(
        f"every TBPTT(1, n) run sits on a plateau {', '.join(f'{lv:.4f}' for lv in levels)} (within {tol})",
        not off and len(online) > 0,
        "; ".join(f"n={n}: {loss:.4f}" for n, loss in online) + (
            f" (off a plateau: {', '.join(str(n) for n, _ in off)})" if off else "")))
    for level, lag in ((levels[1], t1), (levels[2], t2)):
        b = boundary(online, level, tol)
        checks.append(common.Check(
            f"TBPTT(1, n) reaches {level:.4f} at n = {lag + 1} +- 1 (the window must cover lag {lag})",
            abs(b - (lag + 1)) <= 1, f"first n at or below {level:.4f} + {tol}: {b}"))
    for level in levels[1:]:
        bo, bc = boundary(online, level, tol), boundary(chunked, level, tol)
        checks.append(common.Check(
            f"TBPTT(n, n) needs a larger n than TBPTT(1, n) to reach {level:.4f}",
            bc > bo, f"TBPTT(1, n): n = {bo}, TBPTT(n, n): n = {bc}"))
    return checks


def plot(data, out_stem):
    plt = common.pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for style, label, marker in (("online", "TBPTT(1, n)", "o"), ("chunked", "TBPTT(n, n)", "s")):
        pts = data[style]
        ax.plot([n for n, _ in pts], [v for _, v in pts], marker=marker, label=label)
    for lv, name in zip(data["levels"], ("no memory", "lag 3", "lags 3 and 8")):
        ax.axhline(lv, color="gray", lw=0.8, ls="--")
        ax.text(16.3, lv, f"{name} {lv:.4f}", va="center", fontsize=7)
    for lag in (data["t1"], data["t2"]):
        ax.axvline(lag + 1, color="gray", lw=0.6, ls=":")
    ax.set_xlabel("n (= k2)")
    ax.set_ylabel("held-out cross-entropy (nats)")
    ax.set_title("add_stream t1=3, t2=8, tanh RNN 32")
    ax.legend()
    common.save_figure(fig, out_stem)
