#!/usr/bin/python3
"""Recompute every update of a tbptt trace with PyTorch autograd in float64 and compare.

A trace (format "tbptt-trace/1", written by `tbptt trace`) holds a model, its initial
parameters, the input steps and, per update, the loss, the gradient before clipping and the
parameters after clipping and the optimizer. For each update u this script takes the trace's
parameters before u (the initial ones, then params_after of u-1, so errors do not compound),
rebuilds the TBPTT(k1, k2) loss of the update with the trace's rules, differentiates it with
autograd, clips, applies torch.optim (fed our own gradients), and reports the worst relative
error  max|trace - ours| / max(1e-12, max|ours|)  per tensor, per trace and overall.

Usage:
  /usr/bin/python3 scripts/crosscheck_pytorch.py TRACE.json [TRACE.json ...] [--tol T] [-v]
Exit status: 0 all within tolerance, 1 some error above it (or a flag mismatch), 2 bad input,
77 torch not importable (prints "SKIP: torch not available").
Default tolerance: 1e-9 for a "double" trace, 1e-4 for a "float" one.

Semantics (see docs of `tbptt trace`): state zero at the start and at every reset (no gradient
crosses a reset); the update's window starts at its `window_first` step (traces without it: the
last k2 steps ending at the chunk's last step, k2 null: from the first step) and ends at the
chunk's last step; chunk steps before the window still reach the head; window steps before the
chunk are, with recompute false, the stored activations of their first run with the current
weights in the backward products, and with recompute true re-run with the current weights from
the stored state entering the window. `boundary_weights` (one per chunk step, if present)
multiply the gradient w.r.t. the state entering that step (a truncation scheme's reweighting,
e.g. ARTBP's 1 / (1 - c_t), or faster-rnnlm's 0/1 pattern); `lr` (if present) is the update's
learning rate (a variable-length scheme scales it). `grad_scale` (if present) gives a factor per
tensor on the gradient before clipping (faster-rnnlm's division by step counts); `online_head`
(if true) means the head took a plain SGD step at `lr` after each step's loss, later steps using
the updated head, and the head's recorded gradient is zero (rnnlm's per-word output update).
"""

import argparse
import json
import math
import sys

torch = None  # imported in main(), so that the script can exit 77 without it


class ScaleGrad:
    """Identity forward; the gradient flowing back is multiplied by w (built in main())."""
    fn = None


def scale_grad(x, w):
    if x is None or w == 1.0:
        return x
    return ScaleGrad.fn.apply(x, w)


def weighted_state(state, w):
    return [(scale_grad(h, w), scale_grad(c, w)) for h, c in state]


class TraceError(Exception):
    """The trace is malformed; the message says where."""


# ----------------------------------------------------------------------------- loading

def tensor(entry, where):
    """{"shape": [...], "data": [...]} -> float64 tensor."""
    try:
        shape, data = entry["shape"], entry["data"]
        t = torch.tensor(data, dtype=torch.float64)
        return t.reshape(shape)
    except (KeyError, TypeError, RuntimeError, ValueError) as e:
        raise TraceError(f"{where}: expected {{\"shape\", \"data\"}} of matching size ({e})")


def named_tensors(obj, where):
    if not isinstance(obj, dict):
        raise TraceError(f"{where}: expected an object of named tensors")
    return {name: tensor(v, f"{where}.{name}") for name, v in obj.items()}


def require(obj, key, where):
    if not isinstance(obj, dict) or key not in obj:
        raise TraceError(f"{where}: missing key '{key}'")
    return obj[key]


class Trace:
    """A parsed trace: model, TBPTT settings, params, per-step tensors, updates."""

    def __init__(self, raw, path):
        self.path = path
        if raw.get("format") != "tbptt-trace/1":
            raise TraceError(f"format: expected \"tbptt-trace/1\", got {raw.get('format')!r}")
        self.precision = raw.get("precision", "double")
        m = require(raw, "model", "trace")
        self.cell = require(m, "cell", "model")
        if self.cell not in CELLS:
            raise TraceError(f"model.cell: expected one of {', '.join(CELLS)}, got {self.cell!r}")
        self.layers = int(require(m, "layers", "model"))
        self.input = int(require(m, "input", "model"))
        self.hidden = int(require(m, "hidden", "model"))
        self.output = int(require(m, "output", "model"))
        self.input_kind = m.get("input_kind", "dense")
        self.head = m.get("head", "softmax_xent")
        if self.input_kind not in ("dense", "tokens") or self.head not in ("softmax_xent", "mse"):
            raise TraceError(f"model: bad input_kind {self.input_kind!r} or head {self.head!r}")
        t = require(raw, "tbptt", "trace")
        self.kind = t.get("kind", "fixed")
        self.k1, self.k2 = t.get("k1"), t.get("k2")
        self.recompute = bool(t.get("recompute", False))
        self.reduction = t.get("loss_reduction", "mean")
        if self.reduction not in ("mean", "sum"):
            raise TraceError(f"tbptt.loss_reduction: expected mean or sum, got {self.reduction!r}")
        self.clip = raw.get("clip") or {"kind": "none"}
        self.optimizer = require(raw, "optimizer", "trace")
        self.batch = int(require(raw, "batch", "trace"))
        self.params = named_tensors(require(raw, "params", "trace"), "params")
        self.names = list(self.params)
        self.layer_prefixes = self._layer_prefixes()
        self.steps = [self._step(s, i) for i, s in enumerate(require(raw, "steps", "trace"))]
        self.updates = require(raw, "updates", "trace")
        last = 0
        for u, up in enumerate(self.updates):
            ls = int(require(up, "last_step", f"updates[{u}]"))
            if not last < ls <= len(self.steps):
                raise TraceError(f"updates[{u}].last_step: expected {last} < last_step <= "
                                 f"{len(self.steps)}, got {ls}")
            last = ls

    def _layer_prefixes(self):
        prefixes = sorted({n.split(".")[0] for n in self.names if n.startswith("l") and "." in n},
                          key=lambda p: int(p[1:]) if p[1:].isdigit() else p)
        if len(prefixes) != self.layers:
            raise TraceError(f"params: expected {self.layers} layers l<i>.*, found {prefixes}")
        cell = CELLS[self.cell]
        g = cell.gates * self.hidden
        for i, p in enumerate(prefixes):
            width = self.input if i == 0 else self.hidden
            want = {"Wx": (g, width), "Wh": (g, self.hidden), "b": (g,)}
            want.update({k: (self.hidden,) for k in cell.biases})
            for k, shape in want.items():
                name = f"{p}.{k}"
                if name not in self.params:
                    raise TraceError(f"params: missing {name}")
                if tuple(self.params[name].shape) != shape:
                    raise TraceError(f"params.{name}: expected shape {list(shape)}, "
                                     f"got {list(self.params[name].shape)}")
        for name, shape in (("out.W", (self.output, self.hidden)), ("out.b", (self.output,))):
            if name not in self.params or tuple(self.params[name].shape) != shape:
                raise TraceError(f"params.{name}: expected shape {list(shape)}")
        return prefixes

    def _step(self, s, i):
        where, b = f"steps[{i}]", self.batch
        x = require(s, "x", where)
        if self.input_kind == "tokens":
            x = torch.tensor(x, dtype=torch.long).reshape(b)
        else:
            x = torch.tensor(x, dtype=torch.float64).reshape(b, self.input)
        y = require(s, "y", where)
        if self.head == "softmax_xent":
            y = torch.tensor(y, dtype=torch.long).reshape(b)
        else:
            y = torch.tensor(y, dtype=torch.float64).reshape(b, self.output)
        mask = torch.tensor(s.get("mask", [1] * b), dtype=torch.bool).reshape(b)
        reset = torch.tensor(s.get("reset", [0] * b), dtype=torch.bool).reshape(b)
        return {"x": x, "y": y, "mask": mask, "reset": reset}


# ----------------------------------------------------------------------------- the model

def substitute(name, value, record, stored):
    """Record value; with stored values, keep value's gradient path but take the stored value."""
    record[name] = value.detach()
    if stored is None:
        return value
    return value - value.detach() + stored[name]


# One layer, one step of each cell, written from its equations (models/<cell>_cell.hpp):
# step(P, prefix, H, xw, h, c, sub) -> (h', c' or None), where xw = x Wx^T (B, G) and
# sub(name, value) records a value a backward would keep (see substitute).

def rnn_step(P, prefix, H, xw, h, c, sub):
    a = sub("a", xw + P[f"{prefix}.b"] + h @ P[f"{prefix}.Wh"].t())
    return torch.tanh(a), None


def lstm_step(P, prefix, H, xw, h, c, sub):
    c = sub("c_prev", c)
    a = sub("a", xw + P[f"{prefix}.b"] + h @ P[f"{prefix}.Wh"].t())
    i, f = torch.sigmoid(a[:, :H]), torch.sigmoid(a[:, H:2 * H])
    g, o = torch.tanh(a[:, 2 * H:3 * H]), torch.sigmoid(a[:, 3 * H:])
    c_new = f * c + i * g
    return o * torch.tanh(c_new), c_new


def gru_step(P, prefix, H, xw, h, c, sub):
    # rows stacked r, z, n; bhn inside the reset gate (PyTorch's convention)
    Wh, b = P[f"{prefix}.Wh"], P[f"{prefix}.b"]
    a_rz = sub("a_rz", xw[:, :2 * H] + b[:2 * H] + h @ Wh[:2 * H].t())
    r, z = torch.sigmoid(a_rz[:, :H]), torch.sigmoid(a_rz[:, H:])
    hn = sub("hn", h @ Wh[2 * H:].t() + P[f"{prefix}.bhn"])
    n = torch.tanh(sub("a_n", xw[:, 2 * H:] + b[2 * H:] + r * hn))
    return (1 - z) * n + z * h, None


def mgu_step(P, prefix, H, xw, h, c, sub):
    # Zhou et al. 2016, rows stacked f, n: f = sigm(Wf [h, x] + bf), n = tanh(Wn [f*h, x] + bn),
    # h' = (1-f) h + f n
    Wh, b = P[f"{prefix}.Wh"], P[f"{prefix}.b"]
    f = torch.sigmoid(sub("a_f", xw[:, :H] + b[:H] + h @ Wh[:H].t()))
    fh = sub("fh", f * h)
    n = torch.tanh(sub("a_n", xw[:, H:] + b[H:] + fh @ Wh[H:].t()))
    return (1 - f) * h + f * n, None


class CellDef:
    """A cell's PyTorch step, its gate blocks and extra (H) biases beyond Wx, Wh, b."""

    def __init__(self, step, gates, biases=(), has_c=False):
        self.step, self.gates, self.biases, self.has_c = step, gates, biases, has_c


CELLS = {"rnn": CellDef(rnn_step, 1), "lstm": CellDef(lstm_step, 4, has_c=True),
         "gru": CellDef(gru_step, 3, biases=("bhn",)), "mgu": CellDef(mgu_step, 2)}


def cell_step(trace, P, prefix, x, h, c, stored):
    """One layer, one step. Returns (h', c', record of the values a backward would keep)."""
    rec = {}
    Wx = P[f"{prefix}.Wx"]
    if x.dtype == torch.long:  # one-hot input: a column gather
        xw = Wx.index_select(1, x).t()
    else:
        xw = x @ Wx.t()
    sub = lambda name, value: substitute(name, value, rec, stored)
    h = sub("h_prev", h)
    h_new, c_new = CELLS[trace.cell].step(P, prefix, trace.hidden, xw, h, c, sub)
    return h_new, c_new, rec


def zero_state(trace):
    z = torch.zeros(trace.batch, trace.hidden, dtype=torch.float64)
    return [(z, z if CELLS[trace.cell].has_c else None) for _ in range(trace.layers)]


def model_step(trace, P, t, state, stored=None):
    """Step t (0-based) of every layer from `state` (the state after step t-1).

    Applies the resets of step t first. Returns (new state, top h, per-layer records)."""
    step = trace.steps[t]
    keep = ~step["reset"].unsqueeze(1)
    x, new_state, records = step["x"], [], []
    for l, prefix in enumerate(trace.layer_prefixes):
        h, c = state[l]
        h = torch.where(keep, h, torch.zeros_like(h))
        if c is not None:
            c = torch.where(keep, c, torch.zeros_like(c))
        h2, c2, rec = cell_step(trace, P, prefix, x, h, c, None if stored is None else stored[l])
        new_state.append((h2, c2))
        records.append(rec)
        x = h2
    return new_state, x, records


def detach_state(state):
    return [(h.detach(), None if c is None else c.detach()) for h, c in state]


def step_loss(trace, P, t, h_top):
    """Sum of the per-entry losses of step t over lanes with mask 1, and their count."""
    step = trace.steps[t]
    z = h_top @ P["out.W"].t() + P["out.b"]
    if trace.head == "softmax_xent":
        per = torch.logsumexp(z, dim=1) - z.gather(1, step["y"].unsqueeze(1)).squeeze(1)
    else:
        per = ((z - step["y"]) ** 2).mean(dim=1)
    mask = step["mask"]
    return per[mask].sum(), int(mask.sum())


# ----------------------------------------------------------------------------- one update

class Reference:
    """Replays a trace: the forward values of every step as the trainer would hold them."""

    def __init__(self, trace):
        self.trace = trace
        self.after = {}  # t -> detached state after step t (most recent run)
        self.records = {}  # t -> per-layer records of step t's first run (stored mode)

    def state_before(self, t):
        return zero_state(self.trace) if t == 0 else self.after[t - 1]

    def update_loss(self, P, begin, end, window_first=None, weights=None, online_lr=None):
        """Loss of the update whose chunk is steps [begin, end), built on the params P.

        online_lr: the head takes a plain SGD step of this rate after each step's loss, and later
        steps use the updated head (rnnlm's per-word update): the loss is then built on constant
        copies of the head, so the head's autograd gradient is zero, and self.online_head holds the
        head after the chunk."""
        tr = self.trace
        head = {n: P[n].detach().clone() for n in ("out.W", "out.b")} if online_lr is not None else None
        if head is not None and tr.reduction != "sum":
            raise TraceError("online_head: expected loss_reduction sum (each step's head update is unscaled)")

        def loss_at(t, h_top):
            if head is None:
                return step_loss(tr, P, t, h_top)
            loss, n = step_loss(tr, {**P, **head}, t, h_top)
            if n:
                leaves = {k: v.clone().requires_grad_(True) for k, v in head.items()}
                own, _ = step_loss(tr, {**P, **leaves}, t, h_top.detach())
                for k, g in zip(leaves, torch.autograd.grad(own, list(leaves.values()))):
                    head[k] = head[k] - online_lr * g
            return loss, n
        if window_first is not None:
            ws = int(window_first)
        else:
            ws = 0 if tr.k2 is None else max(0, end - int(tr.k2))
        weights = weights or []

        def weighted(t, state):  # the boundary entering step t, inside the window
            j = t - begin
            return weighted_state(state, float(weights[j])) if t > ws and 0 <= j < len(weights) else state
        total = torch.zeros((), dtype=torch.float64)
        count = 0
        if ws < begin:  # the window reaches back before the chunk
            state = self.state_before(ws)
            for t in range(ws, begin):
                if tr.recompute:
                    state, _, _ = model_step(tr, P, t, state)
                    self.after[t] = detach_state(state)
                else:
                    state, _, _ = model_step(tr, P, t, state, stored=self.records[t])
            first_graph = begin
        else:
            state = self.state_before(begin)
            for t in range(begin, ws):  # chunk steps before the window
                with torch.no_grad():  # values only: no gradient into the recurrence ...
                    state, h_top, rec = model_step(tr, P, t, state)
                self.after[t], self.records[t] = detach_state(state), rec
                loss, n = loss_at(t, h_top)  # ... but their losses reach the head
                total, count = total + loss, count + n
            first_graph = ws
        for t in range(first_graph, end):
            state = weighted(t, state)
            state, h_top, rec = model_step(tr, P, t, state)
            self.after[t], self.records[t] = detach_state(state), rec
            loss, n = loss_at(t, h_top)
            total, count = total + loss, count + n
        self.online_head = head
        if count == 0:
            return None, 0
        return (total / count if tr.reduction == "mean" else total), count


def clip(grads, spec):
    """Clip a dict of gradients in place as the trainer does. Returns the norm before."""
    norm = math.sqrt(sum(float((g * g).sum()) for g in grads.values()))
    kind = spec.get("kind", "none")
    th = spec.get("threshold")
    clipped = False
    if kind == "global_norm" and norm > th:
        scale = th / norm
        for g in grads.values():
            g.mul_(scale)
        clipped = True
    elif kind == "matrix_norm":
        for g in grads.values():
            n = float(g.norm())
            if n > th:
                g.mul_(th / n)
                clipped = True
    elif kind == "value":
        for g in grads.values():
            if float(g.abs().max()) > th:
                clipped = True
            g.clamp_(-th, th)
    elif kind not in ("none", "global_norm"):
        raise TraceError(f"clip.kind: expected none, global_norm, matrix_norm or value, got {kind!r}")
    return norm, clipped


def make_optimizer(spec, params):
    kind = spec.get("kind")
    lr = float(spec.get("lr", 0.01))
    wd = float(spec.get("weight_decay", 0.0) or 0.0)
    if kind == "sgd":
        momentum = float(spec.get("momentum", 0.0) or 0.0)
        nesterov = bool(spec.get("nesterov", False)) and momentum > 0
        return torch.optim.SGD(params, lr=lr, momentum=momentum, dampening=0.0,
                               nesterov=nesterov, weight_decay=wd)
    if kind == "adam":
        betas = (float(spec.get("beta1", 0.9)), float(spec.get("beta2", 0.999)))
        return torch.optim.Adam(params, lr=lr, betas=betas, eps=float(spec.get("eps", 1e-8)),
                                weight_decay=wd)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=float(spec.get("alpha", 0.99)),
                                   eps=float(spec.get("eps", 1e-8)), weight_decay=wd,
                                   momentum=0.0, centered=False)
    raise TraceError(f"optimizer.kind: expected sgd, adam or rmsprop, got {kind!r}")


def rel_err(a, b):
    return float((a - b).abs().max()) / max(1e-12, float(b.abs().max())) if b.numel() else 0.0


# ----------------------------------------------------------------------------- a trace

def check_trace(trace, verbose=False):
    """Worst errors per quantity, plus a list of flag mismatches."""
    leaves = {n: p.clone().requires_grad_(True) for n, p in trace.params.items()}
    opt = make_optimizer(trace.optimizer, list(leaves.values()))
    ref = Reference(trace)
    worst = {"loss": 0.0, "grad": 0.0, "params_after": 0.0, "grad_norm": 0.0}
    where = {k: None for k in worst}
    problems = []
    before = {n: p.clone() for n, p in trace.params.items()}
    begin = 0

    def note(key, err, u, name=""):
        if err > worst[key] or where[key] is None:
            worst[key], where[key] = max(worst[key], err), f"update {u}" + (f" {name}" if name else "")

    for u, up in enumerate(trace.updates):
        end = int(up["last_step"])
        with torch.no_grad():
            for n, p in leaves.items():
                p.copy_(before[n])
        for p in leaves.values():
            p.grad = None
        if int(up.get("chunk_first", begin)) != begin or int(up.get("chunk_last", end - 1)) != end - 1:
            problems.append(f"update {u}: chunk_first/chunk_last {up.get('chunk_first')}/{up.get('chunk_last')} "
                            f"do not match the steps ({begin}, {end}]")
        online_lr = float(up["lr"]) if up.get("online_head") else None
        loss, count = ref.update_loss(leaves, begin, end, up.get("window_first"), up.get("boundary_weights"),
                                      online_lr)
        skipped = loss is None
        if skipped:
            grads = {n: torch.zeros_like(p) for n, p in leaves.items()}
        else:
            got = torch.autograd.grad(loss, list(leaves.values()), allow_unused=True)
            grads = {n: torch.zeros_like(leaves[n]) if g is None else g.detach().clone()
                     for n, g in zip(leaves, got)}
        for n, f in (up.get("grad_scale") or {}).items():  # a toolkit's per-tensor factors
            if n not in grads:
                raise TraceError(f"updates[{u}].grad_scale: unknown tensor {n}")
            grads[n] = grads[n] * float(f)
        if bool(up.get("skipped", False)) != skipped:
            problems.append(f"update {u}: skipped is {up.get('skipped')} in the trace, "
                            f"{skipped} here ({count} entries with a target)")
        trace_grad = named_tensors(require(up, "grad", f"updates[{u}]"), f"updates[{u}].grad")
        for n in trace.names:
            if n not in trace_grad:
                raise TraceError(f"updates[{u}].grad: missing {n}")
            note("grad", rel_err(trace_grad[n].reshape(grads[n].shape), grads[n]), u, n)
        if not skipped:
            ours = float(loss)
            note("loss", abs(float(up["loss"]) - ours) / max(1e-12, abs(ours)), u)
        norm, clipped = clip(grads, trace.clip)
        if "grad_norm" in up and not skipped:
            note("grad_norm", abs(float(up["grad_norm"]) - norm) / max(1e-12, norm), u)
        th = trace.clip.get("threshold")
        borderline = th is not None and abs(norm - th) <= 1e-6 * th
        if "clipped" in up and bool(up["clipped"]) != clipped and not borderline and not skipped:
            problems.append(f"update {u}: clipped is {up['clipped']} in the trace, {clipped} "
                            f"here (norm {norm:.6g}, threshold {th})")
        if not skipped:
            for n, p in leaves.items():
                p.grad = grads[n]
            if "lr" in up:
                for group in opt.param_groups:
                    group["lr"] = float(up["lr"])
            opt.step()
            if ref.online_head is not None:  # the head's own per-step steps (its gradient was zero)
                with torch.no_grad():
                    for n, v in ref.online_head.items():
                        leaves[n].copy_(v)
        after = named_tensors(require(up, "params_after", f"updates[{u}]"),
                              f"updates[{u}].params_after")
        for n in trace.names:
            ours_p = leaves[n].detach()
            note("params_after", rel_err(after[n].reshape(ours_p.shape), ours_p), u, n)
        if verbose:
            print(f"  update {u}: steps ({begin}, {end}] loss {up.get('loss')} "
                  f"{'skipped' if skipped else f'ours {float(loss):.17g}'} norm {norm:.6g}")
        before = {n: after[n].reshape(trace.params[n].shape) for n in trace.names}
        begin = end
    return worst, where, problems


def load(path):
    try:
        with open(path) as f:
            raw = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise TraceError(f"cannot read: {e}")
    return Trace(raw, path)


def main(argv=None):
    global torch
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("traces", nargs="+", metavar="TRACE.json")
    ap.add_argument("--tol", type=float, default=None,
                    help="relative tolerance (default 1e-9 double, 1e-4 float traces)")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per update")
    args = ap.parse_args(argv)
    try:
        import torch as torch_module
    except ImportError:
        print("SKIP: torch not available")
        return 77
    torch = torch_module
    torch.set_num_threads(1)

    class _Scale(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.w = w
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return g * ctx.w, None

    ScaleGrad.fn = _Scale

    failed, malformed, overall = False, False, 0.0
    for path in args.traces:
        try:
            trace = load(path)
            worst, where, problems = check_trace(trace, args.verbose)
        except (TraceError, KeyError, ValueError, TypeError, RuntimeError) as e:
            print(f"{path}: error: {e}")
            malformed = True
            continue
        tol = args.tol if args.tol is not None else (1e-9 if trace.precision == "double" else 1e-4)
        k = lambda v: "full" if v is None else v
        print(f"{path}: {trace.cell} L={trace.layers} H={trace.hidden} {trace.precision} {trace.kind} "
              f"TBPTT({k(trace.k1)}, {k(trace.k2)}){' recompute' if trace.recompute else ''} "
              f"{trace.optimizer.get('kind')} clip={trace.clip.get('kind', 'none')}, "
              f"{len(trace.updates)} updates")
        bad = max(worst.values()) > tol or problems
        for key in ("loss", "grad", "grad_norm", "params_after"):
            mark = "FAIL" if worst[key] > tol else "ok"
            print(f"  {key:13s} worst rel err {worst[key]:.3e}  ({where[key] or '-'})  {mark}")
        for p in problems:
            print(f"  FAIL {p}")
        print(f"  {'FAIL' if bad else 'PASS'} (tol {tol:g})")
        overall = max(overall, max(worst.values()))
        failed = failed or bool(bad)
    verdict = "ERROR" if malformed else "FAIL" if failed else "PASS"
    print(f"overall worst relative error {overall:.3e}: {verdict}")
    return 2 if malformed else 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
