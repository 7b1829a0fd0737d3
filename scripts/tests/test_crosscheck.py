#!/usr/bin/python3
"""Self-test of scripts/crosscheck_pytorch.py on traces written by an independent generator.

The generator below trains small models with torch.nn.RNN / LSTM / GRU (float64, their own
gate and bias conventions mapped to the trace's names) under TBPTT(k1, k2) with hand-written
clipping and optimizers, and writes "tbptt-trace/1" files. The checker must accept them, and
must reject a trace with one corrupted gradient entry (exit 1) and a malformed one (exit 2).
Cases: k2 = k1, k2 < k1, k2 > k1 (recompute; stored with lr 0, where both agree; stored with
lr > 0 against a hand-written tanh-RNN backward), full
BPTT, resets at chunk starts, masks, a skipped update, tokens, both heads, all optimizers and
clip kinds, a float trace.

Usage: /usr/bin/python3 scripts/tests/test_crosscheck.py [--keep DIR]
Exit 0 when every case behaves, 1 otherwise, 77 without torch.
"""

import argparse
import copy
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(os.path.dirname(HERE), "crosscheck_pytorch.py")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def as_entry(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


class Generator:
    """Trains an nn.RNN/LSTM/GRU + nn.Linear with TBPTT and records a trace."""

    def __init__(self, torch, cfg):
        self.torch, self.cfg = torch, cfg
        torch.manual_seed(cfg["seed"])
        nn = torch.nn
        c = cfg
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[c["cell"]]
        self.rnn = cls(c["input"], c["hidden"], c["layers"]).double()
        self.head = nn.Linear(c["hidden"], c["output"]).double()
        for p in list(self.rnn.parameters()) + list(self.head.parameters()):
            nn.init.uniform_(p, -0.5, 0.5)
        self.first = c.get("first_layer_index", 0)
        self.params = self.to_trace_params()
        self.opt_state = {}
        self.opt_steps = 0

    # -- naming: the trace's l<i>.Wx, Wh, b (+ bhn), out.W, out.b from nn's weights
    def to_trace_params(self):
        c, H, out = self.cfg, self.cfg["hidden"], {}
        for l in range(c["layers"]):
            g = lambda n: getattr(self.rnn, f"{n}_l{l}").detach().clone()
            p = f"l{l + self.first}"
            out[f"{p}.Wx"], out[f"{p}.Wh"] = g("weight_ih"), g("weight_hh")
            if c["cell"] == "gru":
                bhh = g("bias_hh")
                out[f"{p}.b"] = g("bias_ih") + self.torch.cat([bhh[:2 * H], 0 * bhh[2 * H:]])
                out[f"{p}.bhn"] = bhh[2 * H:]
            else:
                out[f"{p}.b"] = g("bias_ih") + g("bias_hh")
        out["out.W"], out["out.b"] = self.head.weight.detach().clone(), self.head.bias.detach().clone()
        return out

    def load_trace_params(self, P):
        c, H = self.cfg, self.cfg["hidden"]
        with self.torch.no_grad():
            for l in range(c["layers"]):
                g = lambda n: getattr(self.rnn, f"{n}_l{l}")
                p = f"l{l + self.first}"
                g("weight_ih").copy_(P[f"{p}.Wx"])
                g("weight_hh").copy_(P[f"{p}.Wh"])
                g("bias_ih").copy_(P[f"{p}.b"])
                bhh = self.torch.zeros_like(P[f"{p}.b"])
                if c["cell"] == "gru":
                    bhh[2 * H:] = P[f"{p}.bhn"]
                g("bias_hh").copy_(bhh)
            self.head.weight.copy_(P["out.W"])
            self.head.bias.copy_(P["out.b"])

    def trace_grads(self):
        """nn gradients mapped to the trace's names (b gets bias_ih's gradient)."""
        c, H, out = self.cfg, self.cfg["hidden"], {}
        zero = lambda p: self.torch.zeros_like(p) if p.grad is None else p.grad.detach().clone()
        for l in range(c["layers"]):
            g = lambda n: zero(getattr(self.rnn, f"{n}_l{l}"))
            p = f"l{l + self.first}"
            out[f"{p}.Wx"], out[f"{p}.Wh"], out[f"{p}.b"] = g("weight_ih"), g("weight_hh"), g("bias_ih")
            if c["cell"] == "gru":
                out[f"{p}.bhn"] = g("bias_hh")[2 * H:]
        out["out.W"], out["out.b"] = zero(self.head.weight), zero(self.head.bias)
        return out

    # -- data
    def make_steps(self):
        torch, c = self.torch, self.cfg
        T, B = c["steps"], c["batch"]
        gen = torch.Generator().manual_seed(c["seed"] + 1)
        if c["input_kind"] == "tokens":
            ids = torch.randint(0, c["input"], (T, B), generator=gen)
            x = torch.nn.functional.one_hot(ids, c["input"]).double()
            xs = ids.tolist()
        else:
            x = torch.randn(T, B, c["input"], generator=gen, dtype=torch.float64)
            xs = x.tolist()
        if c["head"] == "softmax_xent":
            y = torch.randint(0, c["output"], (T, B), generator=gen)
        else:
            y = torch.randn(T, B, c["output"], generator=gen, dtype=torch.float64)
        mask = (torch.rand(T, B, generator=gen) > c.get("mask_drop", 0.0)).long()
        for t0, t1 in c.get("masked_out", []):  # steps [t0, t1) carry no target at all
            mask[t0:t1] = 0
        reset = torch.zeros(T, B, dtype=torch.long)
        for t, lanes in c.get("resets", {}).items():
            reset[int(t), lanes] = 1
        self.x, self.y, self.mask, self.reset = x, y, mask, reset
        return [{"x": xs[t], "y": y[t].tolist(), "mask": mask[t].tolist(),
                 "reset": reset[t].tolist()} for t in range(T)]

    def zero_state(self):
        c = self.cfg
        h = self.torch.zeros(c["layers"], c["batch"], c["hidden"], dtype=self.torch.float64)
        return (h, h.clone()) if c["cell"] == "lstm" else h

    def apply_reset(self, state, t):
        keep = (1 - self.reset[t]).double().view(1, -1, 1)
        return tuple(s * keep for s in state) if isinstance(state, tuple) else state * keep

    def detach(self, state):
        return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()

    def loss_sum(self, out, t0, t1):
        """Sum of per-entry losses over masked entries of steps [t0, t1), and the count."""
        torch, c = self.torch, self.cfg
        z = self.head(out)
        y, m = self.y[t0:t1], self.mask[t0:t1].bool()
        if c["head"] == "softmax_xent":
            per = torch.nn.functional.cross_entropy(z.reshape(-1, z.shape[-1]), y.reshape(-1),
                                                    reduction="none").view(m.shape)
        else:
            per = ((z - y) ** 2).mean(-1)
        return per[m].sum(), int(m.sum())

    # -- hand-written clipping and optimizers
    def clip(self, g):
        kind, th = self.cfg["clip"]["kind"], self.cfg["clip"].get("threshold")
        norm = math.sqrt(sum(float((v ** 2).sum()) for v in g.values()))
        clipped = False
        if kind == "global_norm" and norm > th:
            g = {n: v * (th / norm) for n, v in g.items()}
            clipped = True
        elif kind == "matrix_norm":
            out = {}
            for n, v in g.items():
                vn = math.sqrt(float((v ** 2).sum()))
                out[n] = v * (th / vn) if vn > th else v
                clipped = clipped or vn > th
            g = out
        elif kind == "value":
            clipped = any(float(v.abs().max()) > th for v in g.values())
            g = {n: v.clamp(-th, th) for n, v in g.items()}
        return g, norm, clipped

    def optimize(self, P, g):
        o = self.cfg["optimizer"]
        lr, wd, kind = o["lr"], o.get("weight_decay", 0.0), o["kind"]
        self.opt_steps += 1
        out = {}
        for n, p in P.items():
            d = g[n] + wd * p
            st = self.opt_state.setdefault(n, {})
            if kind == "sgd":
                mu = o.get("momentum", 0.0)
                if mu:
                    st["buf"] = d.clone() if "buf" not in st else mu * st["buf"] + d
                    d = d + mu * st["buf"] if o.get("nesterov") else st["buf"]
                out[n] = p - lr * d
            elif kind == "adam":
                b1, b2, eps = o["beta1"], o["beta2"], o["eps"]
                st["m"] = b1 * st.get("m", 0 * p) + (1 - b1) * d
                st["v"] = b2 * st.get("v", 0 * p) + (1 - b2) * d * d
                k = self.opt_steps
                denom = st["v"].sqrt() / math.sqrt(1 - b2 ** k) + eps
                out[n] = p - (lr / (1 - b1 ** k)) * st["m"] / denom
            else:  # rmsprop
                st["sq"] = o["alpha"] * st.get("sq", 0 * p) + (1 - o["alpha"]) * d * d
                out[n] = p - lr * d / (st["sq"].sqrt() + o["eps"])
        return out

    # -- TBPTT
    def run(self):
        c = self.cfg
        T = c["steps"]
        steps = self.make_steps()
        k1 = c["k1"] or T
        k2 = c["k2"] or T
        updates, state = [], self.zero_state()
        win_start, win_state = 0, self.zero_state()
        P = self.params
        for t0 in range(0, T, k1):
            t1 = min(T, t0 + k1)
            self.load_trace_params(P)
            for p in list(self.rnn.parameters()) + list(self.head.parameters()):
                p.grad = None
            if k2 > t1 - t0:  # window reaches back: re-run it (resets only at chunk starts)
                ws = max(0, t1 - k2)
                assert ws == win_start, "generator: windows must follow the chunking"
                s, outs, t = win_state, [], ws
                next_ws = max(0, min(T, t1 + k1) - k2)  # the next (maybe partial) chunk's window
                for a, b in ((ws, next_ws), (next_ws, t1)):
                    if b <= a:
                        continue
                    s = self.apply_reset(s, a)
                    o, s = self.rnn(self.x[a:b], s)
                    outs.append(o)
                    if b == next_ws:
                        win_state = self.detach(s)
                if next_ws >= t1:
                    win_state = self.detach(s)
                win_start = next_ws
                out = self.torch.cat(outs, 0)[-(t1 - t0):]
                state = self.detach(s)
            else:
                state = self.apply_reset(state, t0)
                cut = (t1 - t0) - k2
                if cut > 0:
                    with self.torch.no_grad():
                        o1, state = self.rnn(self.x[t0:t0 + cut], state)
                    o2, state = self.rnn(self.x[t0 + cut:t1], state)
                    out = self.torch.cat([o1, o2], 0)
                else:
                    out, state = self.rnn(self.x[t0:t1], state)
                state = self.detach(state)
                win_start, win_state = t1, state
            total, count = self.loss_sum(out, t0, t1)
            skipped = count == 0
            if not skipped:
                loss = total / count if c.get("reduction", "mean") == "mean" else total
                loss.backward()
            g = self.trace_grads()
            gc, norm, clipped = self.clip(g)
            P_after = P if skipped else self.optimize(P, gc)
            updates.append({"last_step": t1, "loss": 0.0 if skipped else float(loss),
                            "grad": {n: as_entry(v) for n, v in g.items()},
                            "params_after": {n: as_entry(v) for n, v in P_after.items()},
                            "grad_norm": norm, "clipped": clipped and not skipped,
                            "skipped": skipped})
            P = P_after
        o = dict(c["optimizer"])
        return {"format": "tbptt-trace/1", "precision": "double",
                "model": {k: c[k] for k in ("cell", "layers", "input", "hidden", "output",
                                            "input_kind", "head")},
                "tbptt": {"k1": c["k1"], "k2": c["k2"], "recompute": c.get("recompute", True),
                          "loss_reduction": c.get("reduction", "mean")},
                "clip": c["clip"], "optimizer": o, "batch": c["batch"],
                "params": {n: as_entry(v) for n, v in self.params.items()},
                "steps": steps, "updates": updates}


def stored_rnn_trace(torch, k1=2, k2=5, steps=11, B=2, I=3, H=4, O=3, lr=0.1, seed=5):
    """Stored-mode TBPTT(k1, k2 > k1) of a 1-layer tanh RNN with a hand-written backward.

    Window steps before the chunk use the h values of their first run (with the weights of
    that time) and the current Wh in dh_prev = da @ Wh; plain SGD, mean cross-entropy."""
    gen = torch.Generator().manual_seed(seed)
    u = lambda *s: torch.rand(*s, generator=gen, dtype=torch.float64) - 0.5
    P = {"l0.Wx": u(H, I), "l0.Wh": u(H, H), "l0.b": u(H), "out.W": u(O, H), "out.b": u(O)}
    x = torch.randn(steps, B, I, generator=gen, dtype=torch.float64)
    y = torch.randint(0, O, (steps, B), generator=gen)
    h_first = {}  # t -> h after step t, from the run that first computed it
    trace = {"format": "tbptt-trace/1", "precision": "double",
             "model": {"cell": "rnn", "layers": 1, "input": I, "hidden": H, "output": O,
                       "input_kind": "dense", "head": "softmax_xent"},
             "tbptt": {"k1": k1, "k2": k2, "recompute": False, "loss_reduction": "mean"},
             "clip": {"kind": "none"}, "optimizer": {"kind": "sgd", "lr": lr}, "batch": B,
             "params": {n: as_entry(v) for n, v in P.items()},
             "steps": [{"x": x[t].tolist(), "y": y[t].tolist(), "mask": [1] * B,
                        "reset": [0] * B} for t in range(steps)], "updates": []}
    h_prev = lambda t: torch.zeros(B, H, dtype=torch.float64) if t < 0 else h_first[t]
    for t0 in range(0, steps, k1):
        t1 = min(steps, t0 + k1)
        for t in range(t0, t1):  # the chunk, with the current weights
            h_first[t] = torch.tanh(x[t] @ P["l0.Wx"].T + P["l0.b"] + h_prev(t - 1) @ P["l0.Wh"].T)
        n = (t1 - t0) * B
        g = {k: torch.zeros_like(v) for k, v in P.items()}
        dh, loss = torch.zeros(B, H, dtype=torch.float64), 0.0
        for t in range(t1 - 1, max(0, t1 - k2) - 1, -1):
            if t >= t0:
                z = h_first[t] @ P["out.W"].T + P["out.b"]
                p = torch.softmax(z, 1)
                loss += float((torch.logsumexp(z, 1) - z.gather(1, y[t][:, None])[:, 0]).sum()) / n
                dz = (p - torch.nn.functional.one_hot(y[t], O)) / n
                g["out.W"] += dz.T @ h_first[t]
                g["out.b"] += dz.sum(0)
                dh = dh + dz @ P["out.W"]
            da = dh * (1 - h_first[t] ** 2)
            g["l0.Wx"] += da.T @ x[t]
            g["l0.Wh"] += da.T @ h_prev(t - 1)
            g["l0.b"] += da.sum(0)
            dh = da @ P["l0.Wh"]
        P = {k: v - lr * g[k] for k, v in P.items()}
        norm = math.sqrt(sum(float((v ** 2).sum()) for v in g.values()))
        trace["updates"].append({"last_step": t1, "loss": loss, "grad_norm": norm,
                                 "grad": {k: as_entry(v) for k, v in g.items()},
                                 "params_after": {k: as_entry(v) for k, v in P.items()},
                                 "clipped": False, "skipped": False})
    return trace


BASE = {"seed": 3, "cell": "lstm", "layers": 1, "input": 3, "hidden": 4, "output": 3,
        "batch": 2, "steps": 12, "input_kind": "dense", "head": "softmax_xent",
        "k1": 3, "k2": 3, "clip": {"kind": "none"},
        "optimizer": {"kind": "sgd", "lr": 0.1}}

ADAM = {"kind": "adam", "lr": 0.05, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.01}


def cases():
    """(name, config, expected exit status)."""
    c = lambda **kw: dict(copy.deepcopy(BASE), **kw)
    return [
        ("rnn L2 TBPTT(3,3) sgd nesterov, global clip, resets, skipped update",
         c(cell="rnn", layers=2, clip={"kind": "global_norm", "threshold": 0.3},
           optimizer={"kind": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True,
                      "weight_decay": 0.001},
           resets={3: [1], 9: [0, 1]}, mask_drop=0.3, masked_out=[[6, 9]])),
        ("lstm tokens mse TBPTT(2,5) recompute adam",
         c(input_kind="tokens", input=5, head="mse", k1=2, k2=5, optimizer=ADAM, steps=11)),
        ("lstm TBPTT(2,5) stored, lr 0 (= recompute)",
         c(k1=2, k2=5, recompute=False, optimizer={"kind": "sgd", "lr": 0.0})),
        ("gru L2 TBPTT(4,2) rmsprop, value clip, sum, layers l1.., resets",
         c(cell="gru", layers=2, k1=4, k2=2, reduction="sum", first_layer_index=1,
           clip={"kind": "value", "threshold": 0.05}, resets={4: [0]},
           optimizer={"kind": "rmsprop", "lr": 0.01, "alpha": 0.9, "eps": 1e-6})),
        ("gru TBPTT(full,full) adam, matrix clip",
         c(cell="gru", k1=None, k2=None, steps=7, clip={"kind": "matrix_norm", "threshold": 0.2},
           optimizer=ADAM)),
        ("rnn TBPTT(3,7) recompute sgd momentum",
         c(cell="rnn", k1=3, k2=7, steps=13,
           optimizer={"kind": "sgd", "lr": 0.1, "momentum": 0.5})),
    ]


def run_checker(paths, *extra):
    p = subprocess.run([PYTHON, CHECKER, *paths, *extra], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep", help="write the traces here instead of a temporary folder")
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        print("SKIP: torch not available")
        return 77
    torch.set_num_threads(1)
    folder = args.keep or tempfile.mkdtemp(prefix="crosscheck-")
    os.makedirs(folder, exist_ok=True)
    failures = []

    def expect(name, paths, want, *extra):
        rc, out = run_checker(paths, *extra)
        ok = rc == want
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {rc} (want {want})")
        if not ok:
            failures.append(name)
            print("     " + out.replace("\n", "\n     "))

    good = []
    for i, (name, cfg, ) in enumerate((n, c) for n, c, *_ in cases()):
        path = os.path.join(folder, f"case{i}.json")
        with open(path, "w") as f:
            json.dump(Generator(torch, cfg).run(), f)
        good.append(path)
        expect(name, [path], 0)

    path = os.path.join(folder, "stored_rnn_manual.json")
    with open(path, "w") as f:
        json.dump(stored_rnn_trace(torch), f)
    good.append(path)
    expect("rnn TBPTT(2,5) stored, lr 0.1, hand-written backward", [path], 0)

    with open(good[0]) as f:
        raw = json.load(f)
    bad = copy.deepcopy(raw)
    bad["updates"][1]["grad"]["l0.Wh"]["data"][2] += 1e-6
    expect_path = os.path.join(folder, "corrupt.json")
    with open(expect_path, "w") as f:
        json.dump(bad, f)
    expect("corrupted gradient is caught", [expect_path], 1)

    stored = copy.deepcopy(json.load(open(good[1])))
    stored["tbptt"]["recompute"] = False  # lr > 0: stored activations differ from re-runs
    path = os.path.join(folder, "stored_vs_recompute.json")
    with open(path, "w") as f:
        json.dump(stored, f)
    expect("a recompute trace labelled stored (lr > 0) is caught", [path], 1)

    flt = copy.deepcopy(raw)
    flt["precision"] = "float"
    for up in flt["updates"]:
        for group in ("grad", "params_after"):
            for e in up[group].values():
                e["data"] = [float(torch.tensor(v, dtype=torch.float32)) for v in e["data"]]
    path = os.path.join(folder, "float.json")
    with open(path, "w") as f:
        json.dump(flt, f)
    expect("float trace within 1e-4", [path], 0)

    malformed = copy.deepcopy(raw)
    del malformed["params"]["out.b"]
    path = os.path.join(folder, "malformed.json")
    with open(path, "w") as f:
        json.dump(malformed, f)
    expect("malformed trace is an input error", [path], 2)

    expect("all good traces at once", good, 0)
    if args.keep:
        print(f"{len(failures)} failure(s); traces in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
        print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
