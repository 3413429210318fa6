//! Victory and the historical record: checked at the end of every turn.
use bevy_app::App;
use bevy_ecs::prelude::*;

use crate::sim::conditions::View;
use crate::sim::schedule::{Turn, TurnSystems};
use crate::sim::state::{CheckStatus, ChronicleWriter, GameOver, HistoryRecord, Names, Outcome};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, judge_month.in_set(TurnSystems::Victory));
}

/// The month against history, then against the victory conditions: one system, as both read the
/// whole game through one [`View`].
fn judge_month(
    view: View,
    names: Res<Names>,
    mut record: ResMut<HistoryRecord>,
    over: ResMut<GameOver>,
    mut chronicle: ChronicleWriter,
) {
    check_history(&view, &mut record);
    check_victory(&view, &names, over, &mut chronicle);
}

fn check_history(view: &View, record: &mut HistoryRecord) {
    let now = view.calendar.date;
    let data = &view.data;
    for ((check, test), state) in data.scenario.history.iter().zip(&data.program.checks).zip(record.0.iter_mut()) {
        if state.is_settled() {
            continue;
        }
        let holds = view.holds(test);
        if holds && state.happened.is_none() {
            state.happened = Some(now);
        }
        let window_opens = check.date.plus_months(-check.tolerance);
        let window_closes = check.date.plus_months(check.tolerance);
        if holds && now >= window_opens && now <= window_closes {
            state.status = CheckStatus::Matched;
        } else if now >= window_closes {
            state.status = CheckStatus::Diverged;
        }
    }
}

fn check_victory(view: &View, names: &Names, mut over: ResMut<GameOver>, chronicle: &mut ChronicleWriter) {
    if over.0.is_some() {
        return;
    }
    let data = &view.data;
    let last = view.calendar.is_last_month();
    for (ix, (v, test)) in data.scenario.victory.iter().zip(&data.program.victories).enumerate() {
        if (v.at_end && !last) || !view.holds(test) {
            continue;
        }
        let winner = data.program.victors[ix];
        chronicle.write(|| {
            let wins = names.faction_agrees(winner).verb("wins", "win");
            format!("{} {wins}: {}", names.faction(winner), v.description)
        });
        over.0 = Some(Outcome {
            winner: Some(winner),
            victory: Some(ix),
            description: v.description.clone(),
            date: view.calendar.date,
        });
        return;
    }
    if last {
        let description = "The scenario ends with no decisive result.".to_string();
        chronicle.write(|| description.clone());
        over.0 = Some(Outcome { winner: None, victory: None, description, date: view.calendar.date });
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::Date;
    use crate::sim::state::{CheckStatus, HistoryRecord};
    use crate::sim::testing::{scenario, sim};

    /// A check due in March 1125 (give or take a month) whose flag an event sets in June, too late.
    const LATE: &str = r#"
        events: [Event(id: "late", title: "Late", faction: "red", trigger: After("1125-06"),
            options: [Option(id: "set", name: "Set", effects: [SetFlag("done")])])],
        history: [Check(id: "on_time", text: "Done on time", date: "1125-03", condition: Flag("done"), tolerance: 1)],"#;

    #[test]
    fn a_check_that_comes_true_after_its_window_diverges_and_keeps_the_first_month_it_held() {
        let mut game = sim(scenario("", LATE), 1);
        let state = |game: &crate::sim::Sim| game.world().resource::<HistoryRecord>().0[0];
        for _ in 0..3 {
            game.step();
        }
        assert_eq!((state(&game).status, state(&game).happened), (CheckStatus::Diverged, None));
        for _ in 0..6 {
            game.step();
        }
        // The June event sets the flag in its own month, before the month is judged.
        assert_eq!(state(&game).happened, Some(Date::new(1125, 6)));
        assert_eq!(state(&game).status, CheckStatus::Diverged);
        let before = state(&game);
        game.step();
        assert_eq!(state(&game), before, "a settled check changes no more");
    }
}
