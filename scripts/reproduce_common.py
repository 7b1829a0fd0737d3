"""What every paper reproduction shares: running an experiment, reading its runs, recording checks.

A reproduction module (scripts/reproduce_<paper>.py) defines
  NAME, TITLE, PAPER          its name on the command line, a one-line title, the citation
  run(ctx) -> data            runs the engine, returns plain data (lists, dicts, numbers)
  check(data) -> [Check]      the claims, decided from `data` alone (pure: the tests feed it
                              synthetic data to exercise both the PASS and the FAIL paths)
  plot(data, out_stem)        draws the figure into out_stem.png and out_stem.svg
scripts/reproduce drives them; nothing here knows any one paper.
"""

import dataclasses
import json
import math
import pathlib
import statistics
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


@dataclasses.dataclass
class Check:
    claim: str       # what the paper says, in words
    passed: bool
    measured: str    # the figures that decided it

    def line(self):
        return f"{'PASS' if self.passed else 'FAIL'}  {self.claim}: {self.measured}"


@dataclasses.dataclass
class Context:
    tbptt: str            # the engine binary
    out: pathlib.Path     # this reproduction's results folder
    jobs: int
    quick: bool           # reduced size, for development and tests: the checks may fail
    fresh: bool = False   # move earlier results of a changed experiment aside instead of refusing
    variant: tuple = ()   # KEY=VALUE settings added to every experiment (scripts/reproduce --set)

    def run_experiment(self, experiment, sets=(), subdir=None):
        """Runs (or resumes) experiments/paper/<experiment> and returns its runs' metrics.json."""
        out_dir = self.out / (subdir or pathlib.Path(experiment).stem)
        cmd = [self.tbptt, "run", str(ROOT / "experiments/paper" / experiment), "--output", str(out_dir),
               "--jobs", str(self.jobs)]
        # The variant's settings come last, so that they override the reproduction's own.
        for s in list(sets) + list(self.variant):
            cmd += ["--set", s]
        if self.fresh:
            cmd.append("--fresh")
        # Exit 1 means some run failed (not diverged): still read what is there, the check says.
        rc = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
        if rc not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd)} exited with {rc}")
        return load_runs(out_dir)

    def engine_json(self, args):
        """Runs the engine with `args` and parses its standard output as JSON."""
        done = subprocess.run([self.tbptt] + list(args), stdout=subprocess.PIPE, check=True, text=True)
        return json.loads(done.stdout)


def load_runs(out_dir):
    return [json.loads(p.read_text()) for p in sorted(pathlib.Path(out_dir).glob("runs/*/metrics.json"))]


def model_text(out_dir):
    """The model of the runs in out_dir, from the first run's resolved config.yaml, in words
    (e.g. "LSTM 128, forget bias 1"): what a figure names, the variant's model included."""
    import yaml  # python3-yaml (scripts/setup.sh)
    configs = sorted(pathlib.Path(out_dir).glob("runs/*/config.yaml"))
    if not configs:
        return ""
    model = yaml.safe_load(configs[0].read_text()).get("model", {})
    text = f"{str(model.get('cell', '?')).upper()} {model.get('hidden', '?')}"
    if model.get("layers", 1) != 1:
        text += f" x {model['layers']} layers"
    forget_bias = model.get("init", {}).get("forget_bias", 0)
    if model.get("cell") == "lstm" and forget_bias:
        text += f", forget bias {forget_bias:g}"
    return text


def select(runs, **swept):
    """The runs whose swept values (as text) equal the given ones; keys use '_' for '.'."""
    want = {k.replace("__", "."): str(v) for k, v in swept.items()}
    return [r for r in runs if all(r["swept"].get(k) == v for k, v in want.items())]


def final(run, metric, default=math.nan):
    v = run.get("final", {}).get(metric)
    return default if v is None else v


def linear_fit(xs, ys):
    """Least squares y = a + b x: returns (a, b, R^2)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx if sxx > 0 else 0.0
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    return a, b, r2


def median(xs):
    return statistics.median(xs) if xs else math.nan


def fmt(x, digits=4):
    return "nan" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}g}"


def pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save_figure(fig, out_stem):
    out_stem = pathlib.Path(out_stem)
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(out_stem.with_suffix("." + ext), dpi=110)
    fig.clf()


def checks_markdown(title, paper, checks):
    lines = [f"# {title}", "", paper, "", "| result | claim | measured |", "|---|---|---|"]
    for c in checks:
        lines.append(f"| {'PASS' if c.passed else 'FAIL'} | {c.claim} | {c.measured} |")
    return "\n".join(lines) + "\n"


def summary_line(results, seconds):
    """The last line of `reproduce all`: claims passed over every reproduction, then each one's
    passes and wall time. results: name -> (passed, total, seconds), in the order run."""
    passed = sum(p for p, _, _ in results.values())
    total = sum(t for _, t, _ in results.values())
    parts = ", ".join(f"{n} {p}/{t} in {s:.0f} s" for n, (p, t, s) in results.items())
    return f"summary: {passed} of {total} claims PASS ({parts}); {seconds:.0f} s wall in all"
