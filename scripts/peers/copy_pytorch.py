#!/usr/bin/python3
"""PyTorch peer of the copy reproduction: trains torch.nn.LSTM / nn.GRU on tbptt-bench's copy task.

An independent cross-check of `tbptt run experiments/paper/arjovsky2016_copy.yaml`: if PyTorch
learns the task in a budget where tbptt-bench does not, the difference is a bug of ours. The task
is the one of harness/tasks/copy.cpp (Arjovsky, Shah & Bengio 2016, sec. 4.1), rebuilt here from
its description, not from its code:
  tokens: blank 0, symbols 1..S, delimiter S+1 (one-hot inputs of width S+2);
  one episode of delay + 2*length steps:
    input  = s_1..s_length, blank x (delay-1), delimiter, blank x length
    target = blank x (delay+length), s_1..s_length          (classes 0..S)
  the loss: cross-entropy on every step, the mean over the episode's steps x lanes (tbptt's
  loss_reduction: mean over the chunk's masked entries; full BPTT's chunk is the episode);
  recall accuracy: argmax == symbol on the last `length` steps.
Training: a fresh batch of episodes per update, the state zeroed at each episode (tbptt's reset),
full BPTT (--k 0) or TBPTT(k, k) (the state carried by value across chunks of k steps inside an
episode), Adam (PyTorch's defaults: betas 0.9, 0.999, eps 1e-8), global-norm clipping.
PyTorch's own initialisation (U(-1/sqrt(H), 1/sqrt(H)), as tbptt's `uniform` scheme), plus
--forget-bias on b_ih's forget block (LSTM).

Prints one CSV line per evaluation: update,loss,ratio,recall (ratio = loss / chance,
chance = length ln(S) / (delay + 2 length)), then a JSON line with the final figures.

Usage:
  /usr/bin/python3 scripts/peers/copy_pytorch.py --cell lstm --hidden 64 --delay 30 \
      --updates 5000 --eval-every 250 --seed 1
"""

import argparse
import json
import math
import os
import sys
import time


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--delay", type=int, default=30)
    p.add_argument("--length", type=int, default=10)
    p.add_argument("--symbols", type=int, default=8)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--updates", type=int, default=5000, help="episodes-batches (full BPTT) to train on")
    p.add_argument("--k", type=int, default=0, help="TBPTT(k, k) inside each episode; 0: full BPTT")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--clip", type=float, default=1.0, help="global-norm threshold; 0: none")
    p.add_argument("--forget-bias", type=float, default=0.0)
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--eval-sequences", type=int, default=256)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    for name in ("hidden", "delay", "length", "symbols", "batch", "updates", "eval_every", "threads"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    return args


def episodes(torch, gen, a, lanes):
    """One batch of copy episodes: one-hot inputs (T, lanes, S+2) and class targets (T, lanes)."""
    T, S, L, D = a.delay + 2 * a.length, a.symbols, a.length, a.delay
    syms = torch.randint(1, S + 1, (L, lanes), generator=gen)
    tokens = torch.zeros(T, lanes, dtype=torch.long)
    tokens[:L] = syms
    tokens[L + D - 1] = S + 1
    target = torch.zeros(T, lanes, dtype=torch.long)
    target[D + L:] = syms
    x = torch.nn.functional.one_hot(tokens, S + 2).float()
    return x, target


def main(argv=None):
    a = parse_args(argv)
    torch_threads = str(a.threads)
    os.environ.setdefault("OMP_NUM_THREADS", torch_threads)
    import torch

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    S, T = a.symbols, a.delay + 2 * a.length
    rnn = (torch.nn.LSTM if a.cell == "lstm" else torch.nn.GRU)(S + 2, a.hidden)
    if a.cell == "lstm" and a.forget_bias:
        with torch.no_grad():  # PyTorch's gate order is i, f, g, o
            rnn.bias_ih_l0[a.hidden:2 * a.hidden] += a.forget_bias
    head = torch.nn.Linear(a.hidden, S + 1)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=a.lr)
    train_gen = torch.Generator().manual_seed(1000 + a.seed)
    eval_x, eval_y = episodes(torch, torch.Generator().manual_seed(2000 + a.seed), a, a.eval_sequences)
    chance = a.length * math.log(S) / T
    xent = torch.nn.functional.cross_entropy

    def evaluate():
        with torch.no_grad():
            out, _ = rnn(eval_x)
            logits = head(out)
            loss = xent(logits.reshape(-1, S + 1), eval_y.reshape(-1)).item()
            recall = (logits[-a.length:].argmax(-1) == eval_y[-a.length:]).float().mean().item()
        return loss, recall

    print("update,loss,ratio,recall,seconds")
    start = time.process_time()
    k = a.k if a.k > 0 else T
    loss, recall = evaluate()
    print(f"0,{loss:.5f},{loss / chance:.4f},{recall:.4f},0")
    updates = 0
    for batch in range(1, a.updates + 1):
        x, y = episodes(torch, train_gen, a, a.batch)
        state = None
        for t0 in range(0, T, k):
            out, state = rnn(x[t0:t0 + k], state)
            # Mean over the chunk's steps x lanes, as tbptt's loss_reduction: mean.
            chunk_loss = xent(head(out).reshape(-1, S + 1), y[t0:t0 + k].reshape(-1))
            opt.zero_grad()
            chunk_loss.backward()
            if a.clip > 0:
                torch.nn.utils.clip_grad_norm_(params, a.clip)
            opt.step()
            updates += 1
            state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        if batch % a.eval_every == 0 or batch == a.updates:
            loss, recall = evaluate()
            print(f"{batch},{loss:.5f},{loss / chance:.4f},{recall:.4f},{time.process_time() - start:.1f}",
                  flush=True)
    print(json.dumps({"cell": a.cell, "hidden": a.hidden, "delay": a.delay, "k": a.k, "seed": a.seed,
                      "forget_bias": a.forget_bias, "episode_batches": a.updates, "updates": updates,
                      "final_loss": loss, "final_ratio": loss / chance, "final_recall": recall,
                      "cpu_seconds": time.process_time() - start}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
