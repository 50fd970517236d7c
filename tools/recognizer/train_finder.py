"""Trains the finder CNN: accept or reject a candidate window, and tighten the box of a plate.

  /usr/bin/python3 tools/recognizer/train_finder.py --out build/recognizer [--steps N]

Loss: binary cross-entropy on "plate or not", plus smooth-L1 on the plate's box (x0, y0, x1, y1
as fractions of the window) for windows that hold one. Synthetic windows only (generate.py).
"""

import argparse
import math
import os
import time

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

import generate
import models


class Stream(Dataset):
    def __init__(self, seed, start):
        self.seed, self.start = seed, start

    def __len__(self):
        return 10 ** 9

    def __getitem__(self, i):
        img, label, box = generate.finder_sample(self.seed, self.start + i)
        return torch.from_numpy(img), torch.tensor(float(label)), torch.from_numpy(box)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20240602)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--save-every", type=int, default=100)
    ap.add_argument("--resume", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = models.Finder()
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    step = 0
    last = os.path.join(a.out, "finder_last.pt")
    if a.resume and os.path.exists(last):
        ck = torch.load(last)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step = ck["step"]
    loader = DataLoader(Stream(a.seed, step * a.batch), batch_size=a.batch, num_workers=a.workers,
                        persistent_workers=a.workers > 0)
    bce = torch.nn.BCEWithLogitsLoss()
    t0, avg, correct, n = time.time(), None, 0, 0
    for imgs, labels, boxes in loader:
        if step >= a.steps:
            break
        lr = a.lr * min(1.0, (step + 1) / 100) * 0.5 * (1 + math.cos(math.pi * step / a.steps))
        for g in opt.param_groups:
            g["lr"] = lr
        out = model(models.standardise(imgs))[:, :, 0, 0]
        loss = bce(out[:, 0], labels)
        pos = labels > 0.5
        if pos.any():
            loss = loss + 5.0 * torch.nn.functional.smooth_l1_loss(out[pos, 1:], boxes[pos], beta=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        correct += ((out[:, 0] > 0) == pos).sum().item()
        n += len(labels)
        if step % 50 == 0:
            print(f"step {step} loss {avg:.3f} acc {correct / n:.3f} lr {lr:.2e} "
                  f"{(time.time() - t0) / 50:.2f}s/step", flush=True)
            t0, correct, n = time.time(), 0, 0
        if step % a.save_every == 0 or step == a.steps:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step}, last + ".tmp")
            os.replace(last + ".tmp", last)
    torch.save({"model": model.state_dict(), "step": step}, os.path.join(a.out, "finder_final.pt"))
    print("done", step, flush=True)


if __name__ == "__main__":
    main()
