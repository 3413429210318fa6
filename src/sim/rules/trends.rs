//! Trends: once the calendar has moved on, each faction's provinces, men in the field and silver
//! are added to the campaign's [`Trends`], for the outcome screen's charts. No rule reads them,
//! so keeping them changes no outcome; a quiet campaign (a sweep's) keeps none, as it keeps no
//! chronicle.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::system::RunSystemOnce;

use crate::sim::schedule::{Turn, TurnSystems};
use crate::sim::state::{Army, Calendar, Chronicling, Entities, Measures, Owner, Treasury, TrendPoint, Trends, Troops};

pub(super) fn plugin(app: &mut App) {
    if Chronicling::kept(app) {
        app.add_systems(Turn, record.in_set(TurnSystems::Trends));
    }
}

/// Records every faction's measures now, outside a turn: at a campaign's start, and when a save
/// that holds no trends is continued, so that its series starts at the month it was loaded.
pub fn record_now(world: &mut World) {
    if world.get_resource::<Chronicling>().is_some_and(|c| !c.0) {
        return;
    }
    world.run_system_once(record).expect("recording reads only what every campaign's world holds");
}

/// Adds the month now beginning's measures of every faction, added up in slot order (as the view
/// adds them), so that a continued save records exactly what the game not stopped would have.
fn record(
    mut trends: ResMut<Trends>,
    calendar: Res<Calendar>,
    entities: Res<Entities>,
    treasuries: Query<&Treasury>,
    owners: Query<&Owner>,
    armies: Query<(&Army, &Troops)>,
) {
    let mut factions: Vec<Measures> = entities
        .factions
        .iter()
        .map(|e| Measures { silver: treasuries.get(*e).map_or(0.0, |t| t.silver), ..Measures::default() })
        .collect();
    for owner in entities.provinces.iter().filter_map(|e| owners.get(*e).ok()) {
        if let Some(held) = owner.0.and_then(|f| factions.get_mut(f.get())) {
            held.provinces += 1;
        }
    }
    for (army, troops) in entities.armies.iter().flatten().filter_map(|e| armies.get(*e).ok()) {
        if let Some(side) = factions.get_mut(army.owner.get()) {
            side.men += troops.total();
        }
    }
    trends.record(TrendPoint { month: calendar.turn, factions });
}

#[cfg(test)]
mod tests {
    use crate::sim::state::Trends;
    use crate::sim::testing::{scenario, sim};

    #[test]
    fn a_point_per_month_and_faction_says_what_the_view_says() {
        let armies = r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 20000}),
            Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "c", troops: {"infantry": 8000, "cavalry": 2000})"#;
        let mut game = sim(scenario(armies, ""), 4);
        let mut seen = Vec::new();
        for _ in 0..5 {
            seen.push(game.view());
            game.step();
        }
        seen.push(game.view());
        let trends = game.trends();
        assert_eq!(trends.len(), seen.len(), "the start and each of five months");
        for (month, (point, view)) in trends.iter().zip(&seen).enumerate() {
            assert_eq!(point.month as usize, month);
            assert_eq!(point.factions.len(), 2);
            for (m, f) in point.factions.iter().zip(&view.factions) {
                assert_eq!(m.provinces as usize, f.provinces, "month {month}, {}", f.name);
                assert!(
                    (m.men - f.troops).abs() < 1e-6,
                    "month {month}, {}: {} men, the view {}",
                    f.name,
                    m.men,
                    f.troops
                );
                assert_eq!(m.silver, f.treasury, "month {month}, {}", f.name);
            }
        }
        let start = &trends[0].factions;
        assert_eq!((start[0].provinces, start[0].men, start[1].men), (1, 20_000.0, 10_000.0));
        assert!(trends.windows(2).any(|w| w[0].factions != w[1].factions), "something changes in five months of war");
    }

    #[test]
    fn a_quiet_campaign_keeps_no_trends_and_a_reset_starts_them_again() {
        let data = sim(scenario("", ""), 1).data().0.clone();
        let options = crate::sim::SimOptions { seed: 1, ..Default::default() };
        let mut quiet = crate::sim::Sim::quiet(data.clone(), &options);
        quiet.run(Some(3));
        assert!(quiet.world().resource::<Trends>().is_empty());
        let mut told = crate::sim::Sim::new(data, &options);
        told.run(Some(3));
        assert_eq!(told.trends().len(), 4);
        told.reset(&options);
        assert_eq!(told.trends().iter().map(|p| p.month).collect::<Vec<_>>(), vec![0]);
    }
}
