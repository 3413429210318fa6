//! The map: provinces change hands by treaty, by conquest and by event; their people may refuse
//! a cession and take up arms; capitals move.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::common_conditions::on_message;

use crate::scenario::Rules;
use crate::sim::compiled::Command;
use crate::sim::data::{Static, StaticData};
use crate::sim::ids::{FactionIx, ProvinceIx};
use crate::sim::schedule::{DiplomacySystems, EffectSystems, SiegeSystems, Turn};
use crate::sim::state::{
    ApplyEffect, Capital, CessionAgreed, ChronicleWriter, CityFell, Entities, MilitiaRaised, Names, Owner, Populace,
    ProvinceTransferred, Transfers,
};
use crate::sim::units::points;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectSystems::Map));
    // These react to the month's messages, and most months bring none.
    app.add_systems(Turn, apply_cessions.in_set(DiplomacySystems::Cessions).run_if(on_message::<CessionAgreed>));
    app.add_systems(Turn, take_fallen_cities.in_set(SiegeSystems::Surrender).run_if(on_message::<CityFell>));
}

/// What a cession writes: the transfer, or the militia of a province that refuses, and the
/// chronicle's line.
#[derive(bevy_ecs::system::SystemParam)]
struct Ceding<'w> {
    transfers: Transfers<'w>,
    militia: MessageWriter<'w, MilitiaRaised>,
    names: Res<'w, Names>,
    chronicle: ChronicleWriter<'w>,
}

impl Ceding<'_> {
    /// Hands `p` to `to`, unless people loyal to its owner refuse and take up arms.
    fn cede(&mut self, data: &StaticData, p: ProvinceIx, to: FactionIx, owner: &mut Owner, populace: &Populace) {
        if owner.0 == Some(to) {
            return;
        }
        if refuses(data.rules(), populace, owner.0, to) {
            self.militia.write(MilitiaRaised { province: p, men: populace.population * data.rules().militia_share });
            let names = &self.names;
            self.chronicle.write(|| {
                format!(
                    "The people of {} refuse to submit to {} and take up arms.",
                    names.province(p),
                    names.faction(to)
                )
            });
            return;
        }
        let from = owner.0.replace(to);
        self.transfers.write(ProvinceTransferred { province: p, from, to });
        let names = &self.names;
        self.chronicle.write(|| {
            let passes = names.province_agrees(p).verb("passes", "pass");
            format!("{} {passes} to {}.", names.province(p), names.faction(to))
        });
    }
}

/// Whether people loyal to their owner `owner` refuse to be handed to `to`.
fn refuses(rules: &Rules, populace: &Populace, owner: Option<FactionIx>, to: FactionIx) -> bool {
    populace.loyal_to.is_some()
        && populace.loyal_to == owner
        && populace.loyal_to != Some(to)
        && populace.loyalty >= rules.refuse_cession_loyalty
}

/// Provinces a treaty hands over.
fn apply_cessions(
    mut agreed: MessageReader<CessionAgreed>,
    data: Static,
    entities: Res<Entities>,
    mut provinces: Query<(&mut Owner, &Populace)>,
    mut ceding: Ceding,
) {
    for c in agreed.read() {
        let Ok((mut owner, populace)) = provinces.get_mut(entities.province(c.province)) else { continue };
        ceding.cede(&data, c.province, c.to, &mut owner, populace);
    }
}

/// A fallen city passes to its conqueror, who sacks it.
fn take_fallen_cities(
    mut fell: MessageReader<CityFell>,
    data: Static,
    entities: Res<Entities>,
    mut provinces: Query<(&mut Owner, &mut Populace)>,
    mut transfers: Transfers,
) {
    let rules = data.rules();
    for f in fell.read() {
        let Ok((mut owner, mut populace)) = provinces.get_mut(entities.province(f.province)) else { continue };
        owner.0 = Some(f.to);
        populace.population *= 1.0 - rules.sack_share;
        populace.wealth *= 1.0 - rules.sack_share;
        transfers.write(ProvinceTransferred { province: f.province, from: f.from, to: f.to });
    }
}

fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    data: Static,
    entities: Res<Entities>,
    mut provinces: Query<(&mut Owner, &mut Populace)>,
    mut capitals: Query<&mut Capital>,
    mut ceding: Ceding,
) {
    for ApplyEffect(command) in effects.read() {
        match *command {
            Command::Cede { province, to } => {
                let Ok((mut owner, populace)) = provinces.get_mut(entities.province(province)) else { continue };
                ceding.cede(&data, province, to, &mut owner, &populace);
            }
            Command::SetCapital { faction, province } => {
                if let Ok(mut c) = capitals.get_mut(entities.faction(faction)) {
                    c.0 = Some(province);
                }
            }
            Command::AdjustProvince { province, change } => {
                if let Ok((_, mut pop)) = provinces.get_mut(entities.province(province)) {
                    pop.population = (pop.population + change.population).max(0.0);
                    pop.wealth = (pop.wealth + change.wealth).max(0.0);
                    pop.loyalty = points(pop.loyalty + change.loyalty);
                }
            }
            Command::Loot { province, share, .. } => {
                if let Ok((_, mut pop)) = provinces.get_mut(entities.province(province)) {
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
    use crate::sim::state::{Defences, Owner};
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
