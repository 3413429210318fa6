//! The map: who owns each province, its people, and each faction's capital.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::common_conditions::on_message;
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::chronicle::ChronicleWriter;
use super::diplomacy::CessionAgreed;
use super::effects::ApplyEffect;
use super::ids::{Data, FactionIx, ProvinceIx, Static};
use super::sieges::{CityFell, MilitiaRaised};
use super::world::Entities;
use super::{EffectOrder, Turn, TurnSystems};
use crate::scenario::Rules;
use crate::scenario::{Date, Effect};

/// Marks a province entity (its index is its place in `Entities::provinces`).
#[derive(Component, Clone, Copy, Debug)]
pub struct Province;

/// The faction that owns a province.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner(pub Option<FactionIx>);

/// A province's people and what they yield.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Populace {
    pub population: f64,
    /// Silver a month, thousands of taels.
    pub wealth: f64,
    /// The faction the people hold legitimate.
    pub loyal_to: Option<FactionIx>,
    /// How strongly, 0-100.
    pub loyalty: f64,
}

impl Populace {
    /// Share of the yield that reaches `owner`: all of it if the people hold him legitimate.
    pub fn yield_share(&self, owner: FactionIx, rules: &Rules) -> f64 {
        if self.loyal_to == Some(owner) {
            1.0
        } else {
            rules.disloyal_yield + (1.0 - rules.disloyal_yield) * (1.0 - self.loyalty / 100.0)
        }
    }
}

/// A faction's capital, if it has one.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capital(pub Option<ProvinceIx>);

/// The month each province first changed hands in this game, if it has.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstTransfers(pub Vec<Option<Date>>);

/// A province changed hands this turn.
#[derive(Message, Clone, Copy, Debug)]
pub struct ProvinceTransferred {
    pub province: ProvinceIx,
    pub from: Option<FactionIx>,
    pub to: FactionIx,
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<ProvinceTransferred>();
    app.add_systems(Turn, apply_effects.in_set(EffectOrder::Map));
    // These react to the month's messages, and most months bring none.
    app.add_systems(
        Turn,
        apply_cessions
            .in_set(TurnSystems::Diplomacy)
            .after(super::diplomacy::DiplomacySystems)
            .run_if(on_message::<CessionAgreed>),
    );
    app.add_systems(
        Turn,
        take_fallen_cities
            .in_set(TurnSystems::Sieges)
            .after(super::sieges::SiegeSystems)
            .run_if(on_message::<CityFell>),
    );
}

/// Tells the other domains a province changed hands, and records the month of its first change.
#[derive(bevy_ecs::system::SystemParam)]
struct Transfers<'w> {
    messages: MessageWriter<'w, ProvinceTransferred>,
    first: ResMut<'w, FirstTransfers>,
    calendar: Res<'w, Calendar>,
}

impl Transfers<'_> {
    fn write(&mut self, transfer: ProvinceTransferred) {
        if let Some(slot) = self.first.0.get_mut(transfer.province.get()) {
            slot.get_or_insert(self.calendar.date);
        }
        self.messages.write(transfer);
    }
}

/// Hands `p` to `to`, unless people loyal to its owner refuse and take up arms.
#[allow(clippy::too_many_arguments)]
fn cede(
    data: &Data,
    rules: &Rules,
    p: ProvinceIx,
    to: FactionIx,
    owner: &mut Owner,
    populace: &Populace,
    transferred: &mut Transfers,
    militia: &mut MessageWriter<MilitiaRaised>,
    chronicle: &mut ChronicleWriter,
) {
    if owner.0 == Some(to) {
        return;
    }
    let refuses = populace.loyal_to.is_some()
        && populace.loyal_to == owner.0
        && populace.loyal_to != Some(to)
        && populace.loyalty >= rules.refuse_cession_loyalty;
    if refuses {
        militia.write(MilitiaRaised { province: p, men: populace.population * rules.militia_share });
        chronicle.write(|| {
            format!(
                "The people of {} refuse to submit to {} and take up arms.",
                data.province_name(p),
                data.faction_name(to)
            )
        });
        return;
    }
    let from = owner.0.replace(to);
    transferred.write(ProvinceTransferred { province: p, from, to });
    chronicle.write(|| format!("{} passes to {}.", data.province_name(p), data.faction_name(to)));
}

/// Provinces a treaty hands over.
#[allow(clippy::too_many_arguments)]
fn apply_cessions(
    mut agreed: MessageReader<CessionAgreed>,
    data: Static,
    entities: Res<Entities>,
    mut provinces: Query<(&mut Owner, &Populace)>,
    mut transferred: Transfers,
    mut militia: MessageWriter<MilitiaRaised>,
    mut chronicle: ChronicleWriter,
) {
    let rules = data.rules();
    for c in agreed.read() {
        let Ok((mut owner, populace)) = provinces.get_mut(entities.province(c.province)) else { continue };
        cede(&data, rules, c.province, c.to, &mut owner, populace, &mut transferred, &mut militia, &mut chronicle);
    }
}

/// A fallen city passes to its conqueror, who sacks it.
fn take_fallen_cities(
    mut fell: MessageReader<CityFell>,
    data: Static,
    entities: Res<Entities>,
    mut provinces: Query<(&mut Owner, &mut Populace)>,
    mut transferred: Transfers,
) {
    let rules = data.rules();
    for f in fell.read() {
        let Ok((mut owner, mut populace)) = provinces.get_mut(entities.province(f.province)) else { continue };
        owner.0 = Some(f.to);
        populace.population *= 1.0 - rules.sack_share;
        populace.wealth *= 1.0 - rules.sack_share;
        transferred.write(ProvinceTransferred { province: f.province, from: f.from, to: f.to });
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    data: Static,
    entities: Res<Entities>,
    mut provinces: Query<(&mut Owner, &mut Populace)>,
    mut capitals: Query<&mut Capital>,
    mut transferred: Transfers,
    mut militia: MessageWriter<MilitiaRaised>,
    mut chronicle: ChronicleWriter,
) {
    let rules = data.rules();
    for ApplyEffect(effect) in effects.read() {
        match effect {
            Effect::Cede { province, to } => {
                let (p, to) = (data.province(province), data.faction(to));
                let Ok((mut owner, populace)) = provinces.get_mut(entities.province(p)) else { continue };
                cede(&data, rules, p, to, &mut owner, &populace, &mut transferred, &mut militia, &mut chronicle);
            }
            Effect::SetCapital { faction, province } => {
                if let Ok(mut c) = capitals.get_mut(entities.faction(data.faction(faction))) {
                    c.0 = Some(data.province(province));
                }
            }
            Effect::AdjustProvince { province, population, wealth, loyalty, .. } => {
                if let Ok((_, mut pop)) = provinces.get_mut(entities.province(data.province(province))) {
                    pop.population = (pop.population + *population as f64).max(0.0);
                    pop.wealth = (pop.wealth + *wealth as f64).max(0.0);
                    pop.loyalty = (pop.loyalty + *loyalty as f64).clamp(0.0, 100.0);
                }
            }
            Effect::Loot { province, share, .. } => {
                if let Ok((_, mut pop)) = provinces.get_mut(entities.province(data.province(province))) {
                    pop.population *= 1.0 - share;
                    pop.wealth *= 1.0 - share;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::sieges::Defences;
    use crate::sim::testing::{chronicle, province, scenario, sim_with_humans};

    fn cession(loyalty: i64) -> crate::sim::Sim {
        let events = r#"events: [Event(id: "terms", title: "Terms", faction: "blue",
            options: [Option(id: "cede", name: "Cede B", effects: [Cede(province: "b", to: "red")])])],"#;
        let mut s = scenario("", events);
        s.provinces[1].loyalty = loyalty;
        sim_with_humans(s, 1, &["red"])
    }

    #[test]
    fn a_loyal_province_refuses_a_cession_and_raises_militia() {
        let mut game = cession(85);
        game.step();
        let blue = game.data().faction("blue");
        assert_eq!(province::<Owner>(&game, "b").0, Some(blue));
        assert_eq!(province::<Defences>(&game, "b").garrison, 5000.0 + 100000.0 * 0.02);
        assert!(chronicle(&game).iter().any(|l| l.contains("The people of B refuse to submit to Red")));
    }

    #[test]
    fn an_indifferent_province_is_handed_over() {
        let mut game = cession(40);
        game.step();
        assert_eq!(province::<Owner>(&game, "b").0, Some(game.data().faction("red")));
    }
}
