"""Cost model (Williams & Peng 1990): experiments/paper/williams1990_cost.yaml and _full.yaml.

Williams & Peng write BPTT(h; h') for h steps of back-propagation every h' steps; in this
project's order that is TBPTT(k1 = h', k2 = h). Their "TBPTT(32, 1)" (back-propagate 32 steps at
every step) is our TBPTT(1, 32). Time per step = the run's CPU seconds of training (metrics.json
`cpu_seconds`: the run thread's CPU time, evaluation excluded) / (tokens / batch). CPU time, not
wall time: on a shared machine a run that waits for a core is not charged for the wait, so one
burst of other work cannot bend the line. Stored steps are the
most steps the tape held at any update (peak_stored_steps), measured, not computed.
"""

import reproduce_common as common

NAME = "cost"
TITLE = "Cost model: time per step against k2 / k1, and the steps stored"
PAPER = ("Williams & Peng 1990, 'An efficient gradient-based algorithm for on-line training of recurrent "
         "network trajectories', Neural Computation 2(4)")


def run(ctx):
    # Timing wants the cores to itself: one run at a time whatever --jobs says.
    ctx.jobs = 1
    sets = ["train.tokens=3200"] if ctx.quick else []  # 200 steps of batch 16
    rows = []
    for experiment in ("williams1990_cost.yaml", "williams1990_cost_full.yaml"):
        for r in ctx.run_experiment(experiment, sets):
            k1 = r["swept"].get("train.tbptt.k1", "full")
            k2 = r["swept"].get("train.tbptt.k2", "full")
            steps = common.final(r, "tokens") / 16
            rows.append({"k1": k1, "k2": k2, "seconds_per_step": common.final(r, "cpu_seconds") / steps,
                         "wall_seconds_per_step": common.final(r, "train_seconds") / steps,
                         "stored": common.final(r, "peak_stored_steps"), "steps": steps})
    return {"full_length": 512, "rows": rows}


def window(row, full_length):
    """max(k1, k2), `full` being the sequence length."""
    k = [full_length if v == "full" else int(v) for v in (row["k1"], row["k2"])]
    return max(k)


def check(data):
    rows, T = data["rows"], data["full_length"]
    stream = [r for r in rows if r["k2"] != "full"]
    checks = []
    if len(stream) >= 2:
        xs = [int(r["k2"]) / int(r["k1"]) for r in stream]
        a, b, r2 = common.linear_fit(xs, [r["seconds_per_step"] for r in stream])
        checks.append(common.Check(
            "time per step fits a + b * (k2 / k1) with R^2 >= 0.95", r2 >= 0.95,
            f"a = {1e6 * a:.1f} us, b = {1e6 * b:.1f} us, R^2 = {r2:.4f} over {len(stream)} settings"))
    by = {(r["k1"], r["k2"]): r["seconds_per_step"] for r in rows}
    slow, fast = by.get(("1", "32")), by.get(("32", "32"))
    ratio = slow / fast if slow and fast else 0.0
    checks.append(common.Check(
        "TBPTT(k1=1, k2=32) (W&P's BPTT(32; 1)) is >= 9.6 x slower per step than TBPTT(32, 32)",
        ratio >= 9.6, f"{1e6 * (slow or 0):.1f} us / {1e6 * (fast or 0):.1f} us = {ratio:.2f} x"))
    wrong = [r for r in rows if r["stored"] != window(r, T)]
    checks.append(common.Check(
        "stored steps equal max(k1, k2) exactly (full: the 512-step sequence)",
        bool(rows) and not wrong,
        f"{len(rows) - len(wrong)} of {len(rows)} settings" + (
            ": wrong " + ", ".join(f"({r['k1']}, {r['k2']}): {r['stored']:.0f}" for r in wrong) if wrong else "")))
    return checks


def plot(data, out_stem):
    plt = common.pyplot()
    rows = data["rows"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    stream = [r for r in rows if r["k2"] != "full"]
    for i, k2 in enumerate(sorted({int(r["k2"]) for r in stream})):
        rs = sorted((r for r in stream if int(r["k2"]) == k2), key=lambda r: int(r["k1"]))
        ax1.plot([k2 / int(r["k1"]) for r in rs], [1e6 * r["seconds_per_step"] for r in rs], "o-",
                 color=f"C{i}", label=f"k2 = {k2}")
        ax2.plot([int(r["k1"]) for r in rs], [r["stored"] for r in rs], "o-", color=f"C{i}", label=f"k2 = {k2}")
    if len(stream) >= 2:
        xs = [int(r["k2"]) / int(r["k1"]) for r in stream]
        a, b, r2 = common.linear_fit(xs, [r["seconds_per_step"] for r in stream])
        ax1.plot([0, max(xs)], [1e6 * a, 1e6 * (a + b * max(xs))], "k--", lw=0.8, label=f"fit, R^2 {r2:.3f}")
    for r in rows:
        if r["k2"] == "full":
            ax1.plot([1], [1e6 * r["seconds_per_step"]], "k*", ms=10, label="full BPTT, T = 512")
    ax1.set_xlabel("k2 / k1")
    ax1.set_ylabel("CPU time per step (us, batch 16)")
    ax1.legend(fontsize=7)
    ax2.set_xscale("log", base=2)
    ax2.set_xlabel("k1")
    ax2.set_ylabel("peak stored steps")
    fig.suptitle(f"LSTM 128, batch 16, {stream[0]['steps']:,.0f}-step stream (CPU time of training)"
                 if stream else "LSTM 128, batch 16")
    common.save_figure(fig, out_stem)
