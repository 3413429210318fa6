//! What a save must hold before any rule reads it: every index, length and value in range of its
//! scenario and of what the rules can produce. A save is a file anyone can edit; the rules index
//! tables with its numbers and do arithmetic on its figures, so an edited save is refused here, with
//! the field it is about named as the save's JSON names it, rather than panicking or playing on
//! with infinities and NaNs.
use std::fmt::Display;

use super::{SaveError, Snapshot};
use crate::scenario::{Date, Scenario};
use crate::sim::compiled::TreatyTerms;
use crate::sim::data::StaticData;
use crate::sim::ids::{ArmyIx, CharacterIx, FactionIx, ProvinceIx};
use crate::sim::state::{Order, PendingEffect, Players, Proposal};
use crate::sim::units::{MAX_WALLS, PERCENT};

/// The largest quantity a save may hold: men, people, silver, grain, days marched. A thousand
/// times what a scenario may state (`MAX_QUANTITY`), for what a long game adds up, and small enough that no sum or product of the rules overflows.
const MAX_SAVED_QUANTITY: f64 = 1e15;

/// How far past the ends of its scale (0-100, 0-10, -100-100) a saved figure may be: a merged
/// army's average morale is rounded, and may land a hair above 100.
const ROUNDING: f64 = 1e-6;

/// Why a field does not fit: the field, as the save's JSON names it, and what is wrong with it.
fn invalid(field: impl Display, problem: impl Display) -> SaveError {
    SaveError::Invalid { path: None, field: field.to_string(), problem: problem.to_string() }
}

/// The sizes of the scenario a save is checked against, and how far its game has got.
pub(super) struct Fit<'a> {
    scenario: &'a Scenario,
    factions: usize,
    provinces: usize,
    characters: usize,
    slots: usize,
    /// Months played: no count of months a save holds is larger (but by the month under way).
    turn: u32,
}

type Checked = Result<(), SaveError>;

impl<'a> Fit<'a> {
    pub(super) fn new(data: &'a StaticData, turn: u32) -> Self {
        let s = &data.scenario;
        Self {
            scenario: s,
            factions: s.factions.len(),
            provinces: s.provinces.len(),
            characters: s.characters.len(),
            slots: data.army_slots(),
            turn,
        }
    }

    fn faction(&self, f: FactionIx, field: impl FnOnce() -> String) -> Checked {
        if f.get() < self.factions {
            return Ok(());
        }
        Err(invalid(field(), format!("faction {}, the scenario has {}", f.get(), self.factions)))
    }

    fn province(&self, p: ProvinceIx, field: impl FnOnce() -> String) -> Checked {
        if p.get() < self.provinces {
            return Ok(());
        }
        Err(invalid(field(), format!("province {}, the scenario has {}", p.get(), self.provinces)))
    }

    fn character(&self, c: CharacterIx, field: impl FnOnce() -> String) -> Checked {
        self.character_ix(c.get(), field)
    }

    fn character_ix(&self, c: usize, field: impl FnOnce() -> String) -> Checked {
        if c < self.characters {
            return Ok(());
        }
        Err(invalid(field(), format!("character {c}, the scenario has {}", self.characters)))
    }

    fn army(&self, a: ArmyIx, field: impl FnOnce() -> String) -> Checked {
        if a.get() < self.slots {
            return Ok(());
        }
        Err(invalid(field(), format!("army {}, the scenario has {} army slots", a.get(), self.slots)))
    }

    fn event(&self, e: usize, field: impl FnOnce() -> String) -> Checked {
        if e < self.scenario.events.len() {
            return Ok(());
        }
        Err(invalid(field(), format!("event {e}, the scenario has {}", self.scenario.events.len())))
    }

    /// Option `o` of event `e`, `e` being in range.
    fn option(&self, e: usize, o: usize, field: impl FnOnce() -> String) -> Checked {
        let options = self.scenario.events[e].options.len();
        if o < options {
            return Ok(());
        }
        Err(invalid(field(), format!("option {o}, event {e} has {options}")))
    }

    /// An answer: event `e`, option `o`.
    fn answer(&self, (e, o): (usize, usize), field: impl Fn() -> String) -> Checked {
        self.event(e, &field)?;
        self.option(e, o, field)
    }

    fn troop_kind(&self, k: usize, field: impl FnOnce() -> String) -> Checked {
        let kinds = self.scenario.troop_kinds.len();
        if k < kinds {
            return Ok(());
        }
        Err(invalid(field(), format!("troop kind {k}, the scenario has {kinds}")))
    }

    /// A count of months of something under way: no more than the months played and this one.
    fn months(&self, n: u32, field: impl FnOnce() -> String) -> Checked {
        if n <= self.turn.saturating_add(1) {
            return Ok(());
        }
        Err(invalid(field(), format!("{n} months, more than the {} played", self.turn)))
    }
}

/// A saved figure as an error shows it: a huge one in exponent form, not three hundred digits.
fn figure(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e9 { format!("{x:e}") } else { x.to_string() }
}

/// A quantity (men, people, silver, grain, days): a number, not below zero, at most
/// [`MAX_SAVED_QUANTITY`].
fn quantity(x: f64, field: impl FnOnce() -> String) -> Checked {
    if !x.is_finite() {
        return Err(invalid(field(), format!("{x} is not a number")));
    }
    // The rules never leave a quantity below zero (they take at most what there is, and the
    // soak checks it every month), so a save may not either: -1 men loaded and stayed -1.
    if x < 0.0 {
        return Err(invalid(field(), format!("{} is negative", figure(x))));
    }
    if x > MAX_SAVED_QUANTITY {
        let x = figure(x);
        return Err(invalid(field(), format!("{x} is more than the largest a save may hold, {MAX_SAVED_QUANTITY:e}")));
    }
    Ok(())
}

/// A figure on a scale from `low` to `high`.
fn scale(x: f64, low: f64, high: f64, field: impl FnOnce() -> String) -> Checked {
    if x.is_finite() && (low - ROUNDING..=high + ROUNDING).contains(&x) {
        return Ok(());
    }
    Err(invalid(field(), format!("{}, outside {low} to {high}", figure(x))))
}

/// A real month of a year a scenario may use.
fn date(d: Date, field: impl FnOnce() -> String) -> Checked {
    if d.is_valid() {
        return Ok(());
    }
    Err(invalid(
        field(),
        format!("{d} is not a month of a year from {} to {}", crate::scenario::MIN_YEAR, crate::scenario::MAX_YEAR),
    ))
}

impl Snapshot {
    /// Every field in range of the scenario (whose tables are known to have its sizes) and of
    /// what the rules produce; the first that is not, named.
    pub(super) fn check_fields(&self, data: &StaticData) -> Checked {
        let fit = Fit::new(data, self.calendar.turn);
        self.check_calendar(data)?;
        self.check_map(&fit)?;
        self.check_armies(&fit, data)?;
        self.check_diplomacy(&fit)?;
        self.check_events(&fit, data)?;
        self.check_sieges(&fit, data)?;
        self.check_records(&fit)?;
        self.check_commands(&fit)
    }

    /// The calendar is the scenario's, as far on as the turns played say.
    fn check_calendar(&self, data: &StaticData) -> Checked {
        let c = &self.calendar;
        let s = &data.scenario;
        date(c.date, || "calendar.date".into())?;
        if c.start != s.start {
            return Err(invalid("calendar.start", format!("{}, the scenario starts in {}", c.start, s.start)));
        }
        if c.end != s.end {
            return Err(invalid("calendar.end", format!("{}, the scenario ends in {}", c.end, s.end)));
        }
        if c.date < c.start {
            return Err(invalid("calendar.date", format!("{}, before the scenario's start, {}", c.date, c.start)));
        }
        if i64::from(c.turn) != c.start.months_until(c.date) {
            let played = c.start.months_until(c.date);
            return Err(invalid("calendar.turn", format!("{}, but {played} months were played by {}", c.turn, c.date)));
        }
        Ok(())
    }

    /// Factions, provinces and characters.
    fn check_map(&self, fit: &Fit) -> Checked {
        for (i, f) in self.factions.iter().enumerate() {
            let at = |what: &str| format!("factions[{i}].{what}");
            quantity(f.treasury.silver, || at("treasury.silver"))?;
            quantity(f.treasury.grain, || at("treasury.grain"))?;
            scale(f.standing.legitimacy, 0.0, PERCENT, || at("standing.legitimacy"))?;
            scale(f.standing.cohesion, 0.0, PERCENT, || at("standing.cohesion"))?;
            if let Some(c) = f.ruler.0 {
                fit.character(c, || at("ruler"))?;
            }
            if let Some(p) = f.capital.0 {
                fit.province(p, || at("capital"))?;
            }
        }
        for (i, p) in self.provinces.iter().enumerate() {
            let at = |what: &str| format!("provinces[{i}].{what}");
            if let Some(f) = p.owner.0 {
                fit.faction(f, || at("owner"))?;
            }
            if let Some(f) = p.populace.loyal_to {
                fit.faction(f, || at("populace.loyal_to"))?;
            }
            quantity(p.populace.population, || at("populace.population"))?;
            quantity(p.populace.wealth, || at("populace.wealth"))?;
            scale(p.populace.loyalty, 0.0, PERCENT, || at("populace.loyalty"))?;
            scale(p.defences.walls, 0.0, MAX_WALLS, || at("defences.walls"))?;
            quantity(p.defences.garrison, || at("defences.garrison"))?;
            quantity(p.defences.grain, || at("defences.grain"))?;
        }
        for (i, c) in self.characters.iter().enumerate() {
            let at = |what: &str| format!("characters[{i}].{what}");
            if c.ix.get() != i {
                return Err(invalid(at("ix"), format!("{}, in place {i}", c.ix.get())));
            }
            if let Some(f) = c.faction {
                fit.faction(f, || at("faction"))?;
            }
            scale(c.loyalty, 0.0, PERCENT, || at("loyalty"))?;
        }
        if let Some(lists) = &self.traits {
            // Their number is checked with the other tables'.
            let known = fit.scenario.traits.len();
            for (c, list) in lists.iter().enumerate() {
                if let Some((j, t)) = list.iter().enumerate().find(|(_, t)| **t >= known) {
                    return Err(invalid(format!("traits[{c}][{j}]"), format!("trait {t}, the scenario has {known}")));
                }
            }
        }
        if let Some(names) = &self.names {
            names.fits_in(fit.scenario, fit.slots).map_err(|problem| invalid("names", problem))?;
        }
        for (p, foraged) in self.foraged.0.iter().enumerate() {
            quantity(*foraged, || format!("foraged[{p}]"))?;
        }
        for (p, first) in self.first_transfers.0.iter().enumerate() {
            if let Some(d) = first {
                date(*d, || format!("first_transfers[{p}]"))?;
            }
        }
        Ok(())
    }

    /// The armies in the field and the levies mustering.
    fn check_armies(&self, fit: &Fit, data: &StaticData) -> Checked {
        let kinds = fit.scenario.troop_kinds.len();
        for (i, slot) in self.armies.iter().enumerate() {
            let Some(a) = slot else { continue };
            let at = |what: &str| format!("armies[{i}].{what}");
            if a.army.ix.get() != i {
                return Err(invalid(at("army.ix"), format!("{}, in slot {i}", a.army.ix.get())));
            }
            fit.faction(a.army.owner, || at("army.owner"))?;
            fit.province(a.army.location, || at("army.location"))?;
            if let Some(c) = a.army.commander {
                fit.character(c, || at("army.commander"))?;
            }
            let men = a.troops.men();
            if men.len() != kinds {
                return Err(invalid(at("troops"), format!("{} troop kinds, the scenario has {kinds}", men.len())));
            }
            for (k, n) in men.iter().enumerate() {
                quantity(*n, || format!("armies[{i}].troops[{k}]"))?;
            }
            // All of its men together, too: the rules add them up.
            quantity(a.troops.total(), || at("troops"))?;
            scale(a.spirit.morale, 0.0, PERCENT, || at("spirit.morale"))?;
            scale(a.spirit.supply, 0.0, PERCENT, || at("spirit.supply"))?;
            quantity(a.spirit.grain, || at("spirit.grain"))?;
            if let Some(p) = a.plan.destination {
                fit.province(p, || at("plan.destination"))?;
            }
            if let Some(t) = a.plan.raid {
                fit.army(t, || at("plan.raid"))?;
            }
            quantity(a.plan.progress, || at("plan.progress"))?;
        }
        // A levy musters for at most the months the rules give it.
        let muster = data.rules().levy_months.round().max(0.0);
        for (i, levy) in self.levies.mustering.iter().enumerate() {
            let at = |what: &str| format!("levies.mustering[{i}].{what}");
            fit.faction(levy.faction, || at("faction"))?;
            fit.province(levy.province, || at("province"))?;
            quantity(levy.men, || at("men"))?;
            if f64::from(levy.months_left) > muster {
                return Err(invalid(at("months_left"), format!("{}, levies muster for {muster}", levy.months_left)));
            }
            if let Some(k) = levy.kind {
                fit.troop_kind(k, || at("kind"))?;
            }
            if let Some(a) = levy.join {
                fit.army(a, || at("join"))?;
            }
        }
        let mut last = None;
        for (i, (p, until)) in self.levies.resting.iter().enumerate() {
            fit.province(*p, || format!("levies.resting[{i}]"))?;
            date(*until, || format!("levies.resting[{i}]"))?;
            if last.is_some_and(|last| last >= *p) {
                return Err(invalid(format!("levies.resting[{i}]"), "not in province order"));
            }
            last = Some(*p);
        }
        Ok(())
    }

    /// Relations, treaties and proposals.
    fn check_diplomacy(&self, fit: &Fit) -> Checked {
        self.relations
            .fits(fit.factions, ROUNDING)
            .map_err(|(field, problem)| invalid(format!("relations.{field}"), problem))?;
        for (i, slot) in self.treaties.0.iter().enumerate() {
            let Some(t) = slot else { continue };
            let at = |what: &str| format!("treaties[{i}].{what}");
            if t.ix != i {
                return Err(invalid(at("ix"), format!("{}, in slot {i}", t.ix)));
            }
            for (j, f) in t.parties.iter().enumerate() {
                fit.faction(*f, || at(&format!("parties[{j}]")))?;
            }
            date(t.since, || at("since"))?;
            quantity(t.arrears, || at("arrears"))?;
            check_terms(fit, &t.terms, |what| at(&format!("terms.{what}")))?;
        }
        for (i, p) in self.proposals.0.iter().enumerate() {
            let at = |what: &str| format!("proposals[{i}].{what}");
            fit.faction(p.from, || at("from"))?;
            fit.faction(p.to, || at("to"))?;
            check_proposal(fit, &p.proposal, |what| at(&format!("proposal.{what}")))?;
            date(p.date, || at("date"))?;
        }
        Ok(())
    }

    /// Events, their answers and flags, and who answers them.
    fn check_events(&self, fit: &Fit, data: &StaticData) -> Checked {
        for (i, c) in self.choices.0.iter().enumerate() {
            let at = |what: &str| format!("choices[{i}].{what}");
            fit.event(c.event, || at("event"))?;
            fit.option(c.event, c.option, || at("option"))?;
            fit.faction(c.faction, || at("faction"))?;
            date(c.date, || at("date"))?;
        }
        for e in &self.events.forced {
            fit.event(*e, || "events.forced".into())?;
        }
        for (i, e) in self.events.awaiting.iter().enumerate() {
            fit.event(*e, || format!("events.awaiting[{i}]"))?;
        }
        for (i, answer) in self.answers.0.iter().enumerate() {
            fit.answer(*answer, || format!("answers[{i}]"))?;
        }
        check_players(fit, &self.players, "players")?;
        if let Some(flag) = self.flags.iter().find(|f| !data.ids.flags.contains_key(*f)) {
            return Err(invalid("flags", format!("\"{flag}\", which no effect of the scenario sets")));
        }
        Ok(())
    }

    /// Sieges under way and the record of sieges.
    fn check_sieges(&self, fit: &Fit, data: &StaticData) -> Checked {
        let luck = data.rules().siege_store_luck.abs();
        for (p, slot) in self.sieges.0.iter().enumerate() {
            let Some(siege) = slot else { continue };
            let at = |what: &str| format!("sieges[{p}].{what}");
            fit.faction(siege.besieger, || at("besieger"))?;
            date(siege.since, || at("since"))?;
            fit.months(siege.months, || at("months"))?;
            fit.months(siege.starving, || at("starving"))?;
            fit.months(siege.sallies, || at("sallies"))?;
            quantity(siege.breach, || at("breach"))?;
            // What `siege_store_luck` draws: 1 give or take the luck.
            scale(siege.rations, 1.0 - luck, 1.0 + luck, || at("rations"))?;
            if let Some(sortie) = siege.sortie {
                quantity(sortie.men, || at("sortie.men"))?;
                fit.troop_kind(sortie.kind, || at("sortie.kind"))?;
            }
            if let Some(surprise) = siege.surprise {
                fit.army(surprise.army, || at("surprise.army"))?;
                quantity(surprise.men, || at("surprise.men"))?;
            }
        }
        for (i, r) in self.siege_log.0.iter().enumerate() {
            let at = |what: &str| format!("siege_log[{i}].{what}");
            fit.province(r.province, || at("province"))?;
            fit.faction(r.besieger, || at("besieger"))?;
            if let Some(f) = r.defender {
                fit.faction(f, || at("defender"))?;
            }
            date(r.start, || at("start"))?;
            if let Some(end) = r.end {
                date(end, || at("end"))?;
            }
            fit.months(r.months, || at("months"))?;
        }
        Ok(())
    }

    /// The historical record, the outcome, the chronicle, the trends and the effects in flight.
    fn check_records(&self, fit: &Fit) -> Checked {
        for (i, check) in self.history.0.iter().enumerate() {
            if let Some(d) = check.happened {
                date(d, || format!("history[{i}].happened"))?;
            }
        }
        if let Some(over) = &self.game_over.0 {
            if let Some(f) = over.winner {
                fit.faction(f, || "game_over.winner".into())?;
            }
            let victories = fit.scenario.victory.len();
            if let Some(v) = over.victory.filter(|v| *v >= victories) {
                return Err(invalid("game_over.victory", format!("victory {v}, the scenario has {victories}")));
            }
            date(over.date, || "game_over.date".into())?;
        }
        for (i, entry) in self.chronicle.0.iter().enumerate() {
            date(entry.date, || format!("chronicle[{i}].date"))?;
        }
        if !self.trends.fits(fit.factions) {
            return Err(invalid(
                "trends",
                format!("not one entry per faction ({}) a month, months rising", fit.factions),
            ));
        }
        for (i, point) in self.trends.0.iter().enumerate() {
            if point.month > self.calendar.turn {
                let turn = self.calendar.turn;
                return Err(invalid(format!("trends[{i}].month"), format!("{}, only {turn} played", point.month)));
            }
            for (f, m) in point.factions.iter().enumerate() {
                let at = |what: &str| format!("trends[{i}].factions[{f}].{what}");
                if m.provinces as usize > fit.provinces {
                    return Err(invalid(
                        at("provinces"),
                        format!("{}, the scenario has {}", m.provinces, fit.provinces),
                    ));
                }
                quantity(m.men, || at("men"))?;
                quantity(m.silver, || at("silver"))?;
            }
        }
        for (i, effect) in self.pending_effects.iter().enumerate() {
            let at = || format!("pending_effects[{i}]");
            match *effect {
                PendingEffect::Fall(c) | PendingEffect::Die(c) => fit.character(c, at)?,
                PendingEffect::Defect { character, to, .. } => {
                    fit.character(character, at)?;
                    fit.faction(to, at)?;
                }
            }
        }
        Ok(())
    }

    /// The orders queued and the command log.
    fn check_commands(&self, fit: &Fit) -> Checked {
        for (i, (f, order)) in self.pending_orders.0.iter().enumerate() {
            let at = |what: &str| format!("pending_orders[{i}]{what}");
            fit.faction(*f, || at(""))?;
            check_order(fit, order, || at(""))?;
        }
        if let Some(start) = &self.log.start {
            check_players(fit, &start.players, "log.start.players")?;
        }
        for (m, month) in self.log.months.iter().enumerate() {
            let at = |what: &str| format!("log.months[{m}].{what}");
            date(month.date, || at("date"))?;
            if let Some(players) = &month.players {
                check_players(fit, players, &at("players"))?;
            }
            for (i, (f, order)) in month.orders.iter().enumerate() {
                fit.faction(*f, || at(&format!("orders[{i}]")))?;
                check_order(fit, order, || at(&format!("orders[{i}]")))?;
            }
            for (i, answer) in month.answers.iter().enumerate() {
                fit.answer(*answer, || at(&format!("answers[{i}]")))?;
            }
        }
        Ok(())
    }
}

/// Who plays, and the answers imposed.
fn check_players(fit: &Fit, players: &Players, field: &str) -> Checked {
    for f in &players.humans {
        fit.faction(*f, || format!("{field}.humans"))?;
    }
    for (e, o) in &players.imposed {
        fit.answer((*e, *o), || format!("{field}.imposed"))?;
    }
    Ok(())
}

/// A treaty's terms.
fn check_terms(fit: &Fit, terms: &TreatyTerms, at: impl Fn(&str) -> String) -> Checked {
    match terms {
        TreatyTerms::Alliance { against, shares } => {
            for f in against {
                fit.faction(*f, || at("Alliance.against"))?;
            }
            for (f, provinces) in shares {
                fit.faction(*f, || at("Alliance.shares"))?;
                for p in provinces {
                    fit.province(*p, || at("Alliance.shares"))?;
                }
            }
        }
        TreatyTerms::Tribute { payer, payee, yearly } => {
            fit.faction(*payer, || at("Tribute.payer"))?;
            fit.faction(*payee, || at("Tribute.payee"))?;
            quantity(*yearly, || at("Tribute.yearly"))?;
        }
        // Any month after a truce's signing: a truce may be asked for many years.
        TreatyTerms::Truce { until } if !(1..=12).contains(&until.month) => {
            return Err(invalid(at("Truce.until"), format!("{until} is not a month")));
        }
        TreatyTerms::Truce { .. } => {}
        TreatyTerms::Vassal { overlord, vassal, tribute } => {
            fit.faction(*overlord, || at("Vassal.overlord"))?;
            fit.faction(*vassal, || at("Vassal.vassal"))?;
            scale(*tribute, 0.0, 1.0, || at("Vassal.tribute"))?;
        }
        TreatyTerms::Peace { payer, payee, indemnity_left, instalment, hostages, ceded } => {
            if let Some(f) = payer {
                fit.faction(*f, || at("Peace.payer"))?;
            }
            fit.faction(*payee, || at("Peace.payee"))?;
            quantity(*indemnity_left, || at("Peace.indemnity_left"))?;
            quantity(*instalment, || at("Peace.instalment"))?;
            for (i, c) in hostages.iter().enumerate() {
                fit.character_ix(*c, || at(&format!("Peace.hostages[{i}]")))?;
            }
            for (i, (p, to)) in ceded.iter().enumerate() {
                fit.province(*p, || at(&format!("Peace.ceded[{i}]")))?;
                fit.faction(*to, || at(&format!("Peace.ceded[{i}]")))?;
            }
        }
    }
    Ok(())
}

/// A proposal's terms.
fn check_proposal(fit: &Fit, proposal: &Proposal, at: impl Fn(&str) -> String) -> Checked {
    match proposal {
        Proposal::Peace { indemnity, ceded } | Proposal::Demand { indemnity, ceded } => {
            quantity(*indemnity, || at("indemnity"))?;
            for (i, p) in ceded.iter().enumerate() {
                fit.province(*p, || at(&format!("ceded[{i}]")))?;
            }
        }
        Proposal::Truce { .. } => {}
        Proposal::Alliance { against } => fit.faction(*against, || at("against"))?,
    }
    Ok(())
}

/// An order's indices and figures.
fn check_order(fit: &Fit, order: &Order, at: impl Fn() -> String) -> Checked {
    if let Some(a) = order.army() {
        fit.army(a, &at)?;
    }
    match order {
        Order::March { to, .. } => fit.province(*to, at),
        Order::Raid { target, .. } => fit.army(*target, at),
        Order::Propose { to, proposal } => {
            fit.faction(*to, &at)?;
            check_proposal(fit, proposal, |_| at())
        }
        Order::DeclareWar { on } => fit.faction(*on, at),
        Order::Levy { province, men } => {
            fit.province(*province, &at)?;
            quantity(*men, at)
        }
        Order::Hold { .. } | Order::Besiege { .. } | Order::Disband { .. } | Order::AnswerProposal { .. } => Ok(()),
    }
}
