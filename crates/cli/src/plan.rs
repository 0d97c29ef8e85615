//! `haicang plan …`: the planners on files, for integrators and for
//! measuring. Formats are documented in docs/PLANNING.md.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde::{Deserialize, Serialize};

use haicang_core::putaway;
use haicang_core::routing::batching::{self, BatchMethod};
use haicang_core::routing::held_karp::shortest_tour;
use haicang_core::routing::heuristic;
use haicang_core::routing::{Layout, Method, Pick, route};

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Route pick lists: prints [{id, distanceM, sequence}].
    Route {
        #[arg(long)]
        layout: PathBuf,
        #[arg(long)]
        picklists: PathBuf,
        /// optimal, s-shape, largest-gap or combined.
        #[arg(long, default_value = "optimal")]
        method: String,
    },
    /// Batch orders into carts: prints {batches: [{orders, distanceM}], totalDistanceM}.
    Batch {
        #[arg(long)]
        layout: PathBuf,
        #[arg(long)]
        orders: PathBuf,
        /// Orders per cart.
        #[arg(long)]
        capacity: usize,
        /// fcfs, savings or best.
        #[arg(long, default_value = "best")]
        method: String,
    },
    /// Measure route quality and speed and batching; prints figures.
    Bench(PlanBenchArgs),
    /// Measure putaway planning on the demo building (US-LA01); prints figures.
    PutawayBench(PutawayBenchArgs),
}

#[derive(Args)]
pub struct PutawayBenchArgs {
    /// SKU lines of the inbound order.
    #[arg(long, default_value_t = 1000)]
    skus: usize,
    /// Share of rack locations already holding stock.
    #[arg(long, default_value_t = 0.7)]
    occupancy: f64,
    /// Share of the inbound's lots already partly stored (a multi-truck
    /// order whose first truck was put away): only these can consolidate.
    #[arg(long, default_value_t = 0.3)]
    same_lot_share: f64,
    /// Plans to time.
    #[arg(long, default_value_t = 20)]
    runs: usize,
}

#[derive(Args)]
pub struct PlanBenchArgs {
    /// Random pick lists per layout.
    #[arg(long, default_value_t = 1000)]
    lists: usize,
    /// Orders of the large batching run.
    #[arg(long, default_value_t = 50_000)]
    large_orders: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LayoutFile {
    aisles: u32,
    aisle_length_m: f64,
    aisle_spacing_m: f64,
    cross_aisles: u32,
    depot: DepotFile,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DepotFile {
    x_m: f64,
    #[serde(default)]
    y_m: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PickFile {
    aisle: u32,
    y_m: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListFile {
    id: String,
    picks: Vec<PickFile>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RouteOut {
    id: String,
    distance_m: f64,
    sequence: Vec<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchOut {
    orders: Vec<String>,
    distance_m: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanOut {
    batches: Vec<BatchOut>,
    total_distance_m: f64,
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &PathBuf) -> Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

fn read_layout(path: &PathBuf) -> Result<Layout> {
    let f: LayoutFile = read_json(path)?;
    if f.depot.y_m != 0.0 {
        bail!("the depot lies on the front cross aisle: depot.yM must be 0");
    }
    Ok(Layout::new(f.aisles, f.aisle_length_m, f.aisle_spacing_m, f.cross_aisles, f.depot.x_m)?)
}

fn picks(list: &[PickFile]) -> Vec<Pick> {
    list.iter().map(|p| Pick { aisle: p.aisle, y_m: p.y_m }).collect()
}

/// Metres rounded to the millimetre, as the format promises.
fn metres(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

pub fn run(command: PlanCommand) -> Result<()> {
    match command {
        PlanCommand::Route { layout, picklists, method } => {
            let layout = read_layout(&layout)?;
            let method = Method::parse(&method).with_context(|| format!("unknown method {method:?}"))?;
            let lists: Vec<ListFile> = read_json(&picklists)?;
            let mut out = Vec::with_capacity(lists.len());
            for list in lists {
                let r =
                    route(&layout, &picks(&list.picks), method).with_context(|| format!("pick list {}", list.id))?;
                out.push(RouteOut { id: list.id, distance_m: metres(r.distance_m), sequence: r.sequence });
            }
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        PlanCommand::Batch { layout, orders, capacity, method } => {
            let layout = read_layout(&layout)?;
            let method = BatchMethod::parse(&method).with_context(|| format!("unknown method {method:?}"))?;
            let lists: Vec<ListFile> = read_json(&orders)?;
            let all: Vec<Vec<Pick>> = lists.iter().map(|l| picks(&l.picks)).collect();
            let plan = batching::plan(&layout, &all, capacity, method)?;
            let out = PlanOut {
                batches: plan
                    .batches
                    .into_iter()
                    .map(|b| BatchOut {
                        orders: b.orders.into_iter().map(|o| lists[o].id.clone()).collect(),
                        distance_m: metres(b.distance_m),
                    })
                    .collect(),
                total_distance_m: metres(plan.total_distance_m),
            };
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        PlanCommand::Bench(args) => bench(&args)?,
        PlanCommand::PutawayBench(args) => putaway_bench(&args)?,
    }
    Ok(())
}

/// xorshift64: reproducible instances without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_picks(rng: &mut Rng, layout: &Layout, n: usize) -> Vec<Pick> {
    (0..n)
        .map(|_| Pick {
            aisle: 1 + rng.below(u64::from(layout.aisles())) as u32,
            y_m: (rng.unit() * layout.aisle_length_m() * 10.0).round() / 10.0,
        })
        .collect()
}

fn percentile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * q).round() as usize]
}

/// Kicks of the iterated local search that sets the best known route where
/// no exact method exists.
const THOROUGH_KICKS: usize = 300;

fn bench(args: &PlanBenchArgs) -> Result<()> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    println!("haicang plan bench: {} random pick lists (5-60 picks) per layout", args.lists);
    let single = Layout::new(12, 30.0, 3.0, 2, 0.0)?;
    let two = Layout::new(12, 30.0, 3.0, 3, 0.0)?;
    let four = Layout::new(12, 30.0, 3.0, 5, 0.0)?;
    for (name, layout) in [
        ("single-block (12 aisles x 30 m)", &single),
        ("two-block (12 aisles x 30 m, 3 cross aisles)", &two),
        ("four-block (12 aisles x 30 m, 5 cross aisles)", &four),
    ] {
        let lists: Vec<Vec<Pick>> = (0..args.lists)
            .map(|_| {
                let n = 5 + rng.below(56) as usize;
                random_picks(&mut rng, layout, n)
            })
            .collect();
        // Reference: our optimum on one- and two-block layouts; on more
        // blocks the best known (see `thorough` below).
        let mut excess: Vec<(&str, Vec<f64>)> =
            vec![("s-shape", vec![]), ("largest-gap", vec![]), ("combined", vec![]), ("ours", vec![])];
        // The programme's state tables are built on first use: timed apart.
        let started = Instant::now();
        route(layout, &lists[0], Method::Optimal)?;
        let first = started.elapsed();
        let mut ours_time = Vec::with_capacity(lists.len());
        let mut ours_time_50 = Vec::new();
        for picks in &lists {
            let started = Instant::now();
            let ours = route(layout, picks, Method::Optimal)?;
            let took = started.elapsed();
            ours_time.push(took);
            if picks.len() >= 45 && picks.len() <= 55 {
                ours_time_50.push(took);
            }
            let others = [
                route(layout, picks, Method::SShape)?.distance_m,
                route(layout, picks, Method::LargestGap)?.distance_m,
                route(layout, picks, Method::Combined)?.distance_m,
                ours.distance_m,
            ];
            // Without an exact method, the best known is the best of every
            // method and of a long iterated local search.
            let thorough = if layout.has_exact_router() {
                f64::INFINITY
            } else {
                heuristic::route_thorough(layout, picks, THOROUGH_KICKS).distance_m
            };
            let reference = others.iter().copied().fold(thorough, f64::min);
            for (k, d) in others.iter().enumerate() {
                excess[k].1.push((d / reference - 1.0) * 100.0);
            }
        }
        println!(
            "\n== {name}: first route (builds the state tables) {:.1} ms; excess over {}",
            first.as_secs_f64() * 1e3,
            if layout.has_exact_router() {
                "the optimum".to_owned()
            } else {
                format!("the best known (all methods and {THOROUGH_KICKS} rounds of iterated local search)")
            }
        );
        for (method, values) in &excess {
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let worst = values.iter().copied().fold(0.0, f64::max);
            println!("  {method:<12} mean {mean:6.2}%  worst {worst:6.2}%");
        }
        let p50 = percentile(&mut ours_time, 0.5);
        let p99 = percentile(&mut ours_time, 0.99);
        print!("  ours: p50 {:.1} µs, p99 {:.1} µs per route", p50.as_secs_f64() * 1e6, p99.as_secs_f64() * 1e6);
        if !ours_time_50.is_empty() {
            let p99_50 = percentile(&mut ours_time_50, 0.99);
            print!("; 45-55 picks p99 {:.1} µs", p99_50.as_secs_f64() * 1e6);
        }
        println!();
        if layout.has_exact_router() {
            // The optimum itself checked against brute force on small lists.
            let mut worst: f64 = 0.0;
            for _ in 0..200 {
                let n = 1 + rng.below(9) as usize;
                let picks = random_picks(&mut rng, layout, n);
                let ours = route(layout, &picks, Method::Optimal)?.distance_m;
                worst = worst.max((ours - shortest_tour(layout, &picks)).abs());
            }
            println!("  ours vs Held–Karp on 200 lists of 1-9 picks: largest difference {worst:.2e} m");
        } else {
            let mut gaps = Vec::new();
            for _ in 0..200 {
                let n = 5 + rng.below(7) as usize;
                let picks = random_picks(&mut rng, layout, n);
                let ours = route(layout, &picks, Method::Optimal)?.distance_m;
                gaps.push((ours / shortest_tour(layout, &picks) - 1.0) * 100.0);
            }
            let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
            let worst = gaps.iter().copied().fold(0.0, f64::max);
            println!(
                "  ours vs the true optimum (Held–Karp) on 200 lists of 5-11 picks: mean {mean:.2}%, worst {worst:.2}%"
            );
        }
    }

    // Batching on four demand shapes, carts of 8.
    let layout = &single;
    let mut locations: Vec<Pick> = random_picks(&mut rng, layout, 2000);
    // Nearest the depot first: ABC slotting puts the fast movers there.
    locations.sort_by(|a, b| layout.depot_distance(*a).total_cmp(&layout.depot_distance(*b)));
    let shapes: [(&str, Demand); 4] = [
        ("uniform, 1-5 lines", Demand::Uniform),
        ("Pareto over random slots (u^3), 1-5 lines", Demand::Pareto),
        ("ABC slotted (20% of slots by the depot take 80%), 1-5 lines", Demand::Abc),
        ("ABC slotted, single-line heavy (70% one line)", Demand::AbcSingles),
    ];
    println!("\n== batching, carts of 8, single-block layout, 2,000 orders per shape");
    let mut large_shape = Vec::new();
    for (name, demand) in shapes {
        let orders = demand.orders(2000, &locations, &mut rng);
        let fcfs = batching::plan(layout, &orders, 8, BatchMethod::Fcfs)?;
        let less = |m: f64| (1.0 - m / fcfs.total_distance_m) * 100.0;
        println!("  {name}: FCFS {:.0} m", fcfs.total_distance_m);
        let mut best_seed = f64::INFINITY;
        for (seed, plan) in batching::seed_plans(layout, &orders, 8)? {
            best_seed = best_seed.min(plan.total_distance_m);
            println!(
                "    {seed:<14} {:>7.0} m  {:5.1}% less than FCFS",
                plan.total_distance_m,
                less(plan.total_distance_m)
            );
        }
        let savings = batching::plan(layout, &orders, 8, BatchMethod::Savings)?;
        println!(
            "    {:<14} {:>7.0} m  {:5.1}% less than FCFS",
            "savings",
            savings.total_distance_m,
            less(savings.total_distance_m)
        );
        let started = Instant::now();
        let best = batching::plan(layout, &orders, 8, BatchMethod::Best)?;
        let took = started.elapsed();
        let started = Instant::now();
        let reference = batching::plan_thorough(layout, &orders, 8)?;
        let reference_took = started.elapsed();
        println!(
            "    {:<14} {:>7.0} m  {:5.1}% less than FCFS, {:+.1}% vs the best seed, {:+.2}% vs the long-run reference ({:.0} m, {:.1} s); {:.2} s",
            "best",
            best.total_distance_m,
            less(best.total_distance_m),
            (best.total_distance_m / best_seed - 1.0) * 100.0,
            (best.total_distance_m / reference.total_distance_m - 1.0) * 100.0,
            reference.total_distance_m,
            reference_took.as_secs_f64(),
            took.as_secs_f64()
        );
        let wave = demand.orders(200, &locations, &mut rng);
        let mut times = Vec::new();
        for _ in 0..10 {
            let started = Instant::now();
            batching::plan(layout, &wave, 8, BatchMethod::Best)?;
            times.push(started.elapsed());
        }
        println!(
            "    200-order wave, best, all batches routed: p50 {:.1} ms",
            percentile(&mut times, 0.5).as_secs_f64() * 1e3
        );
        if matches!(demand, Demand::Abc) {
            large_shape = demand.orders(args.large_orders, &locations, &mut rng);
        }
    }
    let large = large_shape;
    // Where a big wave's planning time goes: the seeds and savings alone
    // (each routed), best over the whole wave, then best in zones. The
    // two-block run is the demo building's shape (its exact router costs
    // more per cart).
    for (name, layout) in [("single-block", &single), ("two-block", &two)] {
        let started = Instant::now();
        batching::seed_plans(layout, &large, 8)?;
        let seeds_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        batching::plan(layout, &large, 8, BatchMethod::Savings)?;
        let savings_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let whole = batching::plan_in_one(layout, &large, 8)?;
        let whole_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let plan = batching::plan(layout, &large, 8, BatchMethod::Best)?;
        println!(
            "  {} orders (ABC slotted), {name}, best: {:.2} s, {} carts, {:.0} m (the four seeds alone {seeds_s:.2} \
             s, savings alone {savings_s:.2} s; best over the whole wave without zones {whole_s:.2} s, {} carts, \
             {:.0} m: zones walk {:+.2}%)",
            args.large_orders,
            started.elapsed().as_secs_f64(),
            plan.batches.len(),
            plan.total_distance_m,
            whole.batches.len(),
            whole.total_distance_m,
            (plan.total_distance_m / whole.total_distance_m - 1.0) * 100.0
        );
    }
    Ok(())
}

/// How orders pick from the slots (sorted nearest the depot first).
#[derive(Debug, Clone, Copy)]
enum Demand {
    Uniform,
    Pareto,
    Abc,
    AbcSingles,
}

impl Demand {
    fn orders(self, n: usize, slots: &[Pick], rng: &mut Rng) -> Vec<Vec<Pick>> {
        let fast = slots.len() / 5;
        (0..n)
            .map(|_| {
                let lines = match self {
                    Demand::AbcSingles if rng.unit() < 0.7 => 1,
                    Demand::AbcSingles => 2 + rng.below(4) as usize,
                    _ => 1 + rng.below(5) as usize,
                };
                (0..lines)
                    .map(|_| match self {
                        Demand::Uniform => slots[rng.below(slots.len() as u64) as usize],
                        // u^3 puts most picks on few slots (about 80/20),
                        // wherever they are.
                        Demand::Pareto => {
                            let shuffled = (rng.unit().powi(3) * slots.len() as f64) as usize;
                            slots[(shuffled * 7919) % slots.len()]
                        }
                        Demand::Abc | Demand::AbcSingles => {
                            if rng.unit() < 0.8 {
                                slots[rng.below(fast as u64) as usize]
                            } else {
                                slots[fast + rng.below((slots.len() - fast) as u64) as usize]
                            }
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

/// The demo building with `occupancy` of its rack locations holding stock,
/// and an inbound of `skus` lines, some of whose lots are already stored.
fn putaway_instance(args: &PutawayBenchArgs, rng: &mut Rng) -> (Vec<putaway::Slot>, Vec<putaway::Incoming>) {
    use haicang_core::ledger::Condition;
    use haicang_core::location::{LocationType, Restriction};
    use haicang_core::putaway::{Content, Incoming, Slot};
    const SELLER: i64 = 1;
    let mut slots: Vec<Slot> = haicang_core::layout::LA01
        .locations()
        .into_iter()
        .enumerate()
        .map(|(i, l)| Slot::from_layout(i as i64 + 1, l))
        .collect();
    let racks: Vec<usize> =
        (0..slots.len()).filter(|&i| matches!(slots[i].kind, LocationType::Storage | LocationType::PickFace)).collect();
    // Stock of many sellers: one in four occupied locations is this seller's.
    for &i in &racks {
        if rng.unit() >= args.occupancy {
            continue;
        }
        let owner = if rng.below(4) == 0 { SELLER } else { 2 + rng.below(20) as i64 };
        let product = 100_000 + rng.below(50_000) as i64;
        let slot = &mut slots[i];
        slot.contents.push(Content {
            customer_id: owner,
            product_id: product,
            lot_id: product * 10,
            condition: Condition::Good,
        });
        let cap = slot.capacity_volume_cm3.unwrap_or(1_200_000);
        slot.used_volume_cm3 = (cap as f64 * (0.2 + 0.8 * rng.unit())) as i64;
        slot.used_weight_g = (slot.capacity_weight_g.unwrap_or(500_000) as f64 * 0.5 * rng.unit()) as i64;
    }
    let mut lines = Vec::with_capacity(args.skus);
    for k in 0..args.skus {
        let product_id = k as i64 + 1;
        let lot_id = product_id * 10;
        let hazard = rng.below(100);
        let restriction = match hazard {
            0..5 => Some(Restriction::Battery),
            5..8 => Some(Restriction::Liquid),
            _ => None,
        };
        let condition = if rng.below(20) == 0 { Condition::Defective } else { Condition::Good };
        let line = Incoming {
            customer_id: SELLER,
            product_id,
            lot_id,
            condition,
            quantity: 1 + rng.below(200) as i64,
            unit_volume_cm3: 500 + rng.below(19_500) as i64,
            unit_weight_g: 100 + rng.below(4_900) as i64,
            restriction,
        };
        if condition == Condition::Good && rng.unit() < args.same_lot_share {
            // Its first truck: partly stored in a compatible rack location.
            let candidates: Vec<usize> = racks
                .iter()
                .copied()
                .filter(|&i| slots[i].kind == LocationType::Storage && slots[i].restriction == restriction)
                .filter(|&i| slots[i].contents.iter().all(|c| c.customer_id == SELLER))
                .collect();
            if !candidates.is_empty() {
                let i = candidates[rng.below(candidates.len() as u64) as usize];
                let slot = &mut slots[i];
                slot.contents.push(Content { customer_id: SELLER, product_id, lot_id, condition });
                slot.used_volume_cm3 =
                    slot.used_volume_cm3.max((slot.capacity_volume_cm3.unwrap_or(0) as f64 * 0.4) as i64);
            }
        }
        lines.push(line);
    }
    (slots, lines)
}

fn putaway_bench(args: &PutawayBenchArgs) -> Result<()> {
    use haicang_core::putaway::Reason;
    let mut rng = Rng(0x005e_ed0f_7075);
    let mut times = Vec::with_capacity(args.runs);
    let mut last = None;
    for _ in 0..args.runs.max(1) {
        let (slots, lines) = putaway_instance(args, &mut rng);
        let occupied = slots.iter().filter(|s| !s.contents.is_empty()).count();
        let start = Instant::now();
        let plan = putaway::plan(slots.clone(), &lines);
        times.push(start.elapsed());
        last = Some((slots, lines, plan, occupied));
    }
    let Some((slots, lines, plan, occupied)) = last else { return Ok(()) };
    let lines_with =
        |reason: Reason| (0..lines.len()).filter(|&l| plan.iter().any(|p| p.line == l && p.reason == reason)).count();
    let share = |n: usize| 100.0 * n as f64 / lines.len() as f64;
    let units = |reason: Reason| plan.iter().filter(|p| p.reason == reason).map(|p| p.quantity).sum::<i64>();
    let total_units: i64 = lines.iter().map(|l| l.quantity).sum();
    let racks = slots
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                haicang_core::location::LocationType::Storage | haicang_core::location::LocationType::PickFace
            )
        })
        .count();
    println!("putaway planning on US-LA01 ({} locations, {racks} rack positions, {occupied} occupied)", slots.len());
    println!("  inbound: {} SKU lines, {total_units} units; runs: {}", lines.len(), times.len());
    let mut sorted = times.clone();
    println!(
        "  time per plan: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&mut sorted, 0.5).as_secs_f64() * 1e3,
        percentile(&mut sorted, 0.99).as_secs_f64() * 1e3,
        sorted.last().map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0)
    );
    for reason in [
        Reason::Consolidate,
        Reason::EmptyLocation,
        Reason::PartlyUsed,
        Reason::DefectiveArea,
        Reason::Overflow,
        Reason::NoLocation,
    ] {
        let n = lines_with(reason);
        println!(
            "  {:<15} {:>5} lines ({:>5.1}%), {:>6} units ({:>5.1}%)",
            reason.as_str(),
            n,
            share(n),
            units(reason),
            100.0 * units(reason) as f64 / total_units as f64
        );
    }
    let split = (0..lines.len()).filter(|&l| plan.iter().filter(|p| p.line == l).count() > 1).count();
    println!("  lines split over several locations: {split} ({:.1}%)", share(split));
    Ok(())
}
