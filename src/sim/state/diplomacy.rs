//! Relations between factions, the treaties in force, proposals waiting for an answer, and the
//! war goals that bind the AI.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::orders::Proposal;
use crate::scenario::Date;
use crate::sim::collect::refill;
use crate::sim::compiled::{TreatySpec, TreatyTerms};
use crate::sim::ids::{FactionIx, ProvinceIx};
use crate::sim::units::{MIDDLE, OPINION_SCALE, PERCENT, opinion, points};

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
        Self { n, opinion: vec![0.0; n * n], trust: vec![MIDDLE; n * n], war: vec![false; n * n] }
    }

    /// The number of factions.
    pub fn size(&self) -> usize {
        self.n
    }

    /// Whether these are relations of `factions` factions, every table full and every figure on
    /// its scale give or take `rounding` (a save may have been edited); if not, the table that
    /// is not and why.
    pub fn fits(&self, factions: usize, rounding: f64) -> Result<(), (&'static str, String)> {
        if self.n != factions {
            return Err(("n", format!("{} factions, the scenario has {factions}", self.n)));
        }
        let cells = factions * factions;
        let sizes = [("opinion", self.opinion.len()), ("trust", self.trust.len()), ("war", self.war.len())];
        if let Some((table, len)) = sizes.into_iter().find(|(_, len)| *len != cells) {
            return Err((table, format!("{len} entries, {factions} factions have {cells}")));
        }
        let on_scale = |x: f64, low: f64, high: f64| x.is_finite() && x >= low - rounding && x <= high + rounding;
        let off = |table: &'static str, i: usize, x: f64, low: f64, high: f64| {
            Err((table, format!("[{i}] is {x:e}, outside {low} to {high}")))
        };
        if let Some(i) = self.opinion.iter().position(|x| !on_scale(*x, -OPINION_SCALE, OPINION_SCALE)) {
            return off("opinion", i, self.opinion[i], -OPINION_SCALE, OPINION_SCALE);
        }
        if let Some(i) = self.trust.iter().position(|x| !on_scale(*x, 0.0, PERCENT)) {
            return off("trust", i, self.trust[i], 0.0, PERCENT);
        }
        Ok(())
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
        self.opinion[i] = opinion(self.opinion[i] + add);
    }

    pub fn add_trust(&mut self, of: FactionIx, towards: FactionIx, add: f64) {
        let i = self.at(of, towards);
        self.trust[i] = points(self.trust[i] + add);
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

impl TreatyState {
    /// A scenario treaty signed on `since`.
    pub fn signed(spec: &TreatySpec, since: Date) -> Self {
        Self {
            ix: spec.ix,
            name: spec.name.clone(),
            parties: spec.parties.clone(),
            terms: spec.terms.clone(),
            since,
            arrears: 0.0,
        }
    }

    /// Whether both `a` and `b` are parties to it.
    pub fn binds(&self, a: FactionIx, b: FactionIx) -> bool {
        self.parties.contains(&a) && self.parties.contains(&b)
    }
}

/// Every treaty, by index; `None` when not in force.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Treaties(pub Vec<Option<TreatyState>>);

impl Treaties {
    pub fn in_force(&self, ix: usize) -> bool {
        self.0.get(ix).is_some_and(Option::is_some)
    }

    /// The treaties in force, in slot order.
    pub fn all(&self) -> impl Iterator<Item = &TreatyState> {
        self.0.iter().flatten()
    }

    /// The faction a peace in force gave `province` to, if its owner is someone else: the
    /// province refused the cession, and the claimant may fight for it without breaking the peace.
    pub fn claimant(&self, province: ProvinceIx, owner: Option<FactionIx>) -> Option<FactionIx> {
        self.all().find_map(|t| match &t.terms {
            TreatyTerms::Peace { ceded, .. } => {
                ceded.iter().find(|(p, to)| *p == province && Some(*to) != owner).map(|(_, to)| *to)
            }
            _ => None,
        })
    }

    /// [`Treaties::claimant`] of every province at once, into `claimants`, `owners` giving each
    /// province's owner.
    pub fn claimants(&self, owners: &[Option<FactionIx>], claimants: &mut Vec<Option<FactionIx>>) {
        refill(claimants, owners.len(), None);
        // The first treaty, and within it the first cession, that claims a province decides.
        for t in self.all() {
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

    /// War ends every treaty between the two.
    pub fn end_between(&mut self, a: FactionIx, b: FactionIx) {
        for slot in &mut self.0 {
            if slot.as_ref().is_some_and(|t| t.binds(a, b)) {
                *slot = None;
            }
        }
    }

    /// Ends every treaty `faction` is a party to, returning their names.
    pub fn end_all_of(&mut self, faction: FactionIx) -> Vec<String> {
        let mut ended = Vec::new();
        for slot in &mut self.0 {
            if slot.as_ref().is_some_and(|t| t.parties.contains(&faction))
                && let Some(t) = slot.take()
            {
                ended.push(t.name);
            }
        }
        ended
    }

    /// Whether a truce binds the two on `date`.
    pub fn truce(&self, a: FactionIx, b: FactionIx, date: Date) -> bool {
        self.all().any(|t| matches!(t.terms, TreatyTerms::Truce { until } if until >= date) && t.binds(a, b))
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

/// Each faction's war goals in force this month (war plans marked `goal`): it makes no peace with
/// a faction holding one. Recomputed every turn from the war plans, so not saved.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct WarGoals(pub Vec<Vec<ProvinceIx>>);

impl WarGoals {
    /// A goal of `faction` that `holder`'s provinces include, if any.
    pub fn unmet(&self, faction: FactionIx, held_by: impl Fn(ProvinceIx) -> bool) -> Option<ProvinceIx> {
        self.0.get(faction.get())?.iter().copied().find(|p| held_by(*p))
    }
}
