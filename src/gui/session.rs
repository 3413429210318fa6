//! The game being played in the window: the campaign, who plays it, what is selected, and the one
//! place where the window's actions (select, march, answer, end turn, save) become orders to the
//! simulation. Nothing here renders, so tests drive it without a window.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bevy::prelude::*;

use super::branches::{Comparison, ForkPoint, TurningPoint, compare, turning_points};
use crate::scenario::{Date, Difficulty, ScenarioRef, load_valid};
use crate::sim::{
    ArmyIx, FactionIx, GameView, Order, Players, ProvinceIx, Sim, SimOptions, Snapshot, Stance, StaticData, fork,
    within_raid_reach,
};

/// A campaign in the window.
#[derive(Resource)]
pub struct Session {
    sim: Sim,
    /// What the players see, rebuilt after every change.
    pub view: GameView,
    /// Factions played here, in the order they give orders each month (hotseat).
    pub humans: Vec<FactionIx>,
    /// Index into `humans` of the player giving orders now.
    pub current: usize,
    pub selected: Option<ArmyIx>,
    /// The province whose panel is shown (clicked with no army selected).
    pub province: Option<ProvinceIx>,
    /// Provinces where the player called up a levy this month.
    pub levied: BTreeSet<ProvinceIx>,
    /// Events answered this month (answers take effect when the month is played).
    pub answered: BTreeMap<usize, usize>,
    /// Proposals answered this month.
    pub answered_proposals: BTreeSet<usize>,
    /// Orders given this month, the latest per army, to draw them before they are carried out.
    pub orders: BTreeMap<ArmyIx, Order>,
    /// The month played last, whose chronicle the log shows first.
    pub last_played: Option<Date>,
    /// Where saves and the autosave go.
    pub save_dir: PathBuf,
    /// A line for the status bar: saved, loaded, refused.
    pub notice: Option<String>,
    /// The saves in `save_dir`, newest first, for the Load menu; listed again after every save.
    pub saves: Vec<SaveEntry>,
    /// The campaign's branches: the one played first, and one more for every "What if…?".
    pub branches: Vec<Branch>,
    /// The branch being played (its campaign is this session's own).
    pub active: usize,
}

/// A course of the campaign: the one played first, or one forked from another at a turning point.
pub struct Branch {
    /// "As played", or the answer given otherwise and when.
    pub label: String,
    /// Where it parted from its parent; `None` for the campaign as first played.
    pub fork: Option<ForkPoint>,
    /// The branch's game, everything the window knew of it, while another branch is played;
    /// `None` for the branch being played.
    shelved: Option<Box<Session>>,
}

impl Branch {
    /// What the players see of this branch while it is shelved.
    pub fn view(&self) -> Option<&GameView> {
        self.shelved.as_ref().map(|s| &s.view)
    }
}

/// A saved game in the save folder, as the load menus show it.
#[derive(Clone, Debug, PartialEq)]
pub struct SaveEntry {
    pub path: PathBuf,
    /// Which save, of what and when: "Autosave: The Jingkang Sieges, 1125-1127 (1126-03)".
    pub label: String,
}

/// The saves in `dir`, newest first; other files are left out, and a missing folder has none.
pub fn list_saves(dir: &Path) -> Vec<SaveEntry> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut saves: Vec<(std::time::SystemTime, SaveEntry)> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|x| x == "json"))
        .filter_map(|path| {
            let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
            let header = Snapshot::peek(&path).ok()?;
            let label = save_label(&path, &header.scenario, header.date)?;
            Some((modified, SaveEntry { path, label }))
        })
        .collect();
    saves.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.path.cmp(&b.1.path)));
    saves.into_iter().map(|(_, save)| save).collect()
}

/// What the load menus call the save at `path` of `scenario` at `date`.
fn save_label(path: &Path, scenario: &str, date: Date) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    let which = if stem == "autosave" { "Autosave".to_string() } else { stem };
    Some(format!("{which}: {scenario} ({date})"))
}

/// Something a player did in the window.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum UiAction {
    Select(Option<ArmyIx>),
    March {
        army: ArmyIx,
        to: ProvinceIx,
    },
    Stance {
        army: ArmyIx,
        stance: Stance,
    },
    Raid {
        army: ArmyIx,
        target: ArmyIx,
    },
    Answer {
        event: usize,
        option: usize,
    },
    Propose {
        to: FactionIx,
        proposal: crate::sim::Proposal,
    },
    DeclareWar {
        on: FactionIx,
    },
    /// Accept or refuse a proposal made to the player (its index in the view's proposals).
    AnswerProposal {
        proposal: usize,
        accept: bool,
    },
    /// Show a province's panel (or none).
    SelectProvince(Option<ProvinceIx>),
    /// Call up men in one of the player's provinces.
    Levy {
        province: ProvinceIx,
        men: f64,
    },
    /// Send one of the player's armies home.
    Disband {
        army: ArmyIx,
    },
    EndTurn,
    Save,
    Load(PathBuf),
    /// Go back to the start of month `date` and answer `event` with `option` instead: a new
    /// branch, the one played until now kept.
    WhatIf {
        date: Date,
        event: usize,
        option: usize,
    },
    /// Play branch `n` (an index into the session's branches) from where it was left.
    SwitchBranch(usize),
}

/// The factions of `scenario` named by `ids`, in that order, or which id names none (`what` says
/// where the ids were given).
fn factions_by_id(scenario: &crate::scenario::Scenario, ids: &[String], what: &str) -> Result<Vec<FactionIx>, String> {
    ids.iter()
        .map(|id| {
            scenario.factions.iter().position(|f| &f.id == id).map(FactionIx::new).ok_or_else(|| {
                let known: Vec<&str> = scenario.factions.iter().map(|f| f.id.as_str()).collect();
                format!("{what}: no faction \"{id}\" (the factions are {})", known.join(", "))
            })
        })
        .collect()
}

/// How to start a campaign: from the command line or the start screen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewGame {
    /// A built-in id or a path.
    pub scenario: String,
    /// Ids of the factions played here; none watches the AI play.
    pub factions: Vec<String>,
    pub seed: u64,
    /// Events of factions nobody plays here follow history.
    pub historical: bool,
    /// How strong the AI plays; `None` for the scenario's own difficulty.
    pub difficulty: Option<Difficulty>,
}

impl Session {
    /// A new campaign, or a precise reason why it cannot start.
    pub fn start(game: &NewGame, save_dir: PathBuf) -> Result<Self, String> {
        let valid = load_valid(&ScenarioRef::parse(&game.scenario)).map_err(|errors| errors.to_string())?;
        let humans = factions_by_id(valid.scenario(), &game.factions, &game.scenario)?;
        let options = SimOptions {
            seed: game.seed,
            historical: game.historical,
            imposed: Default::default(),
            humans: humans.iter().copied().collect(),
        };
        let data = StaticData::at_difficulty(&valid, game.difficulty);
        let saves = list_saves(&save_dir);
        Ok(Self::around(Sim::new(std::sync::Arc::new(data), &options), humans, (save_dir, saves)))
    }

    /// A saved campaign, continued: by the players who saved it, or by `seats` (faction ids; none
    /// to watch the AI) when given.
    pub fn load(path: &Path, save_dir: PathBuf, seats: Option<&[String]>) -> Result<Self, String> {
        let snapshot = Snapshot::load(path).map_err(|e| e.to_string())?;
        let mut sim = Sim::restore(&snapshot).map_err(|e| e.to_string())?;
        if let Some(ids) = seats {
            let humans = factions_by_id(&sim.data().scenario, ids, &path.display().to_string())?;
            sim.seat(&humans);
        }
        let humans = sim.world().resource::<Players>().humans.iter().copied().collect();
        let saves = list_saves(&save_dir);
        let mut session = Self::around(sim, humans, (save_dir, saves));
        session.notice = Some(format!("Loaded {}", path.display()));
        Ok(session)
    }

    /// A session of `sim` played by `humans`, saving to a folder whose saves are listed.
    fn around(sim: Sim, humans: Vec<FactionIx>, (save_dir, saves): (PathBuf, Vec<SaveEntry>)) -> Self {
        let view = sim.view();
        // A continued game shows its chronicle from the last month it played.
        let last_played = sim.chronicle().0.last().map(|entry| entry.date);
        Self {
            sim,
            view,
            humans,
            current: 0,
            selected: None,
            province: None,
            levied: BTreeSet::new(),
            answered: BTreeMap::new(),
            answered_proposals: BTreeSet::new(),
            orders: BTreeMap::new(),
            last_played,
            saves,
            save_dir,
            notice: None,
            branches: vec![Branch { label: "As played".into(), fork: None, shelved: None }],
            active: 0,
        }
    }

    /// The campaign, read-only.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The faction giving orders now, if a human plays any.
    pub fn player(&self) -> Option<FactionIx> {
        self.humans.get(self.current).copied()
    }

    /// Events of the current player still waiting for an answer, oldest first.
    pub fn unanswered(&self) -> Vec<usize> {
        let Some(me) = self.player() else { return Vec::new() };
        let data = self.sim.data();
        self.view
            .awaiting
            .iter()
            .copied()
            .filter(|e| !self.answered.contains_key(e) && data.event_faction(*e) == me)
            .collect()
    }

    /// Events awaiting any player here and not answered yet: the decisions still open this month.
    pub fn open_decisions(&self) -> Vec<usize> {
        self.view.awaiting.iter().copied().filter(|e| !self.answered.contains_key(e)).collect()
    }

    /// Proposals made to the current player and not yet answered.
    pub fn pending_proposals(&self) -> Vec<&crate::sim::ProposalView> {
        let me = self.player();
        self.view.proposals.iter().filter(|p| Some(p.to) == me && !self.answered_proposals.contains(&p.index)).collect()
    }

    /// Whether `army` takes orders from the current player.
    pub fn commands(&self, army: ArmyIx) -> bool {
        self.player().is_some_and(|me| self.view.army(army).is_some_and(|a| a.owner == me))
    }

    /// The chronicle of `date`.
    pub fn chronicle_of(&self, date: Date) -> Vec<String> {
        self.sim.chronicle().of_month(date).map(|e| e.text.clone()).collect()
    }

    /// The autosave's path.
    pub fn autosave_path(&self) -> PathBuf {
        self.save_dir.join("autosave.json")
    }

    /// The path of the player's quick save.
    pub fn save_path(&self) -> PathBuf {
        self.save_dir.join(format!("{}.json", self.sim.data().scenario.id))
    }

    /// Carries out one action; returns whether a month was played.
    pub fn apply(&mut self, action: &UiAction) -> bool {
        match action {
            UiAction::Select(army) => {
                self.selected = army.filter(|a| self.view.army(*a).is_some());
                self.province = None;
            }
            UiAction::SelectProvince(province) => {
                self.province = province.filter(|p| p.get() < self.view.provinces.len());
                self.selected = None;
            }
            UiAction::Levy { province, men } => self.levy(*province, *men),
            UiAction::Disband { army } => self.order(*army, Order::Disband { army: *army }),
            UiAction::March { army, to } => self.order(*army, Order::March { army: *army, to: *to }),
            UiAction::Stance { army, stance } => {
                let order = match stance {
                    Stance::Hold => Order::Hold { army: *army },
                    Stance::Blockade => Order::Besiege { army: *army, assault: false },
                    Stance::Assault => Order::Besiege { army: *army, assault: true },
                };
                self.order(*army, order);
            }
            UiAction::Raid { army, target } => self.order(*army, Order::Raid { army: *army, target: *target }),
            UiAction::Answer { event, option } => self.answer(*event, *option),
            UiAction::Propose { to, proposal } => {
                self.diplomacy(Order::Propose { to: *to, proposal: proposal.clone() })
            }
            UiAction::DeclareWar { on } => self.diplomacy(Order::DeclareWar { on: *on }),
            UiAction::AnswerProposal { proposal, accept } => {
                let mine = self.pending_proposals().iter().any(|p| p.index == *proposal);
                if let (true, Some(me)) = (mine, self.player()) {
                    self.sim.give(me, Order::AnswerProposal { proposal: *proposal, accept: *accept });
                    self.answered_proposals.insert(*proposal);
                }
            }
            UiAction::EndTurn => return self.end_turn(),
            UiAction::Save => self.save(),
            UiAction::Load(path) => match Self::load(path, self.save_dir.clone(), None) {
                Ok(loaded) => *self = loaded,
                Err(e) => self.notice = Some(format!("Cannot load: {e}")),
            },
            UiAction::WhatIf { date, event, option } => self.what_if(*date, *event, *option),
            UiAction::SwitchBranch(n) => self.switch_branch(*n),
        }
        false
    }

    /// Every event answered in the branch being played, oldest first.
    pub fn turning_points(&self) -> Vec<TurningPoint> {
        turning_points(&self.sim)
    }

    /// How the branch being played differs from branch `other`, if that is another branch.
    pub fn comparison(&self, other: usize) -> Option<Comparison> {
        let theirs = self.branches.get(other)?.view()?;
        Some(compare(&self.view, theirs))
    }

    /// Goes back to the start of `date` in the branch being played, by replaying its log, and
    /// answers `event` with `option` there: the player's own event is answered as he would have
    /// answered it; an event the AI answered gets `option` imposed from then on. The branch
    /// played until now is kept.
    fn what_if(&mut self, date: Date, event: usize, option: usize) {
        let Some(title) = self.sim.data().scenario.events.get(event).map(|e| e.title.clone()) else { return };
        let Some(name) = self.sim.data().scenario.events[event].options.get(option).map(|o| o.name.clone()) else {
            return;
        };
        let mut sim = match fork(&self.sim.snapshot(), date) {
            Ok(sim) => sim,
            Err(e) => {
                self.notice = Some(format!("Cannot go back to {date}: {e}"));
                return;
            }
        };
        let awaits_a_player = sim.awaiting().contains(&event);
        if !awaits_a_player {
            sim.impose(event, option);
        }
        // The players at the window play on, whoever played that month.
        sim.seat(&self.humans);
        // The save folder's list goes with the window to the new branch (`shelve_and_play`).
        let mut branch = Self::around(sim, self.humans.clone(), (self.save_dir.clone(), Vec::new()));
        if awaits_a_player {
            branch.sim.answer(event, option);
            branch.answered.insert(event, option);
        }
        let label = format!("What if: {title}: {name} ({date})");
        let fork = ForkPoint { parent: self.active, date, event, option };
        self.branches.push(Branch { label, fork: Some(fork), shelved: None });
        let n = self.branches.len() - 1;
        self.shelve_and_play(n, branch);
        self.notice = Some(format!(
            "Back in {date}: \"{title}\" is answered \"{name}\". The course played until now is kept: switch \
             to it or compare in the timeline."
        ));
    }

    /// Plays branch `n` from where it was left, shelving the one played now.
    fn switch_branch(&mut self, n: usize) {
        let Some(next) = self.branches.get_mut(n).and_then(|b| b.shelved.take()) else { return };
        self.shelve_and_play(n, *next);
        self.notice = Some(format!("Playing branch {}: {}", n + 1, self.branches[n].label));
    }

    /// Makes `next` the game played, as branch `n`, and shelves the one played until now; the
    /// branches, the save folder and its saves stay with the window.
    fn shelve_and_play(&mut self, n: usize, mut next: Session) {
        next.branches = std::mem::take(&mut self.branches);
        next.saves = std::mem::take(&mut self.saves);
        next.active = n;
        let previous = self.active;
        let shelved = std::mem::replace(self, next);
        self.branches[previous].shelved = Some(Box::new(shelved));
    }

    fn order(&mut self, army: ArmyIx, order: Order) {
        let Some(me) = self.player().filter(|_| self.commands(army)) else {
            self.notice = Some("That army is not yours to command.".into());
            return;
        };
        self.sim.give(me, order.clone());
        self.orders.insert(army, order);
    }

    /// Calls up men in `province`, if the player holds it and may call a levy there this month.
    fn levy(&mut self, province: ProvinceIx, men: f64) {
        let me = self.player();
        let view = self.view.provinces.get(province.get());
        let Some((me, levy)) = me.zip(view.filter(|p| p.owner == me).and_then(|p| p.levy)) else {
            self.notice = Some("No levy can be called up there this month.".into());
            return;
        };
        if !self.levied.insert(province) {
            return;
        }
        self.sim.give(me, Order::Levy { province, men: men.min(levy.men) });
        let months = levy.months;
        self.notice = Some(format!("Men are called up; they take the field in {months} month(s)."));
    }

    fn diplomacy(&mut self, order: Order) {
        if let Some(me) = self.player() {
            self.sim.give(me, order);
            self.notice = Some("Your envoys are on their way; the answer comes with the month.".into());
        }
    }

    fn answer(&mut self, event: usize, option: usize) {
        let valid = self.unanswered().contains(&event)
            && self.sim.data().scenario.events.get(event).is_some_and(|e| option < e.options.len());
        if valid {
            self.sim.answer(event, option);
            self.answered.insert(event, option);
        }
    }

    /// The current player is done: the next one gives orders, or the month is played.
    fn end_turn(&mut self) -> bool {
        if self.view.outcome.is_some() {
            return false;
        }
        if let Some(&event) = self.unanswered().first() {
            let title = &self.sim.data().scenario.events[event].title;
            self.notice = Some(format!("Answer \"{title}\" before ending the turn."));
            return false;
        }
        self.selected = None;
        if self.current + 1 < self.humans.len() {
            self.current += 1;
            return false;
        }
        self.last_played = Some(self.view.date);
        self.sim.step();
        self.view = self.sim.view();
        self.current = 0;
        self.answered.clear();
        self.answered_proposals.clear();
        self.orders.clear();
        self.levied.clear();
        let path = self.autosave_path();
        self.notice = match self.sim.snapshot().save(&path) {
            Ok(()) => {
                self.note_saved(path);
                None
            }
            Err(e) => Some(format!("Autosave failed: {e}")),
        };
        true
    }

    fn save(&mut self) {
        let path = self.save_path();
        self.notice = Some(match self.sim.snapshot().save(&path) {
            Ok(()) => {
                let shown = format!("Saved to {}", path.display());
                self.note_saved(path);
                shown
            }
            Err(e) => format!("Cannot save: {e}"),
        });
    }

    /// Puts the save just written at `path` first in the load menus, the newest, without reading
    /// every save in the folder again each month.
    fn note_saved(&mut self, path: PathBuf) {
        self.saves.retain(|s| s.path != path);
        if let Some(label) = save_label(&path, &self.sim.data().scenario.name, self.view.date) {
            self.saves.insert(0, SaveEntry { path, label });
        }
    }
}

/// What a click on the map means: on one of the player's armies it selects it; with an army of
/// his selected, on an enemy army it raids it and anywhere else it marches there; with none, on a
/// province it shows the province's panel.
pub fn click_action(session: &Session, province: Option<ProvinceIx>, army: Option<ArmyIx>) -> Option<UiAction> {
    if let Some(a) = army.filter(|a| session.commands(*a)) {
        return Some(UiAction::Select(Some(a)));
    }
    let Some(selected) = session.selected.filter(|a| session.commands(*a)) else {
        return province.filter(|_| army.is_none()).map(|p| UiAction::SelectProvince(Some(p)));
    };
    let me = session.player()?;
    if let Some(target) = army.and_then(|a| session.view.army(a)).filter(|t| t.owner != me) {
        let at_war = session.view.relation(me, target.owner).is_some_and(|r| r.at_war);
        let here = session.view.army(selected).map(|a| a.location);
        if at_war && here.is_some_and(|h| within_raid_reach(session.sim.data(), h, target.location)) {
            return Some(UiAction::Raid { army: selected, target: target.ix });
        }
    }
    province.map(|to| UiAction::March { army: selected, to })
}

/// Where saves go: `$JINGKANG_SAVE_DIR`, else the user's data folder.
pub fn default_save_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("JINGKANG_SAVE_DIR") {
        return PathBuf::from(dir);
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("jingkang/saves")
}

/// A month was just played.
#[derive(Message, Clone, Copy, Debug)]
pub struct MonthPlayed;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<UiAction>().add_message::<MonthPlayed>();
    app.add_systems(Update, apply_actions.run_if(resource_exists::<Session>));
}

/// The window's actions, in the order they were made.
fn apply_actions(
    mut actions: MessageReader<UiAction>,
    mut session: ResMut<Session>,
    mut played: MessageWriter<MonthPlayed>,
) {
    for action in actions.read() {
        if session.apply(action) {
            played.write(MonthPlayed);
        }
    }
}

/// The factions of a campaign that a human could play, for the start screen.
pub fn playable(scenario: &crate::scenario::Scenario) -> Vec<(String, String)> {
    scenario.factions.iter().filter(|f| f.playable).map(|f| (f.id.clone(), f.name.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jingkang_as_song(dir: &Path) -> Session {
        let game = NewGame {
            scenario: "jingkang".into(),
            factions: vec!["song".into()],
            seed: 7,
            historical: true,
            difficulty: None,
        };
        Session::start(&game, dir.to_path_buf()).expect("the jingkang scenario starts")
    }

    #[test]
    fn a_scripted_player_selects_an_army_orders_a_march_and_ends_the_turn() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut app = App::new();
        plugin(&mut app);
        app.insert_resource(jingkang_as_song(dir.path()));
        fn session(app: &App) -> &Session {
            app.world().resource::<Session>()
        }

        // Select a Song army by clicking it, then click a province to march there.
        let (army, location) = {
            let s = session(&app);
            let song = s.player().expect("Song is played");
            let a = s.view.armies.iter().find(|a| a.owner == song).expect("Song has an army");
            (a.ix, a.location)
        };
        let click = click_action(session(&app), Some(location), Some(army)).expect("a click on one's army");
        assert_eq!(click, UiAction::Select(Some(army)));
        app.world_mut().write_message(click);
        app.update();
        assert_eq!(session(&app).selected, Some(army));
        let data = session(&app).sim().data();
        let to = data.neighbours[location.get()][0].0;
        let click = click_action(session(&app), Some(to), None).expect("a march");
        assert_eq!(click, UiAction::March { army, to });
        let before = session(&app).view.clone();
        app.world_mut().write_message(click);
        app.world_mut().write_message(UiAction::EndTurn);
        app.update();
        let s = session(&app);
        assert_ne!(s.view.date, before.date, "the month was played");
        assert!(s.autosave_path().exists(), "the month was autosaved");
        let marched = s.view.army(army).map(|a| (a.location, a.destination));
        assert!(
            marched.is_some_and(|(at, dest)| at != location || dest == Some(to)),
            "the army moved or is on its way: {marched:?}"
        );
        assert_ne!(s.view, before);
    }

    /// Plays months as the player (every event answered with its first option, or `pick`'s) until
    /// `until` returns true or 40 months have passed.
    fn play_until(s: &mut Session, until: impl Fn(&Session) -> bool) {
        for _ in 0..40 {
            if until(s) || s.view.outcome.is_some() {
                return;
            }
            for e in s.unanswered() {
                s.apply(&UiAction::Answer { event: e, option: 0 });
            }
            s.apply(&UiAction::EndTurn);
        }
    }

    /// The option of `event` other than `option`.
    fn another(s: &Session, event: usize, option: usize) -> usize {
        let options = s.sim().data().scenario.events[event].options.len();
        (option + 1) % options
    }

    #[test]
    fn a_scripted_player_goes_back_to_his_own_answer_answers_otherwise_and_keeps_both_branches() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut app = App::new();
        plugin(&mut app);
        app.insert_resource(jingkang_as_song(dir.path()));
        let mut s = app.world_mut().resource_mut::<Session>();
        play_until(&mut s, |s| s.turning_points().iter().any(|t| t.by_player) && s.turning_points().len() > 3);
        let played = s.view.clone();
        let point = s.turning_points().into_iter().find(|t| t.by_player).expect("Song answered an event");
        let other = another(&s, point.event, point.option);
        assert!(point.date < played.date, "the turning point is in the past");
        // The timeline's "What if…?" sends this; the month is played by ending the turn.
        app.world_mut().write_message(UiAction::WhatIf { date: point.date, event: point.event, option: other });
        app.update();
        let s = app.world().resource::<Session>();
        assert_eq!(s.view.date, point.date, "back at the start of the turning point's month");
        assert_eq!((s.branches.len(), s.active), (2, 1));
        assert_eq!(
            s.branches[1].fork,
            Some(ForkPoint { parent: 0, date: point.date, event: point.event, option: other })
        );
        assert_eq!(s.branches[0].view(), Some(&played), "the branch played until now is kept as it was");
        assert!(!s.unanswered().contains(&point.event), "the other answer is given");
        let answer_rest: Vec<UiAction> =
            s.unanswered().into_iter().map(|e| UiAction::Answer { event: e, option: 0 }).collect();
        for action in answer_rest {
            app.world_mut().write_message(action);
        }
        app.world_mut().write_message(UiAction::EndTurn);
        app.update();
        let s = app.world().resource::<Session>();
        assert_eq!(s.view.date, point.date.plus_months(1), "the month is played");
        let taken = s.turning_points().into_iter().find(|t| (t.date, t.event) == (point.date, point.event));
        assert_eq!(taken.map(|t| (t.option, t.by_player)), Some((other, true)), "the branch took the other answer");
        let differs = s.comparison(0).expect("the first branch is there to compare");
        assert_eq!(differs.dates, (point.date.plus_months(1), played.date));
        // Back to the first branch, as it was left; and to the new one again.
        app.world_mut().write_message(UiAction::SwitchBranch(0));
        app.update();
        let s = app.world().resource::<Session>();
        assert_eq!((s.active, &s.view), (0, &played));
        assert!(s.branches[1].view().is_some_and(|v| v.date == point.date.plus_months(1)));
        assert!(s.comparison(0).is_none(), "a branch is not compared with itself");
    }

    #[test]
    fn going_back_with_the_same_answers_replays_the_branch_bit_for_bit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = jingkang_as_song(dir.path());
        play_until(&mut s, |s| s.turning_points().iter().filter(|t| t.by_player).count() >= 2);
        let played = s.view.clone();
        let played_hash = s.sim().snapshot().state_hash();
        let point = s.turning_points().into_iter().find(|t| t.by_player).expect("Song answered an event");
        s.apply(&UiAction::WhatIf { date: point.date, event: point.event, option: point.option });
        // Every later answer the same as before: the first option, as `play_until` gave.
        play_until(&mut s, |s| s.view.date == played.date);
        assert_eq!(s.view, played);
        assert_eq!(s.sim().snapshot().state_hash(), played_hash);
    }

    #[test]
    fn an_answer_the_ai_gave_can_be_given_otherwise_and_a_future_month_cannot_be_gone_back_to() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = jingkang_as_song(dir.path());
        play_until(&mut s, |s| {
            s.turning_points().iter().any(|t| !t.by_player && s.sim().data().scenario.events[t.event].options.len() > 1)
        });
        let point = s
            .turning_points()
            .into_iter()
            .find(|t| !t.by_player && s.sim().data().scenario.events[t.event].options.len() > 1)
            .expect("the AI answered an event with a choice");
        let other = another(&s, point.event, point.option);
        s.apply(&UiAction::WhatIf { date: point.date, event: point.event, option: other });
        assert_eq!((s.view.date, s.active), (point.date, 1));
        play_until(&mut s, |s| s.view.date > point.date);
        let taken = s.turning_points().into_iter().find(|t| (t.date, t.event) == (point.date, point.event));
        assert_eq!(taken.map(|t| (t.option, t.by_player)), Some((other, false)), "the court answered otherwise");
        let future = s.view.date.plus_months(5);
        s.apply(&UiAction::WhatIf { date: future, event: point.event, option: other });
        assert_eq!(s.branches.len(), 2, "no branch from a month not played yet");
        assert!(
            s.notice.as_deref().is_some_and(|n| n.starts_with(&format!("Cannot go back to {future}"))),
            "{:?}",
            s.notice
        );
    }

    #[test]
    fn the_time_machine_works_on_a_custom_scenario_file_as_on_a_built_in_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let game = NewGame {
            scenario: concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/annotated.ron").into(),
            factions: vec!["south".into()],
            seed: 3,
            historical: false,
            difficulty: None,
        };
        let mut s = Session::start(&game, dir.path().to_path_buf()).expect("the annotated example starts");
        let with_a_choice = |s: &Session| {
            let events = &s.sim().data().scenario.events;
            s.turning_points().into_iter().find(|t| events[t.event].options.len() > 1)
        };
        play_until(&mut s, |s| with_a_choice(s).is_some());
        let point = with_a_choice(&s).expect("an event with a choice was answered");
        let other = another(&s, point.event, point.option);
        s.apply(&UiAction::WhatIf { date: point.date, event: point.event, option: other });
        assert_eq!((s.view.date, s.branches.len()), (point.date, 2), "{:?}", s.notice);
        play_until(&mut s, |s| s.view.date > point.date);
        let taken = s.turning_points().into_iter().find(|t| (t.date, t.event) == (point.date, point.event));
        assert_eq!(taken.map(|t| t.option), Some(other));
        assert!(s.comparison(0).is_some());
    }

    #[test]
    fn a_player_calls_up_a_levy_in_a_province_he_clicks_and_it_takes_the_field() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = jingkang_as_song(dir.path());
        let song = s.player().expect("Song is played");
        // A Song province where a levy may be called up, far from the war (the provinces come
        // north to south): a levy called up where the Jin ride would disperse.
        let p =
            s.view.provinces.iter().rev().find(|p| p.owner == Some(song) && p.levy.is_some()).expect("a levy ground");
        let (province, levy) = (p.ix, p.levy.expect("a levy"));
        let click = click_action(&s, Some(province), None).expect("a click on a province");
        assert_eq!(click, UiAction::SelectProvince(Some(province)));
        s.apply(&click);
        assert_eq!(s.province, Some(province));
        s.apply(&UiAction::Levy { province, men: levy.men });
        s.apply(&UiAction::Levy { province, men: levy.men });
        assert!(s.levied.contains(&province));
        let answer_all = |s: &mut Session| {
            for e in s.unanswered() {
                s.apply(&UiAction::Answer { event: e, option: 0 });
            }
        };
        answer_all(&mut s);
        assert!(s.apply(&UiAction::EndTurn));
        assert!(s.levied.is_empty(), "a new month, new calls");
        assert!(s.view.provinces[province.get()].levy.is_none(), "the province rests after its levy");
        let levy_army = s.sim().data().levy_army(province);
        for _ in 1..levy.months {
            assert!(s.view.army(levy_army).is_none(), "still mustering");
            answer_all(&mut s);
            s.apply(&UiAction::EndTurn);
        }
        let raised = s.view.army(levy_army).map(|a| (a.owner, a.location));
        assert_eq!(raised, Some((song, province)), "the levy takes the field where it was called, once only");
    }

    #[test]
    fn an_event_must_be_answered_before_the_turn_ends_and_the_answer_is_recorded() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = jingkang_as_song(dir.path());
        let mut event = None;
        for _ in 0..30 {
            if let Some(&e) = s.unanswered().first() {
                event = Some(e);
                break;
            }
            s.apply(&UiAction::EndTurn);
        }
        let event = event.expect("Song gets an event within 30 months");
        let month = s.view.date;
        assert!(!s.apply(&UiAction::EndTurn), "the turn does not end with an event unanswered");
        assert_eq!(s.view.date, month);
        assert!(s.notice.as_deref().is_some_and(|n| n.starts_with("Answer")));
        let option = s.sim().data().scenario.events[event].options.len() - 1;
        s.apply(&UiAction::Answer { event, option });
        assert!(!s.unanswered().contains(&event));
        // Other events of the same month get their first option.
        for other in s.unanswered() {
            s.apply(&UiAction::Answer { event: other, option: 0 });
        }
        assert!(s.apply(&UiAction::EndTurn), "now the month is played");
        let choices = s.sim().report().choices;
        let id = &s.sim().data().scenario.events[event].id;
        let chosen = choices.iter().find(|c| &c.event == id).expect("the choice is recorded");
        assert_eq!(chosen.option, s.sim().data().scenario.events[event].options[option].id);
    }

    #[test]
    fn the_difficulty_picked_sets_how_strong_the_ai_plays() {
        let dir = tempfile::tempdir().expect("temp dir");
        let game = |difficulty| NewGame {
            scenario: "hebei_1125".into(),
            factions: vec!["song".into()],
            seed: 1,
            historical: false,
            difficulty,
        };
        let bonus = |difficulty| {
            let s = Session::start(&game(difficulty), dir.path().to_path_buf()).expect("hebei starts");
            s.sim().data().rules().ai_bonus
        };
        let rules = crate::scenario::Rules::default();
        assert_eq!(bonus(Some(Difficulty::Hard)), rules.hard_ai_bonus);
        assert_eq!(bonus(Some(Difficulty::Easy)), rules.easy_ai_bonus);
        assert_eq!(bonus(None), rules.ai_bonus, "the scenario sets none: normal");
    }

    #[test]
    fn armies_of_others_take_no_orders_and_unknown_factions_are_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = jingkang_as_song(dir.path());
        let song = s.player().expect("Song is played");
        let theirs = s.view.armies.iter().find(|a| a.owner != song).map(|a| (a.ix, a.location)).expect("an enemy army");
        s.apply(&UiAction::March { army: theirs.0, to: theirs.1 });
        assert!(s.orders.is_empty());
        assert_eq!(s.notice.as_deref(), Some("That army is not yours to command."));
        let game = NewGame {
            scenario: "jingkang".into(),
            factions: vec!["sung".into()],
            seed: 1,
            historical: false,
            difficulty: None,
        };
        let e = Session::start(&game, dir.path().to_path_buf()).err().expect("an unknown faction");
        assert!(e.contains("no faction \"sung\""), "{e}");
    }

    #[test]
    fn in_hotseat_each_player_ends_his_turn_and_the_month_is_played_after_the_last() {
        let dir = tempfile::tempdir().expect("temp dir");
        let game = NewGame {
            scenario: "hebei_1125".into(),
            factions: vec!["song".into(), "jin".into()],
            seed: 2,
            historical: false,
            difficulty: None,
        };
        let mut s = Session::start(&game, dir.path().to_path_buf()).expect("hebei starts");
        let (song, jin) = (s.sim().data().faction("song"), s.sim().data().faction("jin"));
        let month = s.view.date;
        assert_eq!(s.player(), Some(song));
        let answer_all = |s: &mut Session| {
            for e in s.unanswered() {
                s.apply(&UiAction::Answer { event: e, option: 0 });
            }
        };
        answer_all(&mut s);
        assert!(!s.apply(&UiAction::EndTurn), "Song is done; Jin's turn, same month");
        assert_eq!((s.player(), s.view.date), (Some(jin), month));
        // Jin cannot move Song's armies.
        let song_army = s.view.armies.iter().find(|a| a.owner == song).map(|a| a.ix);
        if let Some(a) = song_army {
            assert_eq!(click_action(&s, None, Some(a)), None);
        }
        answer_all(&mut s);
        assert!(s.apply(&UiAction::EndTurn), "after Jin the month is played");
        assert_eq!(s.player(), Some(song));
        assert_eq!(s.view.date, month.plus_months(1));
    }

    #[test]
    fn a_saved_game_loads_back_to_the_same_view() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = jingkang_as_song(dir.path());
        s.apply(&UiAction::Save);
        let saved = s.view.clone();
        let path = s.save_path();
        assert!(path.exists());
        s.apply(&UiAction::EndTurn);
        s.apply(&UiAction::Load(path));
        assert_eq!(s.view, saved);
        assert_eq!(s.humans, vec![s.sim().data().faction("song")]);
    }

    #[test]
    fn a_loaded_game_shows_its_chronicle_from_the_last_month_played() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = jingkang_as_song(dir.path());
        for _ in 0..3 {
            for e in s.unanswered() {
                s.apply(&UiAction::Answer { event: e, option: 0 });
            }
            s.apply(&UiAction::EndTurn);
        }
        let played = s.last_played.expect("three months played");
        s.apply(&UiAction::Save);
        let loaded = Session::load(&s.save_path(), dir.path().to_path_buf(), None).expect("loads");
        assert_eq!(loaded.last_played, Some(played));
        assert_eq!(loaded.chronicle_of(played), s.chronicle_of(played));
        assert!(!loaded.chronicle_of(played).is_empty(), "the month's lines came back with the save");
    }

    #[test]
    fn a_loaded_game_is_played_by_the_factions_named_or_watched_when_none_are() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = jingkang_as_song(dir.path());
        s.apply(&UiAction::Save);
        let path = s.save_path();
        let save_dir = dir.path().to_path_buf();
        let jin = s.sim().data().faction("jin");
        let as_jin = Session::load(&path, save_dir.clone(), Some(&["jin".to_string()])).expect("loads as Jin");
        assert_eq!(as_jin.humans, vec![jin]);
        assert!(as_jin.sim().world().resource::<Players>().is_human(jin), "the AI leaves Jin to its player");
        let watched = Session::load(&path, save_dir.clone(), Some(&[])).expect("loads to watch");
        assert!(watched.humans.is_empty() && watched.player().is_none());
        let e = Session::load(&path, save_dir, Some(&["sung".to_string()])).err().expect("an unknown faction");
        assert!(e.contains("no faction \"sung\""), "{e}");
    }

    #[test]
    fn the_load_menu_lists_saves_newest_first_and_leaves_other_files_out() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("notes.json"), "{\"not\": \"a save\"}").expect("written");
        std::fs::write(dir.path().join("readme.txt"), "hello").expect("written");
        let mut s = jingkang_as_song(dir.path());
        assert!(s.saves.is_empty(), "{:?}", s.saves);
        s.apply(&UiAction::Save);
        let name = s.sim().data().scenario.name.clone();
        let start = s.view.date;
        assert_eq!(s.saves.len(), 1);
        assert_eq!(s.saves[0].label, format!("jingkang: {name} ({start})"));
        // The quick save is an hour old when the month's autosave is written.
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(s.save_path())
            .and_then(|f| f.set_modified(hour_ago))
            .expect("touched");
        s.apply(&UiAction::EndTurn);
        let labels: Vec<&str> = s.saves.iter().map(|e| e.label.as_str()).collect();
        let autosave = format!("Autosave: {name} ({})", start.plus_months(1));
        let quick = format!("jingkang: {name} ({start})");
        assert_eq!(labels, vec![autosave.as_str(), quick.as_str()]);
        assert_eq!(s.saves[0].path, s.autosave_path());
        // The menus keep up with the folder without reading it again.
        assert_eq!(s.saves, list_saves(dir.path()));
        s.apply(&UiAction::Save);
        assert_eq!(s.saves[0].path, s.save_path());
        assert_eq!(s.saves, list_saves(dir.path()));
        assert!(list_saves(&dir.path().join("missing")).is_empty());
    }
}
