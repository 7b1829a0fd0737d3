#!/usr/bin/python3
"""PyTorch peer of the add_stream reproduction: TBPTT(k1, n) of a tanh nn.RNN on the coin task.

An independent cross-check of `tbptt run experiments/paper/marschall2020_add_stream.yaml`: does
TBPTT(n, n) or TBPTT(1, n) reach a plateau below the one its window allows? The task is
tbptt-bench's add_stream (Pitis 2016), rebuilt here from its description:
  each lane is an endless stream of fair bits x_t, fed as the pair (x_t, 1 - x_t); the label y_t is
  1 with probability 0.5 + 0.5 x_{t-t1} - 0.25 x_{t-t2}; the first max(t1, t2) steps of a lane
  carry no loss (their history is incomplete);
  the loss: cross-entropy, the mean over a chunk's masked steps x lanes (loss_reduction: mean);
  held out: --eval-lanes lanes of --eval-steps / --eval-lanes steps from a zero state, a fresh
  stream with a seed of its own (tbptt's defaults: 16 lanes, 10,000 steps).
Training: TBPTT(k1, n) (k1 defaults to n, the chunked style): one update per chunk of k1 steps,
the state carried by value (detached) across chunks, never reset; Adam (PyTorch defaults but the
rate), global-norm clipping. With k1 < n the update back-propagates the chunk's losses through
the last n steps: the window is re-run from its stored (detached) first state with the current
weights, which is tbptt's `recompute: true` (DESIGN.md section 1); the carried state is the one
of the forward pass, as in tbptt.
PyTorch's initialisation (U(-1/sqrt(H), 1/sqrt(H)), as tbptt's `uniform` scheme).

Prints a JSON line: the final held-out loss and the three plateau levels (no memory, lag t1, both).

Usage:
  /usr/bin/python3 scripts/peers/add_stream_pytorch.py --n 6 --tokens 1000000 --seed 1
  /usr/bin/python3 scripts/peers/add_stream_pytorch.py --k1 1 --n 3 --seed 2   # TBPTT(1, 3)
"""

import argparse
import json
import math
import os
import sys
import time


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=6, help="k2: the window, TBPTT(k1, n)")
    p.add_argument("--k1", type=int, default=None, help="steps per update, 1 .. n (default n)")
    p.add_argument("--t1", type=int, default=3)
    p.add_argument("--t2", type=int, default=8)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--tokens", type=int, default=1000000, help="training steps x lanes")
    p.add_argument("--lr", type=float, default=0.002)
    p.add_argument("--clip", type=float, default=1.0, help="global-norm threshold; 0: none")
    p.add_argument("--eval-steps", type=int, default=10000)
    p.add_argument("--eval-lanes", type=int, default=16)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.k1 is None:
        args.k1 = args.n
    if not 1 <= args.k1 <= args.n:
        p.error(f"--k1 must be within 1 .. --n ({args.n}), got {args.k1}")
    for name in ("n", "t1", "t2", "hidden", "batch", "tokens", "eval_steps", "eval_lanes"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    return args


def entropy(p):
    return -sum(q * math.log(q) for q in (p, 1 - p) if q > 0)


def levels(a):
    """The plateaus in closed form: the label's entropy knowing nothing, x_{t-t1}, or both bits."""
    prob = lambda x1, x2: 0.5 + 0.5 * x1 - 0.25 * x2
    none = entropy(sum(prob(x1, x2) for x1 in (0, 1) for x2 in (0, 1)) / 4)
    t1 = sum(entropy((prob(x1, 0) + prob(x1, 1)) / 2) for x1 in (0, 1)) / 2
    both = sum(entropy(prob(x1, x2)) for x1 in (0, 1) for x2 in (0, 1)) / 4
    return none, t1, both


class CoinStream:
    """B lanes of the coin task, `steps` at a time: inputs (steps, B, 2), labels and mask (steps, B)."""

    def __init__(self, torch, a, lanes, seed):
        self.torch, self.a, self.lanes = torch, a, lanes
        self.gen = torch.Generator().manual_seed(seed)
        self.lag = max(a.t1, a.t2)
        self.history = torch.zeros(self.lag, lanes)  # the last `lag` bits, oldest first
        self.age = 0

    def next(self, steps):
        torch, a = self.torch, self.a
        x = torch.randint(0, 2, (steps, self.lanes), generator=self.gen).float()
        bits = torch.cat([self.history, x])  # bits[lag + t] = x_t
        x1 = bits[self.lag - a.t1:self.lag - a.t1 + steps]
        x2 = bits[self.lag - a.t2:self.lag - a.t2 + steps]
        y = (torch.rand(steps, self.lanes, generator=self.gen) < 0.5 + 0.5 * x1 - 0.25 * x2).long()
        mask = (torch.arange(self.age, self.age + steps) >= self.lag).float().unsqueeze(1).expand(steps, self.lanes)
        self.history = bits[-self.lag:]
        self.age += steps
        return torch.stack([x, 1 - x], dim=2), y, mask


def main(argv=None):
    a = parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    rnn = torch.nn.RNN(2, a.hidden, nonlinearity="tanh")
    head = torch.nn.Linear(a.hidden, 2)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=a.lr)
    xent = torch.nn.functional.cross_entropy

    def masked_loss(x, y, mask, state, last=None):
        """The mean loss of the last `last` steps of x (all by default) run from `state`."""
        out, state = rnn(x, state)
        if last is not None:
            out = out[-last:]
        per = xent(head(out).reshape(-1, 2), y.reshape(-1), reduction="none")
        m = mask.reshape(-1)
        return (per * m).sum() / m.sum().clamp(min=1), m.sum(), state

    start = time.process_time()
    train = CoinStream(torch, a, a.batch, 1000 + a.seed)
    state, updates = torch.zeros(1, a.batch, a.hidden), 0
    window_x, window_h = [], []  # the last n inputs and the (detached) state before each
    for _ in range(a.tokens // (a.batch * a.k1)):
        x, y, mask = train.next(a.k1)
        start_h = state
        if a.k1 < a.n:
            # The forward pass of the chunk, step by step, to store each step's first state.
            with torch.no_grad():
                for t in range(a.k1):
                    window_x.append(x[t:t + 1])
                    window_h.append(state)
                    _, state = rnn(x[t:t + 1], state)
            del window_x[:-a.n], window_h[:-a.n]
            start_h = window_h[0]
        if mask.sum() == 0:  # the warm-up steps of the stream: no loss, but the state advances
            if a.k1 == a.n:
                with torch.no_grad():
                    _, state = rnn(x, state)
            continue
        if a.k1 == a.n:
            loss, _, state = masked_loss(x, y, mask, start_h)
        else:
            loss, _, _ = masked_loss(torch.cat(window_x), y, mask, start_h, last=a.k1)
        opt.zero_grad()
        loss.backward()
        if a.clip > 0:
            torch.nn.utils.clip_grad_norm_(params, a.clip)
        opt.step()
        updates += 1
        state = state.detach()
    with torch.no_grad():
        held = CoinStream(torch, a, a.eval_lanes, 2000 + a.seed)
        x, y, mask = held.next(-(-a.eval_steps // a.eval_lanes))
        loss, _, _ = masked_loss(x, y, mask, None)
    none, t1, both = levels(a)
    print(json.dumps({"k1": a.k1, "k2": a.n, "seed": a.seed, "updates": updates, "held_out_loss": loss.item(),
                      "no_memory": none, "t1_only": t1, "both": both,
                      "cpu_seconds": time.process_time() - start}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
