//! The rules of a turn, one plugin per domain. Each file imports the state floor
//! ([`super::state`]), the ids and static data, the schedule's sets and the shared formulas
//! ([`super::power`], [`super::judgement`], [`super::conditions`]), and never another rule file.
mod ai;
mod armies;
mod battles;
mod calendar;
mod characters;
mod chronicle;
mod diplomacy;
mod economy;
mod events;
mod map;
mod mobilisation;
mod morale;
mod names;
mod orders;
mod sieges;
mod supply;
mod trends;
mod victory;

use bevy_app::App;

pub(super) use trends::record_now;

/// Adds every domain's systems to the turn schedule.
pub(super) fn plugin(app: &mut App) {
    // Two tuples: Bevy takes at most fifteen plugins in one.
    app.add_plugins((calendar::plugin, chronicle::plugin, orders::plugin, events::plugin, names::plugin));
    app.add_plugins((
        economy::plugin,
        map::plugin,
        sieges::plugin,
        morale::plugin,
        armies::plugin,
        mobilisation::plugin,
        characters::plugin,
        diplomacy::plugin,
        victory::plugin,
        battles::plugin,
        supply::plugin,
        trends::plugin,
    ));
    app.add_plugins(ai::plugin);
}
