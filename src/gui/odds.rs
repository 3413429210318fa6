//! The odds from here: a what-if sweep of the branch being played, from this very month (the
//! orders and answers given so far included), run on worker threads while the window keeps
//! drawing. Every run plays on with the AI for every faction on its own dice, as
//! `jingkang whatif --from SAVE` does; for each decision still open, one set of runs per option
//! shows how that answer moves the odds. The same seeds serve every set, so the differences
//! between them are the answers' and not the dice's.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy_egui::egui;

use super::hud::faction_colour32;
use super::session::Session;
use crate::scenario::Date;
use crate::sim::StaticData;
use crate::sweep::{Aggregate, SweepOptions, background_pool, sweep_on};

/// Campaigns per set of runs unless the player picks another number.
pub const DEFAULT_RUNS: u64 = 500;
/// The fewest and most campaigns per set the panel offers (and `play --odds-runs` takes).
pub const RUNS_RANGE: std::ops::RangeInclusive<u64> = 10..=100_000;
/// The base seed of every sweep from the window: the same as `whatif`'s default, so that
/// `jingkang whatif --from SAVE --runs N` on the month's autosave gives the first set's figures.
const SEED: u64 = 1;

/// One set of runs: what was imposed and what came of it.
#[derive(Clone, Debug)]
pub struct Arm {
    /// "The AI answers what is open", or the option imposed.
    pub label: String,
    /// The open decision and the option imposed (event and option indices); `None` for the set in
    /// which the AI answers every open decision.
    pub decision: Option<(usize, usize)>,
    pub aggregate: Aggregate,
}

/// What a sweep gives: its sets of runs, or why it failed.
type Swept = Result<Vec<Arm>, String>;

/// A sweep asked for from the window.
pub struct Job {
    /// The month and branch it sweeps from.
    pub date: Date,
    pub branch: usize,
    /// Campaigns in all, and finished so far.
    pub total: u64,
    done: Arc<AtomicU64>,
    /// Set to stop the sweep after the set of runs under way (it is no longer wanted).
    cancel: Arc<AtomicBool>,
    /// The sets of runs, once all are done, or why the sweep failed.
    result: Arc<Mutex<Option<Swept>>>,
    pub started: Instant,
    /// How long it took, once finished.
    pub took: Option<Duration>,
    /// How long each of the window's frames took while it ran.
    frames: Vec<Duration>,
}

impl Job {
    /// Campaigns finished so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// The sets of runs, once the sweep has finished.
    pub fn arms(&self) -> Option<Swept> {
        self.result.lock().ok().and_then(|r| r.clone())
    }

    /// The window's frames while the sweep ran: how many, the median and the longest. Only when
    /// the window draws without pause (a screenshot's) do they time the drawing itself; otherwise
    /// they include the waits between frames.
    pub fn frames(&self) -> FrameTimes {
        FrameTimes::of(&self.frames)
    }

    /// Whether the sweep is still running.
    pub fn running(&self) -> bool {
        self.took.is_none()
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// How the window's frames went while a sweep ran.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameTimes {
    pub count: usize,
    pub median: Duration,
    pub longest: Duration,
}

impl FrameTimes {
    /// How many of `frames`, their median and the longest.
    pub fn of(frames: &[Duration]) -> Self {
        let mut sorted = frames.to_vec();
        sorted.sort_unstable();
        Self {
            count: sorted.len(),
            median: sorted.get(sorted.len() / 2).copied().unwrap_or_default(),
            longest: sorted.last().copied().unwrap_or_default(),
        }
    }
}

impl std::fmt::Display for FrameTimes {
    /// "median 44.0 ms, longest 73.2 ms"
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(f, "median {:.1} ms, longest {:.1} ms", ms(self.median), ms(self.longest))
    }
}

/// The odds panel's state: whether it is shown, how many runs a set, and the last sweep.
#[derive(Resource)]
pub struct Odds {
    pub shown: bool,
    pub runs: u64,
    pub job: Option<Job>,
}

impl Default for Odds {
    fn default() -> Self {
        Self { shown: false, runs: DEFAULT_RUNS, job: None }
    }
}

/// Asks for the odds from the branch being played now (replacing any sweep under way).
#[derive(Message, Clone, Copy, Debug)]
pub struct OddsAsked;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Odds>().add_message::<OddsAsked>();
    app.add_systems(
        Update,
        (ask_at_launch.run_if(in_state(super::Screen::Playing)), start_sweeps, watch_frames)
            .chain()
            .run_if(resource_exists::<Session>),
    );
}

/// Frames of the map drawn before `play --panel odds` asks for the odds: the sweep starts as a
/// player's click would, once the map is up, not while the window is still being built.
const LAUNCH_AFTER_FRAMES: u32 = 10;

/// Sets the panel's number of runs from `play --odds-runs`, and with `play --panel odds` asks for
/// the odds once the map has been drawn a few times.
fn ask_at_launch(
    launch: Res<super::Launch>,
    mut frames: Local<u32>,
    mut odds: ResMut<Odds>,
    mut asked: MessageWriter<OddsAsked>,
) {
    if *frames == 0 {
        odds.runs = launch.odds_runs;
    }
    if launch.panel != Some(super::Panel::Odds) || *frames > LAUNCH_AFTER_FRAMES {
        *frames = frames.max(1);
        return;
    }
    *frames += 1;
    if *frames == LAUNCH_AFTER_FRAMES {
        odds.shown = true;
        asked.write(OddsAsked);
    }
}

/// Starts the sweep asked for.
fn start_sweeps(mut asked: MessageReader<OddsAsked>, session: Res<Session>, mut odds: ResMut<Odds>) {
    if asked.read().count() > 0 {
        let runs = odds.runs;
        odds.job = Some(start(&session, runs));
    }
}

/// Counts the frames drawn while a sweep runs and keeps the longest (real time, unclamped), and
/// notes when the sweep finished.
fn watch_frames(time: Res<Time<Real>>, mut odds: ResMut<Odds>) {
    let Some(job) = odds.job.as_mut().filter(|j| j.running()) else { return };
    job.frames.push(time.delta());
    if job.result.lock().is_ok_and(|r| r.is_some()) {
        job.took = Some(job.started.elapsed());
    }
}

/// The sets of runs a sweep from `session` plays: the AI answering every open decision, then one
/// set per option of each.
fn arms_of(session: &Session) -> Vec<(String, Option<(usize, usize)>)> {
    let events = &session.sim().data().scenario.events;
    let mut arms = vec![("The AI answers what is open".to_string(), None)];
    for event in session.open_decisions() {
        for (o, option) in events[event].options.iter().enumerate() {
            let history = if option.historical { " (history)" } else { "" };
            arms.push((format!("{}{history}", option.name), Some((event, o))));
        }
    }
    arms
}

/// Starts a sweep of `runs` campaigns a set from the branch being played, on every core.
pub fn start(session: &Session, runs: u64) -> Job {
    let snapshot = Arc::new(session.sim().snapshot());
    let data: Arc<StaticData> = session.sim().data().0.clone();
    let arms = arms_of(session);
    let done = Arc::new(AtomicU64::new(0));
    let cancel = Arc::new(AtomicBool::new(false));
    let result = Arc::new(Mutex::new(None));
    let job = Job {
        date: session.view.date,
        branch: session.active,
        total: runs * arms.len() as u64,
        done: done.clone(),
        cancel: cancel.clone(),
        result: result.clone(),
        started: Instant::now(),
        took: None,
        frames: Vec::new(),
    };
    let work = move || {
        let swept = sweep_arms(&data, &snapshot, runs, arms, &done, &cancel);
        if let Ok(mut slot) = result.lock() {
            *slot = Some(swept);
        }
    };
    if let Err(e) = std::thread::Builder::new().name("odds".into()).spawn(work)
        && let Ok(mut slot) = job.result.lock()
    {
        *slot = Some(Err(format!("cannot start the sweep: {e}")));
    }
    job
}

/// Plays each set of runs in turn, counting finished campaigns in `done`; stops early (with no
/// result) if `cancel` is set.
fn sweep_arms(
    data: &Arc<StaticData>,
    snapshot: &Arc<crate::sim::Snapshot>,
    runs: u64,
    arms: Vec<(String, Option<(usize, usize)>)>,
    done: &AtomicU64,
    cancel: &AtomicBool,
) -> Swept {
    let pool = background_pool().map_err(|e| format!("cannot start worker threads: {e}"))?;
    let mut swept = Vec::new();
    for (label, decision) in arms {
        if cancel.load(Ordering::Relaxed) {
            return Err("stopped".into());
        }
        let options = SweepOptions {
            runs,
            seed: SEED,
            historical: false,
            imposed: decision.into_iter().collect(),
            threads: 0,
            from: Some(snapshot.clone()),
        };
        let mut aggregate = Aggregate::new(data);
        let tick = || {
            done.fetch_add(1, Ordering::Relaxed);
        };
        sweep_on(&pool, data, &options, &tick, |_, summary| aggregate.add(data, summary));
        swept.push(Arm { label, decision, aggregate });
    }
    Ok(swept)
}

/// Width of a bar of shares.
const BAR: egui::Vec2 = egui::vec2(340.0, 16.0);

/// The odds panel, if shown: a button to sweep, progress, then the chart of outcomes.
pub(super) fn window(ctx: &egui::Context, session: &Session, odds: &mut Odds, asked: &mut bool) {
    let mut shown = odds.shown;
    egui::Window::new("The odds from here")
        .open(&mut shown)
        .default_pos(egui::pos2(360.0, 80.0))
        .default_width(620.0)
        .show(ctx, |ui| {
            ui.label(
                "Play the campaign on from here many times, every faction in the AI's hands, each run on its own \
                 dice: who wins, and how each answer to what is still open changes it.",
            );
            ui.horizontal(|ui| {
                ui.label("Campaigns for each answer:");
                ui.add(egui::DragValue::new(&mut odds.runs).range(RUNS_RANGE).speed(10));
                let running = odds.job.as_ref().is_some_and(Job::running);
                if ui.add_enabled(!running, egui::Button::new("Play them")).clicked() {
                    *asked = true;
                }
            });
            if let Some(job) = &odds.job {
                ui.separator();
                job_view(ui, session, job);
            }
        });
    odds.shown = shown;
}

/// A sweep's progress, or its chart once finished.
fn job_view(ui: &mut egui::Ui, session: &Session, job: &Job) {
    let stale = job.date != session.view.date || job.branch != session.active;
    if stale {
        ui.colored_label(
            egui::Color32::DARK_RED,
            format!("These odds are from {} (branch {}): play them again for now.", job.date, job.branch + 1),
        );
    }
    if job.running() {
        let (done, total) = (job.done(), job.total);
        let bar = egui::ProgressBar::new(done as f32 / total.max(1) as f32)
            .text(format!("{done} of {total} campaigns from {}", job.date));
        ui.add(bar);
        // Redrawn four times a second at least (see `gui::run`): enough for a bar, and the
        // processor stays with the sweep.
        return;
    }
    let took = job.took.unwrap_or_default().as_secs_f64();
    ui.label(format!("{} campaigns from {} in {took:.1} s.", job.total, job.date));
    match job.arms() {
        Some(Ok(arms)) => chart(ui, session, &arms),
        Some(Err(e)) => {
            ui.colored_label(egui::Color32::DARK_RED, e);
        }
        None => {}
    }
}

/// Who wins in each set of runs, as bars of shares, the sets grouped by the decision they answer.
fn chart(ui: &mut egui::Ui, session: &Session, arms: &[Arm]) {
    let scenario = &session.sim().data().scenario;
    let mut current = None;
    egui::Grid::new("odds").num_columns(2).spacing(egui::vec2(10.0, 4.0)).show(ui, |ui| {
        for arm in arms {
            let event = arm.decision.map(|(e, _)| e);
            if event != current || arm.decision.is_none() {
                current = event;
                let heading = match event {
                    None => "Who wins".to_string(),
                    Some(e) => format!("If \"{}\" is answered…", scenario.events[e].title),
                };
                ui.strong(heading);
                ui.end_row();
            }
            ui.label(&arm.label);
            share_bar(ui, session, &arm.aggregate);
            ui.end_row();
        }
    });
    // The key names only who won somewhere.
    let won = |f: usize| arms.iter().any(|a| a.aggregate.winners[f] > 0);
    ui.horizontal_wrapped(|ui| {
        for f in (0..scenario.factions.len()).filter(|f| won(*f)) {
            let ix = crate::sim::FactionIx::new(f);
            super::hud::swatch(ui, rgb(faction_colour32(session, Some(ix))));
            ui.label(&scenario.factions[f].name);
        }
        if won(scenario.factions.len()) {
            super::hud::swatch(ui, rgb(NOBODY));
            ui.label("nobody (the campaign ran its course)");
        }
    });
}

/// A colour's red, green and blue, for a swatch.
fn rgb(colour: egui::Color32) -> [u8; 3] {
    [colour.r(), colour.g(), colour.b()]
}

/// The colour of the runs nobody won.
const NOBODY: egui::Color32 = egui::Color32::from_gray(170);

/// One bar: each faction's share of the runs it won, in its colour, widest labelled.
fn share_bar(ui: &mut egui::Ui, session: &Session, aggregate: &Aggregate) {
    let (rect, response) = ui.allocate_exact_size(BAR, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let total = aggregate.runs.max(1) as f32;
    let mut x = rect.left();
    let mut tip = Vec::new();
    let factions = &session.sim().data().scenario.factions;
    for (f, &wins) in aggregate.winners.iter().enumerate() {
        if wins == 0 {
            continue;
        }
        let colour = match factions.get(f) {
            Some(_) => faction_colour32(session, Some(crate::sim::FactionIx::new(f))),
            None => NOBODY,
        };
        let width = rect.width() * wins as f32 / total;
        let segment = egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2(width, rect.height()));
        painter.rect_filled(segment, 0.0, colour);
        let share = aggregate.win_share((f < factions.len()).then_some(f));
        if width > 34.0 {
            let text = format!("{:.0}%", share.value() * 100.0);
            painter.text(
                segment.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(11.0),
                egui::Color32::BLACK,
            );
        }
        let name = factions.get(f).map_or("nobody", |fa| fa.name.as_str());
        tip.push(format!("{name}: {}", share.show()));
        x += width;
    }
    response.on_hover_text(tip.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gui::session::{NewGame, UiAction};
    use crate::sweep::sweep;

    /// A Jingkang campaign as Song, played until Song has a decision open.
    fn song_with_a_decision(dir: &std::path::Path) -> Session {
        let game =
            NewGame { scenario: "jingkang".into(), factions: vec!["song".into()], seed: 1, ..Default::default() };
        let mut s = Session::start(&game, dir.to_path_buf()).expect("jingkang starts");
        for _ in 0..30 {
            if !s.open_decisions().is_empty() {
                return s;
            }
            s.apply(&UiAction::EndTurn);
        }
        panic!("Song has no decision in 30 months");
    }

    fn finished(job: &Job) -> Vec<Arm> {
        let started = Instant::now();
        loop {
            if let Some(swept) = job.arms() {
                return swept.expect("the sweep succeeds");
            }
            assert!(started.elapsed() < Duration::from_secs(300), "the sweep did not finish");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn the_odds_from_here_sweep_each_option_of_each_open_decision_on_the_same_seeds_as_whatif_from_a_save() {
        let dir = tempfile::tempdir().expect("temp dir");
        let s = song_with_a_decision(dir.path());
        let open = s.open_decisions();
        let runs = 40;
        let job = start(&s, runs);
        let arms = finished(&job);
        let events = &s.sim().data().scenario.events;
        let options: usize = open.iter().map(|e| events[*e].options.len()).sum();
        assert_eq!(arms.len(), 1 + options, "the AI's answers, then one set per option");
        assert_eq!(job.done(), job.total);
        assert_eq!(job.total, runs * arms.len() as u64);
        assert!(arms.iter().all(|a| a.aggregate.runs == runs));
        let imposed: Vec<Option<(usize, usize)>> = arms.iter().map(|a| a.decision).collect();
        let expected: Vec<Option<(usize, usize)>> = std::iter::once(None)
            .chain(open.iter().flat_map(|e| (0..events[*e].options.len()).map(move |o| Some((*e, o)))))
            .collect();
        assert_eq!(imposed, expected);
        // The first set is what `whatif --from` gives on a save of this very month.
        let data = s.sim().data().0.clone();
        let options = SweepOptions {
            runs,
            seed: SEED,
            from: Some(Arc::new(s.sim().snapshot())),
            threads: 1,
            ..Default::default()
        };
        let mut alone = Aggregate::new(&data);
        sweep(&data, &options, &|| {}, |_, summary| alone.add(&data, summary)).expect("a sweep");
        assert_eq!(arms[0].aggregate, alone);
        // Each option imposed is the answer given in every run of its set.
        let (event, option) = arms[1].decision.expect("an option's set");
        let mut branch = crate::sim::Sim::branch(
            &s.sim().snapshot(),
            data.clone(),
            crate::sweep::derive_seed(SEED, 0),
            false,
            &[(event, option)].into(),
        );
        branch.step();
        assert!(branch.answers().any(|a| a == (event, option)), "the open decision is answered as imposed");
    }

    #[test]
    fn a_sweep_no_longer_wanted_stops_and_gives_no_result() {
        let dir = tempfile::tempdir().expect("temp dir");
        let s = song_with_a_decision(dir.path());
        let job = start(&s, 2000);
        let (result, cancel) = (job.result.clone(), job.cancel.clone());
        drop(job);
        assert!(cancel.load(Ordering::Relaxed));
        let started = Instant::now();
        while result.lock().map(|r| r.is_none()).unwrap_or(false) {
            assert!(started.elapsed() < Duration::from_secs(300), "the sweep did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
        let stopped = result.lock().expect("not poisoned").clone();
        assert!(matches!(stopped, Some(Err(ref e)) if e == "stopped"), "{stopped:?}");
    }
}
