//! What the time machine reads of a campaign: its turning points (every event answered, when, by
//! whom and how) and how two branches of it differ (their history checks and their provinces).
//! Nothing here changes a campaign; the [`Session`](super::Session) forks and switches branches.
use crate::scenario::Date;
use crate::sim::{CheckStatus, FactionIx, GameView, ProvinceIx, Sim};

/// An event answered in the campaign: a point it could be forked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurningPoint {
    /// The month the answer took effect in: a fork goes back to the start of it.
    pub date: Date,
    /// Event and option indices.
    pub event: usize,
    pub option: usize,
    /// The faction whose court answered.
    pub faction: FactionIx,
    /// Whether the option is the one history took.
    pub historical: bool,
    /// Whether a player answered it (else the AI, or an answer imposed from the start).
    pub by_player: bool,
}

/// Every event `sim` has answered so far, oldest first. A player's answers are told apart from
/// the AI's by the command log, which holds only answers given from outside.
pub fn turning_points(sim: &Sim) -> Vec<TurningPoint> {
    let log = sim.log();
    sim.choices()
        .iter()
        .map(|c| {
            let by_player = log
                .months
                .iter()
                .filter(|m| m.date == c.date)
                .any(|m| m.answers.iter().any(|&(e, o)| (e, o) == (c.event, c.option)));
            TurningPoint {
                date: c.date,
                event: c.event,
                option: c.option,
                faction: c.faction,
                historical: c.historical,
                by_player,
            }
        })
        .collect()
}

/// Where a branch of the campaign parted from another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForkPoint {
    /// The branch it parted from (an index into the session's branches).
    pub parent: usize,
    /// The month it went back to, and the answer given otherwise there.
    pub date: Date,
    pub event: usize,
    pub option: usize,
}

/// A history check as it stands in one branch.
pub type CheckState = (CheckStatus, Option<Date>);

/// A history check that stands differently in two branches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckRow {
    pub text: String,
    /// When history had it.
    pub expected: Date,
    /// In this branch and in the other.
    pub this: CheckState,
    pub other: CheckState,
}

/// A province held by different factions in two branches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvinceRow {
    pub province: ProvinceIx,
    pub this: Option<FactionIx>,
    pub other: Option<FactionIx>,
}

/// How two branches of one campaign differ, each as it stands now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The months each branch is at.
    pub dates: (Date, Date),
    /// The history checks that stand differently, in the scenario's order.
    pub checks: Vec<CheckRow>,
    /// History checks that stand the same in both.
    pub same_checks: usize,
    /// The provinces held by different factions, in the scenario's order.
    pub provinces: Vec<ProvinceRow>,
    /// Each faction's provinces in this branch and in the other.
    pub holdings: Vec<(FactionIx, usize, usize)>,
}

/// How the branch seen in `this` differs from the one seen in `other` (two views of campaigns of
/// the same scenario).
pub fn compare(this: &GameView, other: &GameView) -> Comparison {
    let state = |c: &crate::sim::CheckView| (c.status, c.happened);
    let mut checks = Vec::new();
    let mut same_checks = 0;
    for (a, b) in this.history.iter().zip(&other.history) {
        if state(a) == state(b) {
            same_checks += 1;
        } else {
            checks.push(CheckRow { text: a.text.clone(), expected: a.expected, this: state(a), other: state(b) });
        }
    }
    let provinces = this
        .provinces
        .iter()
        .zip(&other.provinces)
        .filter(|(a, b)| a.owner != b.owner)
        .map(|(a, b)| ProvinceRow { province: a.ix, this: a.owner, other: b.owner })
        .collect();
    let held = |view: &GameView, f: FactionIx| view.provinces.iter().filter(|p| p.owner == Some(f)).count();
    let holdings = this.factions.iter().map(|f| (f.ix, held(this, f.ix), held(other, f.ix))).collect();
    Comparison { dates: (this.date, other.date), checks, same_checks, provinces, holdings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testing::{scenario, sim_with_humans};

    const EVENT: &str = r#"events: [Event(id: "council", title: "Council", faction: "red",
        options: [
            Option(id: "fight", name: "Fight", effects: [SetFlag("fight")], ai: (base: 0)),
            Option(id: "pay", name: "Pay", historical: true, effects: [], ai: (base: 1)),
        ])],"#;

    #[test]
    fn the_turning_points_tell_a_player_s_answers_from_the_ai_s() {
        let mut game = sim_with_humans(scenario("", EVENT), 1, &["red"]);
        game.step();
        game.answer(0, 0);
        let answered_in = game.view().date;
        game.step();
        let points = turning_points(&game);
        let red = game.data().faction("red");
        let expected =
            TurningPoint { date: answered_in, event: 0, option: 0, faction: red, historical: false, by_player: true };
        assert_eq!(points, vec![expected]);
        let mut ai = sim_with_humans(scenario("", EVENT), 1, &[]);
        ai.step();
        let points = turning_points(&ai);
        assert_eq!(points.len(), 1);
        assert!(!points[0].by_player && points[0].historical && points[0].option == 1);
    }

    #[test]
    fn a_branch_compared_with_itself_differs_in_nothing_and_an_owner_changed_is_named() {
        let game = sim_with_humans(scenario("", EVENT), 1, &[]);
        let view = game.view();
        let same = compare(&view, &view);
        assert!(same.checks.is_empty() && same.provinces.is_empty());
        assert_eq!(same.same_checks, view.history.len());
        let mut other = view.clone();
        let taken = other.provinces[0].owner;
        let taker = other.factions.iter().map(|f| f.ix).find(|f| Some(*f) != taken).expect("two factions");
        other.provinces[0].owner = Some(taker);
        let differs = compare(&view, &other);
        let row = ProvinceRow { province: view.provinces[0].ix, this: taken, other: Some(taker) };
        assert_eq!(differs.provinces, vec![row]);
        let taker_holds = differs.holdings.iter().find(|(f, ..)| *f == taker).expect("the taker's row");
        assert_eq!(taker_holds.2, taker_holds.1 + 1);
    }
}
