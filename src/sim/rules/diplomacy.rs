//! Diplomacy: wars declared, envoys received and answered (AI factions at once, with their
//! reasons), treaties signed and ended; opinions drift, truces run out, unpaid dues cost trust;
//! a faction with no land and no army left leaves play, and so does one whose scenario says it
//! falls with its ruler, once its ruler is lost and no heir is left.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::scenario::Date;
use crate::sim::collect::refill;
use crate::sim::compiled::{Command, TreatyTerms};
use crate::sim::data::{Static, StaticData};
use crate::sim::ids::{ArmyIx, FactionIx, ProvinceIx};
use crate::sim::judgement::{PeaceOffer, Plight, judge_demand, judge_peace, losing, strengths};
use crate::sim::power::weighted_men;
use crate::sim::schedule::{DiplomacySystems, EffectSystems, MoraleSystems, Turn};
use crate::sim::state::{
    ApplyEffect, Army, Calendar, Capital, CessionAgreed, ChronicleWriter, Entities, InPlay, Names, Order, OrderGiven,
    Owner, PeaceSigned, PendingProposal, Person, Players, Proposal, Proposals, ProvinceTransferred, Relations, Ruler,
    Sieges, Standing, Status, Transfers, Treasury, Treaties, TreatyState, Troops, WarGoals, demand_terms,
};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectSystems::Diplomacy));
    app.add_systems(Turn, conduct_diplomacy.in_set(DiplomacySystems::Envoys));
    app.add_systems(Turn, fall_of_states.in_set(MoraleSystems::Fallen));
}

/// What the effects of events change: relations, treaties, who is in play.
#[derive(SystemParam)]
struct Chancery<'w, 's> {
    data: Static<'s>,
    names: Res<'w, Names>,
    calendar: Res<'w, Calendar>,
    relations: ResMut<'w, Relations>,
    treaties: ResMut<'w, Treaties>,
    cessions: MessageWriter<'w, CessionAgreed>,
    chronicle: ChronicleWriter<'w>,
}

fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    mut chancery: Chancery,
    entities: Res<Entities>,
    mut in_play: Query<&mut InPlay>,
) {
    for ApplyEffect(command) in effects.read() {
        let Chancery { data, names, calendar, relations, treaties, cessions, chronicle } = &mut chancery;
        match *command {
            Command::Opinion { of, towards, add } => relations.add_opinion(of, towards, add),
            Command::Trust { of, towards, add } => relations.add_trust(of, towards, add),
            Command::DeclareWar { attacker: a, defender: d } if !relations.at_war(a, d) => {
                let rules = data.rules();
                relations.set_war(a, d, true);
                relations.add_opinion(d, a, -rules.war_opinion);
                relations.add_trust(d, a, -rules.war_trust);
                treaties.end_between(a, d);
                chronicle.write(|| {
                    let declares = names.faction_agrees(a).verb("declares", "declare");
                    format!("{} {declares} war on {}.", names.faction(a), names.faction(d))
                });
            }
            Command::MakePeace { a, b } if relations.at_war(a, b) => {
                relations.set_war(a, b, false);
                chronicle.write(|| format!("{} and {} make peace.", names.faction(a), names.faction(b)));
            }
            Command::SignTreaty(spec) => {
                let spec = &data.program.treaties[spec];
                for &(province, to) in spec.cessions() {
                    cessions.write(CessionAgreed { province, to });
                }
                treaties.0[spec.ix] = Some(TreatyState::signed(spec, calendar.date));
                chronicle.write(|| format!("{} is signed.", spec.name));
            }
            Command::EndTreaty(ix) => {
                if let Some(t) = treaties.0[ix].take() {
                    chronicle.write(|| format!("{} ends.", t.name));
                }
            }
            Command::ActivateFaction(f) => {
                if let Ok(mut p) = in_play.get_mut(entities.faction(f)) {
                    p.0 = true;
                }
            }
            Command::DeactivateFaction(f) => {
                if let Ok(mut p) = in_play.get_mut(entities.faction(f))
                    && p.0
                {
                    p.0 = false;
                    leave_play(
                        names,
                        relations,
                        treaties,
                        chronicle,
                        f,
                        entities.factions.len(),
                        "it leaves the stage",
                    );
                }
            }
            _ => {}
        }
    }
}

/// What a state that falls leaves behind: its land, armies and people.
#[derive(SystemParam)]
struct Remains<'w, 's> {
    commands: Commands<'w, 's>,
    entities: ResMut<'w, Entities>,
    transfers: Transfers<'w>,
    provinces: Query<'w, 's, (&'static ProvinceIx, &'static mut Owner)>,
    armies: Query<'w, 's, (Entity, &'static Army, &'static Troops)>,
    people: Query<'w, 's, &'static mut Person>,
    rulers: Query<'w, 's, &'static Ruler>,
}

/// Why a state falls.
#[derive(Clone, Copy)]
enum Fall {
    /// Nothing is left to it.
    Spent,
    /// Its ruler is lost (with his status) and no heir is left.
    Headless(Status),
}

/// A faction in play that holds no province and has no army in the field leaves play, in faction
/// order: its wars and treaties end, and the chronicle says so, once. So does one that falls with
/// its ruler (`falls_with_ruler`), when he is a captive, dead or in exile and no heir serves it:
/// its provinces pass to its strongest enemy, its armies disband, its people in play leave it.
fn fall_of_states(
    mut chancery: Chancery,
    mut remains: Remains,
    mut factions: Query<(&FactionIx, &mut InPlay)>,
    mut standing: Local<Vec<bool>>,
) {
    let Chancery { data, names, relations, treaties, chronicle, .. } = &mut chancery;
    let nf = remains.entities.factions.len();
    // Which factions still hold land or an army, by index.
    let standing = &mut *standing;
    refill(standing, nf, false);
    remains.provinces.iter().for_each(|(_, o)| {
        if let Some(f) = o.0 {
            standing[f.get()] = true;
        }
    });
    remains.armies.iter().for_each(|(_, a, t)| {
        if t.total() > 0.0 {
            standing[a.owner.get()] = true;
        }
    });
    let mut fallen: Vec<(FactionIx, Fall)> = Vec::new();
    factions.iter_mut().for_each(|(f, mut in_play)| {
        let fall = if !standing[f.get()] { Some(Fall::Spent) } else { headless(data, &remains, *f) };
        if let Some(fall) = fall.filter(|_| in_play.0) {
            in_play.0 = false;
            fallen.push((*f, fall));
        }
    });
    fallen.sort_unstable_by_key(|(f, _)| *f);
    for (f, fall) in fallen {
        let why = match fall {
            Fall::Spent => "no land and no army are left to it".to_string(),
            Fall::Headless(status) => {
                let heir = pass_on(data, relations, &mut remains, f);
                let lost = match status {
                    Status::Captive => "a captive",
                    Status::Dead => "dead",
                    _ => "gone",
                };
                let lands = heir.map_or(String::new(), |h| format!("; its lands pass to {}", names.faction(h)));
                format!("its ruler is {lost} and no heir is left to it{lands}")
            }
        };
        leave_play(names, relations, treaties, chronicle, f, nf, &why);
    }
}

/// Whether `f` falls with its ruler now: it says it does, its ruler is not free in play, and no
/// heir serves it.
fn headless(data: &StaticData, remains: &Remains, f: FactionIx) -> Option<Fall> {
    if !data.scenario.factions[f.get()].falls_with_ruler {
        return None;
    }
    let ruler = remains.rulers.get(remains.entities.faction(f)).ok()?.0;
    let status = ruler.and_then(|c| remains.people.get(remains.entities.character(c)).ok()).map(|p| p.status);
    let heir = remains.people.iter().any(|p| p.is_heir_of(f));
    match status {
        Some(Status::Active) => None,
        _ if heir => None,
        lost => Some(Fall::Headless(lost.unwrap_or(Status::Dead))),
    }
}

/// What a state that falls with its ruler leaves: its provinces pass to its strongest enemy (none,
/// if it is at war with nobody), its armies disband, and the people who served it leave play.
/// The heir of its lands.
fn pass_on(data: &StaticData, relations: &Relations, remains: &mut Remains, f: FactionIx) -> Option<FactionIx> {
    let nf = remains.entities.factions.len();
    let mut strength = vec![0.0_f64; nf];
    remains.armies.iter().for_each(|(_, a, t)| strength[a.owner.get()] += weighted_men(data, t));
    let heir = FactionIx::all(nf)
        .filter(|e| *e != f && relations.at_war(f, *e))
        .max_by(|a, b| strength[a.get()].total_cmp(&strength[b.get()]).then(b.cmp(a)));
    for (p, mut owner) in remains.provinces.iter_mut() {
        if owner.0 != Some(f) {
            continue;
        }
        owner.0 = heir;
        if let Some(to) = heir {
            remains.transfers.write(ProvinceTransferred { province: *p, from: Some(f), to });
        }
    }
    let disbanded: Vec<ArmyIx> = remains.armies.iter().filter(|(_, a, _)| a.owner == f).map(|(_, a, _)| a.ix).collect();
    for ix in disbanded {
        remains.entities.remove_army(&mut remains.commands, ix);
    }
    for mut person in remains.people.iter_mut().filter(|p| p.is_active() && p.faction == Some(f)) {
        person.status = Status::Exiled;
    }
    heir
}

/// A faction out of play: its wars and treaties end, and the chronicle says why.
fn leave_play(
    names: &Names,
    relations: &mut Relations,
    treaties: &mut Treaties,
    chronicle: &mut ChronicleWriter,
    f: FactionIx,
    factions: usize,
    why: &str,
) {
    for other in FactionIx::all(factions) {
        if other != f {
            relations.set_war(f, other, false);
        }
    }
    let ended = treaties.end_all_of(f);
    chronicle.write(|| {
        let is = names.faction_agrees(f).verb("is", "are");
        let mut line = format!("{} {is} no more: {why}.", names.faction(f));
        for name in &ended {
            line.push_str(&format!(" {name} ends."));
        }
        line
    });
}

/// What the month's envoys read and change.
#[derive(SystemParam)]
struct Envoys<'w, 's> {
    data: Static<'s>,
    names: Res<'w, Names>,
    entities: Res<'w, Entities>,
    calendar: Res<'w, Calendar>,
    players: Res<'w, Players>,
    relations: ResMut<'w, Relations>,
    treaties: ResMut<'w, Treaties>,
    proposals: ResMut<'w, Proposals>,
    cessions: MessageWriter<'w, CessionAgreed>,
    signed: MessageWriter<'w, PeaceSigned>,
    chronicle: ChronicleWriter<'w>,
}

/// What an AI reads to judge a proposal.
#[derive(SystemParam)]
struct Judging<'w, 's> {
    treasuries: Query<'w, 's, &'static Treasury>,
    standings: Query<'w, 's, &'static Standing>,
    capitals: Query<'w, 's, &'static Capital>,
    sieges: Res<'w, Sieges>,
    goals: Res<'w, WarGoals>,
    owners: Query<'w, 's, &'static Owner>,
    armies: Query<'w, 's, (&'static Army, &'static Troops)>,
}

/// War declarations and proposals given this turn, in order; AI factions answer at once, with
/// their reasons, and human factions find proposals waiting. Then proposals lapse, opinions drift
/// and treaties run out ([`drift_relations`]).
fn conduct_diplomacy(mut given: MessageReader<OrderGiven>, mut envoys: Envoys, judging: Judging) {
    // Waiting proposals answered this turn, by index (indices stay put until the turn's end).
    let mut answered = Vec::new();
    for OrderGiven { faction, order } in given.read() {
        match order {
            Order::DeclareWar { on } => declare_war(&mut envoys, *faction, *on),
            Order::Propose { to, proposal } => propose(&mut envoys, &judging, *faction, *to, proposal),
            Order::AnswerProposal { proposal, accept } => {
                answer_proposal(&mut envoys, &mut answered, *faction, *proposal, *accept)
            }
            _ => {}
        }
    }
    // A proposal waits one month for its answer.
    let this_month = envoys.calendar.date;
    let mut index = 0;
    envoys.proposals.0.retain(|p| {
        let keep = p.date >= this_month && !answered.contains(&index);
        index += 1;
        keep
    });
    // In the same system, as they all change relations and treaties.
    follow_overlords(&mut envoys);
    drift_relations(&envoys.data, this_month, &mut envoys.relations, &mut envoys.treaties);
}

/// Each vassal goes to war with its overlord's enemies and makes peace with those its overlord is
/// at peace with, in treaty order.
fn follow_overlords(envoys: &mut Envoys) {
    let Envoys { names, entities, relations, treaties, chronicle, .. } = envoys;
    let bonds: Vec<(FactionIx, FactionIx)> = treaties
        .all()
        .filter_map(|t| match t.terms {
            TreatyTerms::Vassal { overlord, vassal, .. } => Some((overlord, vassal)),
            _ => None,
        })
        .collect();
    for (overlord, vassal) in bonds {
        for other in entities.faction_ixs().filter(|o| *o != overlord && *o != vassal) {
            let war = relations.at_war(overlord, other);
            if war == relations.at_war(vassal, other) {
                continue;
            }
            relations.set_war(vassal, other, war);
            if war {
                treaties.end_between(vassal, other);
            }
            let (v, o, x) = (names.faction(vassal), names.faction(overlord), names.faction(other));
            let agrees = names.faction_agrees(vassal);
            chronicle.write(|| match war {
                true => format!("{v}, {o}'s vassal, {} war on {x}.", agrees.verb("goes to", "go to")),
                false => format!("{v} {} peace with {x} at {o}'s word.", agrees.verb("makes", "make")),
            });
        }
    }
}

/// `me` declares war on `on`, breaking every treaty between them; breaking one costs trust with
/// the victim (`betrayal_trust`) and everyone watching (`betrayal_onlookers` of that).
fn declare_war(envoys: &mut Envoys, me: FactionIx, on: FactionIx) {
    let Envoys { data, names, entities, relations, treaties, chronicle, .. } = envoys;
    if relations.at_war(me, on) || me == on {
        return;
    }
    let broken: Vec<String> = treaties.all().filter(|t| t.binds(me, on)).map(|t| t.name.clone()).collect();
    relations.set_war(me, on, true);
    treaties.end_between(me, on);
    let rules = data.rules();
    let penalty = rules.betrayal_trust;
    relations.add_trust(on, me, -penalty);
    relations.add_opinion(on, me, -penalty);
    for other in entities.faction_ixs() {
        if other != me && other != on && !broken.is_empty() {
            relations.add_trust(other, me, -penalty * rules.betrayal_onlookers);
        }
    }
    let (a, b) = (names.faction(me), names.faction(on));
    let (me_, on_) = (names.faction_agrees(me), names.faction_agrees(on));
    chronicle.write(|| {
        if broken.is_empty() {
            format!("{a} {} war on {b}.", me_.verb("declares", "declare"))
        } else {
            format!(
                "{a} {} {b} weak and rich, {} the {} and {} on {}.",
                me_.verb("judges", "judge"),
                me_.verb("breaks", "break"),
                broken.join(" and the "),
                me_.verb("turns", "turn"),
                on_.it()
            )
        }
    });
}

/// `me` proposes a treaty to `to`: a human finds it waiting; an AI answers at once, with its
/// reason, and signs what it accepts.
fn propose(envoys: &mut Envoys, judging: &Judging, me: FactionIx, to: FactionIx, proposal: &Proposal) {
    if !proposal.is_well_formed(me, to) {
        return;
    }
    if envoys.players.is_human(to) {
        let date = envoys.calendar.date;
        envoys.proposals.0.push(PendingProposal { from: me, to, proposal: proposal.clone(), date });
        return;
    }
    let accept = match proposal {
        Proposal::Peace { .. } | Proposal::Demand { .. } if !envoys.relations.at_war(me, to) => return,
        Proposal::Peace { indemnity, ceded } => judge_peace_proposal(envoys, judging, me, to, *indemnity, ceded),
        Proposal::Demand { indemnity, ceded } => judge_demand_proposal(envoys, judging, me, to, *indemnity, ceded),
        Proposal::Truce { months } => judge_truce(envoys, judging, me, to, *months),
        Proposal::Alliance { against } => judge_alliance(envoys, me, to, *against),
    };
    if accept {
        sign(envoys, me, to, proposal);
    }
}

/// An AI's answer to an offer of peace, told in the chronicle.
fn judge_peace_proposal(
    envoys: &mut Envoys,
    judging: &Judging,
    me: FactionIx,
    to: FactionIx,
    indemnity: f64,
    ceded: &[ProvinceIx],
) -> bool {
    let Envoys { data, names, entities, relations, chronicle, .. } = envoys;
    let Judging { treasuries, capitals, sieges, goals, owners, armies, .. } = judging;
    let strength = strengths(data, entities.factions.len(), armies.iter());
    let treasury = treasuries.get(entities.faction(to)).map_or(0.0, |t| t.silver);
    let capital = capitals.get(entities.faction(me)).ok().and_then(|c| c.0);
    let held_by_me = |p: ProvinceIx| owners.get(entities.province(p)).ok().and_then(|o| o.0) == Some(me);
    let offer = PeaceOffer {
        indemnity,
        ceded: ceded.len(),
        capital_besieged: capital.is_some_and(|c| sieges.besieged(c)),
        unmet_goal: goals.unmet(to, held_by_me),
    };
    let verdict = judge_peace(data, relations, to, me, &strength, treasury, offer);
    let (a, b) = (names.faction(me), names.faction(to));
    chronicle.write(|| {
        format!(
            "{a} {} {b} for peace, offering {}{}. {}.",
            names.faction_agrees(me).verb("sues", "sue"),
            data.money(indemnity),
            if ceded.is_empty() { String::new() } else { format!(" and {} provinces", ceded.len()) },
            verdict.reason(names, to, me)
        )
    });
    verdict.accepts()
}

/// An AI's answer to a demand for peace, told in the chronicle: losing, it pays what silver it
/// has and gives up the cities under the demander's siege.
fn judge_demand_proposal(
    envoys: &mut Envoys,
    judging: &Judging,
    me: FactionIx,
    to: FactionIx,
    indemnity: f64,
    ceded: &[ProvinceIx],
) -> bool {
    let Envoys { data, names, entities, chronicle, .. } = envoys;
    let Judging { treasuries, standings, capitals, sieges, owners, armies, .. } = judging;
    let rules = data.rules();
    let strength = strengths(data, entities.factions.len(), armies.iter());
    let court = entities.faction(to);
    let plight = Plight {
        capital_besieged: capitals.get(court).ok().and_then(|c| c.0).is_some_and(|c| sieges.besieged(c)),
        legitimacy: standings.get(court).map_or(0.0, |s| s.legitimacy),
    };
    let silver = treasuries.get(court).map_or(0.0, |t| t.silver);
    let besieged_by_me = |p: ProvinceIx| {
        owners.get(entities.province(p)).ok().and_then(|o| o.0) == Some(to)
            && sieges.0[p.get()].is_some_and(|s| s.besieger == me)
    };
    let unbesieged = ceded.iter().copied().find(|p| !besieged_by_me(*p));
    let verdict = judge_demand(losing(rules, plight, &strength, to, me), silver, indemnity, unbesieged);
    let (a, b) = (names.faction(me), names.faction(to));
    chronicle.write(|| {
        let terms = demand_terms(data, names, indemnity, ceded);
        let price = if terms.is_empty() { String::new() } else { format!(" for {terms}") };
        let demands = names.faction_agrees(me).verb("demands", "demand");
        format!("{a} {demands} peace of {b}{price}. {}.", verdict.reason(names, to))
    });
    verdict.accepts()
}

/// An AI grants a truce while at war and not far the stronger (`ai_truce_balance`).
fn judge_truce(envoys: &mut Envoys, judging: &Judging, me: FactionIx, to: FactionIx, months: u32) -> bool {
    let Envoys { data, names, entities, relations, chronicle, .. } = envoys;
    let strength = strengths(data, entities.factions.len(), judging.armies.iter());
    let balance = strength[to.get()] / strength[me.get()].max(1.0);
    let accept = relations.at_war(me, to) && balance < data.rules().ai_truce_balance;
    let (a, b) = (names.faction(me), names.faction(to));
    chronicle.write(|| {
        format!(
            "{a} {} {b} for a truce of {months} months; {b} {}.",
            names.faction_agrees(me).verb("asks", "ask"),
            if accept {
                names.faction_agrees(to).verb("agrees", "agree")
            } else {
                names.faction_agrees(to).verb("refuses, sensing advantage", "refuse, sensing advantage")
            }
        )
    });
    accept
}

/// An AI allies against an enemy it is at war with, if it trusts the asker (`ai_alliance_trust`).
fn judge_alliance(envoys: &mut Envoys, me: FactionIx, to: FactionIx, against: FactionIx) -> bool {
    let Envoys { data, names, relations, chronicle, .. } = envoys;
    let accept = relations.at_war(to, against) && relations.trust(to, me) > data.rules().ai_alliance_trust;
    let (a, b) = (names.faction(me), names.faction(to));
    chronicle.write(|| {
        format!(
            "{a} {} an alliance against {} to {b}; {b} {}.",
            names.faction_agrees(me).verb("proposes", "propose"),
            names.faction(against),
            if accept {
                names.faction_agrees(to).verb("accepts", "accept")
            } else {
                names.faction_agrees(to).verb("declines", "decline")
            }
        )
    });
    accept
}

/// `me` answers a proposal waiting for it: once, and only if it is its own; a proposal the month
/// made pointless (peace already made, war already broken out) cannot be accepted.
fn answer_proposal(envoys: &mut Envoys, answered: &mut Vec<usize>, me: FactionIx, proposal: usize, accept: bool) {
    if answered.contains(&proposal) {
        return;
    }
    let Some(pending) = envoys.proposals.0.get(proposal).filter(|p| p.to == me).cloned() else { return };
    answered.push(proposal);
    let still_valid = match &pending.proposal {
        Proposal::Peace { .. } | Proposal::Demand { .. } | Proposal::Truce { .. } => {
            envoys.relations.at_war(me, pending.from)
        }
        Proposal::Alliance { .. } => !envoys.relations.at_war(me, pending.from),
    };
    let accept = accept && still_valid;
    let (data, names) = (&envoys.data, &envoys.names);
    let (a, b) = (names.faction(me), names.faction(pending.from));
    envoys.chronicle.write(|| {
        let answers = names.faction_agrees(me);
        let verb = if accept { answers.verb("accepts", "accept") } else { answers.verb("refuses", "refuse") };
        format!("{a} {verb} {b}'s {}.", pending.proposal.describe(data, names))
    });
    if accept {
        sign(envoys, pending.from, me, &pending.proposal);
    }
}

/// `from`'s proposal to `to` is accepted: the treaty comes into force.
fn sign(envoys: &mut Envoys, from: FactionIx, to: FactionIx, proposal: &Proposal) {
    let Envoys { data, names, calendar, relations, treaties, cessions, signed, .. } = envoys;
    // The treaty is named after its parties as they are called when they sign it.
    let (a, b) = (names.faction(from), names.faction(to));
    let (name, terms) = match proposal {
        Proposal::Peace { indemnity, ceded } | Proposal::Demand { indemnity, ceded } => {
            // An offer is paid by the proposer, a demand by the one it is made to.
            let (payer, payee) = if matches!(proposal, Proposal::Peace { .. }) { (from, to) } else { (to, from) };
            relations.set_war(from, to, false);
            for p in ceded {
                cessions.write(CessionAgreed { province: *p, to: payee });
            }
            signed.write(PeaceSigned { payer, ceded: ceded.len() });
            let terms = TreatyTerms::Peace {
                payer: Some(payer),
                payee,
                indemnity_left: *indemnity,
                instalment: indemnity / data.rules().indemnity_months,
                hostages: Vec::new(),
                ceded: ceded.iter().map(|p| (*p, payee)).collect(),
            };
            (format!("Peace between {a} and {b}"), terms)
        }
        Proposal::Truce { months } => {
            relations.set_war(from, to, false);
            let until = calendar.date.plus_months(i64::from(*months));
            (format!("Truce between {a} and {b}"), TreatyTerms::Truce { until })
        }
        Proposal::Alliance { against } => {
            if !relations.at_war(from, *against) {
                relations.set_war(from, *against, true);
            }
            (format!("Alliance of {a} and {b}"), TreatyTerms::Alliance { against: vec![*against], shares: Vec::new() })
        }
    };
    let ix = treaties.0.len();
    treaties.0.push(Some(TreatyState { ix, name, parties: vec![from, to], terms, since: calendar.date, arrears: 0.0 }));
}

/// Opinions fade toward indifference (`opinion_fade`) and sour in war (`war_opinion_drift`);
/// truces run out; dues in arrears cost trust (`arrears_trust`).
fn drift_relations(data: &StaticData, date: Date, relations: &mut Relations, treaties: &mut Treaties) {
    let rules = data.rules();
    let n = relations.size();
    for fa in FactionIx::all(n) {
        for fb in FactionIx::all(n) {
            if fa == fb {
                continue;
            }
            let opinion = relations.opinion(fa, fb);
            let drift = if relations.at_war(fa, fb) { -rules.war_opinion_drift } else { -opinion * rules.opinion_fade };
            relations.add_opinion(fa, fb, drift);
        }
    }
    for slot in &mut treaties.0 {
        let expired = slot.as_ref().is_some_and(|t| matches!(t.terms, TreatyTerms::Truce { until } if until < date));
        if expired {
            *slot = None;
        }
    }
    for t in treaties.all() {
        if t.arrears > 0.0
            && let (Some(&payer), Some(&payee)) = (t.parties.first(), t.parties.get(1))
        {
            relations.add_trust(payee, payer, -rules.arrears_trust);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::testing::{scenario, sim_with_humans};
    use crate::sim::{Order, Proposal};

    /// The test world with a third faction, Green, holding a fourth province `d` beyond `c`,
    /// Red's vassal paying it half its income; Red and Blue at war as ever.
    fn with_a_vassal() -> crate::sim::Sim {
        let mut s = scenario(
            "",
            r#"treaties: [Treaty(id: "fealty", name: "Green's fealty", parties: ["red", "green"],
                kind: Vassal(overlord: "red", vassal: "green", tribute: 0.5))],"#,
        );
        let mut green = s.factions[0].clone();
        (green.id, green.name, green.capital) = ("green".into(), "Green".into(), Some("d".into()));
        s.factions.push(green);
        let mut d = s.provinces[2].clone();
        (d.id, d.name, d.owner, d.position) = ("d".into(), "D".into(), Some("green".into()), (103.0, 30.0));
        s.provinces.push(d);
        let mut road = s.connections[1].clone();
        (road.from, road.to) = ("c".into(), "d".into());
        s.connections.push(road);
        sim_with_humans(s, 1, &["red", "blue", "green"])
    }

    /// Red, which falls with its ruler, under a captive Red General; Red holds `a` and `b` and has
    /// an army at `a`; with `heir`, Blue General serves Red as its heir.
    fn captive_ruler(heir: bool) -> crate::sim::Sim {
        use crate::scenario::Role;
        use crate::sim::state::{Entities, Person, Status};
        let mut s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 3000})"#,
            "",
        );
        s.provinces[1].owner = Some("red".into());
        s.factions[0].falls_with_ruler = true;
        s.factions[0].ruler = Some("red_general".into());
        s.characters[0].roles.push(Role::Ruler);
        if heir {
            s.characters[1].faction = Some("red".into());
            s.characters[1].roles = vec![Role::Heir];
        }
        let mut game = sim_with_humans(s, 1, &["red", "blue"]);
        let e = game.world().resource::<Entities>().character(game.data().character("red_general"));
        game.world_mut().get_mut::<Person>(e).expect("a person").status = Status::Captive;
        game.step();
        game
    }

    #[test]
    fn a_state_that_falls_with_its_ruler_ends_when_he_is_captive_and_no_heir_is_left() {
        use crate::sim::state::{InPlay, Owner};
        use crate::sim::testing::{army, faction, province};
        let game = captive_ruler(false);
        assert!(!faction::<InPlay>(&game, "red").0, "Red is no more");
        let blue = game.data().faction("blue");
        assert_eq!(province::<Owner>(&game, "a").0, Some(blue), "its lands pass to its enemy");
        assert_eq!(province::<Owner>(&game, "b").0, Some(blue));
        assert!(army::<crate::sim::state::Troops>(&game, "red_army").is_none(), "its army disbands");
        let lines = crate::sim::testing::chronicle(&game);
        let line = "Red is no more: its ruler is a captive and no heir is left to it; its lands pass to Blue.";
        assert!(lines.iter().any(|l| l.ends_with(line)), "{lines:?}");
        // With an heir, the state stands: a captive is not dead.
        let game = captive_ruler(true);
        assert!(faction::<InPlay>(&game, "red").0, "Red stands while its heir is free");
        assert_eq!(province::<Owner>(&game, "a").0, Some(game.data().faction("red")));
    }

    #[test]
    fn a_vassal_follows_its_overlord_to_war_and_peace_and_pays_its_share() {
        use crate::sim::state::{Relations, Treasury};
        use crate::sim::testing::faction;
        let mut game = with_a_vassal();
        let (red, blue, green) =
            (game.data().faction("red"), game.data().faction("blue"), game.data().faction("green"));
        let (red_before, green_before) =
            (faction::<Treasury>(&game, "red").silver, faction::<Treasury>(&game, "green").silver);
        game.step();
        assert!(game.world().resource::<Relations>().at_war(green, blue), "Green goes to war on Red's enemy");
        // Each province yields 10 a month: Green keeps half of its own, Red gets the other half.
        assert_eq!(faction::<Treasury>(&game, "green").silver, green_before + 5.0);
        assert_eq!(faction::<Treasury>(&game, "red").silver, red_before + 10.0 + 5.0);
        game.world_mut().resource_mut::<Relations>().set_war(red, blue, false);
        game.step();
        assert!(!game.world().resource::<Relations>().at_war(green, blue), "and makes peace when Red does");
        let lines = crate::sim::testing::chronicle(&game);
        assert!(lines.iter().any(|l| l.ends_with("Green, Red's vassal, goes to war on Blue.")), "{lines:?}");
        assert!(lines.iter().any(|l| l.ends_with("Green makes peace with Blue at Red's word.")), "{lines:?}");
    }

    #[test]
    fn a_faction_with_no_land_and_no_army_leaves_play_once() {
        // Red has lost its only province and has no army; Blue has both.
        let mut s = scenario(
            r#"Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "c", troops: {"infantry": 3000})"#,
            r#"treaties: [Treaty(id: "old_tribute", name: "The old tribute", parties: ["red", "blue"], kind: Tribute(payer: "red", payee: "blue", yearly: 10))],"#,
        );
        s.provinces[0].owner = Some("blue".into());
        s.factions[0].capital = None;
        let mut game = sim_with_humans(s, 1, &[]);
        game.step();
        game.step();
        let (red, blue) = (game.data().faction("red"), game.data().faction("blue"));
        let e = game.world().resource::<crate::sim::state::Entities>().faction(red);
        assert!(!game.world().get::<crate::sim::state::InPlay>(e).expect("a faction").0);
        assert!(!game.world().resource::<crate::sim::state::Relations>().at_war(red, blue), "its wars end");
        assert!(game.world().resource::<crate::sim::state::Treaties>().all().next().is_none(), "and its treaties");
        let lines = crate::sim::testing::chronicle(&game);
        let told: Vec<_> = lines.iter().filter(|l| l.contains("Red is no more")).collect();
        assert_eq!(told.len(), 1, "{lines:?}");
        assert!(told[0].contains("The old tribute ends."), "{told:?}");
        // Blue, with land and an army, plays on.
        let e = game.world().resource::<crate::sim::state::Entities>().faction(blue);
        assert!(game.world().get::<crate::sim::state::InPlay>(e).expect("a faction").0);
    }

    #[test]
    fn an_event_may_take_a_faction_out_of_play() {
        let events = r#"events: [Event(id: "abdication", title: "Abdication", faction: "red",
            options: [Option(id: "yield", name: "Yield", effects: [DeactivateFaction("red")])])],"#;
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 3000})"#,
            events,
        );
        let mut game = sim_with_humans(s, 1, &["blue"]);
        game.step();
        let (red, blue) = (game.data().faction("red"), game.data().faction("blue"));
        let e = game.world().resource::<crate::sim::state::Entities>().faction(red);
        assert!(!game.world().get::<crate::sim::state::InPlay>(e).expect("a faction").0, "land and army or not");
        assert!(!game.world().resource::<crate::sim::state::Relations>().at_war(red, blue));
        let lines = crate::sim::testing::chronicle(&game);
        assert!(lines.iter().any(|l| l.contains("Red is no more: it leaves the stage.")), "{lines:?}");
    }

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

    /// Found by the soak of random orders: Red, played by a human, proposed an alliance against
    /// itself to itself, accepted it, and was at war with itself. Malformed proposals are passed
    /// over; a well-formed one still waits for its answer.
    #[test]
    fn proposals_to_oneself_against_oneself_or_of_a_negative_indemnity_are_passed_over() {
        let mut game = sim_with_humans(scenario("", ""), 3, &["red", "blue"]);
        let (red, blue) = (game.data().faction("red"), game.data().faction("blue"));
        let malformed = [
            (red, Proposal::Alliance { against: red }),
            (blue, Proposal::Alliance { against: red }),
            (blue, Proposal::Alliance { against: blue }),
            (red, Proposal::Truce { months: 6 }),
            (blue, Proposal::Peace { indemnity: -1000.0, ceded: Vec::new() }),
            (blue, Proposal::Demand { indemnity: f64::INFINITY, ceded: Vec::new() }),
            (blue, Proposal::Truce { months: u32::MAX }),
        ];
        for (to, proposal) in malformed {
            game.give(red, Order::Propose { to, proposal });
        }
        game.give(red, Order::Propose { to: blue, proposal: Proposal::Truce { months: 6 } });
        game.step();
        let view = game.view();
        assert_eq!(
            view.proposals.len(),
            1,
            "only the truce waits: {:?}",
            view.proposals.iter().map(|p| &p.text).collect::<Vec<_>>()
        );
        for index in 0..view.proposals.len() {
            game.give(red, Order::AnswerProposal { proposal: index, accept: true });
            game.give(blue, Order::AnswerProposal { proposal: index, accept: true });
        }
        game.step();
        assert!(!game.world().resource::<crate::sim::state::Relations>().at_war(red, red));
        assert!(game.invariant_violations().is_empty(), "{:?}", game.invariant_violations());
    }
}
