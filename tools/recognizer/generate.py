"""Synthetic training samples for the reader and the finder, from render.py's plates.

Sample i of stream `name` under seed s is a pure function of (s, name, i), so training is
reproducible whatever the number of data-loader workers.

  reader_sample(seed, i) -> (uint8 [32, 128] grey, text)   a rectified plate crop, degraded
  finder_sample(seed, i) -> (uint8 [24, 96] grey, label, box)  a candidate window: plate or not,
                            and where the plate lies in it (x0, y0, x1, y1 as fractions)
  scene(seed, i) -> (bgr image, [(corners, text), ...])  a plate pasted into a synthetic scene

`python3 generate.py --preview DIR` writes a few of each to look at.
"""

import argparse
import os
import zlib

import cv2
import numpy as np

import render

READER_H, READER_W = 32, 128
FINDER_H, FINDER_W = 24, 96


def rng_for(seed, name, i):
    return np.random.default_rng([seed, zlib.crc32(name.encode()), i])


def random_scene_background(rng, W, H, signs=True):
    """Street-like clutter: gradients, car bodies, grilles, signs with text (unless not `signs`:
    a sign with a short alphanumeric text is, to any finder, a plate), noise."""
    t = np.linspace(0, 1, H, dtype=np.float32)[:, None, None]
    a, b = rng.integers(0, 256, 3).astype(np.float32), rng.integers(0, 256, 3).astype(np.float32)
    k = rng.uniform(0, 0.8)
    column = np.clip(a * (1 - t * k) + b * t * k, 0, 255).astype(np.uint8)
    img = np.ascontiguousarray(np.broadcast_to(column, (H, W, 3)))
    for _ in range(int(rng.integers(3, 12))):
        k = rng.random()
        c = tuple(int(v) for v in rng.integers(0, 256, 3))
        x, y = int(rng.integers(-W // 4, W)), int(rng.integers(-H // 4, H))
        w, h = int(rng.integers(W // 20, W // 2)), int(rng.integers(H // 20, H // 2))
        if k < 0.35:
            cv2.rectangle(img, (x, y), (x + w, y + h), c, -1)
        elif k < 0.55:
            cv2.ellipse(img, (x, y), (w // 2, h // 2), float(rng.uniform(0, 180)), 0, 360, c, -1)
        elif k < 0.7:  # grille: repeated vertical or horizontal bars
            step = int(rng.integers(3, 12))
            vertical = rng.random() < 0.5
            for j in range(0, w if vertical else h, step):
                if vertical:
                    cv2.line(img, (x + j, y), (x + j, y + h // 3), c, max(1, step // 3))
                else:
                    cv2.line(img, (x, y + j), (x + w, y + j), c, max(1, step // 3))
        elif k < 0.85 and signs:  # a sign or a sticker with text: the finder's hardest negatives
            tw = int(rng.integers(40, max(41, W // 3)))
            th = int(tw * rng.uniform(0.15, 0.6))
            cv2.rectangle(img, (x, y), (x + tw, y + th), c, -1)
            txt = "".join(rng.choice(list(render.ALPHABET + "  "), int(rng.integers(3, 12))))
            m = render.text_mask(render.DECOR_FONTS_OK[int(rng.integers(len(render.DECOR_FONTS_OK)))],
                                 txt.strip() or "A")
            render._paint(img, m, x + tw // 10, y + th // 5, tw * 8 // 10, th * 3 // 5,
                          render._contrasting(rng, c))
        else:
            pts = rng.integers(0, max(W, H), (int(rng.integers(3, 6)), 2))
            cv2.polylines(img, [pts.astype(np.int32)], bool(rng.random() < 0.5), c,
                          int(rng.integers(1, 6)))
    if rng.random() < 0.5:
        img = cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.5, 2.5)))
    return img


def degrade(rng, img):
    """Photometric and resolution damage: light, shadow, night, blur, noise, JPEG."""
    img = img.astype(np.float32)
    # Colour cast, contrast, brightness.
    img *= rng.uniform(0.75, 1.25, 3)
    img = (img - 128) * rng.uniform(0.6, 1.3) + 128 + rng.uniform(-40, 40)
    h, w = img.shape[:2]
    if rng.random() < 0.3:  # a shadow edge across the plate
        pts = np.array([[rng.uniform(0, w), 0], [rng.uniform(0, w), h], [w * 2, h], [w * 2, 0]])
        if rng.random() < 0.5:
            pts[:, 0] = w - pts[:, 0]
        mask = np.zeros((h, w), np.float32)
        cv2.fillPoly(mask, [pts.astype(np.int32)], 1.0)
        mask = cv2.GaussianBlur(mask, (0, 0), max(0.5, w * 0.01))
        img *= (1 - mask * rng.uniform(0.3, 0.7))[..., None]
    if rng.random() < 0.15:  # night: dark, flat, noisy
        img = img * rng.uniform(0.15, 0.45) + rng.uniform(0, 20)
    if rng.random() < 0.2:  # glare
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        yy, xx = np.mgrid[0:h, 0:w]
        r = rng.uniform(0.1, 0.5) * w
        img += (np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)) * rng.uniform(40, 150))[..., None]
    img = np.clip(img, 0, 255).astype(np.uint8)
    # Resolution: shrink (plates far away), then blur, noise and JPEG at that size.
    scale = rng.uniform(0.3, 1.0)
    small = cv2.resize(img, (max(8, int(w * scale)), max(4, int(h * scale))),
                       interpolation=cv2.INTER_AREA)
    if rng.random() < 0.4:
        s = rng.uniform(0.3, 1.1)
        small = cv2.GaussianBlur(small, (0, 0), s)
    if rng.random() < 0.15:  # motion blur
        k = int(rng.integers(3, 8))
        kern = np.zeros((k, k), np.float32)
        kern[k // 2, :] = 1.0 / k
        M = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), float(rng.uniform(0, 180)), 1)
        kern = cv2.warpAffine(kern, M, (k, k))
        small = cv2.filter2D(small, -1, kern / max(kern.sum(), 1e-6))
    if rng.random() < 0.6:
        small = np.clip(small + rng.normal(0, rng.uniform(1, 12), small.shape), 0, 255).astype(np.uint8)
    if rng.random() < 0.6:
        q = int(rng.integers(15, 90))
        ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, q])
        small = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return small


def degrade_mild(rng, img):
    """Light damage, as on most real crops: a little cast and contrast, slight blur, noise, JPEG."""
    img = img.astype(np.float32) * rng.uniform(0.88, 1.12, 3)
    img = (img - 128) * rng.uniform(0.75, 1.15) + 128 + rng.uniform(-25, 25)
    img = np.clip(img, 0, 255).astype(np.uint8)
    h, w = img.shape[:2]
    scale = rng.uniform(0.45, 1.0)
    small = cv2.resize(img, (max(8, int(w * scale)), max(4, int(h * scale))),
                       interpolation=cv2.INTER_AREA)
    if rng.random() < 0.4:
        small = cv2.GaussianBlur(small, (0, 0), rng.uniform(0.3, 0.8))
    if rng.random() < 0.5:
        small = np.clip(small + rng.normal(0, rng.uniform(1, 5), small.shape), 0, 255).astype(np.uint8)
    if rng.random() < 0.6:
        ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(50, 95))])
        small = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return small


def place_plate(rng, plate, corners, W, H, plate_w, bg=None):
    """Warps the plate into a W x H scene at width ~plate_w px with a random perspective."""
    ph, pw = plate.shape[:2]
    s = plate_w / pw
    cx = rng.uniform(plate_w * 0.6, W - plate_w * 0.6)
    cy = rng.uniform(ph * s * 0.8, H - ph * s * 0.8)
    ang = np.deg2rad(rng.normal(0, 4))
    yaw = rng.uniform(-0.25, 0.25)  # horizontal foreshortening of one side
    pitch = rng.uniform(-0.12, 0.12)
    dst = []
    for (x, y) in [(-pw / 2, -ph / 2), (pw / 2, -ph / 2), (pw / 2, ph / 2), (-pw / 2, ph / 2)]:
        fx = 1 + yaw * (x / pw) * 2 * (y / ph) * 0  # keep parallel edges mostly
        xx = x * s * (1 + pitch * (y / ph)) * fx
        yy = y * s * (1 + yaw * (x / pw))
        rx = xx * np.cos(ang) - yy * np.sin(ang) + cx
        ry = xx * np.sin(ang) + yy * np.cos(ang) + cy
        dst.append((rx, ry))
    dst = (np.array(dst, np.float32) + rng.normal(0, plate_w * 0.01, (4, 2))).astype(np.float32)
    M = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    if bg is None:
        bg = random_scene_background(rng, W, H)
    out = bg.copy()
    cv2.warpPerspective(plate, M, (W, H), out, flags=cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_TRANSPARENT)
    return out, dst


def _crop_quad(img, quad, out_w, out_h):
    M = cv2.getPerspectiveTransform(quad.astype(np.float32),
                                    np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]],
                                             np.float32))
    return cv2.warpPerspective(img, M, (out_w, out_h), flags=cv2.INTER_AREA,
                               borderMode=cv2.BORDER_REPLICATE)


def reader_sample(seed, i, style=1):
    rng = rng_for(seed, "reader" if style == 1 else f"reader{style}", i)
    region = "us" if rng.random() < 0.7 else "eu"
    span = []
    plate, text, corners = render.render_plate(rng, region, style=style, span=span)
    ph, pw = plate.shape[:2]
    # Plate in a small scene at high resolution, then a crop around it as a finder would cut it:
    # axis-aligned box with a jittered margin, or a quad near the true corners (rectified).
    W, H = int(pw * 1.6), int(ph * 1.9)
    bg = cv2.resize(random_scene_background(rng, W // 4, H // 4), (W, H),
                    interpolation=cv2.INTER_LINEAR)
    scene, quad = place_plate(rng, plate, corners, W, H, pw * rng.uniform(0.85, 1.0), bg)
    x0, y0 = quad.min(0)
    x1, y1 = quad.max(0)
    bw, bh = x1 - x0, y1 - y0
    if style >= 3 and region == "us" and rng.random() < (0.7 if style == 4 else 0.55):
        # The whole plate, as in crops of plates: from a little inside its edges to a little
        # outside, so that the registration often runs close to the crop's sides.
        mx = (rng.uniform(-0.005, 0.06, 2) if style == 4 else rng.uniform(-0.02, 0.08, 2)) * bw
        my = rng.uniform(-0.03, 0.10, 2) * bh
        box = np.array([[x0 - mx[0], y0 - my[0]], [x1 + mx[1], y0 - my[0]],
                        [x1 + mx[1], y1 + my[1]], [x0 - mx[0], y1 + my[1]]])
    elif rng.random() < 0.6:
        mx = rng.uniform(-0.04, 0.08, 2) * bw
        my = rng.uniform(-0.06, 0.15, 2) * bh
        box = np.array([[x0 - mx[0], y0 - my[0]], [x1 + mx[1], y0 - my[0]],
                        [x1 + mx[1], y1 + my[1]], [x0 - mx[0], y1 + my[1]]])
    else:
        box = quad + rng.normal(0, 0.025, (4, 2)) * np.array([bw, bh])
    if style in render.STYLE_5_FAMILY:
        # The crop keeps the whole registration, with at least 1.5% of the plate's width beside
        # it: a character cut in half but still in the label taught earlier readers to drop
        # characters at the crop's sides.
        box = box.astype(np.float64)
        for side, frac in ((0, span[0] / pw), (1, span[1] / pw)):
            top = quad[0] + frac * (quad[1] - quad[0])
            bottom = quad[3] + frac * (quad[2] - quad[3])
            if side == 0:
                lim = min(top[0], bottom[0]) - 0.015 * bw
                box[[0, 3], 0] = np.minimum(box[[0, 3], 0], lim)
            else:
                lim = max(top[0], bottom[0]) + 0.015 * bw
                box[[1, 2], 0] = np.maximum(box[[1, 2], 0], lim)
    crop = _crop_quad(scene, box, 256, 128 if region == "us" else 56)
    crop = degrade_mild(rng, crop) if style >= 3 and rng.random() < 0.55 else degrade(rng, crop)
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    if rng.random() < 0.05:
        grey = 255 - grey
    grey = cv2.resize(grey, (READER_W, READER_H), interpolation=cv2.INTER_AREA)
    return grey, text


def scene(seed, i, W=1280, H=720):
    """A whole frame with 0 to 3 plates; returns the frame and [(quad, text)]."""
    rng = rng_for(seed, "scene", i)
    img = random_scene_background(rng, W, H)
    plates = []
    for _ in range(int(rng.choice([0, 1, 1, 1, 2, 3]))):
        region = "us" if rng.random() < 0.6 else "eu"
        plate, text, corners = render.render_plate(rng, region)
        pw = float(rng.uniform(60, 320))
        img, quad = place_plate(rng, plate, corners, W, H, pw, bg=img)
        plates.append((quad, text))
    img = degrade_scene(rng, img)
    return img, plates


def degrade_scene(rng, img):
    img = img.astype(np.float32) * rng.uniform(0.6, 1.2) + rng.uniform(-30, 30)
    if rng.random() < 0.5:
        img += rng.normal(0, rng.uniform(1, 8), img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        img = cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.3, 1.2)))
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(40, 95))])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def finder_sample(seed, i):
    """A window for the accept/tighten CNN: half plates with loose boxes, half not plates."""
    rng = rng_for(seed, "finder", i)
    region = "us" if rng.random() < 0.6 else "eu"
    plate, text, corners = render.render_plate(rng, region)
    ph, pw = plate.shape[:2]
    plate_w = float(rng.uniform(50, 220))
    W, H = int(plate_w * 3), int(plate_w * 1.8)
    bg = cv2.resize(random_scene_background(rng, W // 2, H // 2), (W, H))
    scene_img, quad = place_plate(rng, plate, corners, W, H, plate_w, bg)
    scene_img = degrade_scene(rng, scene_img)
    x0, y0 = quad.min(0)
    x1, y1 = quad.max(0)
    bw, bh = x1 - x0, y1 - y0
    positive = rng.random() < 0.5
    if positive:
        # A loose candidate box around the plate, as the edge finder would give.
        cx0 = x0 - rng.uniform(-0.1, 0.3) * bw
        cx1 = x1 + rng.uniform(-0.1, 0.3) * bw
        cy0 = y0 - rng.uniform(-0.15, 0.5) * bh
        cy1 = y1 + rng.uniform(-0.15, 0.5) * bh
    else:
        # Anywhere else: mostly away from the plate, sometimes a part of it.
        for _ in range(20):
            w = rng.uniform(30, min(W, 2 * plate_w))
            h = w / rng.uniform(1.5, 6)
            cx0, cy0 = rng.uniform(0, W - w), rng.uniform(0, H - h)
            cx1, cy1 = cx0 + w, cy0 + h
            ix = max(0, min(cx1, x1) - max(cx0, x0)) * max(0, min(cy1, y1) - max(cy0, y0))
            if ix < 0.3 * bw * bh:
                break
        if rng.random() < 0.15:  # a part of the plate: a half, a header line
            if rng.random() < 0.5:
                cx0, cx1, cy0, cy1 = x0, x0 + bw * rng.uniform(0.3, 0.55), y0, y1
            else:
                cx0, cx1, cy0, cy1 = x0, x1, y0, y0 + bh * rng.uniform(0.15, 0.3)
    box = np.array([[cx0, cy0], [cx1, cy0], [cx1, cy1], [cx0, cy1]])
    win = _crop_quad(scene_img, box, FINDER_W * 2, FINDER_H * 2)
    grey = cv2.cvtColor(win, cv2.COLOR_BGR2GRAY)
    grey = cv2.resize(grey, (FINDER_W, FINDER_H), interpolation=cv2.INTER_AREA)
    if positive:
        cw, chh = cx1 - cx0, cy1 - cy0
        target = np.array([(x0 - cx0) / cw, (y0 - cy0) / chh, (x1 - cx0) / cw, (y1 - cy0) / chh],
                          np.float32)
    else:
        target = np.zeros(4, np.float32)
    return grey, int(positive), target


def write_testdata(out, seed):
    """Small fixtures for the C++ tests (src/recognize/testdata): clean plates named by their
    text, and plate-free scenes."""
    os.makedirs(out, exist_ok=True)
    # (region, text, groups, seed, index): renders picked by eye to be legible (a few renders
    # hide a character under clutter, which is fine for training and not for a test).
    fixtures = [("us", "7KQD418", [1, 4], 7, 0), ("us", "ABC1234", [3], 7, 1),
                ("us", "4GHT582", [4], 7, 2), ("us", "XRW295", [3], 7, 3),
                ("eu", "BA123XY", [2, 5], 11, 4), ("eu", "KE456AB", [2, 5], 7, 5)]
    for region, text, splits, plate_seed, i in fixtures:
        rng = rng_for(plate_seed, "testplate", i)
        plate, text, _ = render.render_plate(rng, region, text, splits)
        w = 240 if region == "us" else 300
        plate = cv2.resize(plate, (w, int(plate.shape[0] * w / plate.shape[1])), interpolation=cv2.INTER_AREA)
        cv2.imwrite(os.path.join(out, f"plate_{region}_{text}.png"), plate, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    for i in range(3):
        rng = rng_for(seed, "testempty", i)
        img = degrade_scene(rng, random_scene_background(rng, 640, 360, signs=False))
        cv2.imwrite(os.path.join(out, f"empty_{i}.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 80])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--testdata", help="write the C++ tests' fixtures here instead")
    ap.add_argument("--preview")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-n", type=int, default=48)
    ap.add_argument("--style", type=int, default=1)
    a = ap.parse_args()
    if a.testdata:
        write_testdata(a.testdata, a.seed)
        return
    os.makedirs(a.preview, exist_ok=True)
    tiles, texts = [], []
    for i in range(a.n):
        g, t = reader_sample(a.seed, i, a.style)
        tiles.append(g)
        texts.append(t)
    rows = [np.hstack(tiles[i:i + 6]) for i in range(0, len(tiles) - len(tiles) % 6, 6)]
    cv2.imwrite(os.path.join(a.preview, "reader.png"), cv2.resize(np.vstack(rows), None, fx=1.5, fy=1.5))
    with open(os.path.join(a.preview, "reader.txt"), "w") as f:
        for i in range(0, len(texts), 6):
            f.write(" ".join(texts[i:i + 6]) + "\n")
    tiles = []
    for i in range(24):
        g, lab, _ = finder_sample(a.seed, i)
        g = g.copy()
        cv2.putText(g, str(lab), (2, 10), cv2.FONT_HERSHEY_SIMPLEX, 0.35, 255, 1)
        tiles.append(g)
    cv2.imwrite(os.path.join(a.preview, "finder.png"),
                cv2.resize(np.vstack([np.hstack(tiles[i:i + 6]) for i in range(0, 24, 6)]), None, fx=2, fy=2))
    img, plates = scene(a.seed, 0)
    cv2.imwrite(os.path.join(a.preview, "scene.jpg"), img)
    print("scene plates:", [t for _, t in plates])


if __name__ == "__main__":
    main()
