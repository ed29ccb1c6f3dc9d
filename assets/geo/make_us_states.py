"""Make us_states.txt (state borders as polylines) from us-atlas.

Input: states-10m.json of the npm package us-atlas 3.0.1 (`npm pack
us-atlas@3.0.1`), a TopoJSON of the US Census Bureau's cartographic state
boundaries, 2017 edition (public domain). Output: one TopoJSON arc per line,
`lon,lat lon,lat ...` in degrees with 3 decimals, simplified with
Douglas-Peucker at 0.01 degrees. Every arc is a border drawn once (shared
borders are one arc in TopoJSON).

    python3 make_us_states.py path/to/states-10m.json > us_states.txt
"""
import json
import sys


def decode(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        yield pts


def simplify(pts, tol):
    if len(pts) < 3:
        return pts
    (x0, y0), (x1, y1) = pts[0], pts[-1]
    dx, dy = x1 - x0, y1 - y0
    norm = (dx * dx + dy * dy) ** 0.5
    best, index = -1.0, 0
    for i in range(1, len(pts) - 1):
        px, py = pts[i]
        if norm == 0:
            d = ((px - x0) ** 2 + (py - y0) ** 2) ** 0.5
        else:
            d = abs(dy * px - dx * py + x1 * y0 - y1 * x0) / norm
        if d > best:
            best, index = d, i
    if best <= tol:
        return [pts[0], pts[-1]]
    return simplify(pts[: index + 1], tol)[:-1] + simplify(pts[index:], tol)


def main():
    topo = json.load(open(sys.argv[1]))
    for arc in decode(topo):
        pts = simplify(arc, 0.01)
        text = []
        for x, y in pts:
            item = f"{x:.3f},{y:.3f}"
            if not text or text[-1] != item:
                text.append(item)
        if len(text) >= 2:
            print(" ".join(text))


main()
