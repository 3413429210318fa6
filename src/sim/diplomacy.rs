//! Diplomacy: opinion, trust and war between factions; treaties and their terms.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::ai::{PeaceOffer, WarGoals, judge_peace, strengths};
use super::armies::{Army, Plan, Spirit, Troops};
use super::calendar::Calendar;
use super::chronicle::ChronicleWriter;
use super::economy::Treasury;
use super::effects::ApplyEffect;
use super::events::Players;
use super::ids::{Data, FactionIx, ProvinceIx, Static};
use super::orders::{Order, OrderGiven, Proposal};
use super::world::Entities;
use super::{EffectOrder, Turn, TurnSystems};
use crate::scenario::{self, Date, Effect, TreatyKind};

/// A treaty hands a province to a faction; the map carries it out (or its people refuse).
#[derive(Message, Clone, Copy, Debug, PartialEq, Eq)]
pub struct CessionAgreed {
    pub province: ProvinceIx,
    pub to: FactionIx,
}

/// Whether a faction is in play (a puppet state may enter later).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InPlay(pub bool);

/// Opinion (-100..100), trust (0..100) and war between every ordered pair of factions.
#[derive(Resource, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relations {
    n: usize,
    opinion: Vec<f64>,
    trust: Vec<f64>,
    war: Vec<bool>,
}

impl Relations {
    /// Relations of `n` factions: neutral opinion, middling trust, peace.
    pub fn new(n: usize) -> Self {
        Self { n, opinion: vec![0.0; n * n], trust: vec![50.0; n * n], war: vec![false; n * n] }
    }

    /// The number of factions.
    pub fn size(&self) -> usize {
        self.n
    }

    fn at(&self, of: FactionIx, towards: FactionIx) -> usize {
        of.get() * self.n + towards.get()
    }

    pub fn opinion(&self, of: FactionIx, towards: FactionIx) -> f64 {
        self.opinion[self.at(of, towards)]
    }

    pub fn trust(&self, of: FactionIx, towards: FactionIx) -> f64 {
        self.trust[self.at(of, towards)]
    }

    pub fn at_war(&self, a: FactionIx, b: FactionIx) -> bool {
        self.war[self.at(a, b)]
    }

    pub fn add_opinion(&mut self, of: FactionIx, towards: FactionIx, add: f64) {
        let i = self.at(of, towards);
        self.opinion[i] = (self.opinion[i] + add).clamp(-100.0, 100.0);
    }

    pub fn add_trust(&mut self, of: FactionIx, towards: FactionIx, add: f64) {
        let i = self.at(of, towards);
        self.trust[i] = (self.trust[i] + add).clamp(0.0, 100.0);
    }

    /// Sets both directions of a pair.
    pub fn set_symmetric(&mut self, a: FactionIx, b: FactionIx, opinion: f64, trust: f64, war: bool) {
        for (x, y) in [(a, b), (b, a)] {
            let i = self.at(x, y);
            self.opinion[i] = opinion;
            self.trust[i] = trust;
            self.war[i] = war;
        }
    }

    pub fn set_war(&mut self, a: FactionIx, b: FactionIx, war: bool) {
        let (i, j) = (self.at(a, b), self.at(b, a));
        self.war[i] = war;
        self.war[j] = war;
    }
}

/// A treaty's terms with ids resolved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TreatyTerms {
    Alliance {
        against: Vec<FactionIx>,
        shares: Vec<(FactionIx, Vec<ProvinceIx>)>,
    },
    Tribute {
        payer: FactionIx,
        payee: FactionIx,
        yearly: f64,
    },
    Truce {
        until: Date,
    },
    Peace {
        payer: Option<FactionIx>,
        payee: FactionIx,
        indemnity_left: f64,
        instalment: f64,
        hostages: Vec<usize>,
        /// Provinces handed over by the peace, and to whom.
        ceded: Vec<(ProvinceIx, FactionIx)>,
    },
}

/// A treaty in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreatyState {
    pub ix: usize,
    pub name: String,
    pub parties: Vec<FactionIx>,
    pub terms: TreatyTerms,
    pub since: Date,
    /// Payments due but not made, thousands of taels.
    pub arrears: f64,
}

/// Every treaty, by index; `None` when not in force.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Treaties(pub Vec<Option<TreatyState>>);

impl Treaties {
    pub fn in_force(&self, ix: usize) -> bool {
        self.0.get(ix).is_some_and(Option::is_some)
    }

    /// The faction a peace in force gave `province` to, if its owner is someone else: the
    /// province refused the cession, and the claimant may fight for it without breaking the peace.
    pub fn claimant(&self, province: ProvinceIx, owner: Option<FactionIx>) -> Option<FactionIx> {
        self.0.iter().flatten().find_map(|t| match &t.terms {
            TreatyTerms::Peace { ceded, .. } => {
                ceded.iter().find(|(p, to)| *p == province && Some(*to) != owner).map(|(_, to)| *to)
            }
            _ => None,
        })
    }

    /// [`Treaties::claimant`] of every province at once, into `claimants`, `owners` giving each
    /// province's owner.
    pub fn claimants(&self, owners: &[Option<FactionIx>], claimants: &mut Vec<Option<FactionIx>>) {
        super::world::refill(claimants, owners.len(), None);
        // The first treaty, and within it the first cession, that claims a province decides.
        for t in self.0.iter().flatten() {
            let TreatyTerms::Peace { ceded, .. } = &t.terms else { continue };
            for &(p, to) in ceded {
                let slot = &mut claimants[p.get()];
                if slot.is_none() && Some(to) != owners[p.get()] {
                    *slot = Some(to);
                }
            }
        }
    }

    /// Whether `a` and `b` may fight in `province`: at war, or one claims it from the other.
    pub fn contested(
        &self,
        relations: &Relations,
        province: ProvinceIx,
        owner: Option<FactionIx>,
        a: FactionIx,
        b: FactionIx,
    ) -> bool {
        if relations.at_war(a, b) {
            return true;
        }
        let claimant = self.claimant(province, owner);
        (claimant == Some(a) && owner == Some(b)) || (claimant == Some(b) && owner == Some(a))
    }

    pub fn in_force_mut(&mut self) -> impl Iterator<Item = &mut TreatyState> {
        self.0.iter_mut().flatten()
    }

    /// Resolves a scenario treaty signed on `since`.
    pub fn resolve(data: &Data, t: &scenario::Treaty, since: Date) -> TreatyState {
        let parties: Vec<FactionIx> = t.parties.iter().map(|p| data.faction(p)).collect();
        let terms = match &t.kind {
            TreatyKind::Alliance { against, shares } => TreatyTerms::Alliance {
                against: against.iter().map(|f| data.faction(f)).collect(),
                shares: shares
                    .iter()
                    .map(|s| (data.faction(&s.faction), s.provinces.iter().map(|p| data.province(p)).collect()))
                    .collect(),
            },
            TreatyKind::Tribute { payer, payee, yearly } => {
                TreatyTerms::Tribute { payer: data.faction(payer), payee: data.faction(payee), yearly: *yearly as f64 }
            }
            TreatyKind::Truce { until } => TreatyTerms::Truce { until: *until },
            TreatyKind::Peace { payer, indemnity, hostages, ceded } => {
                let payer = payer.as_deref().map(|p| data.faction(p));
                let payee = parties.iter().copied().find(|p| Some(*p) != payer).unwrap_or(parties[0]);
                TreatyTerms::Peace {
                    payer,
                    payee,
                    indemnity_left: *indemnity as f64,
                    // Paid off over a year.
                    instalment: *indemnity as f64 / 12.0,
                    hostages: hostages.iter().map(|h| data.character(h).get()).collect(),
                    ceded: ceded.iter().map(|c| (data.province(&c.province), data.faction(&c.to))).collect(),
                }
            }
        };
        TreatyState { ix: data.treaties[&t.id], name: t.name.clone(), parties, terms, since, arrears: 0.0 }
    }
}

pub(super) fn plugin(app: &mut App) {
    systems_plugin(app);
    app.add_message::<CessionAgreed>();
    app.add_systems(Turn, apply_effects.in_set(EffectOrder::Diplomacy));
}

#[allow(clippy::too_many_arguments)]
fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    mut cessions: MessageWriter<CessionAgreed>,
    data: Static,
    entities: Res<Entities>,
    calendar: Res<Calendar>,
    mut relations: ResMut<Relations>,
    mut treaties: ResMut<Treaties>,
    mut in_play: Query<&mut InPlay>,
    mut chronicle: ChronicleWriter,
) {
    for ApplyEffect(effect) in effects.read() {
        match effect {
            Effect::Opinion { of, towards, add } => {
                relations.add_opinion(data.faction(of), data.faction(towards), *add as f64)
            }
            Effect::Trust { of, towards, add } => {
                relations.add_trust(data.faction(of), data.faction(towards), *add as f64)
            }
            Effect::DeclareWar { attacker, defender } => {
                let (a, d) = (data.faction(attacker), data.faction(defender));
                if !relations.at_war(a, d) {
                    relations.set_war(a, d, true);
                    relations.add_opinion(d, a, -30.0);
                    relations.add_trust(d, a, -30.0);
                    end_treaties_between(&mut treaties, a, d);
                    chronicle.write(|| format!("{} declares war on {}.", data.faction_name(a), data.faction_name(d)));
                }
            }
            Effect::MakePeace { a, b } => {
                let (a, b) = (data.faction(a), data.faction(b));
                if relations.at_war(a, b) {
                    relations.set_war(a, b, false);
                    chronicle.write(|| format!("{} and {} make peace.", data.faction_name(a), data.faction_name(b)));
                }
            }
            Effect::SignTreaty(t) => {
                if let TreatyKind::Peace { ceded, .. } = &t.kind {
                    for c in ceded {
                        cessions.write(CessionAgreed { province: data.province(&c.province), to: data.faction(&c.to) });
                    }
                }
                let state = Treaties::resolve(&data, t, calendar.date);
                let ix = state.ix;
                treaties.0[ix] = Some(state);
                chronicle.write(|| format!("{} is signed.", t.name));
            }
            Effect::EndTreaty(id) => {
                let ix = data.treaties[id];
                if let Some(t) = treaties.0[ix].take() {
                    chronicle.write(|| format!("{} ends.", t.name));
                }
            }
            Effect::ActivateFaction(f) => {
                if let Ok(mut p) = in_play.get_mut(entities.faction(data.faction(f))) {
                    p.0 = true;
                }
            }
            _ => {}
        }
    }
}

/// War ends every treaty between the two.
fn end_treaties_between(treaties: &mut Treaties, a: FactionIx, b: FactionIx) {
    for slot in &mut treaties.0 {
        if slot.as_ref().is_some_and(|t| t.parties.contains(&a) && t.parties.contains(&b)) {
            *slot = None;
        }
    }
}

/// A proposal waiting for a human's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingProposal {
    pub from: FactionIx,
    pub to: FactionIx,
    pub proposal: Proposal,
    pub date: Date,
}

/// Proposals made to human players, for the window to show.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Proposals(pub Vec<PendingProposal>);

/// A peace was signed; the payer's court feels the humiliation.
#[derive(Message, Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeaceSigned {
    pub payer: FactionIx,
    pub ceded: usize,
}

pub(super) fn systems_plugin(app: &mut App) {
    app.add_message::<PeaceSigned>();
    app.init_resource::<Proposals>();
    app.add_systems(Turn, conduct_diplomacy.in_set(TurnSystems::Diplomacy).in_set(DiplomacySystems));
}

/// The diplomacy system, whose agreed cessions the map carries out the same month.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DiplomacySystems;

/// What an AI reads to judge a proposal.
#[derive(bevy_ecs::system::SystemParam)]
struct Judging<'w, 's> {
    treasuries: Query<'w, 's, &'static Treasury>,
    capitals: Query<'w, 's, &'static super::map::Capital>,
    sieges: Res<'w, super::sieges::Sieges>,
    goals: Res<'w, WarGoals>,
    owners: Query<'w, 's, &'static super::map::Owner>,
    armies: Query<'w, 's, (&'static Army, &'static Troops, &'static Spirit, &'static Plan)>,
}

/// War declarations and proposals given this turn, in order; AI factions answer at once, with
/// their reasons, and human factions find proposals waiting. Then opinions drift and treaties run
/// out ([`drift_relations`]).
#[allow(clippy::too_many_arguments)]
fn conduct_diplomacy(
    mut given: MessageReader<OrderGiven>,
    data: Static,
    entities: Res<Entities>,
    calendar: Res<Calendar>,
    players: Res<Players>,
    mut relations: ResMut<Relations>,
    mut treaties: ResMut<Treaties>,
    mut proposals: ResMut<Proposals>,
    judging: Judging,
    mut cessions: MessageWriter<CessionAgreed>,
    mut signed: MessageWriter<PeaceSigned>,
    mut chronicle: ChronicleWriter,
) {
    let Judging { treasuries, capitals, sieges, goals, owners, armies } = &judging;
    // Waiting proposals answered this turn, by index (indices stay put until the turn's end).
    let mut answered = Vec::new();
    for OrderGiven { faction, order } in given.read() {
        let me = *faction;
        match order {
            Order::DeclareWar { on } => {
                if relations.at_war(me, *on) || me == *on {
                    continue;
                }
                let broken: Vec<String> = treaties
                    .0
                    .iter()
                    .flatten()
                    .filter(|t| t.parties.contains(&me) && t.parties.contains(on))
                    .map(|t| t.name.clone())
                    .collect();
                relations.set_war(me, *on, true);
                end_treaties_between(&mut treaties, me, *on);
                let penalty = data.scenario.rules.betrayal_trust;
                relations.add_trust(*on, me, -penalty);
                relations.add_opinion(*on, me, -penalty);
                for other in 0..entities.factions.len() {
                    let other = FactionIx(other as u16);
                    if other != me && other != *on && !broken.is_empty() {
                        relations.add_trust(other, me, -penalty / 2.0);
                    }
                }
                let (a, b) = (data.faction_name(me), data.faction_name(*on));
                chronicle.write(|| {
                    if broken.is_empty() {
                        format!("{a} declares war on {b}.")
                    } else {
                        format!(
                            "{a} judges {b} weak and rich, breaks the {} and turns on it.",
                            broken.join(" and the ")
                        )
                    }
                });
            }
            Order::Propose { to, proposal } => {
                if players.is_human(*to) {
                    proposals.0.push(PendingProposal {
                        from: me,
                        to: *to,
                        proposal: proposal.clone(),
                        date: calendar.date,
                    });
                    continue;
                }
                let strength = strengths(&data, &entities, armies);
                let (a, b) = (data.faction_name(me), data.faction_name(*to));
                let accept = match proposal {
                    Proposal::Peace { indemnity, ceded } => {
                        if !relations.at_war(me, *to) {
                            continue;
                        }
                        let treasury = treasuries.get(entities.faction(*to)).map_or(0.0, |t| t.silver);
                        let capital = capitals.get(entities.faction(me)).ok().and_then(|c| c.0);
                        let besieged = capital.is_some_and(|c| sieges.0.get(c.get()).is_some_and(Option::is_some));
                        let held_by_me =
                            |p: ProvinceIx| owners.get(entities.province(p)).ok().and_then(|o| o.0) == Some(me);
                        let offer = PeaceOffer {
                            indemnity: *indemnity,
                            ceded: ceded.len(),
                            capital_besieged: besieged,
                            unmet_goal: goals.unmet(*to, held_by_me),
                        };
                        let answer = judge_peace(&data, &relations, *to, me, &strength, treasury, offer);
                        chronicle.write(|| {
                            format!(
                                "{a} sues {b} for peace, offering {indemnity:.0} thousand taels{}. {}.",
                                if ceded.is_empty() {
                                    String::new()
                                } else {
                                    format!(" and {} provinces", ceded.len())
                                },
                                answer.reason
                            )
                        });
                        answer.accept
                    }
                    Proposal::Truce { months } => {
                        let balance = strength[to.get()] / strength[me.get()].max(1.0);
                        let accept = relations.at_war(me, *to) && balance < 1.5;
                        chronicle.write(|| {
                            format!(
                                "{a} asks {b} for a truce of {months} months; {b} {}.",
                                if accept { "agrees" } else { "refuses, sensing advantage" }
                            )
                        });
                        accept
                    }
                    Proposal::Alliance { against } => {
                        let accept = relations.at_war(*to, *against) && relations.trust(*to, me) > 30.0;
                        chronicle.write(|| {
                            format!(
                                "{a} proposes an alliance against {} to {b}; {b} {}.",
                                data.faction_name(*against),
                                if accept { "accepts" } else { "declines" }
                            )
                        });
                        accept
                    }
                };
                if accept {
                    let mut signing = Signing {
                        data: &data,
                        date: calendar.date,
                        relations: &mut relations,
                        treaties: &mut treaties,
                    };
                    signing.sign(me, *to, proposal, &mut cessions, &mut signed);
                }
            }
            Order::AnswerProposal { proposal, accept } => {
                // Only the faction it was made to answers it, and only once.
                if answered.contains(proposal) {
                    continue;
                }
                let Some(pending) = proposals.0.get(*proposal).filter(|p| p.to == me).cloned() else { continue };
                answered.push(*proposal);
                let (a, b) = (data.faction_name(me), data.faction_name(pending.from));
                let still_valid = match &pending.proposal {
                    Proposal::Peace { .. } | Proposal::Truce { .. } => relations.at_war(me, pending.from),
                    Proposal::Alliance { .. } => !relations.at_war(me, pending.from),
                };
                let accept = *accept && still_valid;
                chronicle.write(|| {
                    format!(
                        "{a} {} {b}'s {}.",
                        if accept { "accepts" } else { "refuses" },
                        describe_proposal(&data, &pending.proposal)
                    )
                });
                if accept {
                    let mut signing = Signing {
                        data: &data,
                        date: calendar.date,
                        relations: &mut relations,
                        treaties: &mut treaties,
                    };
                    signing.sign(pending.from, me, &pending.proposal, &mut cessions, &mut signed);
                }
            }
            _ => {}
        }
    }
    // A proposal waits one month for its answer.
    let this_month = calendar.date;
    let mut index = 0;
    proposals.0.retain(|p| {
        let keep = p.date >= this_month && !answered.contains(&index);
        index += 1;
        keep
    });
    // In the same system, as both change relations and treaties.
    drift_relations(&calendar, &mut relations, &mut treaties);
}

/// A proposal in a few words, for the chronicle and the window.
pub fn describe_proposal(data: &Data, proposal: &Proposal) -> String {
    match proposal {
        Proposal::Peace { indemnity, ceded } if ceded.is_empty() => {
            format!("offer of peace with {indemnity:.0} thousand taels")
        }
        Proposal::Peace { indemnity, ceded } => {
            format!("offer of peace with {indemnity:.0} thousand taels and {} provinces", ceded.len())
        }
        Proposal::Truce { months } => format!("request for a truce of {months} months"),
        Proposal::Alliance { against } => format!("proposal of an alliance against {}", data.faction_name(*against)),
    }
}

/// What signing a treaty changes: relations and the treaties in force.
struct Signing<'a> {
    data: &'a Data,
    date: Date,
    relations: &'a mut Relations,
    treaties: &'a mut Treaties,
}

impl Signing<'_> {
    /// `from`'s proposal to `to` is accepted: the treaty comes into force.
    fn sign(
        &mut self,
        from: FactionIx,
        to: FactionIx,
        proposal: &Proposal,
        cessions: &mut MessageWriter<CessionAgreed>,
        signed: &mut MessageWriter<PeaceSigned>,
    ) {
        let (a, b) = (self.data.faction_name(from), self.data.faction_name(to));
        let (name, terms) = match proposal {
            Proposal::Peace { indemnity, ceded } => {
                self.relations.set_war(from, to, false);
                for p in ceded {
                    cessions.write(CessionAgreed { province: *p, to });
                }
                signed.write(PeaceSigned { payer: from, ceded: ceded.len() });
                let terms = TreatyTerms::Peace {
                    payer: Some(from),
                    payee: to,
                    indemnity_left: *indemnity,
                    instalment: indemnity / 12.0,
                    hostages: Vec::new(),
                    ceded: ceded.iter().map(|p| (*p, to)).collect(),
                };
                (format!("Peace between {a} and {b}"), terms)
            }
            Proposal::Truce { months } => {
                self.relations.set_war(from, to, false);
                let until = self.date.plus_months(i64::from(*months));
                (format!("Truce between {a} and {b}"), TreatyTerms::Truce { until })
            }
            Proposal::Alliance { against } => {
                if !self.relations.at_war(from, *against) {
                    self.relations.set_war(from, *against, true);
                }
                (
                    format!("Alliance of {a} and {b}"),
                    TreatyTerms::Alliance { against: vec![*against], shares: Vec::new() },
                )
            }
        };
        let ix = self.treaties.0.len();
        self.treaties.0.push(Some(TreatyState {
            ix,
            name,
            parties: vec![from, to],
            terms,
            since: self.date,
            arrears: 0.0,
        }));
    }
}

/// Opinions fade toward indifference (and sour in war); truces run out; unpaid dues cost trust.
fn drift_relations(calendar: &Calendar, relations: &mut Relations, treaties: &mut Treaties) {
    let n = relations.size();
    for a in 0..n {
        for b in 0..n {
            let (fa, fb) = (FactionIx(a as u16), FactionIx(b as u16));
            if a == b {
                continue;
            }
            let opinion = relations.opinion(fa, fb);
            let drift = if relations.at_war(fa, fb) { -1.0 } else { -opinion * 0.02 };
            relations.add_opinion(fa, fb, drift);
        }
    }
    for slot in &mut treaties.0 {
        let expired =
            slot.as_ref().is_some_and(|t| matches!(t.terms, TreatyTerms::Truce { until } if until < calendar.date));
        if expired {
            *slot = None;
        }
    }
    for t in treaties.0.iter_mut().flatten() {
        if t.arrears > 0.0
            && let (Some(&payer), Some(&payee)) = (t.parties.first(), t.parties.get(1))
        {
            relations.add_trust(payee, payer, -2.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::testing::{scenario, sim_with_humans};
    use crate::sim::{Order, Proposal};

    const TRUCE: &str = "request for a truce of 6 months";

    /// Red (played by a human) and Blue at war; Blue asks Red for a truce.
    fn asked_for_a_truce() -> crate::sim::Sim {
        let mut game = sim_with_humans(scenario("", ""), 3, &["red"]);
        let (red, blue) = (game.data().faction("red"), game.data().faction("blue"));
        game.give(blue, Order::Propose { to: red, proposal: Proposal::Truce { months: 6 } });
        game.step();
        game
    }

    #[test]
    fn a_human_accepts_a_truce_and_it_comes_into_force() {
        let mut game = asked_for_a_truce();
        let (red, blue) = (game.data().faction("red"), game.data().faction("blue"));
        let view = game.view();
        let waiting = view.proposals.iter().find(|p| p.text == TRUCE).expect("the proposal waits for Red");
        assert_eq!((waiting.from, waiting.to), (blue, red));
        game.give(red, Order::AnswerProposal { proposal: waiting.index, accept: true });
        game.step();
        let view = game.view();
        assert!(!view.relation(red, blue).expect("a relation").at_war);
        assert!(view.treaties.iter().any(|t| t.name == "Truce between Blue and Red"), "{:?}", view.treaties);
        assert!(!view.proposals.iter().any(|p| p.text == TRUCE));
    }

    #[test]
    fn a_refused_or_unanswered_proposal_changes_nothing_and_expires() {
        let mut game = asked_for_a_truce();
        let (red, blue) = (game.data().faction("red"), game.data().faction("blue"));
        let index = |game: &crate::sim::Sim| game.view().proposals.iter().find(|p| p.text == TRUCE).map(|p| p.index);
        let truce = index(&game).expect("the truce is proposed");
        game.give(red, Order::AnswerProposal { proposal: truce, accept: false });
        game.step();
        assert!(game.view().relation(red, blue).expect("a relation").at_war);
        assert_eq!(index(&game), None);
        let mut game = asked_for_a_truce();
        // Blue cannot answer for Red.
        let truce = index(&game).expect("the truce is proposed");
        game.give(blue, Order::AnswerProposal { proposal: truce, accept: true });
        game.step();
        assert!(game.view().relation(red, blue).expect("a relation").at_war);
        assert_eq!(index(&game), None, "unanswered for a month, it lapses");
    }
}
