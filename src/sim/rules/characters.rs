//! Characters: loyalty follows the faction's fortunes; disloyal commanders go over to the enemy;
//! beaten commanders are taken prisoner; events appoint, dismiss, exile, execute and crown, and
//! give and take traits.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::common_conditions::on_message;
use bevy_ecs::system::SystemParam;

use crate::scenario::{Role, Rules};
use crate::sim::collect::{gather_into, refill};
use crate::sim::compiled::Command;
use crate::sim::data::Static;
use crate::sim::ids::{CharacterIx, FactionIx};
use crate::sim::schedule::{EffectSystems, MoraleSystems, Turn};
use crate::sim::state::{
    ApplyEffect, Army, Calendar, CharacterTraits, ChronicleWriter, CommanderCaptured, Entities, Names, Person,
    Relations, Ruler, SimRng, Standing, Status, Troops,
};
use crate::sim::units::{MIDDLE, MONTHS_PER_YEAR, MORTALITY_AGE, TEN_POINTS, points};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectSystems::Characters));
    app.add_systems(Turn, take_prisoners.in_set(MoraleSystems::Prisoners).run_if(on_message::<CommanderCaptured>));
    app.add_systems(Turn, court_month.in_set(MoraleSystems::Court));
}

/// Characters whose birth year the scenario gives may die of age, in character order; a death is
/// carried out with the next month's effects.
fn consider_mortality(
    court: &Court,
    people: &Query<&mut Person>,
    rng: &mut SimRng,
    deaths: &mut MessageWriter<ApplyEffect>,
) {
    let Court { data, entities, calendar, .. } = court;
    let year = i64::from(calendar.date.year);
    for &(c, born) in &data.program.mortals {
        let alive = people
            .get(entities.character(c))
            .is_ok_and(|p| matches!(p.status, Status::Active | Status::Captive | Status::Exiled));
        if alive && rng.chance(monthly_mortality(data.rules(), year - born)) {
            deaths.write(ApplyEffect(Command::Die(c)));
        }
    }
}

/// The chance a character of `age` dies of it within a month: `mortality_at_fifty` a year at
/// fifty, doubling every `mortality_doubling_years` older.
fn monthly_mortality(rules: &Rules, age: i64) -> f64 {
    let from_fifty = age as f64 - MORTALITY_AGE;
    let yearly = (rules.mortality_at_fifty * (from_fifty / rules.mortality_doubling_years).exp2()).min(1.0);
    1.0 - (1.0 - yearly).powf(1.0 / MONTHS_PER_YEAR)
}

fn take_prisoners(
    mut captured: MessageReader<CommanderCaptured>,
    entities: Res<Entities>,
    mut people: Query<&mut Person>,
) {
    for c in captured.read() {
        if let Ok(mut p) = people.get_mut(entities.character(c.character)) {
            p.status = Status::Captive;
        }
    }
}

/// What the court's month reads.
#[derive(SystemParam)]
struct Court<'w, 's> {
    data: Static<'s>,
    relations: Res<'w, Relations>,
    entities: Res<'w, Entities>,
    calendar: Res<'w, Calendar>,
    traits: Res<'w, CharacterTraits>,
    standings: Query<'w, 's, (&'static FactionIx, &'static Standing)>,
    armies: Query<'w, 's, (&'static Army, &'static Troops)>,
}

/// The characters' month: loyalties drift, then disloyal commanders consider going over. One
/// system, as both read the same people.
fn court_month(
    court: Court,
    mut people: Query<&mut Person>,
    mut rng: ResMut<SimRng>,
    mut defect: MessageWriter<ApplyEffect>,
    mut scratch: Local<Scratch>,
) {
    let Scratch { legitimacy, present } = &mut *scratch;
    drift_loyalty(&court, &mut people, legitimacy);
    consider_defection(&court, &people, &mut rng, &mut defect, present);
    consider_mortality(&court, &people, &mut rng, &mut defect);
}

/// The month's reading of factions and armies, kept from month to month so that a month
/// allocates nothing.
#[derive(Default)]
struct Scratch {
    /// Each faction's legitimacy.
    legitimacy: Vec<f64>,
    /// Each army and its men, in army order.
    present: Vec<(Army, f64)>,
}

/// Loyalty follows the faction's fortunes (`loyalty_drift` per ten points of legitimacy away from
/// the middle) and the character's own traits.
fn drift_loyalty(court: &Court, people: &mut Query<&mut Person>, legitimacy: &mut Vec<f64>) {
    let Court { data, entities, traits, standings, .. } = court;
    let rules = data.rules();
    refill(legitimacy, entities.factions.len(), MIDDLE);
    standings.iter().for_each(|(faction, standing)| legitimacy[faction.get()] = standing.legitimacy);
    // Each character's loyalty moves on its own: the order does not matter.
    people.iter_mut().for_each(|mut p| {
        let (Some(f), true) = (p.faction, p.is_active()) else { return };
        let drift = traits.of(p.ix).loyalty + rules.loyalty_drift * (legitimacy[f.get()] - MIDDLE) / TEN_POINTS;
        p.loyalty = points(p.loyalty + drift);
    });
}

/// A disloyal commander facing an enemy nearby may go over to it with his army (next month).
fn consider_defection(
    court: &Court,
    people: &Query<&mut Person>,
    rng: &mut SimRng,
    defect: &mut MessageWriter<ApplyEffect>,
    present: &mut Vec<(Army, f64)>,
) {
    let Court { data, relations, entities, armies, .. } = court;
    let rules = data.rules();
    gather_into(present, armies.iter().map(|(a, t)| (*a, t.total())));
    present.sort_unstable_by_key(|(a, _)| a.ix);
    for (army, men) in present.iter() {
        let Some(c) = army.commander else { continue };
        let Ok(p) = people.get(entities.character(c)) else { continue };
        if !p.is_active() || p.loyalty >= rules.defection_loyalty || *men <= 0.0 {
            continue;
        }
        let enemy = present
            .iter()
            .find(|(other, n)| {
                *n > 0.0 && data.adjacent(army.location, other.location) && relations.at_war(other.owner, army.owner)
            })
            .map(|(other, _)| other.owner);
        let Some(enemy) = enemy else { continue };
        if rng.chance(rules.defection_chance * (1.0 - p.loyalty / rules.defection_loyalty.max(1.0))) {
            defect.write(ApplyEffect(Command::Defect { character: c, to: enemy, with_army: true }));
        }
    }
}

/// What the characters' effects read and change.
#[derive(SystemParam)]
struct Fates<'w, 's> {
    data: Static<'s>,
    entities: Res<'w, Entities>,
    names: Res<'w, Names>,
    traits: ResMut<'w, CharacterTraits>,
    people: Query<'w, 's, &'static mut Person>,
    rulers: Query<'w, 's, &'static mut Ruler>,
    chronicle: ChronicleWriter<'w>,
}

fn apply_effects(mut effects: MessageReader<ApplyEffect>, mut fates: Fates) {
    for ApplyEffect(command) in effects.read() {
        let Fates { data, entities, names, traits, people, chronicle, .. } = &mut fates;
        match *command {
            Command::Appoint { character, role } => {
                if let Ok(mut p) = people.get_mut(entities.character(character))
                    && !p.roles.contains(&role)
                {
                    p.roles.push(role);
                }
            }
            Command::Dismiss { character, role } => {
                if let Ok(mut p) = people.get_mut(entities.character(character)) {
                    p.roles.retain(|r| *r != role);
                }
            }
            Command::Exile(character) | Command::Execute(character) => {
                let exiled = matches!(command, Command::Exile(_));
                if let Ok(mut p) = people.get_mut(entities.character(character)) {
                    p.status = if exiled { Status::Exiled } else { Status::Dead };
                    p.roles.clear();
                    let verb = if exiled { "goes into exile" } else { "is put to death" };
                    chronicle.write(|| format!("{} {verb}.", data.character_name(p.ix)));
                }
                // A ruler sent away or put to death is succeeded as one who dies.
                succeed(&mut fates, character);
            }
            Command::Activate(character) => {
                if let Ok(mut p) = people.get_mut(entities.character(character))
                    && p.status == Status::Waiting
                {
                    p.status = Status::Active;
                }
            }
            Command::Defect { character, to, .. } => {
                // The dead go over to nobody (an event may name a man who has since fallen), and a
                // man the rules turned this month does not go over a second time for the event.
                if let Ok(mut p) = people.get_mut(entities.character(character))
                    && p.status != Status::Dead
                    && p.faction != Some(to)
                {
                    p.faction = Some(to);
                    p.loyalty = data.rules().defector_loyalty;
                    chronicle.write(|| format!("{} goes over to {}.", data.character_name(p.ix), names.faction(to)));
                }
            }
            Command::SetRuler { faction, character } => crown(&mut fates, faction, character),
            Command::Die(character) | Command::Fall(character) => {
                let Ok(mut p) = people.get_mut(entities.character(character)) else { continue };
                if p.status == Status::Dead {
                    continue;
                }
                p.status = Status::Dead;
                p.roles.clear();
                if matches!(command, Command::Die(_)) {
                    chronicle.write(|| format!("{} dies.", data.character_name(character)));
                }
                succeed(&mut fates, character);
            }
            Command::Release(character) | Command::Ransom { character, .. } => {
                if let Ok(mut p) = people.get_mut(entities.character(character))
                    && p.status == Status::Captive
                {
                    p.status = Status::Active;
                    chronicle.write(|| format!("{} is set free.", data.character_name(p.ix)));
                }
            }
            Command::Loyalty { character, add } => {
                if let Ok(mut p) = people.get_mut(entities.character(character)) {
                    p.loyalty = points(p.loyalty + add);
                }
            }
            // A trait counts from this month on, in every formula that reads the character.
            Command::AddTrait { character, trait_ } => {
                traits.add(data, character, trait_);
            }
            Command::RemoveTrait { character, trait_ } => {
                traits.remove(data, character, trait_);
            }
            _ => {}
        }
    }
}

/// When a ruler dies, is put to death or is sent into exile, the first heir in play who serves
/// his faction (in character order) rules.
fn succeed(fates: &mut Fates, dead: CharacterIx) {
    let Fates { entities, people, rulers, .. } = fates;
    let rules_faction = |f: &FactionIx| rulers.get(entities.faction(*f)).is_ok_and(|r| r.0 == Some(dead));
    let Some(faction) = entities.faction_ixs().find(rules_faction) else { return };
    let mut heirs: Vec<CharacterIx> = people.iter().filter(|p| p.is_heir_of(faction)).map(|p| p.ix).collect();
    heirs.sort_unstable();
    let Some(&heir) = heirs.first() else { return };
    if let Ok(mut p) = people.get_mut(entities.character(heir)) {
        p.roles.retain(|r| *r != Role::Heir);
    }
    crown(fates, faction, heir);
}

/// `character` now rules `faction`: the old ruler loses the role, the new one takes it. The dead
/// are not crowned (an event may name a ruler who has since fallen): nothing changes.
fn crown(fates: &mut Fates, faction: FactionIx, character: CharacterIx) {
    let Fates { data, entities, names, people, rulers, chronicle, .. } = fates;
    if people.get(entities.character(character)).is_ok_and(|p| p.status == Status::Dead) {
        return;
    }
    if let Ok(mut r) = rulers.get_mut(entities.faction(faction)) {
        if r.0 == Some(character) {
            // Already crowned (an heir succeeded, then the event names him too): nothing new.
            return;
        }
        let old = r.0.replace(character);
        if let Some(old) = old.filter(|o| *o != character)
            && let Ok(mut p) = people.get_mut(entities.character(old))
        {
            p.roles.retain(|r| *r != Role::Ruler);
        }
    }
    if let Ok(mut p) = people.get_mut(entities.character(character)) {
        p.faction = Some(faction);
        p.status = Status::Active;
        if !p.roles.contains(&Role::Ruler) {
            p.roles.push(Role::Ruler);
        }
    }
    chronicle.write(|| format!("{} now rules {}.", data.character_name(character), names.faction(faction)));
}

#[cfg(test)]
mod tests {
    use crate::sim::power::field_power;
    use crate::sim::state::{Army, CharacterTraits, Person, Ruler, Spirit, Status, Troops};
    use crate::sim::testing::{army, chronicle, faction, scenario, sim_with_humans, status};

    /// Red's ruler, an old man who leads Red's army; an heir; Blue's general, whose age is unknown.
    fn old_king(born: i64) -> crate::sim::Sim {
        let mut s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", commander: Some("red_general"), troops: {"infantry": 1000})"#,
            "",
        );
        s.characters[0].born = Some(born);
        s.characters[0].roles.push(crate::scenario::Role::Ruler);
        s.factions[0].ruler = Some("red_general".into());
        let mut heir = s.characters[0].clone();
        (heir.id, heir.name, heir.born) = ("red_heir".into(), "Red Heir".into(), None);
        heir.roles = vec![crate::scenario::Role::Heir];
        s.characters.push(heir);
        sim_with_humans(s, 1, &["red", "blue"])
    }

    #[test]
    fn the_very_old_die_and_their_heir_rules_with_their_army_leaderless() {
        let mut game = old_king(1000);
        game.step();
        assert_eq!(status(&game, "red_general"), Status::Active, "death comes with the next month's effects");
        game.step();
        assert_eq!(status(&game, "red_general"), Status::Dead);
        assert_eq!(faction::<Ruler>(&game, "red").0, Some(game.data().character("red_heir")));
        assert_eq!(army::<Army>(&game, "red_army").and_then(|a| a.commander), None);
        let lines = chronicle(&game);
        assert!(lines.iter().any(|l| l.ends_with("Red General dies.")), "{lines:#?}");
        assert!(lines.iter().any(|l| l.ends_with("Red Heir now rules Red.")), "{lines:#?}");
        assert_eq!(status(&game, "blue_general"), Status::Active, "without a birth year nobody dies of age");
    }

    #[test]
    fn a_fallen_king_named_ruler_or_turncoat_again_stays_dead() {
        let mut game = old_king(1100);
        let general = game.data().character("red_general");
        let fall = crate::sim::Command::Fall(general);
        game.world_mut().write_message(crate::sim::state::ApplyEffect(fall));
        game.step();
        let red = game.data().faction("red");
        let crown = crate::sim::Command::SetRuler { faction: red, character: general };
        game.world_mut().write_message(crate::sim::state::ApplyEffect(crown));
        game.step();
        assert_eq!(status(&game, "red_general"), Status::Dead);
        assert_eq!(faction::<Ruler>(&game, "red").0, Some(game.data().character("red_heir")));
        let lines = chronicle(&game);
        assert!(!lines.iter().any(|l| l.ends_with("Red General now rules Red.")), "{lines:#?}");
        assert!(!lines.iter().any(|l| l.ends_with("Red General dies.")), "the rule that kills tells it: {lines:#?}");
        let blue = game.data().faction("blue");
        let defect = crate::sim::Command::Defect { character: general, to: blue, with_army: true };
        game.world_mut().write_message(crate::sim::state::ApplyEffect(defect));
        game.step();
        let lines = chronicle(&game);
        assert!(!lines.iter().any(|l| l.contains("Red General goes over")), "the dead go over to nobody: {lines:#?}");
    }

    #[test]
    fn a_turncoat_named_twice_in_a_month_goes_over_once() {
        let mut game = old_king(1100);
        let general = game.data().character("blue_general");
        let red = game.data().faction("red");
        for _ in 0..2 {
            let defect = crate::sim::Command::Defect { character: general, to: red, with_army: true };
            game.world_mut().write_message(crate::sim::state::ApplyEffect(defect));
        }
        game.step();
        let over = chronicle(&game).iter().filter(|l| l.contains("Blue General goes over")).count();
        assert_eq!(over, 1);
    }

    #[test]
    fn an_exiled_ruler_is_succeeded_by_his_heir() {
        // A young king (no death of age), sent into exile by an event.
        let mut game = old_king(1100);
        let exile = crate::sim::Command::Exile(game.data().character("red_general"));
        game.world_mut().write_message(crate::sim::state::ApplyEffect(exile));
        game.step();
        assert_eq!(status(&game, "red_general"), Status::Exiled);
        assert_eq!(faction::<Ruler>(&game, "red").0, Some(game.data().character("red_heir")));
        let lines = chronicle(&game);
        assert!(lines.iter().any(|l| l.ends_with("Red Heir now rules Red.")), "{lines:#?}");
    }

    #[test]
    fn the_young_outlive_a_long_campaign_and_mortality_grows_with_age() {
        let rules = crate::scenario::Rules::default();
        let mut game = old_king(1105);
        game.run(Some(24));
        assert_eq!(status(&game, "red_general"), Status::Active, "a man of twenty");
        let (forty, fifty, seventy) = (
            super::monthly_mortality(&rules, 40),
            super::monthly_mortality(&rules, 50),
            super::monthly_mortality(&rules, 70),
        );
        assert!(forty < fifty && fifty < seventy && seventy < 1.0);
        let yearly_at_fifty = 1.0 - (1.0 - fifty).powi(12);
        assert!((yearly_at_fifty - rules.mortality_at_fifty).abs() < 1e-12, "{yearly_at_fifty}");
    }

    /// Red's army led by Red's general; a trait that makes a better, less loyal general; and
    /// Red's events: `gift` in the first month, `loss` from the second.
    fn traits_given_and_taken(gift: &str, loss: &str) -> crate::sim::Sim {
        let extra = format!(
            r#"traits: [Trait(id: "fierce", name: "Fierce", modifiers: [Command(3), Fighting(0.2), Loyalty(-5)])],
            events: [
                Event(id: "gift", title: "Gift", faction: "red", options: [Option(id: "o", name: "O", effects: [{gift}])]),
                Event(id: "loss", title: "Loss", faction: "red", trigger: After("1125-04"),
                    options: [Option(id: "o", name: "O", effects: [{loss}])]),
            ],"#
        );
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", commander: Some("red_general"), troops: {"infantry": 1000})"#,
            &extra,
        );
        // Nobody plays: the AI answers both events with their only option.
        sim_with_humans(s, 1, &[])
    }

    /// The power the red army's commander gives a thousand men at fixed morale and supply, with
    /// his traits as they stand.
    fn red_power(game: &crate::sim::Sim) -> f64 {
        let army = *army::<Army>(game, "red_army").expect("in the field");
        let spirit = Spirit { morale: 70.0, supply: 100.0, grain: 0.0 };
        let traits = game.world().resource::<CharacterTraits>();
        field_power(game.data(), traits, &army, &Troops::from(vec![1000.0, 0.0]), &spirit, army.location)
    }

    fn traits_of<'a>(game: &'a crate::sim::Sim, id: &str) -> (&'a [usize], crate::sim::Traits) {
        let traits = game.world().resource::<CharacterTraits>();
        let c = game.data().character(id);
        (&traits.lists()[c.get()], *traits.of(c))
    }

    #[test]
    fn a_general_given_a_trait_fights_better_and_taking_it_away_restores_him() {
        let gift = r#"AddTrait(character: "red_general", trait: "fierce"), AddTrait(character: "red_general", trait: "fierce")"#;
        let loss = r#"RemoveTrait(character: "red_general", trait: "fierce"), RemoveTrait(character: "blue_general", trait: "fierce")"#;
        let mut game = traits_given_and_taken(gift, loss);
        let (before, unchanged) = (red_power(&game), traits_of(&game, "red_general").1);
        game.step();
        let (list, sum) = traits_of(&game, "red_general");
        assert_eq!(list, &[0][..], "given twice, held once");
        assert_eq!((sum.command, sum.fighting), (unchanged.command + 3.0, 0.2));
        assert!(red_power(&game) > before * 1.2, "{} against {before}", red_power(&game));
        game.step();
        let (list, sum) = traits_of(&game, "red_general");
        assert!(list.is_empty());
        assert_eq!(sum, unchanged, "added up anew: the same figures, bit for bit");
        assert_eq!(red_power(&game), before);
        assert!(traits_of(&game, "blue_general").0.is_empty(), "taking a trait he lacks does nothing");
    }

    #[test]
    fn a_trait_s_loyalty_drift_counts_from_the_month_it_is_given() {
        let loyalty = |gift: &str| {
            let mut game = traits_given_and_taken(gift, "");
            game.run(Some(3));
            let e =
                game.world().resource::<crate::sim::state::Entities>().character(game.data().character("red_general"));
            game.world().get::<Person>(e).expect("a person").loyalty
        };
        let (kept, soured) = (loyalty(""), loyalty(r#"AddTrait(character: "red_general", trait: "fierce")"#));
        assert!(kept - soured > 14.0, "three months at -5: {kept} against {soured}");
    }
}
