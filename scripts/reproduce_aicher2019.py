"""Gradient bias against truncation length (Aicher, Foti & Fox 2019): experiments/paper/aicher2019_bias_*.yaml.

The engine's `tbptt bias` computes, at fixed parameters and in double precision, the relative
error ||g~(K) - g|| / ||g|| of the TBPTT(1, K) gradient g~(K) against full BPTT g over a
200-step window, for K = 1..200 (harness/train/bias_probe.hpp). The linear fit of log10(error)
against K uses K = 1 up to the first K whose error is 1e-12 or less: below that, rounding is
what is measured.
"""

import math

import reproduce_common as common

NAME = "bias"
TITLE = "Gradient bias of TBPTT(1, K) against full BPTT, K = 1..200, at fixed parameters"
PAPER = ("Aicher, Foti & Fox 2019, 'Adaptively truncating backpropagation through time to control gradient "
         "bias', UAI")
LENGTH = 200
LSTM_TRAIN_UPDATES = 300
FLOOR = 1e-12


def run(ctx):
    length = 60 if ctx.quick else LENGTH
    models = []
    for p in ctx.engine_json(["bias", str(common.ROOT / "experiments/paper/aicher2019_bias_rnn.yaml"),
                              "--length", str(length)]):
        models.append({"name": f"rnn rho={p['swept']['model.init.spectral_radius']}",
                       "rho": float(p["swept"]["model.init.spectral_radius"]), "rel_error": p["rel_error"]})
    updates = 30 if ctx.quick else LSTM_TRAIN_UPDATES
    for p in ctx.engine_json(["bias", str(common.ROOT / "experiments/paper/aicher2019_bias_lstm.yaml"),
                              "--length", str(length), "--train-updates", str(updates)]):
        models.append({"name": f"lstm after {updates} updates", "rho": None, "rel_error": p["rel_error"]})
    return {"length": length, "models": models}


def log_fit(errors):
    """(slope, R^2, points) of log10(error) against K, from K = 1 until the error first reaches FLOOR."""
    pts = []
    for k, e in enumerate(errors, start=1):
        if e <= FLOOR:
            break
        pts.append((k, math.log10(e)))
    if len(pts) < 3:
        return math.nan, math.nan, len(pts)
    _, b, r2 = common.linear_fit([k for k, _ in pts], [y for _, y in pts])
    return b, r2, len(pts)


def check(data):
    models, T = data["models"], data["length"]
    checks = []
    checks.append(common.Check(
        f"at K = {T} (= the window) the error is below 1e-12 in double",
        bool(models) and all(m["rel_error"][-1] < 1e-12 for m in models),
        "; ".join(f"{m['name']}: {m['rel_error'][-1]:.2e}" for m in models)))
    rnn = {m["rho"]: m for m in models if m["rho"] is not None}
    fits = {rho: log_fit(rnn[rho]["rel_error"]) for rho in (0.8, 0.95) if rho in rnn}
    checks.append(common.Check(
        "for rho 0.8 and 0.95 the log error falls linearly in K (R^2 > 0.9)",
        len(fits) == 2 and all(b < 0 and r2 > 0.9 for b, r2, _ in fits.values()),
        "; ".join(f"rho {rho}: slope {b:.4f} decades/step, R^2 {r2:.4f} over {n} K" for rho, (b, r2, n) in fits.items())))
    checks.append(common.Check(
        "and more slowly for 0.95 than for 0.8",
        len(fits) == 2 and fits[0.95][0] > fits[0.8][0],
        f"slopes {fits.get(0.8, (math.nan,))[0]:.4f} (0.8) and {fits.get(0.95, (math.nan,))[0]:.4f} (0.95)"))
    lstm = [m for m in models if m["rho"] is None]
    if lstm and len(lstm[0]["rel_error"]) >= 20:
        e = lstm[0]["rel_error"]
        checks.append(common.Check(
            "for the LSTM the error at K = 5 is more than 3 x the error at K = 20",
            e[4] > 3 * e[19], f"{e[4]:.3e} / {e[19]:.3e} = {e[4] / e[19] if e[19] > 0 else math.inf:.2f} x"))
    else:
        checks.append(common.Check("for the LSTM the error at K = 5 is more than 3 x the error at K = 20", False,
                                   "no LSTM profile of 20 steps or more"))
    return checks


def plot(data, out_stem):
    plt = common.pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for m in data["models"]:
        e = m["rel_error"]
        ax.semilogy(range(1, len(e) + 1), [max(v, 1e-18) for v in e], label=m["name"])
    ax.axhline(FLOOR, color="gray", ls="--", lw=0.8)
    ax.set_xlabel("K (steps back-propagated per loss)")
    ax.set_ylabel("||g~(K) - g|| / ||g||")
    ax.set_title(f"TBPTT(1, K) gradient bias, copy_stream lag 10, T = {data['length']}, double")
    ax.legend(fontsize=8)
    common.save_figure(fig, out_stem)
