//! Synthetic instances clustered like real markets (see `tplan generate`).
//!
//! Accounts sit around real US market centres (GeoNames, CC BY 4.0: see
//! [`metros`]) chosen with probability proportional to population, at an
//! exponentially distributed distance of a few tens of km from the centre;
//! a few per cent are scattered over small towns of the lower 48, and a
//! handful sit in Hawaii and Alaska. Segments are SMB ~70 %, MM ~22 %,
//! ENT ~8 %; potential is heavy-tailed (lognormal body, Pareto tail) but
//! capped so that no account exceeds [`POTENTIAL_CAP_SHARE`] of one 1.0-FTE
//! rep's fair share of its segment, which keeps exact balance possible.
//! Today's owners (`current_owner`) are a visibly unbalanced status quo:
//! nearest rep weighted toward senior reps, plus legacy accounts of senior
//! reps far from home; reps hired in the planned fiscal year own nothing
//! yet. About 2 % of MM/ENT accounts are locked to their current owner.
//!
//! [`generate`] is pure and deterministic per seed: one ChaCha8 stream,
//! consumed in a fixed order, and no hash-map iteration.

pub mod metros;

use chrono::NaiveDate;
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::distance::EARTH_RADIUS_KM;
use crate::model::{Account, Config, Dataset, Rep, WorkloadSource};
use metros::{census_region, Metro, METROS, REMOTE_TOWNS, TOWNS};

/// Segment codes the generator writes.
pub const SEGMENTS: [&str; 3] = ["SMB", "MM", "ENT"];

/// No account's potential (nor workload) exceeds this share of one 1.0-FTE
/// rep's fair share of its segment: segment total / FTE of the reps covering
/// the segment, a hybrid rep counted in full for each of its segments.
pub const POTENTIAL_CAP_SHARE: f64 = 0.35;
/// The share the cap aims at; the margin below [`POTENTIAL_CAP_SHARE`]
/// absorbs rounding.
const CAP_AIM_SHARE: f64 = 0.34;

/// No rep gets locked accounts worth more than this share of its own fair
/// share (potential and workload), so locks never break balance.
pub const LOCK_SHARE_LIMIT: f64 = 0.45;

/// Share of MM and ENT accounts locked to their current owner.
const LOCK_RATE: f64 = 0.02;
/// Share of accounts scattered over small towns of the lower 48.
const RURAL_SHARE: f64 = 0.03;
/// Share of accounts in small places of Hawaii and Alaska.
const REMOTE_SHARE: f64 = 0.002;

/// First day of the planned fiscal year; start dates on or after it are new
/// hires. A fixed date, never the clock, so output is reproducible.
pub fn fiscal_year_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 1).expect("valid date")
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSpec {
    /// Number of accounts.
    pub accounts: usize,
    /// Number of reps. With at least 3, every segment has a dedicated rep;
    /// with fewer, reps cover every segment.
    pub reps: usize,
    /// The same seed gives the same dataset.
    pub seed: u64,
}

impl GenerateSpec {
    pub fn new(accounts: usize, reps: usize, seed: u64) -> GenerateSpec {
        GenerateSpec {
            accounts,
            reps,
            seed,
        }
    }
}

/// Per-segment parameters.
struct SegmentModel {
    code: &'static str,
    /// Share of accounts.
    share: f64,
    /// Lognormal body of the potential: median and sigma.
    median: f64,
    sigma: f64,
    /// Pareto tail: probability that an account is multiplied by a Pareto(alpha) factor.
    tail_p: f64,
    tail_alpha: f64,
    /// Typical hours per year.
    hours: f64,
    /// Probability of being a customer already (bookings last year > 0).
    customer_rate: f64,
}

const SEGMENT_MODELS: [SegmentModel; 3] = [
    SegmentModel {
        code: "SMB",
        share: 0.70,
        median: 40_000.0,
        sigma: 0.85,
        tail_p: 0.05,
        tail_alpha: 1.6,
        hours: 20.0,
        customer_rate: 0.45,
    },
    SegmentModel {
        code: "MM",
        share: 0.22,
        median: 250_000.0,
        sigma: 0.75,
        tail_p: 0.06,
        tail_alpha: 1.5,
        hours: 60.0,
        customer_rate: 0.60,
    },
    SegmentModel {
        code: "ENT",
        share: 0.08,
        median: 1_500_000.0,
        sigma: 0.85,
        tail_p: 0.08,
        tail_alpha: 1.4,
        hours: 200.0,
        customer_rate: 0.75,
    },
];

/// Industry, relative frequency, and name endings for company names.
const INDUSTRIES: [(&str, u32, [&str; 4]); 10] = [
    (
        "Manufacturing",
        14,
        [
            "Manufacturing",
            "Industries",
            "Fabrication",
            "Machine Works",
        ],
    ),
    (
        "Healthcare",
        13,
        ["Health", "Medical Group", "Clinics", "Care Partners"],
    ),
    (
        "Financial Services",
        11,
        ["Financial", "Capital", "Credit Union", "Insurance"],
    ),
    (
        "Retail",
        12,
        ["Retail", "Outfitters", "Markets", "Supply Co."],
    ),
    ("Technology", 12, ["Software", "Systems", "Labs", "Data"]),
    (
        "Logistics",
        9,
        ["Logistics", "Freight", "Transport", "Distribution"],
    ),
    (
        "Construction",
        9,
        ["Builders", "Construction", "Contracting", "Homes"],
    ),
    (
        "Professional Services",
        10,
        ["Consulting", "Partners", "Advisors", "Legal Group"],
    ),
    (
        "Hospitality",
        5,
        ["Hospitality", "Hotels", "Restaurant Group", "Resorts"],
    ),
    ("Energy", 5, ["Energy", "Power", "Utilities", "Solar"]),
];

const PREFIXES: [&str; 64] = [
    "Acme",
    "Summit",
    "Pioneer",
    "Bluestone",
    "Northwind",
    "Cedar",
    "Granite",
    "Harbor",
    "Keystone",
    "Liberty",
    "Meridian",
    "Oakridge",
    "Pinnacle",
    "Redwood",
    "Silverline",
    "Sterling",
    "Trident",
    "Vanguard",
    "Westfield",
    "Allied",
    "Apex",
    "Beacon",
    "Bridgewater",
    "Cascade",
    "Compass",
    "Crescent",
    "Delta",
    "Eagle",
    "Evergreen",
    "Frontier",
    "Gateway",
    "Golden",
    "Heritage",
    "Horizon",
    "Ironwood",
    "Juniper",
    "Lakeshore",
    "Landmark",
    "Legacy",
    "Magnolia",
    "Maple",
    "Midland",
    "Mosaic",
    "Orion",
    "Pacific",
    "Paramount",
    "Prairie",
    "Quarry",
    "Riverbend",
    "Sentinel",
    "Sequoia",
    "Skyline",
    "Sunrise",
    "Tallgrass",
    "Tidewater",
    "Union",
    "Valley",
    "Vista",
    "Willow",
    "Zenith",
    "Atlas",
    "Copperfield",
    "Fairview",
    "Stonebridge",
];

const FIRST_NAMES: [&str; 40] = [
    "Maya",
    "Jordan",
    "Tasha",
    "Carlos",
    "Ben",
    "Emily",
    "Sam",
    "Rosa",
    "Kevin",
    "Hannah",
    "Marcus",
    "Grace",
    "Diego",
    "Olivia",
    "Keoni",
    "Rachel",
    "Andre",
    "Nina",
    "Tom",
    "Leah",
    "Victor",
    "Sofia",
    "Ethan",
    "Catherine",
    "Michael",
    "Laura",
    "David",
    "Aisha",
    "Paul",
    "Isabel",
    "Omar",
    "Julia",
    "Wei",
    "Priya",
    "Lucas",
    "Chloe",
    "Jamal",
    "Elena",
    "Noah",
    "Fatima",
];

const LAST_NAMES: [&str; 40] = [
    "Chen", "Ellis", "Greene", "Mendez", "Okafor", "Novak", "Lindgren", "Delgado", "Tran",
    "Brooks", "Reed", "Kim", "Alvarez", "Park", "Kahale", "Stein", "Wallace", "Patel", "Brennan",
    "Morgan", "Ruiz", "Rossi", "Cole", "Hale", "Osei", "Jensen", "Sato", "Rahman", "Fischer",
    "Cruz", "Haddad", "Nguyen", "Schultz", "Romero", "Baker", "Dubois", "Carter", "Ivanova",
    "Singh", "Murphy",
];

/// Reps per first-line manager.
const TEAM_SIZE: usize = 8;

/// Generate a dataset. Pure and deterministic per `spec.seed`.
pub fn generate(spec: &GenerateSpec) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let reps = make_reps(&mut rng, spec.reps);
    let mut accounts = make_accounts(&mut rng, spec.accounts);
    cap_segments(&mut accounts, &reps);
    add_history(&mut rng, &mut accounts);
    assign_status_quo(&mut rng, &mut accounts, &reps);
    lock_named_accounts(&mut rng, &mut accounts, &reps);
    Dataset {
        accounts,
        reps,
        config: Config::default(),
        account_extra_columns: Vec::new(),
        rep_extra_columns: Vec::new(),
        rules: Default::default(),
    }
}

/// Segment total of `value` per FTE of the reps covering the segment: one
/// 1.0-FTE rep's fair share. A hybrid rep counts in full for each of its
/// segments, so this is the conservative (smaller) figure. `None` when no
/// rep with capacity covers the segment.
pub fn fair_share_per_fte(
    accounts: &[Account],
    reps: &[Rep],
    segment: &str,
    value: impl Fn(&Account) -> f64,
) -> Option<f64> {
    let fte: f64 = reps
        .iter()
        .filter(|r| r.covers(Some(segment)))
        .map(|r| r.capacity)
        .sum();
    if fte <= 0.0 {
        return None;
    }
    let total: f64 = accounts
        .iter()
        .filter(|a| a.segment.as_deref() == Some(segment))
        .map(value)
        .sum();
    Some(total / fte)
}

// ---------------------------------------------------------------- reps

fn make_reps(rng: &mut ChaCha8Rng, n: usize) -> Vec<Rep> {
    let mut coverages = coverage_mix(n);
    coverages.shuffle(rng);
    let metro_pick = WeightedIndex::new(METROS.iter().map(|m| m.population)).expect("weights");
    let width = id_width(n, 3);
    let fy = fiscal_year_start();
    let mut reps = Vec::with_capacity(n);
    let mut home_states = Vec::with_capacity(n);
    for (i, segments) in coverages.into_iter().enumerate() {
        let metro = &METROS[metro_pick.sample(rng)];
        let (lat, lon) = scatter(rng, metro.lat, metro.lon, 5.0, 20.0);
        let u: f64 = rng.gen();
        let capacity = if u < 0.10 {
            0.5
        } else if u < 0.20 {
            1.5
        } else {
            1.0
        };
        let u: f64 = rng.gen();
        let start = if u < 0.15 {
            // New hire of the planned fiscal year, starting by October.
            fy + chrono::Days::new(rng.gen_range(0..273))
        } else if u < 0.45 {
            date(2008, 1, 1) + chrono::Days::new(rng.gen_range(0..4018))
        } else {
            date(2019, 1, 1) + chrono::Days::new(rng.gen_range(0..2922))
        };
        let name = person_name(rng);
        reps.push(Rep {
            id: format!("R{:0width$}", i + 1),
            name: Some(name),
            lat,
            lon,
            segments,
            capacity,
            start_date: Some(start),
            manager: None,
            region: Some(census_region(metro.state).to_string()),
            extra: Vec::new(),
        });
        home_states.push(metro.state);
    }
    // Managers: per region (in name order), teams of TEAM_SIZE reps in id order.
    let mut regions: Vec<String> = reps.iter().filter_map(|r| r.region.clone()).collect();
    regions.sort();
    regions.dedup();
    let mut used_names: Vec<String> = reps.iter().filter_map(|r| r.name.clone()).collect();
    for region in &regions {
        let members: Vec<usize> = (0..reps.len())
            .filter(|&i| reps[i].region.as_deref() == Some(region.as_str()))
            .collect();
        for team in members.chunks(TEAM_SIZE) {
            let mut manager = person_name(rng);
            for _ in 0..20 {
                if !used_names.contains(&manager) {
                    break;
                }
                manager = person_name(rng);
            }
            used_names.push(manager.clone());
            for &i in team {
                reps[i].manager = Some(manager.clone());
            }
        }
    }
    reps
}

/// Segment coverage of each rep: ~50 % SMB, 25 % MM, 15 % ENT, 10 % hybrid
/// MM;ENT (largest remainder), at least one dedicated SMB, MM and ENT rep
/// when n >= 3; no restriction (every segment) when n < 3.
fn coverage_mix(n: usize) -> Vec<Vec<String>> {
    if n < 3 {
        return vec![Vec::new(); n];
    }
    let shares = [0.50, 0.25, 0.15, 0.10];
    let mut counts: Vec<usize> = shares.iter().map(|s| (s * n as f64) as usize).collect();
    let mut left = n - counts.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    // Largest fractional part first; ties by position: deterministic.
    order.sort_by(|&a, &b| {
        let fa = shares[a] * n as f64 - counts[a] as f64;
        let fb = shares[b] * n as f64 - counts[b] as f64;
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &k in order.iter().cycle() {
        if left == 0 {
            break;
        }
        counts[k] += 1;
        left -= 1;
    }
    for k in 0..3 {
        if counts[k] == 0 {
            let donor = (0..counts.len())
                .max_by_key(|&j| (counts[j], usize::MAX - j))
                .expect("non-empty");
            counts[donor] -= 1;
            counts[k] += 1;
        }
    }
    let kinds: [&[&str]; 4] = [&["SMB"], &["MM"], &["ENT"], &["ENT", "MM"]];
    let mut out = Vec::with_capacity(n);
    for (kind, &count) in kinds.iter().zip(&counts) {
        for _ in 0..count {
            out.push(kind.iter().map(|s| s.to_string()).collect());
        }
    }
    out
}

fn person_name(rng: &mut ChaCha8Rng) -> String {
    let first = FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
    format!("{first} {last}")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

// ------------------------------------------------------------ accounts

fn make_accounts(rng: &mut ChaCha8Rng, n: usize) -> Vec<Account> {
    let metro_pick = WeightedIndex::new(METROS.iter().map(|m| m.population)).expect("weights");
    let industry_pick = WeightedIndex::new(INDUSTRIES.iter().map(|x| x.1)).expect("weights");
    let width = id_width(n, 6);
    let mut accounts = Vec::with_capacity(n);
    for i in 0..n {
        let u: f64 = rng.gen();
        let (place, lat, lon): (&Metro, f64, f64) = if u < REMOTE_SHARE {
            let t = &REMOTE_TOWNS[rng.gen_range(0..REMOTE_TOWNS.len())];
            let (lat, lon) = scatter(rng, t.lat, t.lon, 2.0, 8.0);
            (t, lat, lon)
        } else if u < REMOTE_SHARE + RURAL_SHARE {
            let t = &TOWNS[rng.gen_range(0..TOWNS.len())];
            let (lat, lon) = scatter(rng, t.lat, t.lon, 15.0, 60.0);
            (t, lat, lon)
        } else {
            let m = &METROS[metro_pick.sample(rng)];
            let mean_km = (6.0 + 8.0 * (m.population as f64 / 1e6).sqrt()).min(40.0);
            let (lat, lon) = scatter(rng, m.lat, m.lon, mean_km, 3.0 * mean_km);
            (m, lat, lon)
        };
        let u: f64 = rng.gen();
        let mut seg = &SEGMENT_MODELS[SEGMENT_MODELS.len() - 1];
        let mut acc = 0.0;
        for s in &SEGMENT_MODELS {
            acc += s.share;
            if u < acc {
                seg = s;
                break;
            }
        }
        let (industry, _, endings) = &INDUSTRIES[industry_pick.sample(rng)];
        let mut potential = seg.median * (seg.sigma * std_normal(rng)).exp();
        if rng.gen::<f64>() < seg.tail_p {
            potential *= (1.0 - rng.gen::<f64>()).powf(-1.0 / seg.tail_alpha);
        }
        let potential = potential.round().max(500.0);
        let size = (potential / seg.median).powf(0.25).clamp(0.5, 2.5);
        let workload = round_to(seg.hours * size * (0.3 * std_normal(rng)).exp(), 10.0).max(1.0);
        let name = format!(
            "{} {} ({})",
            PREFIXES[rng.gen_range(0..PREFIXES.len())],
            endings[rng.gen_range(0..endings.len())],
            place.name
        );
        accounts.push(Account {
            id: format!("A{:0width$}", i + 1),
            name: Some(name),
            lat,
            lon,
            potential,
            workload,
            workload_source: WorkloadSource::Data,
            segment: Some(seg.code.to_string()),
            industry: Some(industry.to_string()),
            current_owner: None,
            locked: false,
            bookings_last_year: None,
            pipeline: None,
            extra: Vec::new(),
        });
    }
    accounts
}

/// Clip lumpy accounts so none exceeds [`CAP_AIM_SHARE`] of one 1.0-FTE
/// rep's fair share of its segment, for potential and for workload.
fn cap_segments(accounts: &mut [Account], reps: &[Rep]) {
    for seg in SEGMENTS {
        let fte: f64 = reps
            .iter()
            .filter(|r| r.covers(Some(seg)))
            .map(|r| r.capacity)
            .sum();
        let idx: Vec<usize> = (0..accounts.len())
            .filter(|&i| accounts[i].segment.as_deref() == Some(seg))
            .collect();
        let potentials: Vec<f64> = idx.iter().map(|&i| accounts[i].potential).collect();
        if let Some(c) = lumpy_cap(&potentials, fte, CAP_AIM_SHARE) {
            let c = c.floor();
            for &i in &idx {
                accounts[i].potential = accounts[i].potential.min(c);
            }
        }
        let workloads: Vec<f64> = idx.iter().map(|&i| accounts[i].workload).collect();
        if let Some(c) = lumpy_cap(&workloads, fte, CAP_AIM_SHARE) {
            let c = (c * 10.0).floor() / 10.0;
            for &i in &idx {
                accounts[i].workload = accounts[i].workload.min(c);
            }
        }
    }
}

/// The cap c > 0 with c = share * sum(min(v, c)) / fte: clipping every value
/// at c leaves none above `share` of the (clipped) total per FTE. `None` when
/// there are too few values per FTE for such a cap (then balance is out of
/// reach anyway and values are left alone).
fn lumpy_cap(values: &[f64], fte: f64, share: f64) -> Option<f64> {
    if fte <= 0.0 || values.is_empty() {
        return None;
    }
    let mut vs = values.to_vec();
    vs.sort_by(|a, b| b.total_cmp(a));
    let mut suffix: f64 = vs.iter().sum();
    for k in 0..=vs.len() {
        // k values clipped at c, the rest kept: c * fte / share = k c + suffix.
        let denom = fte - share * k as f64;
        if denom <= 0.0 {
            return None;
        }
        let c = share * suffix / denom;
        let upper = if k > 0 { vs[k - 1] } else { f64::INFINITY };
        let lower = vs.get(k).copied().unwrap_or(0.0);
        if lower <= c && c <= upper {
            return (c > 0.0).then_some(c);
        }
        if k < vs.len() {
            suffix -= vs[k];
        }
    }
    None
}

/// Bookings last year (customers only) and open pipeline, as plausible
/// fractions of potential.
fn add_history(rng: &mut ChaCha8Rng, accounts: &mut [Account]) {
    for a in accounts.iter_mut() {
        let seg = SEGMENT_MODELS
            .iter()
            .find(|s| Some(s.code) == a.segment.as_deref())
            .expect("generated segment");
        let bookings = if rng.gen::<f64>() < seg.customer_rate {
            (a.potential * rng.gen_range(0.05..0.40)).round()
        } else {
            0.0
        };
        let pipeline = if rng.gen::<f64>() < 0.6 {
            (a.potential * (0.2 * (0.6 * std_normal(rng)).exp()).min(1.0)).round()
        } else {
            0.0
        };
        a.bookings_last_year = Some(bookings);
        a.pipeline = Some(pipeline);
    }
}

// ---------------------------------------------------------- status quo

/// How strongly a rep pulls accounts today: senior reps collected territory
/// over the years, recent hires less, reps starting in the planned fiscal
/// year none.
fn status_quo_weight(rep: &Rep) -> f64 {
    let start = rep.start_date.unwrap_or_else(|| date(2020, 1, 1));
    if start >= fiscal_year_start() {
        0.0
    } else if start < date(2019, 1, 1) {
        1.8
    } else if start >= date(2023, 1, 1) {
        0.8
    } else {
        1.0
    }
}

fn assign_status_quo(rng: &mut ChaCha8Rng, accounts: &mut [Account], reps: &[Rep]) {
    if reps.is_empty() {
        return;
    }
    let weights: Vec<f64> = reps.iter().map(status_quo_weight).collect();
    let rep_lat: Vec<f64> = reps.iter().map(|r| r.lat).collect();
    let rep_lon: Vec<f64> = reps.iter().map(|r| r.lon).collect();
    // Per segment: the reps who own accounts today (all covering reps with a
    // pull of 1 if every one of them is a new hire), and the senior ones.
    let mut owners: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut seniors: Vec<Vec<usize>> = Vec::new();
    for seg in SEGMENTS {
        let covering: Vec<usize> = (0..reps.len())
            .filter(|&r| reps[r].covers(Some(seg)))
            .collect();
        let mut list: Vec<(usize, f64)> = covering
            .iter()
            .filter(|&&r| weights[r] > 0.0)
            .map(|&r| (r, weights[r]))
            .collect();
        if list.is_empty() {
            list = covering.iter().map(|&r| (r, 1.0)).collect();
        }
        seniors.push(
            list.iter()
                .filter(|&&(_, w)| w > 1.5)
                .map(|&(r, _)| r)
                .collect(),
        );
        owners.push(list);
    }
    for a in accounts.iter_mut() {
        let s = segment_index(a);
        let legacy: f64 = rng.gen();
        let owner = if legacy < 0.06 && !seniors[s].is_empty() {
            seniors[s][rng.gen_range(0..seniors[s].len())]
        } else {
            // Nearest by weighted distance; an equirectangular distance is
            // plenty to rank reps for a status quo.
            let k = a.lat.to_radians().cos();
            let mut best = (f64::INFINITY, usize::MAX);
            for &(r, w) in &owners[s] {
                let dy = a.lat - rep_lat[r];
                let dx = (a.lon - rep_lon[r]) * k;
                let score = (dx * dx + dy * dy) / (w * w);
                if score < best.0 {
                    best = (score, r);
                }
            }
            best.1
        };
        a.current_owner = Some(reps[owner].id.clone());
    }
}

/// Lock ~2 % of MM and ENT accounts (named accounts) to their current
/// owner, who covers the segment, keeping every rep's locked potential and
/// workload within [`LOCK_SHARE_LIMIT`] of its own fair share.
fn lock_named_accounts(rng: &mut ChaCha8Rng, accounts: &mut [Account], reps: &[Rep]) {
    let per_fte = |value: fn(&Account) -> f64| -> Vec<f64> {
        SEGMENTS
            .iter()
            .map(|s| fair_share_per_fte(accounts, reps, s, value).unwrap_or(0.0))
            .collect()
    };
    let pot_fs = per_fte(|a| a.potential);
    let wl_fs = per_fte(|a| a.workload);
    // A rep's fair share: capacity x the smallest per-FTE share over the
    // segments it covers (conservative for hybrid and unrestricted reps).
    let rep_share = |r: &Rep, fs: &[f64]| -> f64 {
        let min = SEGMENTS
            .iter()
            .zip(fs)
            .filter(|(s, _)| r.covers(Some(**s)))
            .map(|(_, &v)| v)
            .fold(f64::INFINITY, f64::min);
        r.capacity * min
    };
    let limit_p: Vec<f64> = reps
        .iter()
        .map(|r| LOCK_SHARE_LIMIT * rep_share(r, &pot_fs))
        .collect();
    let limit_w: Vec<f64> = reps
        .iter()
        .map(|r| LOCK_SHARE_LIMIT * rep_share(r, &wl_fs))
        .collect();
    let mut locked_p = vec![0.0; reps.len()];
    let mut locked_w = vec![0.0; reps.len()];
    for a in accounts.iter_mut() {
        if !matches!(a.segment.as_deref(), Some("MM") | Some("ENT")) {
            continue;
        }
        if rng.gen::<f64>() >= LOCK_RATE {
            continue;
        }
        let Some(owner) = a.current_owner.as_deref() else {
            continue;
        };
        let Some(r) = reps.iter().position(|r| r.id == owner) else {
            continue;
        };
        if reps[r].capacity <= 0.0
            || locked_p[r] + a.potential > limit_p[r]
            || locked_w[r] + a.workload > limit_w[r]
        {
            continue;
        }
        locked_p[r] += a.potential;
        locked_w[r] += a.workload;
        a.locked = true;
    }
}

// ------------------------------------------------------------- helpers

fn segment_index(a: &Account) -> usize {
    SEGMENTS
        .iter()
        .position(|s| Some(*s) == a.segment.as_deref())
        .expect("generated segment")
}

/// Width of zero-padded ids: at least `min`, more when `n` needs it.
fn id_width(n: usize, min: usize) -> usize {
    n.max(1).to_string().len().max(min)
}

/// A standard normal draw (Box-Muller, one of the pair).
fn std_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn round_to(x: f64, per_unit: f64) -> f64 {
    (x * per_unit).round() / per_unit
}

/// A point at an exponentially distributed distance (mean `mean_km`, at most
/// `max_km`) in a uniform direction from (lat, lon), rounded to 5 decimals
/// (about a metre).
fn scatter(rng: &mut ChaCha8Rng, lat: f64, lon: f64, mean_km: f64, max_km: f64) -> (f64, f64) {
    let r = (-mean_km * (1.0 - rng.gen::<f64>()).ln()).min(max_km);
    let theta = std::f64::consts::TAU * rng.gen::<f64>();
    let km_per_deg = EARTH_RADIUS_KM.to_radians();
    let dlat = r * theta.cos() / km_per_deg;
    let dlon = r * theta.sin() / (km_per_deg * lat.to_radians().cos());
    (round_to(lat + dlat, 1e5), round_to(lon + dlon, 1e5))
}

#[cfg(test)]
mod tests;
