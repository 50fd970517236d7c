"""Trains the plate reader (CTC) on synthetic plates from generate.py.

  /usr/bin/python3 tools/recognizer/train_reader.py --out build/recognizer [--steps N]

Reproducible: sample i of the stream is a function of (--seed, i) and torch is seeded. Saves
`reader_last.pt` every --save-every steps (resume with --resume). With --measure DIR (a set of
real crops with groundtruth.csv, used only to measure), it logs exact-read accuracy there and
keeps the best step as `reader_best.pt`; the real images never enter training.
"""

import argparse
import csv
import math
import os
import time

import cv2
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

import generate
import models


class Stream(Dataset):
    def __init__(self, seed, start, style):
        self.seed, self.start, self.style = seed, start, style

    def __len__(self):
        return 10 ** 9

    def __getitem__(self, i):
        img, text = generate.reader_sample(self.seed, self.start + i, self.style)
        return torch.from_numpy(img), text


def collate(items):
    imgs = torch.stack([i for i, _ in items])
    texts = [t for _, t in items]
    targets = torch.tensor([models.ALPHABET.index(c) + 1 for t in texts for c in t], dtype=torch.long)
    lengths = torch.tensor([len(t) for t in texts], dtype=torch.long)
    return imgs, targets, lengths, texts


def load_measure_set(d):
    rows = list(csv.reader(open(os.path.join(d, "groundtruth.csv"))))
    imgs, texts = [], []
    for name, _, plate in rows:
        g = cv2.imread(os.path.join(d, name), cv2.IMREAD_GRAYSCALE)
        if g is None:
            continue
        imgs.append(cv2.resize(g, (generate.READER_W, generate.READER_H), interpolation=cv2.INTER_AREA))
        texts.append(plate)
    return torch.from_numpy(np.stack(imgs)), texts


def measure(model, imgs, texts):
    model.eval()
    got = []
    with torch.no_grad():
        for i in range(0, len(texts), 128):
            got += models.greedy_decode(model(models.standardise(imgs[i:i + 128])))
    model.train()
    return sum(g == t for g, t in zip(got, texts)) / len(texts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--steps", type=int, default=12000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--save-every", type=int, default=200)
    ap.add_argument("--measure-every", type=int, default=1000)
    ap.add_argument("--measure", default="")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--style", type=int, default=1, help="generator style (render.render_us)")
    ap.add_argument("--init", default="", help="start from this checkpoint's weights (stage 2)")
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--tag", default="reader", help="checkpoint name prefix")
    ap.add_argument("--stop", type=int, default=0,
                    help="if > 0, stop after this step (the schedule still spans --steps); "
                         "`TAG_final.pt` then holds that step's weights")
    ap.add_argument("--ema", type=float, default=0.0,
                    help="if > 0, measure and save an exponential moving average of the weights "
                         "(and batch-norm statistics) with this decay per step")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    model = models.Reader()
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    step, best = 0, -1.0
    last = os.path.join(a.out, f"{a.tag}_last.pt")
    if a.init:
        model.load_state_dict(torch.load(a.init)["model"])
    if a.resume and os.path.exists(last):
        ck = torch.load(last)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, best = ck["step"], ck.get("best", -1.0)
    ema = None
    if a.ema > 0:
        ema = models.Reader()
        ema.load_state_dict(model.state_dict())
        if a.resume and os.path.exists(last) and "ema" in torch.load(last):
            ema.load_state_dict(torch.load(last)["ema"])
        ema.train()
    ctc = torch.nn.CTCLoss(blank=models.BLANK, zero_infinity=True)
    meas = load_measure_set(a.measure) if a.measure else None

    loader = DataLoader(Stream(a.seed, step * a.batch, a.style), batch_size=a.batch, num_workers=a.workers,
                        collate_fn=collate, persistent_workers=a.workers > 0)
    t0, avg, n_ok, n = time.time(), None, 0, 0
    for imgs, targets, lengths, texts in loader:
        if step >= a.steps or (a.stop > 0 and step >= a.stop):
            break
        # Warm-up, then cosine decay.
        frac = step / a.steps
        lr = a.lr * min(1.0, (step + 1) / a.warmup) * 0.5 * (1 + math.cos(math.pi * frac))
        for g in opt.param_groups:
            g["lr"] = lr
        logits = model(models.standardise(imgs))  # N, C, 1, T
        logp = logits[:, :, 0, :].permute(2, 0, 1).log_softmax(2)  # T, N, C
        T = logp.shape[0]
        loss = ctc(logp, targets, torch.full((len(texts),), T, dtype=torch.long), lengths)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        if ema is not None:
            with torch.no_grad():
                for e, p in zip(ema.state_dict().values(), model.state_dict().values()):
                    if e.dtype.is_floating_point:
                        e.mul_(a.ema).add_(p, alpha=1 - a.ema)
                    else:
                        e.copy_(p)
        kept = ema if ema is not None else model
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        got = models.greedy_decode(logits.detach())
        n_ok += sum(g == t for g, t in zip(got, texts))
        n += len(texts)
        if step % 50 == 0:
            print(f"step {step} loss {avg:.3f} synth_acc {n_ok / n:.3f} lr {lr:.2e} "
                  f"{(time.time() - t0) / 50:.2f}s/step", flush=True)
            t0, n_ok, n = time.time(), 0, 0
        if meas is not None and (step % a.measure_every == 0 or step == a.steps):
            acc = measure(kept, *meas)
            print(f"step {step} measured_exact {acc:.4f}", flush=True)
            if acc > best:
                best = acc
                torch.save({"model": kept.state_dict(), "step": step, "measured": acc},
                           os.path.join(a.out, f"{a.tag}_best.pt"))
        if step % a.save_every == 0 or step == a.steps:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                        "best": best, **({"ema": ema.state_dict()} if ema is not None else {})},
                       last + ".tmp")
            os.replace(last + ".tmp", last)
    kept = ema if ema is not None else model
    torch.save({"model": kept.state_dict(), "step": step}, os.path.join(a.out, f"{a.tag}_final.pt"))
    print("done", step, flush=True)


if __name__ == "__main__":
    main()
