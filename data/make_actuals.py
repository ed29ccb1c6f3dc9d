#!/usr/bin/env python3
"""Make data/actuals.csv, the sample bookings for `tplan review`.

How to run, from the repository root (Python 3.8+, standard library only),
after `cargo run --release -- plan data/` has written reports/data/:

    python3 data/make_actuals.py [reports/data/quotas.csv] [data/actuals.csv]

It reads the sample plan's monthly quotas and writes invented bookings for
the first two fiscal quarters (2027-01 to 2027-06), one row per rep, month
and component, byte-identical on every run (seed SEED):

    bookings = quota of the month and component x rep factor x month noise

The rep factor is lognormal (median REP_MEDIAN, sigma REP_SIGMA): some reps
run well ahead of plan, some well behind, the team a little behind. The
month noise is lognormal (sigma MONTH_SIGMA, mean 1): deals are lumpy.
Months in which a rep carries no quota (a new hire before its ramp)
book nothing and get no row.
"""

import csv
import math
import random
import sys

SEED = 17
LAST_MONTH = "2027-06"
REP_MEDIAN = 0.90
REP_SIGMA = 0.22
MONTH_SIGMA = 0.30


def main():
    quotas = sys.argv[1] if len(sys.argv) > 1 else "reports/data/quotas.csv"
    out = sys.argv[2] if len(sys.argv) > 2 else "data/actuals.csv"
    rng = random.Random(SEED)
    rows = []
    with open(quotas, newline="") as f:
        plan = [r for r in csv.DictReader(f) if r["month"] <= LAST_MONTH]
    factors = {}
    for rep in sorted({r["rep_id"] for r in plan}):
        factors[rep] = REP_MEDIAN * math.exp(rng.gauss(0.0, REP_SIGMA))
    # quotas.csv is sorted by rep, component, month: write rep, month, component.
    plan.sort(key=lambda r: (r["rep_id"], r["month"], r["component"]))
    for r in plan:
        amount = int(r["amount"])
        noise = math.exp(rng.gauss(-MONTH_SIGMA**2 / 2, MONTH_SIGMA))
        if amount == 0:
            continue
        bookings = round(amount * factors[r["rep_id"]] * noise)
        rows.append((r["rep_id"], r["month"], bookings, r["component"]))
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["rep_id", "month", "bookings", "component"])
        w.writerows(rows)
    total = sum(r[2] for r in rows)
    print(f"{out}: {len(rows)} rows, {len(factors)} reps, bookings {total:,}")


if __name__ == "__main__":
    main()
