//! Events and decisions: fired by date and conditions, answered by a player's choice, history or
//! the AI's weights; their effects are broadcast to the domains.
use std::collections::{BTreeMap, BTreeSet};

use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::common_conditions::on_message;
use serde::{Deserialize, Serialize};

use super::chronicle::ChronicleWriter;
use super::conditions::View;
use super::effects::ApplyEffect;
use super::ids::{Data, FactionIx, Static};
use super::rng::SimRng;
use super::{EffectOrder, Turn, TurnSystems};
use crate::scenario::{Date, Effect, Event};

/// Flags set by effects, by their index in [`super::StaticData::flags`].
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags(Vec<bool>);

impl Flags {
    pub fn is_set(&self, flag: usize) -> bool {
        self.0.get(flag).copied().unwrap_or(false)
    }

    fn set(&mut self, flag: usize, on: bool) {
        if self.0.len() <= flag {
            self.0.resize(flag + 1, false);
        }
        self.0[flag] = on;
    }

    /// The names of the flags set, for saves: they outlive any numbering.
    pub fn names(&self, data: &super::StaticData) -> BTreeSet<String> {
        data.flags.iter().filter(|(_, f)| self.is_set(**f)).map(|(name, _)| name.clone()).collect()
    }

    /// The flags of `names`; names no effect of the scenario sets are left out.
    pub fn from_names(names: &BTreeSet<String>, data: &super::StaticData) -> Self {
        let mut flags = Self::default();
        for f in names.iter().filter_map(|name| data.flags.get(name)) {
            flags.set(*f, true);
        }
        flags
    }
}

/// An answer given to an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceRecord {
    pub date: Date,
    pub event: usize,
    pub option: usize,
    pub faction: FactionIx,
    /// Whether it is the option history chose.
    pub historical: bool,
}

/// Every answer given so far, in order.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices(pub Vec<ChoiceRecord>);

impl Choices {
    /// Whether option `option` of event `event` (both indices) was chosen.
    pub fn chose(&self, event: usize, option: usize) -> bool {
        self.0.iter().any(|c| c.event == event && c.option == option)
    }
}

/// Which events have fired and which are forced to fire next turn.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventState {
    pub fired: Vec<bool>,
    pub forced: BTreeSet<usize>,
    /// Events of human factions waiting for an answer, in the order they fired.
    pub awaiting: Vec<usize>,
}

/// How events are answered: who plays which faction, and which options are imposed.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Players {
    /// Factions played by humans.
    pub humans: BTreeSet<FactionIx>,
    /// Take the historical option of every event nobody imposes an answer to.
    pub historical: bool,
    /// Imposed answers: event index to option index.
    pub imposed: BTreeMap<usize, usize>,
}

impl Players {
    pub fn is_human(&self, f: FactionIx) -> bool {
        self.humans.contains(&f)
    }
}

/// A choice made this turn, recorded after the events phase.
#[derive(Message, Clone, Debug)]
struct ChoiceMade(ChoiceRecord);

pub(super) fn plugin(app: &mut App) {
    app.add_message::<ChoiceMade>();
    app.init_resource::<EventAnswers>();
    app.init_resource::<Flags>().init_resource::<Choices>().init_resource::<EventState>().init_resource::<Players>();
    app.add_systems(
        Turn,
        (fire_events, record_choices.run_if(on_message::<ChoiceMade>)).chain().in_set(TurnSystems::Events),
    );
    app.add_systems(Turn, apply_effects.in_set(EffectOrder::Events));
}

/// Answers human players have given to events awaiting them: event index to option index.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventAnswers(pub Vec<(usize, usize)>);

/// First the answers players gave to events awaiting them; then each due event in scenario order,
/// answered at once unless a human plays its faction, in which case it waits for his answer.
#[allow(clippy::too_many_arguments)]
fn fire_events(
    view: View,
    mut state: ResMut<EventState>,
    mut answers: ResMut<EventAnswers>,
    mut rng: ResMut<SimRng>,
    mut made: MessageWriter<ChoiceMade>,
    mut effects: MessageWriter<ApplyEffect>,
    mut chronicle: ChronicleWriter,
) {
    let data = view.data.clone();
    let mut resolve = |state: &mut EventState, ix: usize, option: usize| {
        let event = &data.scenario.events[ix];
        let chosen = &event.options[option];
        let faction = data.faction(&event.faction);
        chronicle.write(|| format!("{} ({}): {}.", event.title, data.faction_name(faction), chosen.name));
        made.write(ChoiceMade(ChoiceRecord {
            date: view.calendar.date,
            event: ix,
            option,
            faction,
            historical: chosen.historical,
        }));
        for effect in &chosen.effects {
            if let Effect::FireEvent(next) = effect {
                state.forced.insert(data.events[next]);
            }
            effects.write(ApplyEffect(effect.clone()));
        }
    };
    for (ix, option) in std::mem::take(&mut answers.0) {
        let valid = data.scenario.events.get(ix).is_some_and(|e| option < e.options.len());
        if valid && state.awaiting.contains(&ix) {
            state.awaiting.retain(|a| *a != ix);
            resolve(&mut state, ix, option);
        }
    }
    for (ix, event) in data.scenario.events.iter().enumerate() {
        let forced = state.forced.remove(&ix);
        if (state.fired[ix] && !event.repeatable && !forced) || state.awaiting.contains(&ix) {
            continue;
        }
        // A forced event fires without drawing its chance.
        let fires = forced || (view.holds(&data.tests.triggers[ix]) && rng.chance(event.chance / 100.0));
        if !fires {
            continue;
        }
        state.fired[ix] = true;
        let faction = data.faction(&event.faction);
        if view.players.is_human(faction) && !view.players.imposed.contains_key(&ix) {
            state.awaiting.push(ix);
            continue;
        }
        let option = choose_option(&view, &mut rng, ix, event);
        resolve(&mut state, ix, option);
    }
}

/// The imposed answer, else the historical one when history is followed, else the AI's pick.
fn choose_option(view: &View, rng: &mut SimRng, ix: usize, event: &Event) -> usize {
    if let Some(&option) = view.players.imposed.get(&ix) {
        return option;
    }
    if view.players.historical
        && let Some(option) = event.options.iter().position(|o| o.historical)
    {
        return option;
    }
    let tests = &view.data.tests.factors[ix];
    let weights: Vec<f64> = event
        .options
        .iter()
        .zip(tests)
        .map(|(o, tests)| {
            o.ai.factors.iter().zip(tests).filter(|(_, t)| view.holds(t)).fold(o.ai.base, |w, (f, _)| w * f.times)
        })
        .collect();
    rng.weighted(&weights).unwrap_or(0)
}

fn record_choices(mut made: MessageReader<ChoiceMade>, mut choices: ResMut<Choices>) {
    for ChoiceMade(record) in made.read() {
        choices.0.push(record.clone());
    }
}

fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    data: Static,
    mut flags: ResMut<Flags>,
    mut chronicle: ChronicleWriter,
) {
    for ApplyEffect(effect) in effects.read() {
        match effect {
            Effect::SetFlag(f) | Effect::ClearFlag(f) => {
                if let Some(flag) = data.flags.get(f) {
                    flags.set(*flag, matches!(effect, Effect::SetFlag(_)));
                }
            }
            Effect::Chronicle(text) => {
                chronicle.write(|| text.clone());
            }
            _ => {}
        }
    }
}

/// The number of events, for sizing [`EventState`].
pub fn event_state(data: &Data) -> EventState {
    EventState { fired: vec![false; data.scenario.events.len()], forced: BTreeSet::new(), awaiting: Vec::new() }
}

#[cfg(test)]
mod tests {
    use crate::sim::testing::{chronicle, scenario, sim, sim_with_humans};

    const EVENT: &str = r#"events: [Event(id: "council", title: "Council", faction: "red",
        options: [
            Option(id: "fight", name: "Fight", effects: [SetFlag("fight")], ai: (base: 0)),
            Option(id: "pay", name: "Pay", historical: true, effects: [Treasury(faction: "red", add: -500)], ai: (base: 1)),
        ])],"#;

    #[test]
    fn the_ai_answers_by_weight_and_a_zero_weight_is_never_chosen() {
        for seed in 0..20 {
            let mut game = sim(scenario("", EVENT), seed);
            game.step();
            assert!(chronicle(&game).iter().any(|l| l.ends_with("Council (Red): Pay.")), "seed {seed}");
        }
    }

    #[test]
    fn a_human_faction_answers_its_own_event_and_the_answer_takes_effect_next_turn() {
        let mut game = sim_with_humans(scenario("", EVENT), 1, &["red"]);
        game.step();
        assert_eq!(game.awaiting(), &[0]);
        assert!(!chronicle(&game).iter().any(|l| l.contains("Council")));
        game.answer(0, 0);
        game.step();
        assert!(game.awaiting().is_empty());
        let fight = game.data().flags["fight"];
        assert!(game.world().resource::<super::Flags>().is_set(fight));
        assert!(chronicle(&game).iter().any(|l| l.ends_with("Council (Red): Fight.")));
        assert_eq!(game.report().choices.len(), 1);
    }
}
