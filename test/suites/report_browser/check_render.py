#!/usr/bin/env python3
"""check_render.py KIND DOM.html SHOT.png — the checks of report_browser.sh on
what headless chromium made of a report: the DOM it built (the SVG elements
are there: 168 rects in each data clock, map paths, trend polylines) and its
screenshot (not blank: enough distinct colours, the tier colours drawn).
Standard library only: the PNG is decoded with zlib.  Prints "ok ..." or
"FAIL ..." lines."""
import re
import struct
import sys
import zlib


def png_pixels(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG')
    pos, idat, width = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            width, height, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError('unsupported PNG (depth %d, colour type %d)' % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    pixels = []
    i = 0
    for _ in range(height):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        pixels.extend(tuple(line[x:x + 3]) for x in range(0, stride, bpp))
        prev = line
    return width, height, pixels


def main():
    kind, dom_path, shot_path = sys.argv[1:4]
    ok = True

    def check(cond, what):
        nonlocal ok
        print(('ok   ' if cond else 'FAIL ') + kind + ': ' + what)
        ok = ok and cond

    dom = open(dom_path, encoding='utf-8').read()
    clocks = re.findall(r'<svg class="dataclock".*?</svg>', dom, re.S)
    check(len(clocks) >= 1 and all(c.count('<rect') == 168 for c in clocks),
          'data clock rects %s (168 each)' % [c.count('<rect') for c in clocks])
    maps = re.findall(r'<svg class="map".*?</svg>', dom, re.S)
    paths = sum(m.count('<path') for m in maps)
    check(len(maps) >= 1 and paths > 0, '%d map(s), %d paths' % (len(maps), paths))
    red = sum(m.count('class="red"') for m in maps)
    check(red > 0, '%d red cells on the map' % red)
    check(dom.count('<polyline') >= (0 if kind == 'monthly-empty' else 1), '%d trend polylines' % dom.count('<polyline'))
    check('<script' not in dom.lower(), 'no script element in the DOM')
    w, h, px = png_pixels(shot_path)
    colours = set(px)
    check(len(colours) > 20, 'screenshot %dx%d has %d distinct colours (> 20)' % (w, h, len(colours)))
    near = lambda c, t: all(abs(c[i] - t[i]) <= 12 for i in range(3))
    tiers = {'red': (0xd7, 0x30, 0x27), 'orange': (0xfc, 0x8d, 0x59), 'yellow': (0xfe, 0xe0, 0x8b)}
    for name, rgb in tiers.items():
        n = sum(1 for c in colours if near(c, rgb))
        check(n > 0, 'screenshot shows the %s tier colour' % name)
    white = sum(1 for c in px if c == (255, 255, 255))
    check(white < 0.98 * len(px), 'screenshot not blank (%.1f%% white)' % (100.0 * white / len(px)))
    sys.exit(0 if ok else 1)


main()
