"""Renders synthetic licence plates (US and EU styles) with fonts from Debian packages.

Every function takes a numpy Generator, so one seed gives one picture. Nothing here reads a real
plate: the looks (layouts, colours, clutter) are written from general knowledge of how plates are
laid out, so that weights trained on these pictures owe nothing to any data set.

render_plate(rng, region) -> (bgr image, text, corners) where `text` is the plate's registration
(big characters only; stacked small characters, stickers, state names and slogans are clutter and
not part of it, as in the ground truth of the sets we measure on) and `corners` are the four
corners of the plate (top-left, top-right, bottom-right, bottom-left) in the image.
"""

import functools
import os
import re

import cv2
import numpy as np

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"

_FONT_DIRS = ["/usr/share/fonts/truetype", "/usr/share/fonts/opentype"]

# Fonts for the registration itself: plain, heavy, mostly condensed sans faces.
MAIN_FONTS = [
    "dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf",
    "dejavu/DejaVuSansMono-Bold.ttf", "dejavu/DejaVuSansCondensed.ttf",
    "liberation/LiberationSans-Bold.ttf", "liberation/LiberationSansNarrow-Bold.ttf",
    "liberation/LiberationMono-Bold.ttf", "liberation/LiberationSansNarrow-Regular.ttf",
    "urw-base35/NimbusSans-Bold.otf", "urw-base35/NimbusSansNarrow-Bold.otf",
    "urw-base35/NimbusSansNarrow-Regular.otf", "urw-base35/NimbusMonoPS-Bold.otf",
    "urw-base35/URWGothic-Demi.otf",
    "roboto/unhinted/RobotoCondensed-Bold.ttf", "roboto/unhinted/RobotoCondensed-Medium.ttf",
    "roboto/unhinted/RobotoCondensed-Regular.ttf", "roboto/unhinted/RobotoTTF/Roboto-Bold.ttf",
    "roboto/unhinted/RobotoTTF/Roboto-Medium.ttf", "roboto/unhinted/RobotoTTF/Roboto-Black.ttf",
    "bebas-neue/BebasNeue-Bold.otf", "bebas-neue/BebasNeue-Regular.otf",
    "b612/B612-Bold.otf", "b612/B612Mono-Bold.otf", "b612/B612-Regular.otf",
    "routed-gothic/routed-gothic-narrow.ttf", "routed-gothic/routed-gothic.ttf",
    "opendin/OSP-DIN.ttf",
]
# DIN-like faces, closest to European plate lettering.
EU_FONTS = ["opendin/OSP-DIN.ttf", "routed-gothic/routed-gothic.ttf",
            "routed-gothic/routed-gothic-narrow.ttf", "roboto/unhinted/RobotoCondensed-Medium.ttf",
            "roboto/unhinted/RobotoCondensed-Bold.ttf", "b612/B612-Regular.otf",
            "dejavu/DejaVuSansCondensed.ttf", "liberation/LiberationSansNarrow-Regular.ttf",
            "bebas-neue/BebasNeue-Regular.otf"]
# Style 3: condensed faces with uniform strokes, closest to US "licence plate gothic" lettering.
CONDENSED_FONTS = [
    "dejavu/DejaVuSansCondensed-Bold.ttf", "dejavu/DejaVuSansCondensed.ttf",
    "liberation/LiberationSansNarrow-Bold.ttf", "liberation/LiberationSansNarrow-Regular.ttf",
    "urw-base35/NimbusSansNarrow-Bold.otf", "urw-base35/NimbusSansNarrow-Regular.otf",
    "roboto/unhinted/RobotoCondensed-Bold.ttf", "roboto/unhinted/RobotoCondensed-Medium.ttf",
    "roboto/unhinted/RobotoCondensed-Regular.ttf", "routed-gothic/routed-gothic-narrow.ttf",
    "routed-gothic/routed-gothic.ttf", "bebas-neue/BebasNeue-Bold.otf",
    "bebas-neue/BebasNeue-Regular.otf", "opendin/OSP-DIN.ttf", "b612/B612-Regular.otf",
]
# Fonts for state names and slogans: anything, including serif and script faces.
DECOR_FONTS = MAIN_FONTS + [
    "urw-base35/C059-Bold.otf", "urw-base35/C059-Italic.otf", "urw-base35/P052-Bold.otf",
    "urw-base35/P052-Italic.otf", "urw-base35/Z003-MediumItalic.otf",
    "urw-base35/URWBookman-Demi.otf", "urw-base35/NimbusRoman-BoldItalic.otf",
    "urw-base35/NimbusRoman-Bold.otf", "urw-base35/NimbusSans-BoldItalic.otf",
    "dejavu/DejaVuSerif-Bold.ttf",
]

WORDS = ["STATE", "COUNTY", "LAND", "OF", "THE", "GREAT", "LAKES", "SUNSHINE", "OCEAN", "GARDEN",
         "EMPIRE", "GOLDEN", "PEACH", "LONE", "STAR", "FIRST", "FLIGHT", "MOUNTAIN", "PLAINS",
         "VALLEY", "RIVER", "BEAUTIFUL", "AMERICA", "HERITAGE", "SPIRIT", "LIBERTY", "PRIDE",
         "DEALER", "MOTORS", "AUTO", "SALES", "EXPLORE", "NATURAL", "WILD", "WONDERFUL", "NORTH",
         "SOUTH", "EAST", "WEST", "NEW", "OLD", "BIG", "SKY", "COUNTRY", "HISTORIC", "ISLAND"]
STATES = ["Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
          "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
          "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
          "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
          "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina",
          "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
          "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia",
          "Washington", "West Virginia", "Wisconsin", "Wyoming"]


def font_path(name):
    for d in _FONT_DIRS:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"font {name} not found; run scripts/setup.sh (fonts-* packages)")


def available(names):
    out = []
    for n in names:
        try:
            font_path(n)
            out.append(n)
        except FileNotFoundError:
            pass
    return out


@functools.lru_cache(maxsize=None)
def _freetype(name):
    ft = cv2.freetype.createFreeType2()
    ft.loadFontData(font_path(name), 0)
    return ft


def text_mask(font, text, height=64):
    """White-on-black mask of `text`, cropped to its ink, glyphs `height` px tall."""
    ft = _freetype(font)
    (w, h), base = ft.getTextSize(text, height, -1)
    canvas = np.zeros((h + base + 3 * height, w + 2 * height, 3), np.uint8)
    ft.putText(canvas, text, (height, h + height), height, (255, 255, 255), -1,
               cv2.LINE_AA, True)
    canvas = canvas[:, :, 0]
    ys, xs = np.nonzero(canvas > 40)
    if len(xs) == 0:
        return np.zeros((height, max(1, height // 2)), np.uint8)
    return canvas[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def random_registration(rng, region):
    """A registration and where its groups split, e.g. ("ABC1234", [3])."""
    L = lambda n: "".join(rng.choice(list(LETTERS), n))
    D = lambda n: "".join(rng.choice(list(DIGITS), n))
    if region == "eu":
        k = rng.random()
        if k < 0.55:  # Slovak: district, three digits, two letters
            return L(2) + D(3) + L(2), [2, 5]
        if k < 0.7:  # German-like: district, letters, digits
            a, b = int(rng.integers(1, 4)), int(rng.integers(1, 3))
            return L(a) + L(b) + D(int(rng.integers(1, 5))), [a, a + b]
        if k < 0.8:  # Czech-like
            return D(1) + L(1) + rng.choice(list(LETTERS + DIGITS)) + D(4), [3]
        if k < 0.9:  # Polish-like
            return L(2) + D(int(rng.integers(3, 6))), [2]
        t = "".join(rng.choice(list(ALPHABET), int(rng.integers(4, 8))))
        return t, []
    k = rng.random()
    if k < 0.25:
        return L(3) + D(4), [3]
    if k < 0.40:
        return D(1) + L(3) + D(3), [1, 4]
    if k < 0.52:
        return L(3) + D(3), [3]
    if k < 0.60:
        return D(3) + L(3), [3]
    if k < 0.66:
        return D(3) + L(4), [3]
    if k < 0.72:
        return L(2) + D(4), [2]
    if k < 0.78:
        return D(int(rng.integers(3, 7))), [] if rng.random() < 0.5 else [2]
    if k < 0.84:
        return L(2) + D(2) + L(2) if rng.random() < 0.5 else D(2) + L(2) + D(2), [2, 4]
    if k < 0.92:  # vanity: letters, some digits
        n = int(rng.integers(2, 9))
        pool = LETTERS * 3 + DIGITS
        return "".join(rng.choice(list(pool), n)), []
    n = int(rng.integers(4, 9))
    return "".join(rng.choice(list(ALPHABET), n)), [int(rng.integers(1, n))] if n > 3 else []


def _color(rng, light):
    if light:
        base = rng.integers(170, 256, 3)
    else:
        base = rng.integers(0, 110, 3)
    return tuple(int(c) for c in base)


def _contrasting(rng, bg):
    lum = 0.114 * bg[0] + 0.587 * bg[1] + 0.299 * bg[2]
    palette_dark = [(20, 20, 20), (90, 30, 10), (30, 30, 120), (20, 80, 20), (100, 40, 40),
                    (60, 20, 120), (0, 0, 0)]
    palette_light = [(245, 245, 245), (60, 210, 240), (230, 230, 200), (255, 255, 255)]
    if lum > 120:
        c = palette_dark[int(rng.integers(len(palette_dark)))]
    else:
        c = palette_light[int(rng.integers(len(palette_light)))]
    return tuple(int(np.clip(v + rng.integers(-20, 21), 0, 255)) for v in c)


def _paint(img, mask, x, y, w, h, color):
    """Blends `color` into img through `mask` resized to w x h at (x, y), clipped to img."""
    if w < 2 or h < 2:
        return
    m = cv2.resize(mask, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    H, W = img.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, W), min(y + h, H)
    if x1 <= x0 or y1 <= y0:
        return
    m = m[y0 - y:y1 - y, x0 - x:x1 - x, None]
    roi = img[y0:y1, x0:x1].astype(np.float32)
    img[y0:y1, x0:x1] = (roi * (1 - m) + np.array(color, np.float32) * m).astype(np.uint8)


def _background(rng, W, H, light, style=1):
    bg = _color(rng, light)
    img = np.empty((H, W, 3), np.uint8)
    img[:] = bg
    k = rng.random()
    if k < 0.35:  # gradient, top to bottom or side to side
        other = np.array(_color(rng, light), np.float32)
        t = np.linspace(0, 1, H if rng.random() < 0.7 else W, dtype=np.float32)
        if len(t) == H:
            t = t[:, None, None]
        else:
            t = t[None, :, None]
        img = (np.array(bg, np.float32) * (1 - t) + other * t + np.zeros((H, W, 1))).astype(np.uint8)
    elif k < 0.55:  # scenery: soft blobs and a horizon
        for _ in range(int(rng.integers(1, 5))):
            # style 4: scenery mostly in the plate's own tone, as on real plates (a dark blob
            # under dark lettering hides it).
            c = _color(rng, light if rng.random() < (0.92 if style == 4 else 0.7) else not light)
            cx, cy = int(rng.integers(0, W)), int(rng.integers(0, H))
            ax, ay = int(rng.integers(W // 10, W // 2)), int(rng.integers(H // 10, H // 2))
            cv2.ellipse(img, (cx, cy), (ax, ay), float(rng.uniform(0, 180)), 0, 360, c, -1)
        img = cv2.GaussianBlur(img, (0, 0), float(rng.uniform(2, 10)))
    elif k < 0.65:  # bands
        for _ in range(int(rng.integers(1, 3))):
            y = int(rng.integers(0, H))
            h = int(rng.integers(H // 12, H // 4))
            cv2.rectangle(img, (0, y), (W, y + h), _color(rng, rng.random() < 0.5), -1)
    return img, bg


def _clutter_text(rng, img, x, y, w, h, color):
    words = rng.choice(WORDS, int(rng.integers(1, 4)))
    text = " ".join(words)
    if rng.random() < 0.5:
        text = text.title() if rng.random() < 0.5 else text.lower()
    mask = text_mask(DECOR_FONTS_OK[int(rng.integers(len(DECOR_FONTS_OK)))], text)
    ww = min(w, int(h * mask.shape[1] / max(1, mask.shape[0]) * rng.uniform(0.7, 1.2)))
    _paint(img, mask, x + (w - ww) // 2, y, ww, h, color)


def _sticker(rng, img, x, y, w, h):
    c = tuple(int(v) for v in rng.integers(0, 256, 3))
    cv2.rectangle(img, (x, y), (x + w, y + h), c, -1)
    if rng.random() < 0.7:
        txt = "".join(rng.choice(list(DIGITS + LETTERS), int(rng.integers(1, 4))))
        mask = text_mask(MAIN_FONTS_OK[int(rng.integers(len(MAIN_FONTS_OK)))], txt)
        _paint(img, mask, x + w // 8, y + h // 6, w * 3 // 4, h * 2 // 3, _contrasting(rng, c))


def render_us(rng, text, splits, style=1, span=None):
    """style 1: the first training stage. style 2 (the second stage) adds what the first model
    got wrong on real plates: narrower characters (squarer 0s, unlike D), more stacked
    characters, and small graphics right beside the registration. style 3 (third stage) looks
    more like most real US plates: mostly condensed faces with uniform strokes (the "licence
    plate gothic" look), strokes thinned or thickened, taller characters (40-62% of the plate),
    often saturated coloured lettering (blue, red, maroon, green) on light plates, and the
    registration spread across the plate (often from edge to edge). style 4 spreads it further
    still (78-99% of the plate's width) and draws some plates' 1 as a plain bar and 0 as an O,
    as many states' lettering does. If `span` is a list, the registration's left and right x
    (plate pixels) are appended to it. style 5 is style 3 with the two letters it read worst on real
    plates drawn more often and in plate shapes: I with serifs (half the condensed-face plates;
    the sans faces' plain bar made the reader see I as 1, the serifs as T) and W. style 6 is
    style 5 with more clutter right beside the registration (stacked characters, graphics), which
    the style-5 reader read as extra characters. style 7 draws US plates as style 5 does (its
    changes are to EU plates: render_eu)."""
    W, H = 400, 200
    light = rng.random() < (0.82 if style < 3 else 0.9)
    img, bg = _background(rng, W, H, light, style)
    fg = _contrasting(rng, bg)
    if style >= 3 and light and rng.random() < 0.4:  # saturated coloured lettering
        palette = [(170, 70, 20), (200, 110, 30), (40, 40, 190), (30, 30, 140), (40, 110, 30),
                   (110, 40, 40), (60, 30, 90)]
        fg = tuple(int(np.clip(v + rng.integers(-25, 26), 0, 255))
                   for v in palette[int(rng.integers(len(palette)))])
    condensed = style >= 3 and rng.random() < 0.8
    if condensed:
        font = CONDENSED_FONTS_OK[int(rng.integers(len(CONDENSED_FONTS_OK)))]
    else:
        font = MAIN_FONTS_OK[int(rng.integers(len(MAIN_FONTS_OK)))]
    # style 4: many states' plate lettering draws the digit 1 as a plain bar (the shape of I in
    # a sans face) and the digit 0 as round as an O; the label keeps the digit.
    bar_one = style == 4 and condensed and rng.random() < 0.4
    round_zero = style == 4 and rng.random() < 0.2
    serif_i = style in STYLE_5_FAMILY and condensed and rng.random() < 0.5

    # Header (state name) and footer (slogan).
    if rng.random() < 0.9:
        state = STATES[int(rng.integers(len(STATES)))]
        state = state.upper() if rng.random() < 0.5 else state
        hh = int(H * rng.uniform(0.10, 0.2))
        mask = text_mask(DECOR_FONTS_OK[int(rng.integers(len(DECOR_FONTS_OK)))], state)
        ww = min(int(W * 0.9), int(hh * mask.shape[1] / mask.shape[0] * rng.uniform(0.8, 1.3)))
        hc = fg if rng.random() < 0.5 else _contrasting(rng, bg)
        _paint(img, mask, (W - ww) // 2 + int(rng.integers(-20, 21)),
               int(H * rng.uniform(0.03, 0.08)), ww, hh, hc)
    if rng.random() < 0.8:
        hh = int(H * rng.uniform(0.07, 0.14))
        _clutter_text(rng, img, int(W * 0.1), int(H * rng.uniform(0.8, 0.9)) - hh // 2,
                      int(W * 0.8), hh, _contrasting(rng, bg))
    # Stickers in the corners.
    for _ in range(int(rng.integers(0, 3))):
        sw, sh = int(rng.integers(30, 70)), int(rng.integers(20, 40))
        sx = int(rng.integers(5, 30)) if rng.random() < 0.5 else W - sw - int(rng.integers(5, 30))
        sy = int(rng.integers(5, 25)) if rng.random() < 0.5 else H - sh - int(rng.integers(5, 25))
        _sticker(rng, img, sx, sy, sw, sh)

    # The registration, in groups.
    groups, prev = [], 0
    for s in splits + [len(text)]:
        if s > prev:
            groups.append(text[prev:s])
        prev = s
    char_h = int(H * (rng.uniform(0.38, 0.56) if style < 3 else rng.uniform(0.40, 0.62)))
    top = int(H * 0.5 - char_h / 2 + rng.integers(-12, 13))
    squash = rng.uniform(0.7, 1.25) if style == 1 else rng.uniform(0.5, 1.1)
    drawn = [g.replace("1", "I") if bar_one else g for g in groups]
    drawn = [g.replace("0", "O") if round_zero else g for g in drawn]
    masks = [_group_mask(font, g, serif_i) for g in drawn]
    if style >= 3 and rng.random() < 0.3:  # stroke weight: thinner or heavier than the face
        k = int(rng.integers(2, 5))
        op = cv2.erode if rng.random() < 0.5 else cv2.dilate
        masks = [op(m, np.ones((k, k), np.uint8)) for m in masks]
    widths = [int(m.shape[1] / m.shape[0] * char_h * squash) for m in masks]
    sep = int(char_h * rng.uniform(0.15, 0.6))
    stacked_p = 0.1 if style == 1 else (0.35 if style == 6 else 0.2)
    stacked_left = rng.random() < stacked_p
    stacked_right = rng.random() < stacked_p
    extra = (int(char_h * 0.45) + 6) * (stacked_left + stacked_right)
    total = sum(widths) + sep * (len(groups) - 1) + extra
    avail = W * rng.uniform(0.75, 0.94)
    if style >= 3:
        # Real plates spread the registration across the plate: often text from edge to edge.
        avail = W * (rng.uniform(0.78, 0.99) if style == 4 else rng.uniform(0.7, 0.98))
        if total < avail and len(text) >= 5:
            f = min(avail / total, 1.1 / squash, 1.5)
            widths = [int(w * f) for w in widths]
            sep = int(sep * f)
            total = sum(widths) + sep * (len(groups) - 1) + extra
    if total > avail:
        f = avail / total
        widths = [int(w * f) for w in widths]
        sep = int(sep * f)
        total = sum(widths) + sep * (len(groups) - 1) + extra
    x = int((W - total) / 2 + rng.integers(-10, 11))
    if style >= 3:
        x = int(np.clip(x, 2, W - total - 2)) if total < W - 4 else x
    x0_text = x
    if stacked_left:
        x = _stacked(rng, img, x, top, char_h, fg) + 6
    reg_x0 = x
    sep_kind = rng.choice(["space", "dash", "dot", "logo"], p=[0.5, 0.2, 0.15, 0.15])
    outline = rng.random() < 0.08
    for i, (m, w) in enumerate(zip(masks, widths)):
        if outline:
            _paint(img, cv2.dilate(m, np.ones((5, 5), np.uint8)), x - 2, top - 2, w + 4, char_h + 4,
                   _contrasting(rng, fg))
        _paint(img, m, x, top, w, char_h, fg)
        x += w
        if i < len(groups) - 1:
            cx, cy = x + sep // 2, top + char_h // 2
            if sep_kind == "dash":
                cv2.rectangle(img, (cx - sep // 4, cy - char_h // 16), (cx + sep // 4, cy + char_h // 16),
                              fg, -1)
            elif sep_kind == "dot":
                cv2.circle(img, (cx, cy), max(2, sep // 6), fg, -1)
            elif sep_kind == "logo":
                c = tuple(int(v) for v in rng.integers(0, 256, 3))
                r = max(3, min(sep // 2, char_h // 3))
                if rng.random() < 0.5:
                    cv2.circle(img, (cx, cy), r, c, -1)
                else:
                    pts = rng.integers(-r, r + 1, (5, 2)) + np.array([cx, cy])
                    cv2.fillPoly(img, [pts.astype(np.int32)], c)
            x += sep
    if span is not None:
        span += [reg_x0, x]
    if stacked_right:
        _stacked(rng, img, x + 6, top, char_h, fg)
    graphic_p = 0.5 if style == 6 else 0.3
    if style >= 2 and rng.random() < graphic_p:  # a small graphic right beside the text
        r = int(char_h * rng.uniform(0.2, 0.45))
        gx = x0_text - r - int(rng.integers(4, 14)) if rng.random() < 0.5 else x + r + int(rng.integers(4, 14))
        gy = top + char_h // 2 + int(rng.integers(-char_h // 4, char_h // 4 + 1))
        c = tuple(int(v) for v in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            cv2.circle(img, (gx, gy), r, c, -1)
        else:
            pts = rng.integers(-r, r + 1, (6, 2)) + np.array([gx, gy])
            cv2.fillPoly(img, [pts.astype(np.int32)], c)

    # Bolts.
    if rng.random() < 0.6:
        for bx in (int(W * 0.22), int(W * 0.78)):
            for by in (int(H * 0.1), int(H * 0.9)):
                if rng.random() < 0.7:
                    cv2.circle(img, (bx, by), int(rng.integers(5, 10)),
                               (int(rng.integers(60, 200)),) * 3, -1)
    if rng.random() < 0.6:
        r = int(rng.integers(4, 16))
        c = _contrasting(rng, bg) if rng.random() < 0.5 else fg
        _rounded_rect(img, 3, 3, W - 4, H - 4, r, c, int(rng.integers(2, 6)))
    return img


def _stacked(rng, img, x, top, char_h, fg):
    """Two small characters stacked vertically (not part of the registration); returns new x."""
    w = int(char_h * 0.4)
    for i in range(2):
        ch = str(rng.choice(list(ALPHABET)))
        m = text_mask(MAIN_FONTS_OK[int(rng.integers(len(MAIN_FONTS_OK)))], ch)
        _paint(img, m, x, top + i * (char_h // 2 + 1), w, char_h // 2 - 2, fg)
    return x + w


def _rounded_rect(img, x0, y0, x1, y1, r, color, t):
    cv2.line(img, (x0 + r, y0), (x1 - r, y0), color, t)
    cv2.line(img, (x0 + r, y1), (x1 - r, y1), color, t)
    cv2.line(img, (x0, y0 + r), (x0, y1 - r), color, t)
    cv2.line(img, (x1, y0 + r), (x1, y1 - r), color, t)
    for cx, cy, a in ((x0 + r, y0 + r, 180), (x1 - r, y0 + r, 270), (x1 - r, y1 - r, 0),
                      (x0 + r, y1 - r, 90)):
        cv2.ellipse(img, (cx, cy), (r, r), a, 0, 90, color, t)


def render_eu(rng, text, splits, style=1, span=None):
    """style 2 adds older national layouts (a coat of arms over the country code instead of the
    blue band, a dash between district and number) and thinner, narrower strokes, whose M the
    style-1 reader took for H. style 7 draws M as European plate lettering does (upright stems,
    a V that stops near half height: _plate_m_mask) on 60% of plates, and puts an M in 40% of
    registrations: every earlier reader read the real plates' M as H."""
    W, H = 520, 112
    yellow = rng.random() < 0.12
    bgc = (30, 200, 240) if yellow else (int(rng.integers(215, 256)),) * 3
    img = np.empty((H, W, 3), np.uint8)
    img[:] = bgc
    fg = tuple(int(v) for v in rng.integers(0, 40, 3))
    x0 = 8
    if style >= 2 and rng.random() < 0.35:  # coat of arms over the country code
        bw = int(W * rng.uniform(0.07, 0.1))
        c = tuple(int(v) for v in rng.integers(0, 256, 3))
        pts = np.array([[bw * 0.2, H * 0.12], [bw * 0.8, H * 0.12], [bw * 0.8, H * 0.4],
                        [bw * 0.5, H * 0.55], [bw * 0.2, H * 0.4]], np.int32)
        cv2.fillPoly(img, [pts], c)
        m = text_mask(MAIN_FONTS_OK[0], str(rng.choice(["SK", "CZ", "PL", "H", "A"])))
        _paint(img, m, bw // 5, int(H * 0.62), bw * 3 // 5, int(H * 0.25), fg)
        x0 = bw + 6
    elif rng.random() < 0.85:  # EU band
        bw = int(W * rng.uniform(0.07, 0.1))
        cv2.rectangle(img, (0, 0), (bw, H), (int(rng.integers(120, 170)), 50, 0), -1)
        cv2.circle(img, (bw // 2, H // 3), bw // 4, (0, 200, 240), 2)
        m = text_mask(MAIN_FONTS_OK[0], str(rng.choice(["SK", "D", "CZ", "PL", "A", "F", "I"])))
        _paint(img, m, bw // 5, int(H * 0.6), bw * 3 // 5, int(H * 0.3), (255, 255, 255))
        x0 = bw + 6
    font = EU_FONTS_OK[int(rng.integers(len(EU_FONTS_OK)))]
    groups, prev = [], 0
    for s in splits + [len(text)]:
        if s > prev:
            groups.append(text[prev:s])
        prev = s
    char_h = int(H * rng.uniform(0.62, 0.78))
    top = (H - char_h) // 2 + int(rng.integers(-4, 5))
    plate_m = style == 7 and rng.random() < 0.6
    masks = [_group_mask(font, g, plate_m=plate_m) for g in groups]
    if style >= 2 and rng.random() < 0.5:  # thinner strokes
        k = int(rng.integers(2, 7))
        masks = [cv2.erode(m, np.ones((k, k), np.uint8)) for m in masks]
    squash = rng.uniform(0.8, 1.2) if style == 1 else rng.uniform(0.62, 1.1)
    widths = [int(m.shape[1] / m.shape[0] * char_h * squash) for m in masks]
    sep = int(char_h * rng.uniform(0.2, 0.6))
    total = sum(widths) + sep * (len(groups) - 1)
    avail = (W - x0 - 8) * rng.uniform(0.8, 0.97)
    if total > avail:
        f = avail / total
        widths = [int(w * f) for w in widths]
        sep = int(sep * f)
        total = sum(widths) + sep * (len(groups) - 1)
    x = int(x0 + (W - x0 - 8 - total) / 2)
    if span is not None:
        span += [x, x + total]
    emblem = rng.random() < 0.5
    for i, (m, w) in enumerate(zip(masks, widths)):
        _paint(img, m, x, top, w, char_h, fg)
        x += w
        if i < len(groups) - 1:
            if emblem and i == 0:  # a coat of arms or a round seal between groups
                cx, cy = x + sep // 2, H // 2
                r = max(3, min(sep // 2 - 1, char_h // 3))
                cv2.rectangle(img, (cx - r, cy - r), (cx + r, cy + r),
                              (int(rng.integers(0, 256)), 40, int(rng.integers(0, 256))), -1)
            elif rng.random() < (0.3 if style == 1 else 0.6):
                cv2.rectangle(img, (x + sep // 3, H // 2 - 2), (x + 2 * sep // 3, H // 2 + 2), fg, -1)
            x += sep
    _rounded_rect(img, 1, 1, W - 2, H - 2, 8, fg, int(rng.integers(1, 4)))
    return img


@functools.lru_cache(maxsize=None)
def _cap_height(font):
    """Height in mask pixels of the face's capitals (its H)."""
    return text_mask(font, "H").shape[0]


@functools.lru_cache(maxsize=None)  # a function of the font alone; callers never write to it
def _serif_i_mask(font):
    """The letter I as plate faces draw it: a bar with serifs at the top and bottom."""
    bar = text_mask(font, "I")
    h, s = bar.shape
    s = max(s, h // 12)
    arm, t = max(1, int(s * 0.9)), max(2, int(s * 0.8))
    m = np.zeros((h, s + 2 * arm), np.uint8)
    m[:, arm:arm + s] = 255
    m[:t, :] = 255
    m[-t:, :] = 255
    return m


@functools.lru_cache(maxsize=None)  # a function of the font alone; callers never write to it
def _plate_m_mask(font):
    """The letter M as European plate lettering draws it (the German FE face and the faces
    modelled on it): upright stems and a V that stops near half height, which the readers
    trained on the system faces' M (V to the baseline) read as H."""
    h_mask = text_mask(font, "H")
    cap, hw = h_mask.shape
    stem = max(2, int(np.count_nonzero(h_mask[cap // 4] > 127) / 2))  # H's two stems, one row
    scale = 4
    w = int(hw * 1.12) * scale
    s, hh = stem * scale, cap * scale
    depth = int(hh * 0.55)
    m = np.zeros((hh, w), np.uint8)
    m[:, :s] = 255
    m[:, w - s:] = 255
    cx = w // 2
    cv2.fillPoly(m, [np.array([[0, 0], [s, 0], [cx + s // 2, depth], [cx - s // 2, depth]],
                              np.int32)], 255)
    cv2.fillPoly(m, [np.array([[w - s, 0], [w, 0], [cx + s // 2, depth], [cx - s // 2, depth]],
                              np.int32)], 255)
    return cv2.resize(m, (w // scale, cap), interpolation=cv2.INTER_AREA)


def _group_mask(font, text, serif_i=False, plate_m=False):
    """text_mask of a group of characters; with serif_i, its Is drawn with serifs; with
    plate_m, its Ms as plate lettering draws them (_plate_m_mask)."""
    special = ("I" if serif_i else "") + ("M" if plate_m else "")
    if not special or not any(c in text for c in special):
        return text_mask(font, text)
    cap = _cap_height(font)
    shapes = {"I": _serif_i_mask, "M": _plate_m_mask}
    parts = [shapes[p](font) if p in special else text_mask(font, p)
             for p in re.split(f"([{special}])", text) if p]
    parts = [cv2.resize(p, (max(1, int(p.shape[1] * cap / p.shape[0])), cap)) for p in parts]
    gap = np.zeros((cap, max(1, int(cap * 0.12))), np.uint8)
    out = [parts[0]]
    for p in parts[1:]:
        out += [gap, p]
    return np.hstack(out)


def _replace_a_letter(rng, text, letter):
    """`text` with one of its letters, drawn at random, replaced by `letter()` (called after the
    draw); unchanged if it has no letter."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if not letters:
        return text
    i = letters[int(rng.integers(len(letters)))]
    return text[:i] + letter() + text[i + 1:]


def render_plate(rng, region, text=None, splits=None, style=1, span=None):
    """See the module's docstring; `span`, if a list, receives the registration's left and right
    x in plate pixels."""
    if text is None:
        text, splits = random_registration(rng, region)
        if style in STYLE_5_FAMILY and region == "us" and rng.random() < 0.4:
            # More of the letters read worst (I, W) in place of other letters.
            text = _replace_a_letter(rng, text, lambda: "I" if rng.random() < 0.65 else "W")
        if style == 7 and region == "eu" and rng.random() < 0.4:
            # More M, the letter the EU readers read worst (as H).
            text = _replace_a_letter(rng, text, lambda: "M")
    if region == "us":
        img = render_us(rng, text, splits, style, span)
    else:
        img = render_eu(rng, text, splits, style, span)
    h, w = img.shape[:2]
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    return img, text, corners


# Styles built on style 5 (serif I, more I and W, crops that keep the whole registration).
STYLE_5_FAMILY = (5, 6, 7)

MAIN_FONTS_OK = available(MAIN_FONTS)
EU_FONTS_OK = available(EU_FONTS)
CONDENSED_FONTS_OK = available(CONDENSED_FONTS)
DECOR_FONTS_OK = available(DECOR_FONTS)
