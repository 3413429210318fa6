//! The AI tournament: the strategic planner against the classic AI on generated maps, each map
//! played twice with the roles swapped, so that neither side's luck of the map counts.
//!
//! A map is symmetric under a half turn about its centre: provinces, roads, garrisons, walls,
//! wealth and armies on one side are the mirror of the other's. Red holds the west, Blue the
//! east; a side wins by taking the other's capital, and a game that reaches its last month
//! without that is decided on the provinces each side holds (a draw if they hold as many).
use std::fmt::Write as _;
use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::runner::derive_seed;
use super::stats::Share;
use crate::scenario::{ScenarioErrors, parse_scenario_text, validate_embedded};
use crate::sim::{FactionIx, Planner, Sim, SimOptions, StaticData};

/// What to play.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TournamentOptions {
    /// Games in all: two per map (rounded up to an even number).
    pub games: u64,
    /// The base seed of the maps and the games.
    pub seed: u64,
    /// Months each game lasts at most.
    pub months: u32,
    /// Worker threads; 0 for one per core; at most [`MAX_THREADS`](super::MAX_THREADS).
    pub threads: usize,
    /// Rule parameters every map sets, as a scenario's `rules: (...)` writes them (e.g.
    /// `ai_walls_weight: 2.0`): to weigh a change to the AI's numbers.
    pub rules: String,
}

impl Default for TournamentOptions {
    fn default() -> Self {
        Self { games: 200, seed: 1, months: 36, threads: 0, rules: String::new() }
    }
}

/// How one game ended, for the strategic planner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// It took the other's capital.
    WonCapital,
    /// It held more provinces at the end.
    WonOnProvinces,
    Drawn,
    LostOnProvinces,
    LostCapital,
}

/// One game: its map, which side the strategic planner played, and how it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Game {
    pub map: u64,
    /// Whether the strategic planner played Red (the west).
    pub strategic_is_red: bool,
    pub result: Ending,
    /// Months played.
    pub months: u32,
}

/// The tournament's games, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Standings {
    pub games: Vec<Game>,
}

impl Standings {
    /// Games with a winner.
    pub fn decided(&self) -> u64 {
        self.games.iter().filter(|g| g.result != Ending::Drawn).count() as u64
    }

    /// The strategic planner's wins among the decided games.
    pub fn strategic_share(&self) -> Share {
        let mut share = Share::default();
        for g in self.games.iter().filter(|g| g.result != Ending::Drawn) {
            share.add(matches!(g.result, Ending::WonCapital | Ending::WonOnProvinces));
        }
        share
    }

    /// Games that ended with `result`.
    pub fn count(&self, result: Ending) -> usize {
        self.games.iter().filter(|g| g.result == result).count()
    }

    /// The standings as a table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let rows = [
            ("took the enemy capital", Ending::WonCapital, Ending::LostCapital),
            ("held more provinces at the end", Ending::WonOnProvinces, Ending::LostOnProvinces),
        ];
        let _ = writeln!(out, "{:<34} {:>10} {:>10}", "", "strategic", "classic");
        for (label, won, lost) in rows {
            let _ = writeln!(out, "{label:<34} {:>10} {:>10}", self.count(won), self.count(lost));
        }
        let _ = writeln!(out, "{:<34} {:>10}", "drawn", self.count(Ending::Drawn));
        let share = self.strategic_share();
        let _ = writeln!(
            out,
            "The strategic planner won {} of {} decided games: {}",
            share.hits,
            self.decided(),
            share.show()
        );
        out
    }
}

/// Plays the tournament; `progress` is called once per finished game, from any thread.
pub fn tournament(options: &TournamentOptions, progress: &(dyn Fn() + Sync)) -> Result<Standings, TournamentError> {
    let pool = super::runner::worker_pool(options.threads)?;
    let maps = options.games.div_ceil(2);
    let games: Vec<Result<Game, TournamentError>> = pool.install(|| {
        (0..maps * 2)
            .into_par_iter()
            .map(|i| {
                let game = play(options, i / 2, i % 2 == 0);
                progress();
                game
            })
            .collect()
    });
    Ok(Standings { games: games.into_iter().collect::<Result<_, _>>()? })
}

/// Why the tournament could not be played.
#[derive(Debug, thiserror::Error)]
pub enum TournamentError {
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// A generated map did not validate: a bug in the generator.
    #[error("generated map {map} is invalid:\n{errors}")]
    Map { map: u64, errors: ScenarioErrors },
}

/// Plays map `map` with the strategic planner as Red or as Blue.
fn play(options: &TournamentOptions, map: u64, strategic_is_red: bool) -> Result<Game, TournamentError> {
    let text = generate_map(derive_seed(options.seed, map), options.months, &options.rules);
    let invalid = |errors| TournamentError::Map { map, errors };
    let scenario = parse_scenario_text(&text).map_err(|e| invalid(ScenarioErrors(vec![e])))?;
    let valid = validate_embedded(scenario, "generated map").map_err(invalid)?;
    let mut data = StaticData::new(&valid);
    let (red, blue) = (data.faction("red"), data.faction("blue"));
    data.planners[red.get()] = if strategic_is_red { Planner::Strategic } else { Planner::Classic };
    data.planners[blue.get()] = if strategic_is_red { Planner::Classic } else { Planner::Strategic };
    let seed = derive_seed(options.seed ^ 0x7475_726e, map);
    let mut sim = Sim::quiet(Arc::new(data), &SimOptions { seed, ..Default::default() });
    sim.run(None);
    let summary = sim.summary();
    let strategic = if strategic_is_red { red } else { blue };
    let held = |f: FactionIx| summary.owners.iter().filter(|o| **o == Some(f)).count();
    let other = if strategic == red { blue } else { red };
    let result = match summary.winner {
        Some(w) if w == strategic => Ending::WonCapital,
        Some(_) => Ending::LostCapital,
        None => match held(strategic).cmp(&held(other)) {
            std::cmp::Ordering::Greater => Ending::WonOnProvinces,
            std::cmp::Ordering::Less => Ending::LostOnProvinces,
            std::cmp::Ordering::Equal => Ending::Drawn,
        },
    };
    let months = u32::try_from(valid.scenario().start.months_until(summary.final_date) + 1).unwrap_or(0);
    Ok(Game { map, strategic_is_red, result, months })
}

/// A province of a generated map, before mirroring.
#[derive(Clone, Copy)]
struct Site {
    x: f64,
    y: f64,
    population: u32,
    wealth: u32,
    walls: u32,
    garrison: u32,
}

/// The scenario text of a symmetric map from `seed`, lasting `months`, with the rule parameters
/// `rules` (as a scenario's `rules: (...)` writes them; empty for the defaults).
pub fn generate_map(seed: u64, months: u32, rules: &str) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let half = rng.random_range(6..=10);
    let sites = loop {
        let sites = scatter(&mut rng, half);
        if connected(&roads(&sites)) {
            break sites;
        }
    };
    let n = sites.len();
    // Red's capital is its westernmost city; Blue's is its mirror.
    let capital = (0..half).min_by(|a, b| sites[*a].x.total_cmp(&sites[*b].x)).unwrap_or(0);
    let mirror = |i: usize| if i < half { i + half } else { i - half };
    let mut text = String::new();
    let end = crate::scenario::Date::new(1100, 1).plus_months(i64::from(months) - 1);
    let _ = write!(
        text,
        r##"Scenario(
    format_version: 1, id: "tournament_{seed:x}", name: "Tournament map {seed:x}", start: "1100-01", end: "{end}",
    troop_kinds: [
        TroopKind(id: "infantry", name: "Infantry"),
        TroopKind(id: "cavalry", name: "Cavalry", field: 2.0, assault: 0.4, speed: 1.6, mounted: true),
    ],
    terrains: [Terrain(id: "plains", name: "Plains")],
    factions: [
        Faction(id: "red", name: "Red", colour: "#c0392b", capital: Some("p{capital}"), treasury: 20000, grain: 20000),
        Faction(id: "blue", name: "Blue", colour: "#1f3a5f", capital: Some("p{blue_capital}"), treasury: 20000, grain: 20000),
    ],
    provinces: [
"##,
        blue_capital = mirror(capital),
    );
    for (i, s) in sites.iter().enumerate() {
        let owner = if i < half { "red" } else { "blue" };
        let is_capital = i == capital || i == mirror(capital);
        let (walls, garrison) = if is_capital { (8, s.garrison * 2) } else { (s.walls, s.garrison) };
        let _ = writeln!(
            text,
            r#"        Province(id: "p{i}", name: "P{i}", position: ({:.3}, {:.3}), terrain: "plains", owner: Some("{owner}"), population: {}, wealth: {}, grain: 2000, walls: {walls}, garrison: {garrison}),"#,
            100.0 + s.x * 10.0,
            30.0 + s.y * 10.0,
            s.population,
            s.wealth,
        );
    }
    text.push_str("    ],\n    connections: [\n");
    for (a, b) in roads(&sites) {
        let days = (distance(&sites[a], &sites[b]) * 60.0).round().max(5.0);
        let _ = writeln!(text, r#"        Connection(from: "p{a}", to: "p{b}", kind: Road, days: {days}),"#);
    }
    text.push_str("    ],\n    relations: [Relation(between: (\"red\", \"blue\"), war: true)],\n    armies: [\n");
    // Three armies a side: at the capital and in two other cities, mirrored.
    let mut stations = vec![capital];
    while stations.len() < 3.min(half) {
        let s = rng.random_range(0..half);
        if !stations.contains(&s) {
            stations.push(s);
        }
    }
    for (k, &at) in stations.iter().enumerate() {
        let infantry = rng.random_range(10..=40) * 1000;
        let cavalry = rng.random_range(0..=10) * 1000;
        for (side, place) in [("red", at), ("blue", mirror(at))] {
            let _ = writeln!(
                text,
                r#"        Army(id: "{side}_{k}", name: "{side} army {k}", owner: "{side}", location: "p{place}", troops: {{"infantry": {infantry}, "cavalry": {cavalry}}}),"#,
            );
        }
    }
    let _ = write!(
        text,
        r#"    ],
    rules: ({rules}),
    victory: [
        Victory(id: "red_wins", faction: "red", description: "Red takes Blue's capital.", condition: Holds(faction: "red", province: "p{blue}")),
        Victory(id: "blue_wins", faction: "blue", description: "Blue takes Red's capital.", condition: Holds(faction: "blue", province: "p{red}")),
    ],
)
"#,
        blue = mirror(capital),
        red = capital,
        rules = rules,
    );
    debug_assert_eq!(n, 2 * half);
    text
}

/// `half` sites in the west half of the unit square, at least a little apart, then their
/// mirrors (a half turn about the centre), so site `i + half` mirrors site `i`.
fn scatter(rng: &mut ChaCha8Rng, half: usize) -> Vec<Site> {
    let mut sites: Vec<Site> = Vec::with_capacity(2 * half);
    while sites.len() < half {
        let (x, y) = (rng.random_range(0.02..0.48), rng.random_range(0.05..0.95));
        let apart = sites.iter().all(|s| (s.x - x).hypot(s.y - y) > 0.12) && (0.5 - x).hypot(0.5 - y) > 0.06;
        if apart {
            sites.push(Site {
                x,
                y,
                population: rng.random_range(5..=30) * 10_000,
                wealth: rng.random_range(5..=30),
                walls: rng.random_range(0..=6),
                garrison: rng.random_range(2..=8) * 1000,
            });
        }
    }
    let mirrors: Vec<Site> = sites.iter().map(|s| Site { x: 1.0 - s.x, y: 1.0 - s.y, ..*s }).collect();
    sites.extend(mirrors);
    sites
}

fn distance(a: &Site, b: &Site) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// Roads from each site to its three nearest, each once, lower index first: a half turn maps
/// the set onto itself, as it keeps distances.
fn roads(sites: &[Site]) -> Vec<(usize, usize)> {
    let mut out = std::collections::BTreeSet::new();
    for (i, s) in sites.iter().enumerate() {
        let mut others: Vec<usize> = (0..sites.len()).filter(|j| *j != i).collect();
        others.sort_by(|a, b| distance(s, &sites[*a]).total_cmp(&distance(s, &sites[*b])));
        for &j in others.iter().take(3) {
            out.insert((i.min(j), i.max(j)));
        }
    }
    out.into_iter().collect()
}

/// Whether the roads join every site.
fn connected(roads: &[(usize, usize)]) -> bool {
    let n = roads.iter().map(|(_, b)| b + 1).max().unwrap_or(0);
    let mut seen = vec![false; n];
    let mut stack = vec![0];
    while let Some(a) = stack.pop() {
        if seen[a] {
            continue;
        }
        seen[a] = true;
        stack.extend(roads.iter().filter_map(|&(x, y)| (x == a).then_some(y).or((y == a).then_some(x))));
    }
    seen.iter().all(|s| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_map_validates_and_mirrors_itself() {
        for seed in 0..20 {
            let text = generate_map(seed, 24, "");
            let scenario = parse_scenario_text(&text).expect("parses");
            let valid = validate_embedded(scenario, "generated").unwrap_or_else(|e| panic!("{e}\n{text}"));
            let s = valid.scenario();
            let half = s.provinces.len() / 2;
            for i in 0..half {
                let (a, b) = (&s.provinces[i], &s.provinces[i + half]);
                assert_eq!((a.population, a.walls), (b.population, b.walls), "province {i} mirrors {}", i + half);
                assert!((a.position.0 + b.position.0 - 210.0).abs() < 1e-2, "{:?} {:?}", a.position, b.position);
            }
            let red: i64 = s.armies.iter().filter(|a| a.owner == "red").flat_map(|a| a.troops.values()).sum();
            let blue: i64 = s.armies.iter().filter(|a| a.owner == "blue").flat_map(|a| a.troops.values()).sum();
            assert_eq!(red, blue, "both sides field as many men");
        }
    }

    #[test]
    fn a_bad_rule_is_reported_not_played() {
        let options =
            TournamentOptions { games: 2, rules: "ai_wals_weight: 2.0".into(), ..TournamentOptions::default() };
        let error = tournament(&options, &|| {}).expect_err("an unknown rule");
        assert!(error.to_string().contains("ai_wals_weight"), "{error}");
    }

    #[test]
    fn the_same_seed_plays_the_same_tournament() {
        let options = TournamentOptions { games: 4, seed: 3, months: 12, threads: 2, rules: String::new() };
        let a = tournament(&options, &|| {}).expect("plays");
        let b = tournament(&TournamentOptions { threads: 1, ..options.clone() }, &|| {}).expect("plays");
        assert_eq!(a, b);
        assert_eq!(a.games.len(), 4);
        assert!(a.games[0].strategic_is_red && !a.games[1].strategic_is_red, "each map twice, roles swapped");
    }
}
