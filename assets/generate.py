#!/usr/bin/env python3
"""Draws the ppdesk "++" icon at every size the agent and its packages need.

Regenerate (Python 3 standard library only, deterministic output):

    python3 assets/generate.py

Writes, next to this script:
  icons/ppdesk.svg, icons/ppdesk-badge.svg   the scalable source (the 256 px design)
  icons/ppdesk-{16,24,32,48,64,256}.png      the icon
  icons/ppdesk-badge-{16,24,32,48,64}.png    with the "outbox not empty" dot (tray only)
  windows/ppdesk.ico                         16, 24, 32, 48, 64 (32-bit DIB) and 256 (PNG)

Every size is drawn on its own pixel grid, not scaled from the large one: the two plus signs
have whole-pixel strokes and arms (the `GRID` table), so they stay sharp at 16, 24 and 32 px.
Only the rounded corners and the badge dot are anti-aliased (8x8 supersampling).

The design: a deep-orange rounded square with two bold white "+" signs. Orange on a light
panel and orange on a dark panel both contrast; white on this orange is 4:1. The tray e2e test
finds the icon on screen by its orange, ORANGE below.
"""

import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

ORANGE = (0xD9, 0x48, 0x0F)
WHITE = (0xFF, 0xFF, 0xFF)
BADGE = (0x1D, 0x4E, 0xD8)

# size: corner radius, plus width (= height), stroke, gap between the two plus signs,
#       badge (centre x, centre y, dot radius, white ring width), and how far the pluses move
#       down in the badge variant so that the dot sits clear of them.
# Even sizes need an even width, stroke and gap so that both pluses sit on whole pixels and
# are centred exactly. 24 px is the exception: a 3 px stroke reads better than 2 or 4, so the
# pluses are 9 px and sit half a pixel above centre.
GRID = {
    16: dict(radius=3, width=6, stroke=2, gap=2, badge=(12.5, 3.0, 2.5, 1.0), shift=2),
    24: dict(radius=4, width=9, stroke=3, gap=2, badge=(19.5, 4.5, 3.5, 1.0), shift=3),
    32: dict(radius=5, width=12, stroke=4, gap=4, badge=(25.5, 6.5, 4.5, 1.5), shift=3),
    48: dict(radius=8, width=18, stroke=6, gap=6, badge=(38.0, 10.0, 6.5, 2.0), shift=4),
    64: dict(radius=10, width=24, stroke=8, gap=8, badge=(50.5, 13.5, 9.0, 2.5), shift=6),
    256: dict(radius=40, width=96, stroke=32, gap=32, badge=(202.0, 54.0, 36.0, 10.0), shift=22),
}
PNG_SIZES = [16, 24, 32, 48, 64, 256]
BADGE_SIZES = [16, 24, 32, 48, 64]
ICO_SIZES = [16, 24, 32, 48, 64, 256]
SS = 8  # supersampling per axis for the anti-aliased shapes


def layout(size, badge=False):
    """Top-left corners of the two plus signs and the geometry of one."""
    g = GRID[size]
    width, stroke, gap = g["width"], g["stroke"], g["gap"]
    total = 2 * width + gap
    x0 = (size - total) // 2
    y0 = (size - width) // 2 + (g["shift"] if badge else 0)
    arm = (width - stroke) // 2
    return [(x0, y0), (x0 + width + gap, y0)], width, stroke, arm


def in_rounded_square(px, py, size, radius):
    """Is the point inside the size x size square with rounded corners?"""
    if px < 0 or py < 0 or px > size or py > size:
        return False
    cx = min(max(px, radius), size - radius)
    cy = min(max(py, radius), size - radius)
    return (px - cx) ** 2 + (py - cy) ** 2 <= radius * radius


def coverage(x, y, inside):
    """Fraction of pixel (x, y) covered by the shape, by 8x8 supersampling."""
    hits = 0
    for sy in range(SS):
        for sx in range(SS):
            if inside(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS):
                hits += 1
    return hits / (SS * SS)


def over(dst, colour, alpha):
    """Source-over compositing of a flat colour with coverage `alpha` onto an RGBA float pixel."""
    r, g, b, a = dst
    out_a = alpha + a * (1 - alpha)
    if out_a == 0:
        return (0.0, 0.0, 0.0, 0.0)
    mix = [(c * alpha + d * a * (1 - alpha)) / out_a for c, d in zip(colour, (r, g, b))]
    return (mix[0], mix[1], mix[2], out_a)


def draw(size, badge=False):
    """The icon as rows of (r, g, b, a) bytes."""
    g = GRID[size]
    radius = g["radius"]
    pluses, width, stroke, arm = layout(size, badge)
    pixels = [[(0.0, 0.0, 0.0, 0.0) for _ in range(size)] for _ in range(size)]

    def square(px, py):
        return in_rounded_square(px, py, size, radius)

    for y in range(size):
        for x in range(size):
            # Interior pixels are fully covered; only the corners need sampling.
            if radius <= x < size - radius or radius <= y < size - radius:
                cov = 1.0
            else:
                cov = coverage(x, y, square)
            if cov:
                pixels[y][x] = over(pixels[y][x], ORANGE, cov)

    for (px, py) in pluses:
        for y in range(py, py + width):
            for x in range(px, px + width):
                horizontal = py + arm <= y < py + arm + stroke
                vertical = px + arm <= x < px + arm + stroke
                if horizontal or vertical:
                    pixels[y][x] = over(pixels[y][x], WHITE, 1.0)

    if badge:
        cx, cy, r, ring = g["badge"]
        outer = r + ring

        def disc(radius_):
            return lambda px, py: (px - cx) ** 2 + (py - cy) ** 2 <= radius_ * radius_

        for y in range(size):
            for x in range(size):
                cov = coverage(x, y, disc(outer))
                if cov:
                    pixels[y][x] = over(pixels[y][x], WHITE, cov)
                cov = coverage(x, y, disc(r))
                if cov:
                    pixels[y][x] = over(pixels[y][x], BADGE, cov)

    return [
        bytes(
            v
            for (r, g_, b, a) in row
            for v in (round(r), round(g_), round(b), round(a * 255))
        )
        for row in pixels
    ]


def png(rows, size):
    """A minimal RGBA PNG (filter 0, zlib level 9), byte-for-byte reproducible."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def dib(rows, size):
    """An icon-directory DIB: BITMAPINFOHEADER, BGRA rows bottom-up, then the AND mask."""
    header = struct.pack(
        "<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0
    )
    colour = b"".join(
        bytes(v for i in range(0, len(row), 4) for v in (row[i + 2], row[i + 1], row[i], row[i + 3]))
        for row in reversed(rows)
    )
    stride = ((size + 31) // 32) * 4
    mask = b""
    for row in reversed(rows):
        bits = bytearray(stride)
        for x in range(size):
            if row[4 * x + 3] == 0:
                bits[x // 8] |= 0x80 >> (x % 8)
        mask += bytes(bits)
    return header + colour + mask


def ico(images):
    """A multi-size .ico: DIB entries below 256 px (every Windows version reads those), PNG at 256."""
    count = len(images)
    out = struct.pack("<HHH", 0, 1, count)
    offset = 6 + 16 * count
    blobs = []
    for size, data in images:
        dim = 0 if size >= 256 else size
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs.append(data)
    return out + b"".join(blobs)


def svg(badge=False):
    """The 256 px design as SVG, the scalable source (hicolor/scalable, docs, the web)."""
    size = 256
    g = GRID[size]
    pluses, width, stroke, arm = layout(size, badge)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">',
        "  <title>ppdesk ++</title>",
        f'  <rect width="{size}" height="{size}" rx="{g["radius"]}" fill="#{bytes(ORANGE).hex()}"/>',
    ]
    for (px, py) in pluses:
        parts.append(
            f'  <path fill="#ffffff" d="M{px + arm} {py}h{stroke}v{arm}h{arm}v{stroke}h{-arm}'
            f'v{arm}h{-stroke}v{-arm}h{-arm}v{-stroke}h{arm}z"/>'
        )
    if badge:
        cx, cy, r, ring = g["badge"]
        parts.append(f'  <circle cx="{cx:g}" cy="{cy:g}" r="{r + ring:g}" fill="#ffffff"/>')
        parts.append(f'  <circle cx="{cx:g}" cy="{cy:g}" r="{r:g}" fill="#{bytes(BADGE).hex()}"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write(relative, data):
    path = os.path.join(HERE, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "w" if isinstance(data, str) else "wb"
    with open(path, mode) as f:
        f.write(data)
    print(f"wrote assets/{relative}")


def main():
    write("icons/ppdesk.svg", svg())
    write("icons/ppdesk-badge.svg", svg(badge=True))
    drawn = {size: draw(size) for size in PNG_SIZES}
    for size in PNG_SIZES:
        write(f"icons/ppdesk-{size}.png", png(drawn[size], size))
    for size in BADGE_SIZES:
        write(f"icons/ppdesk-badge-{size}.png", png(draw(size, badge=True), size))
    entries = [
        (size, png(drawn[size], size) if size >= 256 else dib(drawn[size], size))
        for size in ICO_SIZES
    ]
    write("windows/ppdesk.ico", ico(entries))


if __name__ == "__main__":
    main()
