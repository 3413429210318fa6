//! Diplomacy: opinion, trust and war between factions; treaties and their terms.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::chronicle::Chronicled;
use super::effects::ApplyEffect;
use super::ids::{Data, FactionIx, ProvinceIx};
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
    Alliance { against: Vec<FactionIx>, shares: Vec<(FactionIx, Vec<ProvinceIx>)> },
    Tribute { payer: FactionIx, payee: FactionIx, yearly: f64 },
    Truce { until: Date },
    Peace { payer: Option<FactionIx>, payee: FactionIx, indemnity_left: f64, instalment: f64, hostages: Vec<usize> },
}

/// A treaty in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreatyState {
    pub ix: usize,
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
            TreatyKind::Peace { payer, indemnity, hostages, .. } => {
                let payer = payer.as_deref().map(|p| data.faction(p));
                let payee = parties.iter().copied().find(|p| Some(*p) != payer).unwrap_or(parties[0]);
                TreatyTerms::Peace {
                    payer,
                    payee,
                    indemnity_left: *indemnity as f64,
                    // Paid off over a year.
                    instalment: *indemnity as f64 / 12.0,
                    hostages: hostages.iter().map(|h| data.character(h).get()).collect(),
                }
            }
        };
        TreatyState { ix: data.treaties[&t.id], parties, terms, since, arrears: 0.0 }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<CessionAgreed>();
    app.add_systems(Turn, apply_effects.in_set(TurnSystems::Effects).in_set(EffectOrder::Others));
}

#[allow(clippy::too_many_arguments)]
fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    mut cessions: MessageWriter<CessionAgreed>,
    data: Res<Data>,
    entities: Res<Entities>,
    calendar: Res<Calendar>,
    mut relations: ResMut<Relations>,
    mut treaties: ResMut<Treaties>,
    mut in_play: Query<&mut InPlay>,
    mut chronicle: MessageWriter<Chronicled>,
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
                    chronicle.write(Chronicled(format!(
                        "{} declares war on {}.",
                        data.faction_name(a),
                        data.faction_name(d)
                    )));
                }
            }
            Effect::MakePeace { a, b } => {
                let (a, b) = (data.faction(a), data.faction(b));
                if relations.at_war(a, b) {
                    relations.set_war(a, b, false);
                    chronicle.write(Chronicled(format!(
                        "{} and {} make peace.",
                        data.faction_name(a),
                        data.faction_name(b)
                    )));
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
                chronicle.write(Chronicled(format!("{} is signed.", t.name)));
            }
            Effect::EndTreaty(id) => {
                let ix = data.treaties[id];
                if treaties.0[ix].take().is_some() {
                    chronicle.write(Chronicled(format!("{} ends.", treaty_name(&data, ix))));
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

/// A treaty's display name, whether it starts in the scenario or an event signs it.
pub fn treaty_name(data: &Data, ix: usize) -> String {
    let id = &data.treaty_ids[ix];
    if let Some(t) = data.scenario.treaties.iter().find(|t| &t.id == id) {
        return t.name.clone();
    }
    for e in &data.scenario.events {
        for o in &e.options {
            for effect in &o.effects {
                if let Effect::SignTreaty(t) = effect {
                    if &t.id == id {
                        return t.name.clone();
                    }
                }
            }
        }
    }
    id.clone()
}
