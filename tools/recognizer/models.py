"""The two networks. Plain convolutions, batch norm, ReLU and max pooling only, so that OpenCV
4.6's dnn module runs the exported ONNX exactly.

Reader: grey 1x32x128 plate, standardised per image -> 37 x 32 (blank + 0-9A-Z, per column), for
CTC. Finder: grey 1x24x96 window, standardised -> [plate logit, x0, y0, x1, y1] (box as
fractions of the window).
"""

import torch
from torch import nn

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BLANK = 0  # class 0 is the CTC blank; class k+1 is ALPHABET[k]


def _block(cin, cout, k=3, pad=1):
    return [nn.Conv2d(cin, cout, k, padding=pad, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class Reader(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            *_block(1, 16), nn.MaxPool2d(2),            # 16 x 64
            *_block(16, 32), nn.MaxPool2d(2),           # 8 x 32
            *_block(32, 64),
            *_block(64, 64), nn.MaxPool2d((2, 1)),      # 4 x 32
            *_block(64, 96),
            *_block(96, 128, k=(4, 3), pad=(0, 1)),     # 1 x 32
            *_block(128, 128, k=(1, 3), pad=(0, 1)),
            nn.Conv2d(128, len(ALPHABET) + 1, 1),
        )

    def forward(self, x):  # [N, 1, 32, 128] -> [N, 37, 1, 32]
        return self.body(x)


class Finder(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            *_block(1, 16), nn.MaxPool2d(2),            # 12 x 48
            *_block(16, 32), nn.MaxPool2d(2),           # 6 x 24
            *_block(32, 48), nn.MaxPool2d(2),           # 3 x 12
            *_block(48, 64, k=(3, 12), pad=0),          # 1 x 1
            nn.Conv2d(64, 5, 1),
        )

    def forward(self, x):  # [N, 1, 24, 96] -> [N, 5, 1, 1]
        return self.body(x)


def standardise(batch_u8):
    """uint8 [N, H, W] -> float [N, 1, H, W], each image to mean 0 and unit spread."""
    x = batch_u8.float()
    m = x.mean(dim=(1, 2), keepdim=True)
    s = x.std(dim=(1, 2), keepdim=True).clamp(min=8.0)
    return ((x - m) / s).unsqueeze(1)


def greedy_decode(logits):
    """[N, C, 1, T] -> list of strings (best path, repeats merged, blanks dropped)."""
    best = logits[:, :, 0, :].argmax(1)
    out = []
    for row in best.tolist():
        s, prev = [], BLANK
        for c in row:
            if c != prev and c != BLANK:
                s.append(ALPHABET[c - 1])
            prev = c
        out.append("".join(s))
    return out
