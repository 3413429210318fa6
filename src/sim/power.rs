//! Combat power and the other formulas several rules share, one function each: battles, sieges,
//! the AI and the window all reckon power, odds and reach through these.
//!
//! Every number is a rule parameter (see `docs/rules.md`); the scales (0-100, skill 5 as the
//! average) are in [`super::units`].
use super::data::StaticData;
use super::ids::{CharacterIx, FactionIx, ProvinceIx};
use super::state::{Army, CharacterTraits, Defences, Levies, Spirit, Troops};
use super::units::{AVERAGE_SKILL, PER_THOUSAND, PERCENT};
use crate::scenario::{Date, Rules};

/// The command skill a commander (or a leaderless army: `leaderless_skill`) brings, with his
/// traits as they stand.
pub fn command_skill(data: &StaticData, characters: &CharacterTraits, commander: Option<CharacterIx>) -> f64 {
    commander.map_or(data.rules().leaderless_skill, |c| characters.of(c).command)
}

/// What a leader's skill makes of his men's power: `command_bonus` a point above the average,
/// never below `command_floor`.
pub fn skill_factor(rules: &Rules, skill: f64) -> f64 {
    (1.0 + rules.command_bonus * (skill - AVERAGE_SKILL)).max(rules.command_floor)
}

/// What the traits of a commander and his faction make of his men's power.
fn trait_factor(rules: &Rules, traits: f64) -> f64 {
    (1.0 + traits).max(rules.trait_floor)
}

/// What morale makes of an army's power: `morale_power_floor` at morale 0, all of it at 100.
pub fn morale_factor(data: &StaticData, morale: f64) -> f64 {
    data.program.morale_power.at(morale)
}

/// What supply makes of an army's power in the field: `supply_power_floor` at supply 0, all of it
/// at 100.
pub fn supply_factor(data: &StaticData, supply: f64) -> f64 {
    data.program.supply_power.at(supply)
}

/// An army's fighting power in the open in `province`: men by their kind's `field` (horsemen by
/// the terrain's `mounted`), command, traits, morale and supply.
pub fn field_power(
    data: &StaticData,
    characters: &CharacterTraits,
    army: &Army,
    troops: &Troops,
    spirit: &Spirit,
    province: ProvinceIx,
) -> f64 {
    let rules = data.rules();
    let terrain = data.terrain_of(province);
    let men: f64 = troops
        .by_kind(&data.scenario.troop_kinds)
        .map(|(n, kind)| n * kind.field * if kind.mounted { terrain.mounted } else { 1.0 })
        .sum();
    let command = skill_factor(rules, command_skill(data, characters, army.commander));
    let traits =
        army.commander.map_or(0.0, |c| characters.of(c).fighting) + data.faction_traits[army.owner.get()].fighting;
    let spirit = morale_factor(data, spirit.morale) * supply_factor(data, spirit.supply);
    men * command * trait_factor(rules, traits) * spirit
}

/// An army's power against walls: men by their kind's `assault`, command, traits and morale.
pub fn assault_power(
    data: &StaticData,
    characters: &CharacterTraits,
    army: &Army,
    troops: &Troops,
    spirit: &Spirit,
) -> f64 {
    let rules = data.rules();
    let men: f64 = troops.by_kind(&data.scenario.troop_kinds).map(|(n, k)| n * k.assault).sum();
    let command = skill_factor(rules, command_skill(data, characters, army.commander));
    let traits =
        army.commander.map_or(0.0, |c| characters.of(c).assault) + data.faction_traits[army.owner.get()].assault;
    men * command * trait_factor(rules, traits) * morale_factor(data, spirit.morale)
}

/// An army's men weighted by their kind's `field` power: what a court counts as its strength.
pub fn weighted_men(data: &StaticData, troops: &Troops) -> f64 {
    troops.by_kind(&data.scenario.troop_kinds).map(|(n, k)| n * k.field).sum()
}

/// An army's men weighted by their kind's `defence`: what it adds to a city's defenders.
pub fn defending_men(data: &StaticData, troops: &Troops) -> f64 {
    troops.by_kind(&data.scenario.troop_kinds).map(|(n, k)| n * k.defence).sum()
}

/// An army's men weighted by their kind's `field` power and by morale: what a garrison measures
/// besiegers by before a sally.
pub fn spirited_men(data: &StaticData, troops: &Troops, spirit: &Spirit) -> f64 {
    weighted_men(data, troops) * morale_factor(data, spirit.morale)
}

/// What walls make of a garrison's strength: `wall_strength` a point.
pub fn wall_factor(rules: &Rules, walls: f64) -> f64 {
    1.0 + walls * rules.wall_strength
}

/// A city's power against an assault: its defenders (weighted by kind), its walls, the skill of
/// the best defender inside, and hunger (`starving_defence`).
pub fn city_defence(rules: &Rules, defences: &Defences, defence_men: f64, defender_skill: f64, starving: bool) -> f64 {
    defence_men.max(1.0)
        * wall_factor(rules, defences.walls)
        * skill_factor(rules, defender_skill)
        * if starving { rules.starving_defence } else { 1.0 }
}

/// Whether an army at `from` can strike one at `to` by night: the same or a neighbouring province.
pub fn within_raid_reach(data: &StaticData, from: ProvinceIx, to: ProvinceIx) -> bool {
    data.adjacent(from, to)
}

/// The chance a night raid succeeds: `raid_success`, better by `raid_skill_edge` for each point
/// of command skill the raider's commander has over the target's.
pub fn raid_chance(
    data: &StaticData,
    characters: &CharacterTraits,
    raider: Option<CharacterIx>,
    target: Option<CharacterIx>,
) -> f64 {
    let rules = data.rules();
    let edge = command_skill(data, characters, raider) - command_skill(data, characters, target);
    rules.raid_success * (1.0 + rules.raid_skill_edge * edge)
}

/// What a night raid does to each side, as shares of men lost and morale gained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RaidOutcome {
    pub raider_losses: f64,
    pub raider_morale: f64,
    pub target_losses: f64,
    pub target_morale: f64,
}

/// The outcome of a raid that succeeded or failed.
pub fn raid_outcome(rules: &Rules, success: bool) -> RaidOutcome {
    if success {
        RaidOutcome {
            raider_losses: rules.raid_won_raider_losses,
            raider_morale: rules.raid_won_raider_morale,
            target_losses: rules.raid_won_target_losses,
            target_morale: -rules.raid_won_target_morale,
        }
    } else {
        RaidOutcome {
            raider_losses: rules.raid_failed_raider_losses,
            raider_morale: -rules.raid_failed_raider_morale,
            target_losses: rules.raid_failed_target_losses,
            target_morale: rules.raid_failed_target_morale,
        }
    }
}

/// The shares of their men the winner and the loser of a battle at `odds` lose.
pub fn battle_losses(rules: &Rules, odds: f64) -> (f64, f64) {
    let winner = rules.battle_losses * rules.winner_losses * odds.powf(-rules.battle_loss_exponent);
    let loser = rules.battle_losses * odds.powf(rules.battle_loss_exponent);
    (winner.min(rules.battle_max_losses), loser.min(rules.battle_max_losses))
}

/// The chance an assault at `odds` takes a city whose walls are `breach` breached.
pub fn assault_chance(rules: &Rules, odds: f64, breach: f64) -> f64 {
    (rules.assault_chance * odds.powf(rules.assault_exponent) + breach).clamp(0.0, rules.assault_max_chance)
}

/// The share of their men assaulting armies lose at `odds`.
pub fn assault_losses(rules: &Rules, odds: f64) -> f64 {
    (rules.assault_losses * odds.powf(-rules.assault_loss_exponent)).min(rules.assault_max_losses)
}

/// The share of its garrison a city loses throwing back an assault at `odds`.
pub fn repulse_losses(rules: &Rules, odds: f64) -> f64 {
    (rules.assault_losses * rules.repulse_losses * odds.sqrt()).min(rules.assault_max_losses)
}

/// How bold a faction's AI is: its armies count `1 + aggression / ai_aggression_points` times
/// their power when it weighs an attack or a betrayal.
pub fn aggression(data: &StaticData, faction: FactionIx) -> f64 {
    1.0 + data.faction_traits[faction.get()].aggression / data.rules().ai_aggression_points
}

/// Room for [`supply_steps`]' search, kept from one search to the next.
#[derive(Default)]
pub struct Search {
    frontier: Vec<usize>,
    next: Vec<usize>,
    seen: Vec<bool>,
}

/// What a supply line may pass through: who owns each province and which are besieged.
pub struct SupplyMap<'a> {
    pub relations: &'a super::state::Relations,
    pub owners: &'a [Option<FactionIx>],
    pub besieged: &'a [bool],
}

/// Steps from `from` to the nearest province of `faction` that is not besieged, going only
/// through land not held by an enemy at war; `None` beyond `range`. The supply rules and the
/// window's supply overlay both trace lines with this.
pub fn supply_steps(
    data: &StaticData,
    map: &SupplyMap,
    faction: FactionIx,
    from: ProvinceIx,
    range: usize,
    search: &mut Search,
) -> Option<usize> {
    let SupplyMap { relations, owners, besieged } = map;
    let friendly = |p: usize| owners[p] == Some(faction) && !besieged[p];
    let passable = |p: usize| owners[p].is_none_or(|o| o == faction || !relations.at_war(o, faction));
    if friendly(from.get()) {
        return Some(0);
    }
    let Search { frontier, next, seen } = search;
    frontier.clear();
    frontier.push(from.get());
    super::collect::refill(seen, owners.len(), false);
    seen[from.get()] = true;
    for steps in 0..=range {
        if frontier.iter().any(|&p| friendly(p)) {
            return Some(steps);
        }
        next.clear();
        for &p in frontier.iter() {
            for (n, _) in &data.neighbours[p] {
                let n = n.get();
                if !seen[n] && passable(n) {
                    seen[n] = true;
                    next.push(n);
                }
            }
        }
        next.sort_unstable();
        std::mem::swap(frontier, next);
    }
    None
}

/// The longest supply line, in steps (`supply_range`).
pub fn supply_range(rules: &Rules) -> usize {
    // A float parameter counted in whole steps: the fraction is dropped, as it always was.
    rules.supply_range.max(0.0) as usize
}

/// The supply an army `steps` along its line from friendly land has: `supply_step_loss` points a
/// step; none beyond the range.
pub fn line_supply(rules: &Rules, steps: Option<usize>) -> f64 {
    match steps {
        Some(steps) => (PERCENT - rules.supply_step_loss * steps as f64).max(0.0),
        None => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testing::{scenario, sim};

    #[test]
    fn losses_grow_with_the_odds_for_the_loser_and_shrink_for_the_winner_within_their_cap() {
        let rules = Rules::default();
        let (even_winner, even_loser) = battle_losses(&rules, 1.0);
        let (rout_winner, rout_loser) = battle_losses(&rules, 3.0);
        assert!(rout_loser > even_loser && rout_winner < even_winner);
        assert_eq!(even_loser, rules.battle_losses);
        assert_eq!(battle_losses(&rules, 1e6).1, rules.battle_max_losses);
        assert_eq!(assault_chance(&rules, 1e6, 0.0), rules.assault_max_chance);
        assert!(assault_losses(&rules, 4.0) < assault_losses(&rules, 1.0));
        assert!(repulse_losses(&rules, 4.0) > repulse_losses(&rules, 1.0));
    }

    #[test]
    fn hunger_walls_and_skill_change_a_city_defence() {
        let rules = Rules::default();
        let city = Defences { walls: 10.0, garrison: 1000.0, grain: 0.0 };
        let fed = city_defence(&rules, &city, 1000.0, rules.garrison_skill, false);
        assert_eq!(fed, 1000.0 * wall_factor(&rules, 10.0));
        assert_eq!(city_defence(&rules, &city, 1000.0, rules.garrison_skill, true), fed * rules.starving_defence);
        assert!(city_defence(&rules, &city, 1000.0, 8.0, false) > fed, "a skilled defender holds better");
        assert!(city_defence(&rules, &city, 0.0, 5.0, false) > 0.0, "an empty city still has walls");
    }

    #[test]
    fn a_raid_reaches_the_same_or_a_neighbouring_province_and_a_better_general_raids_better() {
        let game = sim(scenario("", ""), 1);
        let data = game.data();
        let (a, b, c) = (data.province("a"), data.province("b"), data.province("c"));
        assert!(within_raid_reach(data, a, a) && within_raid_reach(data, a, b));
        assert!(!within_raid_reach(data, a, c), "two marches away");
        let characters = game.world().resource::<CharacterTraits>();
        let general = Some(data.character("red_general"));
        assert!(raid_chance(data, characters, general, None) > raid_chance(data, characters, None, general));
        assert_eq!(raid_chance(data, characters, None, None), data.rules().raid_success);
    }
}

/// What the mobilisation rules read of a province where a levy may be called up.
#[derive(Clone, Copy, Debug)]
pub struct LevySite {
    pub province: ProvinceIx,
    pub owner: Option<FactionIx>,
    pub besieged: bool,
    /// The owner and place of the province's levy army, if it is in the field.
    pub levy_army: Option<(FactionIx, ProvinceIx)>,
}

/// Whether `faction` may call up a levy at `site` in month `now`: it raises levies, owns the
/// province, no enemy besieges it, it has rested since its last levy and none musters there
/// ([`Levies::may_call`]), and its levy army is not in the field elsewhere or another's.
pub fn may_levy(data: &StaticData, levies: &Levies, now: Date, faction: FactionIx, site: &LevySite) -> bool {
    data.levy_kind(faction).is_some()
        && site.owner == Some(faction)
        && !site.besieged
        && levies.may_call(site.province, now)
        && site.levy_army.is_none_or(|at| at == (faction, site.province))
}

/// The most men a faction with `silver` and `grain` may call up in a province of `population`
/// people: `levy_share` of them, as far as `levy_silver` and `levy_grain` a thousand allow.
pub fn levy_limit(rules: &Rules, population: f64, silver: f64, grain: f64) -> f64 {
    let people = (population * rules.levy_share).max(0.0);
    let paid = if rules.levy_silver > 0.0 { silver / rules.levy_silver * PER_THOUSAND } else { f64::INFINITY };
    let fed = if rules.levy_grain > 0.0 { grain / rules.levy_grain * PER_THOUSAND } else { f64::INFINITY };
    people.min(paid).min(fed).max(0.0).floor()
}
