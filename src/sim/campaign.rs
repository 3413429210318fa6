//! A campaign in progress: a world, its turn schedule and its message buffers, set up, stepped,
//! saved and read.
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use bevy_app::App;
use bevy_ecs::change_detection::Tick;
use bevy_ecs::message::MessageRegistry;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::Schedules;

use super::data::{Data, StaticData};
use super::ids::{ArmyIx, FactionIx, ProvinceIx};
use super::report::{Report, Summary};
use super::schedule::Turn;
use super::setup::Start;
use super::snapshot::{SaveError, Snapshot, scenario_hash};
use super::state::{
    ChoiceRecord, Choices, Chronicle, Chronicling, CommandLog, EventAnswers, EventState, Flags, GameOver, Levies,
    Order, PendingOrders, Players, Proposals, Seed, SiegeLog, SimRng, TrendPoint, Trends, WarGoals,
};
use super::view::{GameView, Route};
use crate::scenario::ValidScenario;

/// Every message type of the turn, kept out of the world (as the turn schedule is): Bevy's own
/// update system takes the registry out of the world and puts it back each time, which a sweep's
/// millions of months would pay for.
struct MessageBuffers {
    registry: MessageRegistry,
}

impl MessageBuffers {
    /// Takes the registry out of `world`, which its plugins have all been added to.
    fn take(world: &mut World) -> Self {
        let registry = world.remove_resource::<MessageRegistry>().expect("the turn plugin registers messages");
        Self { registry }
    }

    /// Turns every buffer over before a month: messages older than the last month are dropped.
    /// Every buffer, not only those Bevy's change ticks say were written since: that test never
    /// held here from one month to the next, and every message of a game was kept.
    fn rotate(&mut self, world: &mut World) {
        self.registry.run_updates(world, Tick::new(0));
    }

    /// Empties every buffer, so nothing of a finished campaign reaches the next.
    fn drop_all(&mut self, world: &mut World) {
        // Messages are double-buffered: two updates drop both buffers.
        let long_ago = Tick::new(0);
        self.registry.run_updates(world, long_ago);
        self.registry.run_updates(world, long_ago);
    }
}

/// How a campaign is set up: the seed and how events are answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimOptions {
    pub seed: u64,
    /// Follow history for every event nobody imposes an answer to.
    pub historical: bool,
    /// Imposed answers, event index to option index (see [`StaticData::resolve_choices`]).
    pub imposed: BTreeMap<usize, usize>,
    /// Factions played by humans.
    pub humans: BTreeSet<FactionIx>,
}

/// A campaign in progress: a world and its [`Turn`] schedule. It holds no `App` (which is not
/// `Send`), so a campaign can live in a window's resources or move between sweep threads.
pub struct Sim {
    world: World,
    /// The [`Turn`] schedule, kept out of the world's [`Schedules`]: a sweep plays millions of
    /// months, and taking a schedule out of the world and putting it back each month costs more
    /// than some of its rules.
    turn: Schedule,
    messages: MessageBuffers,
    /// The scenario's starting state, which a reset puts back.
    start: Start,
}

impl Sim {
    /// A campaign of `data` at its first month.
    pub fn new(data: Arc<StaticData>, options: &SimOptions) -> Self {
        let mut sim = Self::empty(data, true);
        sim.populate(options);
        sim
    }

    /// A campaign that keeps no chronicle, trends or command log, for sweeps: they keep only each
    /// run's [`Summary`], and putting a month's happenings into words (or hashing its state) would
    /// cost more than some of its rules. Every outcome is the same as with [`Sim::new`].
    pub fn quiet(data: Arc<StaticData>, options: &SimOptions) -> Self {
        let mut sim = Self::empty(data, false);
        sim.populate(options);
        sim
    }

    /// A campaign of a validated scenario, at the difficulty it sets for itself.
    pub fn from_scenario(scenario: &ValidScenario, options: &SimOptions) -> Self {
        Self::new(Arc::new(StaticData::new(scenario)), options)
    }

    /// Starts the scenario over with new options, keeping the built schedule: much cheaper than
    /// [`Sim::new`] when many campaigns of one scenario are played in a row.
    pub fn reset(&mut self, options: &SimOptions) {
        let world = &mut self.world;
        self.start.restore(world);
        self.messages.drop_all(world);
        world.clear_trackers();
        self.begin(options);
    }

    /// Puts the scenario's starting state into an empty world, then begins the game.
    fn populate(&mut self, options: &SimOptions) {
        self.start.populate(&mut self.world);
        self.begin(options);
    }

    /// Fresh game records and the options' seed and players, for a world in its starting state.
    fn begin(&mut self, options: &SimOptions) {
        let world = &mut self.world;
        world.insert_resource(Chronicle::default());
        world.insert_resource(Flags::default());
        world.insert_resource(Choices::default());
        world.insert_resource(EventAnswers::default());
        world.insert_resource(PendingOrders::default());
        world.insert_resource(Levies::default());
        world.insert_resource(Proposals::default());
        world.insert_resource(SiegeLog::default());
        world.insert_resource(GameOver::default());
        world.insert_resource(WarGoals::default());
        world.insert_resource(SimRng::from_seed(options.seed));
        world.insert_resource(Players {
            humans: options.humans.clone(),
            historical: options.historical,
            imposed: options.imposed.clone(),
        });
        world.insert_resource(Seed(options.seed));
        world.insert_resource(Trends::default());
        // A quiet campaign keeps no log, as it keeps no chronicle.
        let log = if world.resource::<Chronicling>().0 {
            let players = world.resource::<Players>().clone();
            CommandLog::starting(scenario_hash(&world.resource::<Data>().scenario), players)
        } else {
            CommandLog::default()
        };
        world.insert_resource(log);
        super::rules::record_now(world);
    }

    /// An app with the schedule and the static data, but no game state yet.
    fn empty(data: Arc<StaticData>, chronicle: bool) -> Self {
        let mut app = App::empty();
        app.insert_resource(Data(data));
        app.insert_resource(Chronicling(chronicle));
        super::plugin(&mut app);
        // Only the world and the turn are kept: turns run the schedule directly, never `App::update`.
        let mut world = std::mem::take(app.world_mut());
        let turn = world.resource_mut::<Schedules>().remove(Turn).expect("the turn plugin adds the turn schedule");
        let messages = MessageBuffers::take(&mut world);
        let start = Start::of(world.resource::<Data>());
        Self { world, turn, messages, start }
    }

    /// Plays one month, logging its commands and the state it ends on if a log is kept.
    pub fn step(&mut self) {
        // The commands are read as the month begins, whoever queued them (`give`, `answer`, a
        // restored save's queue), so that the log holds exactly what the month applied.
        let commands = self.world.resource::<CommandLog>().is_kept().then(|| {
            let date = self.date();
            let orders = self.world.resource::<PendingOrders>().0.clone();
            let answers = self.world.resource::<EventAnswers>().0.clone();
            (date, self.world.resource::<Players>().clone(), orders, answers)
        });
        self.messages.rotate(&mut self.world);
        self.turn.run(&mut self.world);
        // No system reads removals, and outside `App::update` nothing clears them: without this,
        // every despawned army (and every reset) would leave its removal records behind for good.
        self.world.clear_trackers();
        if let Some((date, players, orders, answers)) = commands {
            let hash = Snapshot::capture_state(&self.world).hash();
            self.world.resource_mut::<CommandLog>().record(date, &players, orders, answers, hash);
        }
    }

    /// Whether the game has ended.
    pub fn is_over(&self) -> bool {
        self.world.resource::<GameOver>().0.is_some()
    }

    /// Plays until the game ends, or at most `max_turns` months.
    pub fn run(&mut self, max_turns: Option<u32>) {
        let mut played = 0;
        while !self.is_over() && max_turns.is_none_or(|m| played < m) {
            self.step();
            played += 1;
        }
    }

    /// The world, read-only: the GUI and reports read state here.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, for tests that set up a situation.
    #[cfg(test)]
    pub(super) fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Every invariant of the state that does not hold (none negative or not finite, scales in
    /// bounds, every army in a province, every index in range, every siege between factions at
    /// war), one sentence each: empty in a sound campaign. Soak tests call it every month.
    pub fn invariant_violations(&self) -> Vec<String> {
        super::invariants::violations(&self.world)
    }

    /// The static data of the scenario being played.
    pub fn data(&self) -> &Data {
        self.world.resource::<Data>()
    }

    /// The whole game state, for saving and hashing.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::capture(&self.world)
    }

    /// A campaign continued from a snapshot.
    pub fn restore(snapshot: &Snapshot) -> Result<Self, SaveError> {
        let data = Arc::new(snapshot.static_data()?);
        let mut sim = Self::empty(data, true);
        snapshot.restore_into(&mut sim.world);
        // A save from before trends were kept: its series starts here.
        if sim.world.resource::<Trends>().is_empty() {
            super::rules::record_now(&mut sim.world);
        }
        Ok(sim)
    }

    /// A quiet campaign (no chronicle, no log) continued from `snapshot`, whose static data is
    /// `data`, on new dice from `seed`: every faction the AI's, following history if
    /// `historical`, with `imposed` answers on top of those the campaign began with. What a sweep
    /// of the odds from a saved game plays.
    pub fn branch(
        snapshot: &Snapshot,
        data: Arc<StaticData>,
        seed: u64,
        historical: bool,
        imposed: &std::collections::BTreeMap<usize, usize>,
    ) -> Self {
        let mut sim = Self::empty(data, false);
        snapshot.restore_into(&mut sim.world);
        sim.world.insert_resource(CommandLog::default());
        sim.world.insert_resource(SimRng::from_seed(seed));
        sim.world.insert_resource(Seed(seed));
        sim.world.resource_mut::<Players>().historical = historical;
        sim.hand_to_the_ai(imposed);
        sim
    }

    /// Hands every faction to the AI from now on, with `imposed` answers on top of the campaign's
    /// own: a fork's or a branch's new course.
    pub fn hand_to_the_ai(&mut self, imposed: &std::collections::BTreeMap<usize, usize>) {
        let mut players = self.world.resource::<Players>().clone();
        players.humans.clear();
        players.imposed.extend(imposed.iter().map(|(e, o)| (*e, *o)));
        self.set_players(players);
    }

    /// Seats `humans` at the table from the next month on, as when a saved game is continued by
    /// other players: their events wait for an answer and the AI gives their armies no orders;
    /// every other faction is the AI's.
    pub fn seat(&mut self, humans: &[FactionIx]) {
        self.world.resource_mut::<Players>().humans = humans.iter().copied().collect();
    }

    /// Sets who plays what and which answers are imposed, all at once: a replay puts back the
    /// players its log says a month was played by.
    pub(super) fn set_players(&mut self, players: Players) {
        self.world.insert_resource(players);
    }

    /// The month about to be played.
    pub(super) fn date(&self) -> crate::scenario::Date {
        self.world.resource::<super::state::Calendar>().date
    }

    /// Events of human factions waiting for an answer (event indices, in the order they fired).
    pub fn awaiting(&self) -> &[usize] {
        &self.world.resource::<EventState>().awaiting
    }

    /// Answers an awaiting event; the answer takes effect at the start of the next turn.
    pub fn answer(&mut self, event: usize, option: usize) {
        self.world.resource_mut::<EventAnswers>().0.push((event, option));
    }

    /// Queues an order of `faction` for the next turn.
    pub fn give(&mut self, faction: FactionIx, order: Order) {
        self.world.resource_mut::<PendingOrders>().0.push((faction, order));
    }

    /// The few numbers a sweep keeps of this campaign.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.world)
    }

    /// What happened, for printing or JSON.
    pub fn report(&self) -> Report {
        Report::of(&self.world)
    }

    /// What a player sees now.
    pub fn view(&self) -> GameView {
        GameView::of(&self.world)
    }

    /// For each province, how many steps its armies would be from `faction`'s supply (0: in
    /// supply), or `None` beyond the supply range: the window's supply overlay.
    pub fn supply_reach(&self, faction: FactionIx) -> Vec<Option<usize>> {
        super::view::supply_reach(&self.world, faction)
    }

    /// The road `army` would take to `to` and the months it needs, or `None` if there is no road
    /// (or the army is not in the field).
    pub fn route(&self, army: ArmyIx, to: ProvinceIx) -> Option<Route> {
        super::view::route(&self.world, army, to)
    }

    /// Every answer given to an event so far, in order, with its month, faction and whether it is
    /// history's: the campaign's turning points (in a campaign of more than
    /// [`CHOICES_KEPT`](super::CHOICES_KEPT) answers, the latest and the first of each option).
    pub fn choices(&self) -> &[ChoiceRecord] {
        &self.world.resource::<Choices>().0
    }

    /// Imposes `option` as the answer to event `event` from now on, whoever plays its faction:
    /// how a fork changes an answer the AI gave. The change is logged with the month's players,
    /// so the fork replays.
    pub fn impose(&mut self, event: usize, option: usize) {
        self.world.resource_mut::<Players>().imposed.insert(event, option);
    }

    /// Every answer [`Sim::choices`] keeps, in order: (event index, option index).
    pub fn answers(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.world.resource::<Choices>().0.iter().map(|c| (c.event, c.option))
    }

    /// The commands given so far and the state hash of every month (see [`CommandLog`]).
    pub fn log(&self) -> &CommandLog {
        self.world.resource::<CommandLog>()
    }

    /// The chronicle so far.
    pub fn chronicle(&self) -> &Chronicle {
        self.world.resource::<Chronicle>()
    }

    /// Every faction's provinces, men in the field and silver at the campaign's start and at the
    /// end of each month since, oldest first (see [`Trends`]); kept out of the [`GameView`], which
    /// a window rebuilds every month, because it grows with the campaign. Empty for a quiet
    /// campaign.
    pub fn trends(&self) -> &[TrendPoint] {
        &self.world.resource::<Trends>().0
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::testing::{scenario, sim};

    /// Every pair of turn systems that may touch the same state with no order set between them.
    fn unordered_conflicts() -> Vec<String> {
        let mut game = sim(scenario("", ""), 1);
        game.step();
        let schedule = &game.turn;
        let names: std::collections::HashMap<_, _> =
            schedule.systems().expect("the schedule has run").map(|(key, s)| (key, s.name().to_string())).collect();
        let name = |key| names.get(&key).cloned().unwrap_or_default();
        schedule
            .graph()
            .conflicting_systems()
            .0
            .iter()
            .map(|(a, b, _)| format!("{} / {}", name(*a), name(*b)))
            .collect()
    }

    #[test]
    fn systems_that_touch_the_same_state_run_in_a_set_order() {
        let conflicts = unordered_conflicts();
        assert!(conflicts.is_empty(), "{conflicts:#?}");
    }
}
#[cfg(test)]
mod message_buffers {
    use bevy_ecs::message::Messages;

    use crate::sim::state::{ApplyEffect, ChoiceMade, Chronicled};
    use crate::sim::testing::{scenario, sim};

    /// Found by bounding a long game's memory: the buffers turned over only when Bevy's change
    /// ticks said they had been written since, which they never did from one month to the next,
    /// so every effect, choice and chronicle line of the game was kept (about 180 bytes a firing).
    /// An event firing every month for a hundred months leaves the last two months' messages.
    #[test]
    fn a_long_game_keeps_only_the_last_two_months_of_messages() {
        let omen = r#"events: [Event(id: "e0", title: "Omen", faction: "red", repeatable: true, chance: 100,
            options: [Option(id: "heed", name: "Heed", effects: [SetFlag("f0")]), Option(id: "no", name: "No", effects: [ClearFlag("f0")])])],"#;
        let mut s = scenario("", omen);
        s.end = crate::scenario::Date::new(1300, 1);
        let mut game = sim(s, 1);
        for _ in 0..100 {
            game.step();
        }
        let world = game.world();
        let held = [
            world.resource::<Messages<ApplyEffect>>().len(),
            world.resource::<Messages<ChoiceMade>>().len(),
            world.resource::<Messages<Chronicled>>().len(),
        ];
        assert!(held.iter().all(|n| (1..=2).contains(n)), "effects, choices, lines held: {held:?}");
        assert_eq!(world.resource::<crate::sim::state::Choices>().0.len(), 100, "the game did fire every month");
    }
}
