#!/usr/bin/python3
"""The PASS/FAIL logic of every paper reproduction (scripts/reproduce_*.py), on synthetic data.

Each module's check() is fed data built here to satisfy its claims (every check must pass) and
then data that breaks one claim at a time (exactly that check must fail). The figure of the
passing data is drawn too, so that plot() runs. No engine is run: seconds, not minutes.
"""

import copy
import math
import pathlib
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import reproduce_aicher2019 as aicher  # noqa: E402
import reproduce_common as common  # noqa: E402
import reproduce_copy as copy_task  # noqa: E402
import reproduce_marschall2020 as marschall  # noqa: E402
import reproduce_pascanu2013 as pascanu  # noqa: E402
import reproduce_tallec2017 as tallec  # noqa: E402
import reproduce_williams1990 as williams  # noqa: E402

LEVELS = [0.6616, 0.5192, 0.4545]


def plateau(n, first, second):
    return LEVELS[0] if n < first else LEVELS[1] if n < second else LEVELS[2]


def add_stream_data():
    ns = marschall.NS
    return {"t1": 3, "t2": 8, "tol": 0.02, "levels": LEVELS,
            "online": [[n, plateau(n, 4, 9) + 0.005] for n in ns],
            "chunked": [[n, plateau(n, 6, 12) + 0.01] for n in ns]}


def copy_data():
    chance = 10 * math.log(8) / 50
    rows = [{"k1": "full", "k2": "full", "seed": s, "loss": chance * f, "accuracy": a, "chance_loss": chance,
             "seconds_per_update": 0.01, "status": "ok"} for s, f, a in ((1, 0.2, 0.9), (2, 0.4, 0.7), (3, 1.0, 0.12))]
    for k in (5, 10, 20):
        rows += [{"k1": str(k), "k2": str(k), "seed": s, "loss": chance * 0.99, "accuracy": 0.13,
                  "chance_loss": chance, "seconds_per_update": 0.001 * k, "status": "ok"} for s in (1, 2, 3)]
    return {"delay": 30, "length": 10, "rows": rows}


def pascanu_data():
    rows = []
    for lr in (0.01, 0.05, 0.1):
        for clip in ("off", "1", "10"):
            for seed in range(1, 6):
                blow = lr == 0.1 and clip == "off" and seed <= 2
                rows.append({"lr": lr, "clip": clip, "seed": seed, "status": "diverged" if blow else "ok",
                             "loss": None if blow else 0.001, "chance_loss": 1 / 24,
                             "error_rate": None if blow else (0.0 if clip == "1" or seed > 3 else 0.5),
                             "norm_max": 50.0 if clip == "off" else 3.0, "norm_median": 1.0})
    return {"rows": rows}


def cost_data():
    rows = []
    for k2 in (8, 16, 32, 64):
        for k1 in sorted({1, 2, 4, k2 // 2, k2}):
            rows.append({"k1": str(k1), "k2": str(k2), "seconds_per_step": 2e-5 + 4e-5 * k2 / k1,
                         "stored": float(k2), "steps": 20000})
    rows.append({"k1": "full", "k2": "full", "seconds_per_step": 1.2e-4, "stored": 512.0, "steps": 20480})
    return {"full_length": 512, "rows": rows}


def decay(r, T=200):
    return [max(r ** k, 1e-16) for k in range(1, T)] + [1e-16]


def bias_data():
    T = 200
    lstm = [0.5 * 0.9 ** k for k in range(1, T)] + [3e-16]
    return {"length": T, "models": [
        {"name": "rnn rho=0.8", "rho": 0.8, "rel_error": decay(0.6)},
        {"name": "rnn rho=0.95", "rho": 0.95, "rel_error": decay(0.8)},
        {"name": "rnn rho=1.1", "rho": 1.1, "rel_error": decay(0.97)},
        {"name": "lstm", "rho": None, "rel_error": lstm}]}


def influence_data():
    # The sensitivity of the system itself (sum_{j < K} (A^j u)_1), written out independently.
    n, u = 23, [1.0] * 10 + [-1.0] * 13
    v, total, sens = u[:], 0.0, []
    for _ in range(100):
        total += v[0]
        sens.append(total)
        v = [0.5 * v[i] + (0.5 * v[i + 1] if i + 1 < n else 0.0) for i in range(n)]
    rows = []
    for clip in ("off", "2"):
        for k in (1, 5, 10, 20, 30, 40, 42, 45, 50, 100):
            theta = (3.0 if clip == "off" else 0.7) if k <= 40 else -1 / 6 + 1e-4
            rows.append({"K": k, "clip": clip, "status": "ok", "theta": theta, "loss": 0.1,
                         "updates": [30, 60], "theta_curve": [0.5, theta]})
    return {"length": 100, "sensitivity": sens, "rows": rows}


class CheckLogic(unittest.TestCase):
    def assert_outcome(self, module, data, failing=(), draw=False):
        checks = module.check(data)
        self.assertTrue(checks)
        for i, c in enumerate(checks):
            self.assertEqual(c.passed, i not in failing, c.line())
            self.assertTrue(c.line().startswith("PASS" if c.passed else "FAIL"))
        if not draw:
            return checks
        with tempfile.TemporaryDirectory() as d:
            module.plot(data, pathlib.Path(d) / module.NAME)
            self.assertTrue((pathlib.Path(d) / f"{module.NAME}.png").stat().st_size > 0)
            self.assertTrue((pathlib.Path(d) / f"{module.NAME}.svg").stat().st_size > 0)
        return checks

    def test_add_stream(self):
        checks = self.assert_outcome(marschall, add_stream_data(), draw=True)
        self.assertIn("n = 4, TBPTT(n, n): n = 6", checks[3].measured)
        d = add_stream_data()
        d["online"][3][1] = 0.60  # n = 4 between the plateaus: off a plateau, lag-3 boundary at 5
        self.assert_outcome(marschall, d, failing={0})
        d = add_stream_data()
        d["online"] = [[n, plateau(n, 7, 9)] for n in marschall.NS]  # lag 3 learned two steps late
        self.assert_outcome(marschall, d, failing={1, 3})
        d = add_stream_data()
        d["chunked"] = copy.deepcopy(d["online"])  # the styles equal: not larger
        self.assert_outcome(marschall, d, failing={3, 4})

    def test_add_stream_seeds(self):
        # Three seeds: the boundary claims need a majority, (a) every run.
        def with_seeds(first_lag3):
            d = add_stream_data()
            for style, (a, b), dl in (("online", (4, 9), 0.005), ("chunked", (6, 12), 0.01)):
                d[style + "_runs"] = [[n, s, plateau(n, first_lag3[s - 1] if style == "online" else a, b) + dl]
                                      for s in (1, 2, 3) for n in marschall.NS]
                d[style] = marschall.means(d[style + "_runs"])
            return d
        self.assert_outcome(marschall, with_seeds([4, 4, 4]), draw=True)
        self.assert_outcome(marschall, with_seeds([4, 4, 8]))  # one seed late: still 2 of 3
        self.assert_outcome(marschall, with_seeds([4, 8, 8]), failing={1, 3})  # two late: 1 of 3
        d = with_seeds([4, 4, 4])
        d["online_runs"][3][2] = 0.60  # one run (seed 1, n = 4) off a plateau fails (a) alone
        self.assert_outcome(marschall, d, failing={0})

    def test_copy(self):
        self.assert_outcome(copy_task, copy_data(), draw=True)
        d = copy_data()
        d["rows"][4]["accuracy"] = 0.3  # TBPTT(5, 5) above 25%
        self.assert_outcome(copy_task, d, failing={0})
        d = copy_data()
        d["rows"][1]["loss"] = d["rows"][1]["chance_loss"] * 0.8  # full BPTT: only 1 of 3 solved
        d["rows"][1]["accuracy"] = 0.5
        self.assert_outcome(copy_task, d, failing={1})
        d = copy_data()
        d["rows"][5]["seconds_per_update"] = None
        self.assert_outcome(copy_task, d, failing={2})

    def test_pascanu(self):
        self.assert_outcome(pascanu, pascanu_data(), draw=True)
        d = pascanu_data()
        for r in d["rows"]:
            r["norm_max"] = 5.0
        self.assert_outcome(pascanu, d, failing={0})
        d = pascanu_data()
        for r in d["rows"]:
            if r["lr"] == 0.1 and r["clip"] == "off":
                r.update(status="ok", loss=0.01, error_rate=0.5)
        self.assert_outcome(pascanu, d, failing={1})
        d = pascanu_data()
        r = next(r for r in d["rows"] if r["lr"] == 0.1 and r["clip"] == "1")
        r["loss"] = 1.0  # 24 x chance: blown up, and no longer solved
        self.assert_outcome(pascanu, d, failing={2})
        d = pascanu_data()
        for r in d["rows"]:
            if r["lr"] == 0.01 and r["clip"] == "1":
                r["error_rate"] = 0.5
        self.assert_outcome(pascanu, d, failing={3})

    def test_cost(self):
        self.assert_outcome(williams, cost_data(), draw=True)
        d = cost_data()
        for r in d["rows"]:
            r["seconds_per_step"] = 1e-4 * (1 + (hash(r["k1"] + r["k2"]) % 7))  # no linear trend
        checks = williams.check(d)
        self.assertFalse(checks[0].passed, checks[0].line())
        d = cost_data()
        for r in d["rows"]:
            r["seconds_per_step"] = 1e-3 + 2e-5 * (512 if r["k1"] == "full" else int(r["k2"]) / int(r["k1"]))
        self.assert_outcome(williams, d, failing={1})
        d = cost_data()
        d["rows"][0]["stored"] = 9.0
        self.assert_outcome(williams, d, failing={2})

    def test_bias(self):
        self.assert_outcome(aicher, bias_data(), draw=True)
        d = bias_data()
        d["models"][0]["rel_error"][-1] = 1e-9
        self.assert_outcome(aicher, d, failing={0})
        d = bias_data()
        d["models"][0]["rel_error"] = [0.5 if k % 2 else 1e-3 for k in range(1, 200)] + [1e-16]
        self.assert_outcome(aicher, d, failing={1, 2})
        d = bias_data()
        d["models"][1]["rel_error"] = d["models"][0]["rel_error"][:]  # 0.95 falls as fast as 0.8
        self.assert_outcome(aicher, d, failing={2})
        d = bias_data()
        d["models"][3]["rel_error"] = [0.5 * 0.99 ** k for k in range(1, 200)] + [1e-16]
        self.assert_outcome(aicher, d, failing={3})

    def test_influence(self):
        self.assert_outcome(tallec, influence_data(), draw=True)
        d = influence_data()
        d["sensitivity"][19] += 0.01  # K = 20 off the claimed 16.48
        self.assert_outcome(tallec, d, failing={0})
        d = influence_data()
        d["sensitivity"][39] = -0.1  # negative already at K = 40 (and off its claimed 0.57)
        self.assert_outcome(tallec, d, failing={0, 1})
        d = influence_data()
        d["rows"][2]["theta"] = 0.9  # K = 10 unclipped ends below 1
        self.assert_outcome(tallec, d, failing={2})
        d = influence_data()
        d["rows"][2].update(status="diverged", theta=None)  # a diverged short run is allowed
        self.assert_outcome(tallec, d)
        d = influence_data()
        d["rows"][8]["theta"] = -1 / 6 + 3e-3  # K = 50 not converged
        self.assert_outcome(tallec, d, failing={3})
        d = influence_data()
        d["rows"][10]["theta"] = 0.3  # clipped K = 1 moved toward the optimum
        self.assert_outcome(tallec, d, failing={4})

    def test_summary_line(self):
        line = common.summary_line({"influence": (5, 5, 3.4), "copy": (2, 3, 610.0)}, 700.2)
        self.assertEqual(line, "summary: 7 of 8 claims PASS (influence 5/5 in 3 s, copy 2/3 in 610 s); "
                               "700 s wall in all")

    def test_linear_fit(self):
        a, b, r2 = common.linear_fit([1, 2, 3, 4], [3, 5, 7, 9])
        self.assertAlmostEqual(a, 1)
        self.assertAlmostEqual(b, 2)
        self.assertAlmostEqual(r2, 1)


class Variant(unittest.TestCase):
    """scripts/reproduce --set: passed to the engine after the reproduction's own settings, and
    never written to the reference."""

    SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "reproduce"

    def reproduce(self, *args):
        return subprocess.run([sys.executable, str(self.SCRIPT), *args], capture_output=True, text=True)

    def test_refused_with_reference(self):
        done = self.reproduce("bias", "--set", "model.hidden=8", "--reference")
        self.assertEqual(done.returncode, 2)
        self.assertIn("never written to the reference", done.stderr)

    def test_needs_key_and_value(self):
        for bad in ("model.hidden", "=8"):
            done = self.reproduce("bias", "--set", bad)
            self.assertEqual(done.returncode, 2, bad)
            self.assertIn("expects KEY=VALUE", done.stderr)

    def test_variant_comes_after_the_reproductions_own_settings(self):
        with tempfile.TemporaryDirectory() as tmp:
            argv_file = pathlib.Path(tmp) / "argv"
            engine = pathlib.Path(tmp) / "tbptt"
            # A stand-in engine that records its arguments one per line and runs nothing.
            engine.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {argv_file}\n")
            engine.chmod(0o755)
            ctx = common.Context(tbptt=str(engine), out=pathlib.Path(tmp), jobs=1, quick=False,
                                 variant=("model.hidden=4", "train.tokens=10"))
            self.assertEqual(ctx.run_experiment("x.yaml", ["train.tokens=5"]), [])
            argv = argv_file.read_text().splitlines()
            sets = [argv[i + 1] for i, a in enumerate(argv) if a == "--set"]
            self.assertEqual(sets, ["train.tokens=5", "model.hidden=4", "train.tokens=10"])


if __name__ == "__main__":
    unittest.main()
