//! The turn schedule and every system set of it, ordered once, here: rule plugins put their
//! systems in these sets and order nothing themselves.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::common_conditions::on_message;
use bevy_ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};

use super::state::ApplyEffect;

/// The schedule that resolves one turn.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Turn;

/// The phases of a turn, in the order they run.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TurnSystems {
    /// Events fire and are answered.
    Events,
    /// The chosen options' effects are carried out, each domain its own part.
    Effects,
    /// Player and AI orders are given.
    Orders,
    Diplomacy,
    Movement,
    Battles,
    Sieges,
    Supply,
    Morale,
    Economy,
    /// Levies due take the field, ready for next month's orders.
    Muster,
    /// Victory conditions and the historical record.
    Victory,
    /// The month's messages become chronicle entries.
    Chronicle,
    /// The calendar moves on.
    End,
    /// Each faction's provinces, men and silver are recorded as the next month begins.
    Trends,
}

/// Within [`TurnSystems::Events`]: events fire, then the choices made are recorded.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventSystems {
    Fire,
    Record,
}

/// Within [`TurnSystems::Effects`], each domain's part of the month's effects, in this order: new
/// names first, so that every line the other effects write names things as they are now called;
/// the economy reads what looting takes before the map and the sieges strip the province; the
/// rest have a fixed order so that their chronicle lines (and anything else they share) always
/// come the same way.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EffectSystems {
    Names,
    Economy,
    Map,
    Sieges,
    Morale,
    Armies,
    /// Levies called up by events.
    Mobilisation,
    Characters,
    Diplomacy,
    Events,
}

/// Within [`TurnSystems::Orders`]: orders are given by players and the AI, then applied: armies'
/// and envoys' orders, then levies and disbandings.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderSystems {
    Players,
    Ai,
    Apply,
    Levies,
}

/// Within [`TurnSystems::Diplomacy`]: envoys are received and answered, then the map carries out
/// the cessions agreed the same month.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiplomacySystems {
    Envoys,
    Cessions,
}

/// Within [`TurnSystems::Sieges`]: the sieges, then the map hands fallen cities over.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SiegeSystems {
    Besiege,
    Surrender,
}

/// Within [`TurnSystems::Morale`]: the month's prisoners (of battles and of fallen cities) are
/// held, then armies' and factions' spirits, then the court, whose loyalty reads the month's
/// legitimacy.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MoraleSystems {
    Prisoners,
    Spirits,
    Court,
    /// Armies with too few men left break up and leave the map.
    Remnants,
    /// Factions with no land and no army left leave play.
    Fallen,
    /// Sieges by a faction no longer at war with the city's owner (it left play, or its war
    /// ended after the month's sieges were fought) are lifted.
    Abandoned,
}

/// Adds the turn schedule and orders every set of it.
pub(super) fn plugin(app: &mut App) {
    let mut schedule = Schedule::new(Turn);
    // One campaign runs on one thread; sweeps run campaigns in parallel instead.
    schedule.set_executor(SingleThreadedExecutor::new());
    app.add_schedule(schedule);
    use TurnSystems as T;
    app.configure_sets(
        Turn,
        (
            T::Events,
            T::Effects,
            T::Orders,
            T::Diplomacy,
            T::Movement,
            T::Battles,
            T::Sieges,
            T::Supply,
            T::Morale,
            T::Economy,
            T::Muster,
            T::Victory,
            T::Chronicle,
            T::End,
            T::Trends,
        )
            .chain(),
    );
    app.configure_sets(Turn, (EventSystems::Fire, EventSystems::Record).chain().in_set(T::Events));
    use EffectSystems as E;
    app.configure_sets(
        Turn,
        (
            E::Names,
            E::Economy,
            E::Map,
            E::Sieges,
            E::Morale,
            E::Armies,
            E::Mobilisation,
            E::Characters,
            E::Diplomacy,
            E::Events,
        )
            .chain()
            .in_set(T::Effects),
    );
    // Most months no effect is due: one check then spares every domain's effect system.
    app.configure_sets(Turn, T::Effects.run_if(on_message::<ApplyEffect>));
    app.configure_sets(
        Turn,
        (OrderSystems::Players, OrderSystems::Ai, OrderSystems::Apply, OrderSystems::Levies).chain().in_set(T::Orders),
    );
    app.configure_sets(Turn, (DiplomacySystems::Envoys, DiplomacySystems::Cessions).chain().in_set(T::Diplomacy));
    app.configure_sets(Turn, (SiegeSystems::Besiege, SiegeSystems::Surrender).chain().in_set(T::Sieges));
    app.configure_sets(
        Turn,
        (
            MoraleSystems::Prisoners,
            MoraleSystems::Spirits,
            MoraleSystems::Court,
            MoraleSystems::Remnants,
            MoraleSystems::Fallen,
            MoraleSystems::Abandoned,
        )
            .chain()
            .in_set(T::Morale),
    );
}
