"""Exports trained checkpoints to ONNX for OpenCV 4.6's dnn module, and checks that OpenCV gives
the same outputs as torch.

  /usr/bin/python3 tools/recognizer/export.py --reader build/recognizer/reader_best.pt \
      [--more-readers build/recognizer/reader5_final.pt ...] \
      --finder build/recognizer/finder_final.pt --out models/recognizer

Further readers become reader2.onnx, reader3.onnx, ... (the engine reads with all of them); any
readerN.onnx beyond them is removed, so that a stale one is not loaded.

torch 1.13's exporter puts Identity nodes on some initializers; OpenCV 4.6 cannot import those,
so they are removed (their consumers read the initializer directly). Opset 11.
"""

import argparse
import os

import cv2
import numpy as np
import onnx
import torch

import models


def strip_identities(path):
    m = onnx.load(path)
    g = m.graph
    inits = {i.name for i in g.initializer}
    rename = {}
    keep = []
    for n in g.node:
        if n.op_type == "Identity" and n.input[0] in inits:
            rename[n.output[0]] = n.input[0]
        else:
            keep.append(n)
    for n in keep:
        for i, name in enumerate(n.input):
            if name in rename:
                n.input[i] = rename[name]
    del g.node[:]
    g.node.extend(keep)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return len(rename)


def export(model, shape, path):
    model.eval()
    x = torch.randn(*shape)
    torch.onnx.export(model, x, path, opset_version=11, input_names=["input"],
                      output_names=["output"], do_constant_folding=True)
    removed = strip_identities(path)
    net = cv2.dnn.readNetFromONNX(path)
    net.setInput(x.numpy())
    got = net.forward()
    want = model(x).detach().numpy()
    err = float(np.abs(got - want).max())
    print(f"{path}: {os.path.getsize(path)} bytes, {removed} Identity nodes removed, "
          f"max |opencv - torch| = {err:.2e}")
    if err > 1e-3:
        raise SystemExit(f"{path}: OpenCV's output differs from torch's by {err}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reader", required=True)
    ap.add_argument("--more-readers", nargs="*", default=[])
    ap.add_argument("--finder", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)
    r = models.Reader()
    r.load_state_dict(torch.load(a.reader)["model"])
    export(r, (1, 1, 32, 128), os.path.join(a.out, "reader.onnx"))
    for n, path in enumerate(a.more_readers, start=2):
        r = models.Reader()
        r.load_state_dict(torch.load(path)["model"])
        export(r, (1, 1, 32, 128), os.path.join(a.out, f"reader{n}.onnx"))
    n = len(a.more_readers) + 2
    while os.path.exists(os.path.join(a.out, f"reader{n}.onnx")):
        os.remove(os.path.join(a.out, f"reader{n}.onnx"))
        n += 1
    f = models.Finder()
    f.load_state_dict(torch.load(a.finder)["model"])
    export(f, (4, 1, 24, 96), os.path.join(a.out, "finder.onnx"))


if __name__ == "__main__":
    main()
