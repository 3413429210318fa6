//! Events and decisions: fired by date and conditions, answered by a player's choice, history or
//! the AI's weights; their compiled effects are broadcast to the domains.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::common_conditions::on_message;

use crate::scenario::Event;
use crate::sim::compiled::Command;
use crate::sim::conditions::View;
use crate::sim::schedule::{EffectSystems, EventSystems, OrderSystems, Turn, TurnSystems};
use crate::sim::state::{
    ApplyEffect, ChoiceMade, ChoiceRecord, Choices, ChronicleWriter, EffectsDone, EventAnswers, EventState, Flags,
    Names, SimRng,
};
use crate::sim::units::PERCENT;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, fire_events.in_set(EventSystems::Fire));
    app.add_systems(Turn, record_choices.in_set(EventSystems::Record).run_if(on_message::<ChoiceMade>));
    app.add_systems(Turn, apply_effects.in_set(EffectSystems::Events));
    app.add_systems(Turn, effects_done.in_set(TurnSystems::Orders).before(OrderSystems::Players));
}

/// Notes how many effects this month's effects phase has seen, so that a save can tell those
/// still waiting for next month's (see [`EffectsDone`]).
fn effects_done(messages: Res<Messages<ApplyEffect>>, mut done: ResMut<EffectsDone>) {
    done.0 = messages.oldest_message_count() + messages.len();
}

/// What answering an event writes: the choice made and its effects, and the chronicle's line,
/// which names the faction that answers as it is named now.
#[derive(bevy_ecs::system::SystemParam)]
struct Answering<'w> {
    made: MessageWriter<'w, ChoiceMade>,
    effects: MessageWriter<'w, ApplyEffect>,
    names: Res<'w, Names>,
    chronicle: ChronicleWriter<'w>,
}

/// First the answers players gave to events awaiting them; then each due event in scenario order,
/// answered at once unless a human plays its faction, in which case it waits for his answer.
fn fire_events(
    view: View,
    mut state: ResMut<EventState>,
    mut answers: ResMut<EventAnswers>,
    mut rng: ResMut<SimRng>,
    mut answering: Answering,
) {
    let data = view.data.clone();
    for (ix, option) in std::mem::take(&mut answers.0) {
        let valid = data.scenario.events.get(ix).is_some_and(|e| option < e.options.len());
        if valid && state.awaiting.contains(&ix) {
            state.awaiting.retain(|a| *a != ix);
            resolve(&view, &mut state, &mut answering, ix, option);
        }
    }
    answer_left_behind(&view, &mut state, &mut rng, &mut answering);
    for (ix, event) in data.scenario.events.iter().enumerate() {
        let forced = state.forced.remove(&ix);
        if (state.fired[ix] && !event.repeatable && !forced) || state.awaiting.contains(&ix) {
            continue;
        }
        // A forced event fires without drawing its chance.
        let fires = forced || (view.holds(&data.program.triggers[ix]) && rng.chance(event.chance / PERCENT));
        if !fires {
            continue;
        }
        state.fired[ix] = true;
        let faction = data.event_faction(ix);
        if view.players.is_human(faction) && !view.players.imposed.contains_key(&ix) {
            state.awaiting.push(ix);
            continue;
        }
        let option = choose_option(&view, &mut rng, ix, event);
        resolve(&view, &mut state, &mut answering, ix, option);
    }
}

/// Events left waiting by a player who has since left the table (a saved game continued by the
/// AI, a branch of the odds, a fork played on by the AI), or whose answer is now imposed: answered
/// as the AI answers events, or they would wait for ever.
fn answer_left_behind(view: &View, state: &mut EventState, rng: &mut SimRng, answering: &mut Answering) {
    let data = view.data.clone();
    let players = &view.players;
    let left: Vec<usize> = state
        .awaiting
        .iter()
        .copied()
        .filter(|&ix| !players.is_human(data.event_faction(ix)) || players.imposed.contains_key(&ix))
        .collect();
    for ix in left {
        state.awaiting.retain(|a| *a != ix);
        let option = choose_option(view, rng, ix, &data.scenario.events[ix]);
        resolve(view, state, answering, ix, option);
    }
}

/// Event `ix` is answered with `option`: the choice is recorded and its effects sent out.
fn resolve(view: &View, state: &mut EventState, answering: &mut Answering, ix: usize, option: usize) {
    let data = &view.data;
    let event = &data.scenario.events[ix];
    let chosen = &event.options[option];
    let faction = data.event_faction(ix);
    let names = &answering.names;
    answering.chronicle.write(|| format!("{} ({}): {}.", event.title, names.faction(faction), chosen.name));
    answering.made.write(ChoiceMade(ChoiceRecord {
        date: view.calendar.date,
        event: ix,
        option,
        faction,
        historical: chosen.historical,
    }));
    send(view, state, answering, &data.program.effects[ix][option]);
}

/// Sends `commands` to the domains, in order; an `If` sends the branch its condition picks, now.
fn send(view: &View, state: &mut EventState, answering: &mut Answering, commands: &[Command]) {
    for command in commands {
        match command {
            Command::If { when, then, otherwise } => {
                let branch = if view.holds(when) { then } else { otherwise };
                send(view, state, answering, branch);
            }
            _ => {
                if let Command::FireEvent(next) = command {
                    state.forced.insert(*next);
                }
                answering.effects.write(ApplyEffect(command.clone()));
            }
        }
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
    let tests = &view.data.program.factors[ix];
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
    choices.record(made.read().map(|ChoiceMade(record)| record.clone()));
}

fn apply_effects(mut effects: MessageReader<ApplyEffect>, mut flags: ResMut<Flags>, mut chronicle: ChronicleWriter) {
    for ApplyEffect(command) in effects.read() {
        match command {
            Command::SetFlag(flag) => flags.set(*flag, true),
            Command::ClearFlag(flag) => flags.set(*flag, false),
            Command::Chronicle(text) => chronicle.write(|| text.to_string()),
            _ => {}
        }
    }
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
        let fight = game.data().ids.flags["fight"];
        assert!(game.world().resource::<crate::sim::state::Flags>().is_set(fight));
        assert!(chronicle(&game).iter().any(|l| l.ends_with("Council (Red): Fight.")));
        assert_eq!(game.report().choices.len(), 1);
    }

    #[test]
    fn an_event_left_waiting_when_its_player_leaves_is_answered_by_the_ai_or_as_imposed() {
        for (imposed, ending) in [(None, "Council (Red): Pay."), (Some(0), "Council (Red): Fight.")] {
            let mut game = sim_with_humans(scenario("", EVENT), 1, &["red"]);
            game.step();
            assert_eq!(game.awaiting(), &[0]);
            let red = game.data().faction("red");
            match imposed {
                Some(option) => game.impose(0, option),
                None => game.seat(&[]),
            }
            assert!(game.world().resource::<crate::sim::Players>().is_human(red) == imposed.is_some());
            game.step();
            assert!(game.awaiting().is_empty(), "imposed {imposed:?}");
            assert!(chronicle(&game).iter().any(|l| l.ends_with(ending)), "imposed {imposed:?}");
            assert_eq!(game.report().choices.len(), 1);
        }
    }

    /// A ransom offered if Red's general is held: Red pays Blue and he goes free; otherwise a flag.
    /// An army at A loses half its men if it stands there.
    const RANSOM: &str = r#"events: [Event(id: "talks", title: "Talks", faction: "red", options: [
        Option(id: "pay", name: "Pay", effects: [
            If(when: Captive("red_general"),
               then: [Ransom(character: "red_general", from: "red", to: "blue", amount: 500)],
               else: [SetFlag("nobody_held")]),
            If(when: All([ArmyExists("red_army"), ArmyAt(army: "red_army", province: "a")]),
               then: [Attrition(army: "red_army", share: 0.5)]),
        ]),
    ])],"#;

    fn ransom_talks(held: bool) -> crate::sim::Sim {
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 10000})"#,
            RANSOM,
        );
        let mut game = sim_with_humans(s, 1, &["blue"]);
        if held {
            let general = game.data().character("red_general");
            let e = game.world().resource::<crate::sim::state::Entities>().character(general);
            let mut person = game.world_mut().get_mut::<crate::sim::state::Person>(e).expect("a person");
            person.status = crate::sim::state::Status::Captive;
        }
        game.step();
        game
    }

    #[test]
    fn an_if_takes_the_branch_its_condition_picks_when_the_option_is_taken() {
        use crate::sim::state::{Flags, Person, Status, Treasury, Troops};
        use crate::sim::testing::{army, faction};
        let held = ransom_talks(true);
        let general = held.data().character("red_general");
        let e = held.world().resource::<crate::sim::state::Entities>().character(general);
        assert_eq!(held.world().get::<Person>(e).map(|p| p.status), Some(Status::Active), "ransomed");
        let (red, blue) = (faction::<Treasury>(&held, "red").silver, faction::<Treasury>(&held, "blue").silver);
        // Each also collects its month's income: Red 10, Blue 20 (no army pay for Blue).
        assert!(red < 10_000.0 - 400.0 && blue > 10_000.0 + 500.0, "red {red}, blue {blue}");
        assert!(chronicle(&held).iter().any(|l| l.ends_with("Red General is set free.")));
        let flag = held.data().ids.flags["nobody_held"];
        assert!(!held.world().resource::<Flags>().is_set(flag));
        assert_eq!(army::<Troops>(&held, "red_army").map(Troops::total), Some(5000.0), "the army at A lost half");
        let free = ransom_talks(false);
        assert!(free.world().resource::<Flags>().is_set(flag), "nobody held: the else branch");
        assert!(faction::<Treasury>(&free, "red").silver > 9_000.0, "no ransom paid");
    }

    #[test]
    fn captivity_death_and_exile_are_told_apart() {
        use crate::sim::state::{Person, Status};
        let checks = r#"history: [
            Check(id: "held", text: "Held", date: "1125-03", condition: Captive("red_general"), tolerance: 0),
            Check(id: "dead", text: "Dead", date: "1125-03", condition: Dead("red_general"), tolerance: 0),
            Check(id: "exiled", text: "Exiled", date: "1125-03", condition: Exiled("red_general"), tolerance: 0),
        ],"#;
        let mut game = sim_with_humans(scenario("", checks), 1, &["red", "blue"]);
        let general = game.data().character("red_general");
        let e = game.world().resource::<crate::sim::state::Entities>().character(general);
        game.world_mut().get_mut::<Person>(e).expect("a person").status = Status::Captive;
        game.step();
        let record = game.report().history;
        let statuses: Vec<_> = record.iter().map(|c| c.status).collect();
        use crate::sim::CheckStatus::{Diverged, Matched};
        assert_eq!(statuses, vec![Matched, Diverged, Diverged], "a captive is neither dead nor exiled");
    }
}
