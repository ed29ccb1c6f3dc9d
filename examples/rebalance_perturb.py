#!/usr/bin/env python3
"""Build the two mid-year rebalance instances of issue 15 and compare
`tplan rebalance` with `tplan plan` (with and without [continuity]).

    python3 examples/rebalance_perturb.py TPLAN_BINARY WORK_DIR [ACCOUNTS REPS SEED]

From `tplan generate` (default 5,000 x 40, seed 1): plan it, feed the plan
back as current_owner (a balanced January plan), then perturb:
  (a) a quarter of the accounts change potential (x0.5 to x2) and one rep is hired;
  (b) two reps leave (end_date before the effective date) and 2 % new accounts arrive.
Prints one line per instance and method: discretionary moves (accounts
taken from a rep who stays), the rebalance bound and moves / bound.
Deterministic for a given seed.
"""
import csv, json, os, random, subprocess, sys

EFFECTIVE = "2026-07-01"


def run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed:\n{r.stderr}")
    return r


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows, list(rows[0].keys()) if rows else []


def write(path, rows, fields):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def balanced_base(tplan, work, n, reps, seed):
    base = os.path.join(work, "base")
    run([tplan, "generate", "--accounts", str(n), "--reps", str(reps), "--seed", str(seed), "--out", base])
    planned = os.path.join(work, "base_plan")
    run([tplan, "plan", base, "--out", planned, "--no-report"])
    owner = {r["account_id"]: r["rep_id"] for r in read(os.path.join(planned, "assignments.csv"))[0]}
    accounts, fields = read(os.path.join(base, "accounts.csv"))
    for a in accounts:
        a["current_owner"] = owner[a["account_id"]]
    reps, rep_fields = read(os.path.join(base, "reps.csv"))
    return accounts, fields, reps, rep_fields


def perturb_a(accounts, reps, rng):
    for a in rng.sample(accounts, len(accounts) // 4):
        a["potential"] = f"{float(a['potential']) * rng.uniform(0.5, 2.0):.2f}"
    model = rng.choice([r for r in reps if r["segment"] == "SMB"] or reps)
    hire = dict(model)
    hire["rep_id"] = "R_HIRE1"
    hire["name"] = "New Hire"
    hire["lat"] = f"{float(model['lat']) + 0.3:.6f}"
    hire["lon"] = f"{float(model['lon']) - 0.3:.6f}"
    hire["start_date"] = "2026-06-15"
    reps.append(hire)
    return [], accounts, reps


def perturb_b(accounts, reps, rng):
    by_seg = {}
    for r in reps:
        by_seg.setdefault(r["segment"], []).append(r)
    big = max(by_seg.values(), key=len)
    leavers = [r["rep_id"] for r in rng.sample(big, 2)]
    for r in reps:
        r["end_date"] = "2026-06-30" if r["rep_id"] in leavers else ""
    new = []
    for k, a in enumerate(rng.sample(accounts, len(accounts) * 2 // 100)):
        b = dict(a)
        b["account_id"] = f"N{k:06d}"
        b["lat"] = f"{float(a['lat']) + rng.uniform(-0.2, 0.2):.6f}"
        b["lon"] = f"{float(a['lon']) + rng.uniform(-0.2, 0.2):.6f}"
        b["current_owner"] = ""
        b["locked"] = "false"
        new.append(b)
    return leavers, accounts + new, reps


def discretionary(out, leavers):
    rows = read(os.path.join(out, "assignments.csv"))[0]
    return sum(
        1
        for r in rows
        if r["previous_owner"] and r["previous_owner"] not in leavers and r["previous_owner"] != r["rep_id"]
    )


def main():
    tplan, work = sys.argv[1], sys.argv[2]
    n, nreps, seed = (int(x) for x in (sys.argv[3:6] or ["5000", "40", "1"]))
    os.makedirs(work, exist_ok=True)
    for name, perturb in (("a", perturb_a), ("b", perturb_b)):
        rng = random.Random(seed * 100 + ord(name))
        accounts, fields, reps, rep_fields = balanced_base(tplan, os.path.join(work, name), n, nreps, seed)
        leavers, accounts, reps = perturb(accounts, reps, rng)
        inp = os.path.join(work, name, "june")
        os.makedirs(inp, exist_ok=True)
        rf = rep_fields + (["end_date"] if leavers else [])
        write(os.path.join(inp, "accounts.csv"), accounts, fields)
        write(os.path.join(inp, "reps.csv"), reps, rf)
        out = os.path.join(work, name, "rebalance")
        r = run([tplan, "rebalance", inp, "--out", out, "--no-report", "--effective", EFFECTIVE])
        m = json.load(open(os.path.join(out, "manifest.json")))["rebalance"]
        moves, bound = m["discretionary_moves"], m["moves_bound"]
        print(f"({name}) rebalance: {moves} moves, bound {bound}, ratio {moves / max(bound, 1):.3f}, "
              f"orphans {m['orphans']}, new accounts {m['new_accounts']}, solve {json.load(open(os.path.join(out, 'manifest.json')))['timings']['solve']} s")
        # plan sees departures as capacity 0 (it has no effective date).
        pin = os.path.join(work, name, "june_plan")
        os.makedirs(pin, exist_ok=True)
        for rep in reps:
            if rep.get("end_date"):
                rep["capacity"] = "0"
        write(os.path.join(pin, "accounts.csv"), accounts, fields)
        write(os.path.join(pin, "reps.csv"), reps, rf)
        for label, cfg in (("plan", None), ("plan + [continuity] move_cost_km = 2000", "[continuity]\nmove_cost_km = 2000\n")):
            args = [tplan, "plan", pin, "--out", os.path.join(work, name, label.split()[0] + ("_cont" if cfg else "")), "--no-report"]
            if cfg:
                path = os.path.join(work, name, "continuity.toml")
                open(path, "w").write(cfg)
                args += ["--config", path]
            r = run(args)
            moved = discretionary(args[4], leavers)
            print(f"({name}) {label}: {moved} moves, ratio to bound {moved / max(bound, 1):.2f}")


if __name__ == "__main__":
    main()
