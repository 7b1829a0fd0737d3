#!/usr/bin/python3
"""PyTorch peer of `tbptt speed`: times TBPTT(k1, k2) training of a stacked RNN on synthetic data.

The workload is the one the C++ `tbptt speed` command times:
  * a 1..L layer nn.RNN (tanh) / nn.LSTM / nn.GRU of hidden size H, batch B, float32;
  * dense inputs x ~ N(0, 1) of width I, uniform random class targets in [0, O) at every step,
    no resets;
  * an nn.Linear(H, O) head and cross-entropy, mean over the k1*B entries of a chunk;
  * TBPTT(k1, k2): one optimizer update per chunk of k1 steps, the hidden state carried between
    chunks by value (detached).
    k2 == k1: backward through the chunk.
    k2 >  k1: "recompute" semantics: the inputs of the last k2 steps and the state at the start
              of that window are kept; each update re-runs the whole window with the current
              weights from that state, the loss is taken on the chunk's k1 steps only, and the
              gradient flows through all k2 steps. (tbptt-bench's `recompute: true`.)
    k2 <  k1: the chunk is run as (k1-k2 steps without gradient into the recurrence) + (k2 steps);
              the early steps' losses still reach the head (their h values are constants).
  * SGD (plain) or Adam; `--warmup` untimed updates, then `--updates` timed ones.

All data is generated before timing: a pool of a few chunks reused cyclically.
FLOP count (the same formula as tbptt-bench, 2 x multiply-adds, per trained token):
  forward = 2*G*(I+H) + (L-1)*2*G*(H+H) + 2*O*H, G = the rows of the module's weight_hh
  (H, 4H, 3H for rnn, lstm, gru);
  training = 3 x forward. (For k2 > k1 the re-run steps are extra work not counted.)

Prints one JSON line: tokens_per_second, seconds, tokens, gflops, peak_rss_bytes, ...

Usage:
  /usr/bin/python3 scripts/peers/pytorch_tbptt.py --cell lstm --hidden 256 --batch 32 \
      --input 64 --output 64 --layers 1 --k1 32 --k2 32 --updates 50 --warmup 5
Environment: OPENBLAS_CORETYPE (e.g. SKYLAKEX) is passed through to OpenBLAS; the BLAS thread
count is set to --threads before torch is imported.
"""

import argparse
import ctypes
import json
import os
import resource
import sys
import time

# The cells this peer can time: PyTorch's own modules (a cell PyTorch lacks, such as the MGU, has
# no native peer). name -> (module constructor, whether the state is an (h, c) pair).
CELLS = {
    "rnn": (lambda nn, a: nn.RNN(a.input, a.hidden, a.layers, nonlinearity="tanh"), False),
    "lstm": (lambda nn, a: nn.LSTM(a.input, a.hidden, a.layers), True),
    "gru": (lambda nn, a: nn.GRU(a.input, a.hidden, a.layers), False),
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cell", choices=list(CELLS), default="lstm")
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--input", type=int, default=64)
    p.add_argument("--output", type=int, default=64)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--k1", type=int, default=32)
    p.add_argument("--k2", type=int, default=None, help="default: k1")
    p.add_argument("--updates", type=int, default=50, help="timed updates")
    p.add_argument("--warmup", type=int, default=5, help="untimed updates before timing")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--pool", type=int, default=4, help="pre-generated chunks, reused cyclically")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.k2 is None:
        args.k2 = args.k1
    for name in ("hidden", "batch", "input", "output", "layers", "k1", "k2", "threads", "pool"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be >= 1, got {getattr(args, name)}")
    if args.updates < 1 or args.warmup < 0:
        p.error("--updates must be >= 1 and --warmup >= 0")
    return args


def flops_per_token(g, layers, inp, hidden, out):
    """Training FLOPs per (step, lane), 2 per multiply-add, the formula of tbptt's
    Network::train_flops_per_token: forward Wx x and Wh h per layer and the head; backward dWh and
    dh (2x the recurrent product), dWx, dx above the first layer (the input needs no gradient),
    and the head's dW and dh. g: rows of the stacked gate matrices (G)."""
    total = 6 * out * hidden
    for layer in range(layers):
        rec = 2 * g * hidden
        inp_flops = 2 * g * (inp if layer == 0 else hidden)
        total += 3 * rec + (2 if layer == 0 else 3) * inp_flops
    return total


def current_rss_bytes():
    """Resident set size now (Linux /proc), or 0 if unknown."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def blas_info(torch):
    """Which BLAS torch was built for and which library the process actually loaded."""
    info = {"build": "", "loaded": [], "openblas_corename": None,
            "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE")}
    for part in torch.__config__.show().replace("\n", ",").split(","):
        part = part.strip()
        if "BLAS_INFO=" in part or "MKL-DNN" in part or "CPU capability" in part:
            info["build"] += (", " if info["build"] else "") + part.lstrip("- ").replace("Build settings: ", "")
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        paths = set()
    keys = ("blas", "mkl", "dnnl", "lapack")
    info["loaded"] = sorted(p for p in paths if any(k in os.path.basename(p).lower() for k in keys))
    for path in info["loaded"]:
        real = os.path.realpath(path)
        info.setdefault("resolved", []).append(real)
        try:
            lib = ctypes.CDLL(path)
            fn = lib.openblas_get_corename
        except (OSError, AttributeError):
            continue
        fn.restype = ctypes.c_char_p
        info["openblas_corename"] = fn().decode()
        try:
            cfg = lib.openblas_get_config
            cfg.restype = ctypes.c_char_p
            info["openblas_config"] = cfg().decode()
        except AttributeError:
            pass
    resolved = " ".join(info.get("resolved", [])).lower()
    if info["openblas_corename"]:
        info["kind"] = "openblas"
    elif "mkl" in resolved:
        info["kind"] = "mkl"
    elif "blas/libblas" in resolved or "libblas.so" in resolved:
        info["kind"] = "reference"  # netlib libblas3: unoptimised
    else:
        info["kind"] = "unknown"
    return info


def build_model(torch, args):
    nn = torch.nn
    rnn = CELLS[args.cell][0](nn, args)
    head = nn.Linear(args.hidden, args.output)
    params = list(rnn.parameters()) + list(head.parameters())
    if args.optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=args.lr)
    else:
        opt = torch.optim.Adam(params, lr=args.lr)
    return rnn, head, opt


def zero_state(torch, args):
    h = torch.zeros(args.layers, args.batch, args.hidden)
    return (h, torch.zeros_like(h)) if CELLS[args.cell][1] else h


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def make_pool(torch, args):
    """Inputs (P*k1, B, I) and targets (P*k1, B), generated once, before timing.

    P = --pool chunks, at least enough for one window (k1 + k2 steps) when k2 > k1."""
    chunks = max(args.pool, -(-(args.k1 + args.k2) // args.k1) if args.k2 > args.k1 else 1)
    steps = chunks * args.k1
    gen = torch.Generator().manual_seed(args.seed)
    with torch.no_grad():
        x = torch.randn(steps, args.batch, args.input, generator=gen)
        y = torch.randint(0, args.output, (steps, args.batch), generator=gen)
    return x, y


class Trainer:
    """TBPTT(k1, k2) over a cyclic pool of pre-generated steps."""

    def __init__(self, torch, args):
        self.torch, self.args = torch, args
        self.rnn, self.head, self.opt = build_model(torch, args)
        self.x, self.y = make_pool(torch, args)
        self.pool_steps = self.x.shape[0]
        self.t = 0  # global steps consumed so far
        self.state = zero_state(torch, args)  # k2 <= k1: the state at the chunk start
        self.window_start = 0  # k2 > k1: global step where the kept window starts ...
        self.window_state = zero_state(torch, args)  # ... and the state entering it
        self.xent = torch.nn.CrossEntropyLoss(reduction="mean")

    def steps(self, begin, end):
        """Pool rows for global steps [begin, end) (cyclic)."""
        n = self.pool_steps
        b, e = begin % n, begin % n + (end - begin)
        if e <= n:
            return self.x[b:e], self.y[b:e]
        idx = self.torch.arange(begin, end) % n
        return self.x.index_select(0, idx), self.y.index_select(0, idx)

    def loss_of(self, out, y):
        logits = self.head(out)
        return self.xent(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    def update(self):
        a = self.args
        begin, end = self.t, self.t + a.k1
        self.opt.zero_grad(set_to_none=True)
        if a.k2 > a.k1:
            loss = self._window_update(end)
        else:
            x, y = self.steps(begin, end)
            cut = a.k1 - a.k2
            if cut > 0:  # steps before the window: values only, but their losses reach the head
                with self.torch.no_grad():
                    out_early, mid = self.rnn(x[:cut], self.state)
                out_late, state = self.rnn(x[cut:], mid)
                out = self.torch.cat([out_early, out_late], 0)
            else:
                out, state = self.rnn(x, self.state)
            loss = self.loss_of(out, y)
            loss.backward()
            self.state = detach(state)
        self.opt.step()
        self.t = end
        return loss

    def _window_update(self, end):
        """k2 > k1, recompute: re-run the window (window_start, end] from its stored state."""
        a = self.args
        ws = self.window_start
        x, y = self.steps(ws, end)
        next_ws = max(0, end + a.k1 - a.k2)  # the next update's window start
        split = next_ws - ws
        if 0 < split < x.shape[0]:
            out_a, mid = self.rnn(x[:split], self.window_state)
            out_b, _ = self.rnn(x[split:], mid)
            out = self.torch.cat([out_a, out_b], 0)
            self.window_state = detach(mid)
        else:
            out, _ = self.rnn(x, self.window_state)
        self.window_start = next_ws
        chunk = out[-a.k1:]  # loss on the chunk's own steps only
        loss = self.loss_of(chunk, y[-a.k1:])
        loss.backward()
        return loss


def run(args):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch  # after the environment: OpenBLAS reads it when loaded

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    trainer = Trainer(torch, args)
    baseline_rss = current_rss_bytes()
    for _ in range(args.warmup):
        trainer.update()
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(args.updates):
        loss = trainer.update()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    final_loss = float(loss.detach())  # the last backward has completed: synchronous CPU
    tokens = args.updates * args.k1 * args.batch
    fpt = flops_per_token(trainer.rnn.weight_hh_l0.shape[0], args.layers, args.input, args.hidden, args.output)
    return {
        "peer": "pytorch",
        "cell": args.cell, "layers": args.layers, "input": args.input, "hidden": args.hidden,
        "output": args.output, "batch": args.batch, "k1": args.k1, "k2": args.k2,
        "recompute": args.k2 > args.k1, "optimizer": args.optimizer, "lr": args.lr,
        "updates": args.updates, "warmup": args.warmup,
        "tokens_per_second": tokens / seconds,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,  # less sensitive to other load than wall time
        "tokens": tokens,
        "flops_per_token": fpt,
        "gflops": tokens * fpt / seconds / 1e9,
        "final_loss": final_loss,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "baseline_rss_bytes": baseline_rss,
        "torch_version": torch.__version__,
        "blas": blas_info(torch),
        "threads": torch.get_num_threads(),
    }


def main(argv=None):
    result = run(parse_args(argv))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
