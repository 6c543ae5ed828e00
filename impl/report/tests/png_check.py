#!/usr/bin/python3
"""Checks a browser screenshot the way a person glancing at it would: it is
not blank, and the expected colours (plot lines, loss ticks, verdict
badges) are there in some quantity.

    png_check.py PNG MIN_COLOURS [NAME=#rrggbb:MIN_PIXELS ...]

Exit 0 when every check holds, 1 otherwise (with what was seen). Uses
Pillow when installed (Debian python3-pil), else decodes the PNG itself
(8-bit greyscale/RGB/RGBA, not interlaced: what Chromium writes)."""
import struct
import sys
import zlib


def decode_png(path):
    """Returns (width, height, rows of (r, g, b) tuples)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = hdr
    chans = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or chans is None or interlace:
        raise ValueError("unsupported PNG layout %r" % (hdr,))
    raw = zlib.decompress(idat)
    stride = w * chans
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - chans] if x >= chans else 0
            b = prev[x]
            c = prev[x - chans] if x >= chans else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        prev = line
        if chans >= 3:
            rows.append([tuple(line[x:x + 3]) for x in range(0, stride, chans)])
        else:
            rows.append([(v, v, v) for v in line[::chans]])
    return w, h, rows


def pixels(path):
    try:
        from PIL import Image
    except ImportError:
        w, h, rows = decode_png(path)
        return w, h, [p for r in rows for p in r]
    im = Image.open(path).convert("RGB")
    return im.width, im.height, list(im.getdata())


def main():
    path, min_colours = sys.argv[1], int(sys.argv[2])
    w, h, px = pixels(path)
    hist = {}
    for p in px:
        hist[p] = hist.get(p, 0) + 1
    white = sum(n for p, n in hist.items() if min(p) >= 245)
    ok = True
    print("%s: %dx%d, %d distinct colours, %.1f%% not white" %
          (path, w, h, len(hist), 100.0 * (len(px) - white) / len(px)))
    if len(hist) < min_colours:
        print("FAIL: fewer than %d distinct colours: blank?" % min_colours)
        ok = False
    if len(px) - white < len(px) // 100:
        print("FAIL: less than 1% of the page is not white")
        ok = False
    for spec in sys.argv[3:]:
        name, rest = spec.split("=", 1)
        colour, need = rest.split(":")
        want = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
        # antialiased edges blend with white; count pixels near the colour
        got = sum(n for p, n in hist.items()
                  if sum(abs(p[i] - want[i]) for i in range(3)) <= 60)
        print("  %-12s %s: %d pixels (need %s)" % (name, colour, got, need))
        if got < int(need):
            print("FAIL: too little %s" % name)
            ok = False
    sys.exit(0 if ok else 1)


main()
