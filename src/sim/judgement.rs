//! How an AI court judges the balance of power, a proposal of peace and a demand for it: shared
//! by the diplomacy rules, which answer proposals made to AI factions, and the AI, which decides
//! when to sue and when to demand.
use super::collect::gather;
use super::data::StaticData;
use super::ids::{FactionIx, ProvinceIx};
use super::power::weighted_men;
use super::state::{Army, Names, Relations, Troops};
use crate::scenario::Rules;

/// Each faction's men under arms, weighted by their kind's field power, added up in army order.
pub fn strengths<'a>(
    data: &StaticData,
    factions: usize,
    armies: impl Iterator<Item = (&'a Army, &'a Troops)>,
) -> Vec<f64> {
    let mut each = gather(armies.map(|(a, t)| (*a, weighted_men(data, t))));
    each.sort_unstable_by_key(|(a, _)| a.ix);
    let mut strength = vec![0.0; factions];
    for (a, men) in each {
        strength[a.owner.get()] += men;
    }
    strength
}

/// What an AI faction makes of a proposal of peace: yes, or why not.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// The terms are worth more than fighting on.
    Accept,
    /// It will not stop short of this war goal, which the proposer still holds.
    Goal(ProvinceIx),
    /// The proposer's capital is about to fall.
    CapitalFalling,
    /// It does not trust the proposer to keep his word.
    Distrust,
    /// It is winning, this many times as strong as the proposer, and means to take more.
    Winning(f64),
    /// The terms give it too little.
    TooLittle,
}

impl Verdict {
    /// Whether the proposal is accepted.
    pub fn accepts(self) -> bool {
        matches!(self, Verdict::Accept)
    }

    /// The verdict of `judge` on `proposer`'s proposal in a sentence for the chronicle, naming
    /// them as they are named now. Only the chronicle needs the words: the AI, weighing offers it
    /// might make, reads [`Verdict::accepts`] and puts nothing into words.
    pub fn reason(self, names: &Names, judge: FactionIx, proposer: FactionIx) -> String {
        let (j, p) = (names.faction_agrees(judge), names.faction_agrees(proposer));
        let (who, to, it) = (names.faction(judge), names.faction(proposer), j.it());
        let why = match self {
            Verdict::Accept => {
                return format!("{who} {}: the terms are worth more than fighting on", j.verb("accepts", "accept"));
            }
            Verdict::Goal(goal) => format!("{it} will not stop short of {}", names.province(goal)),
            Verdict::CapitalFalling => format!("{to}'s capital is about to fall"),
            Verdict::Distrust => format!("{it} {} not trust {to} to keep {} word", j.verb("does", "do"), p.its()),
            Verdict::Winning(balance) => {
                let (is, means) = (j.verb("is", "are"), j.verb("means", "mean"));
                format!("{it} {is} winning ({}) and {means} to take more", describe_advantage(balance))
            }
            Verdict::TooLittle => format!("the terms give {} too little", j.verb("it", "them")),
        };
        format!("{who} {}: {why}", j.verb("refuses", "refuse"))
    }
}

/// A peace offer as the judging AI sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeaceOffer {
    pub indemnity: f64,
    pub ceded: usize,
    /// The proposer's capital is under siege.
    pub capital_besieged: bool,
    /// A war goal of the judge that the proposer still holds.
    pub unmet_goal: Option<ProvinceIx>,
}

/// An AI's judgement of a peace proposal: its war goals, the balance of power, its trust in the
/// proposer, and what it gains.
pub fn judge_peace(
    data: &StaticData,
    relations: &Relations,
    judge: FactionIx,
    proposer: FactionIx,
    strength: &[f64],
    judge_treasury: f64,
    offer: PeaceOffer,
) -> Verdict {
    let rules = data.rules();
    let PeaceOffer { indemnity, ceded, capital_besieged: proposer_capital_besieged, unmet_goal } = offer;
    if let Some(goal) = unmet_goal {
        return Verdict::Goal(goal);
    }
    let balance = strength[judge.get()] / strength[proposer.get()].max(1.0);
    let trust = relations.trust(judge, proposer);
    let gain = indemnity / (judge_treasury + rules.ai_treasury_floor) * rules.ai_indemnity_weight + ceded as f64;
    if proposer_capital_besieged {
        return Verdict::CapitalFalling;
    }
    if trust < rules.ai_peace_trust {
        return Verdict::Distrust;
    }
    if balance > rules.ai_peace_balance + gain {
        return Verdict::Winning(balance);
    }
    if gain < rules.ai_peace_gain && balance > 1.0 {
        return Verdict::TooLittle;
    }
    Verdict::Accept
}

/// What a court reads of its own side of a war to judge whether it is losing it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plight {
    /// Its capital is under siege.
    pub capital_besieged: bool,
    pub legitimacy: f64,
}

/// Whether `me` counts itself losing its war with `enemy`: its capital besieged, its legitimacy
/// under `ai_losing_legitimacy`, or its men under arms fewer than `ai_losing_strength` of the
/// enemy's (see [`strengths`]).
pub fn losing(rules: &Rules, plight: Plight, strength: &[f64], me: FactionIx, enemy: FactionIx) -> bool {
    plight.capital_besieged
        || plight.legitimacy < rules.ai_losing_legitimacy
        || strength[me.get()] < rules.ai_losing_strength * strength[enemy.get()].max(1.0)
}

/// The indemnities a court losing a war weighs, least first: `ai_peace_indemnity` of its
/// `silver`, twice that, and so on for `ai_peace_steps` steps, never more than all of it.
pub fn indemnities(rules: &Rules, silver: f64) -> impl Iterator<Item = f64> {
    // The parameter's range starts at 1 and is small, so the conversion keeps it whole.
    let steps = (rules.ai_peace_steps as u32).max(1);
    let share = rules.ai_peace_indemnity;
    (1..=steps).map(move |k| (silver * (share * f64::from(k)).min(1.0)).floor())
}

/// An AI's answer to a demand for peace (the demander paid, and given cities).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DemandVerdict {
    /// Losing, it pays rather than lose more.
    Accept,
    /// It does not count itself losing.
    NotLosing,
    /// More silver than it has.
    TooMuch,
    /// A city the demander does not besiege, or that is not the judge's to give.
    NotBesieged(ProvinceIx),
}

impl DemandVerdict {
    /// Whether the demand is accepted.
    pub fn accepts(self) -> bool {
        matches!(self, DemandVerdict::Accept)
    }

    /// The verdict of `judge` on a demand in a sentence for the chronicle.
    pub fn reason(self, names: &Names, judge: FactionIx) -> String {
        let j = names.faction_agrees(judge);
        let (who, it) = (names.faction(judge), j.it());
        let why = match self {
            DemandVerdict::Accept => {
                return format!("{who} {}, losing the war, rather than lose more", j.verb("yields", "yield"));
            }
            DemandVerdict::NotLosing => format!("{it} {} not lost the war", j.verb("has", "have")),
            DemandVerdict::TooMuch => format!("{it} {} not so much silver", j.verb("has", "have")),
            DemandVerdict::NotBesieged(city) => {
                format!("{it} {} {} still", j.verb("holds", "hold"), names.province(city))
            }
        };
        format!("{who} {}: {why}", j.verb("refuses", "refuse"))
    }
}

/// An AI's judgement of a demand for peace: losing its war (see [`losing`]), it pays what silver
/// it has, and gives up the cities the demander has under siege; `unbesieged` is the first city
/// asked for that is not.
pub fn judge_demand(losing: bool, silver: f64, indemnity: f64, unbesieged: Option<ProvinceIx>) -> DemandVerdict {
    if !losing {
        return DemandVerdict::NotLosing;
    }
    if let Some(city) = unbesieged {
        return DemandVerdict::NotBesieged(city);
    }
    if indemnity > silver {
        return DemandVerdict::TooMuch;
    }
    DemandVerdict::Accept
}

/// A strength ratio from which the chronicle stops giving the figure.
const RATIO_PAST_WORDS: f64 = 10.0;

/// How a chronicle reader should hear a strength ratio: a ratio past ten says nothing a sentence can't.
pub fn describe_advantage(balance: f64) -> String {
    if balance >= RATIO_PAST_WORDS {
        "its enemy has next to nothing left in the field".to_string()
    } else {
        format!("{balance:.1} times as strong")
    }
}

#[cfg(test)]
mod tests {
    use super::{DemandVerdict, Plight, judge_demand, losing};
    use crate::scenario::Rules;
    use crate::sim::ids::{FactionIx, ProvinceIx};

    #[test]
    fn a_court_is_losing_with_its_capital_besieged_its_legitimacy_gone_or_its_armies_few() {
        let rules = Rules::default();
        let (me, enemy) = (FactionIx(0), FactionIx(1));
        let calm = Plight { capital_besieged: false, legitimacy: 50.0 };
        assert!(!losing(&rules, calm, &[50.0, 100.0], me, enemy), "half the enemy's strength is not defeat");
        assert!(losing(&rules, calm, &[30.0, 100.0], me, enemy));
        assert!(losing(&rules, Plight { capital_besieged: true, ..calm }, &[100.0, 100.0], me, enemy));
        assert!(losing(&rules, Plight { legitimacy: 20.0, ..calm }, &[100.0, 100.0], me, enemy));
    }

    #[test]
    fn a_losing_court_yields_what_it_has_and_the_cities_under_siege() {
        assert_eq!(judge_demand(true, 1000.0, 1000.0, None), DemandVerdict::Accept);
        assert_eq!(judge_demand(false, 1000.0, 10.0, None), DemandVerdict::NotLosing);
        assert_eq!(judge_demand(true, 1000.0, 1001.0, None), DemandVerdict::TooMuch);
        let free = ProvinceIx::new(3);
        assert_eq!(judge_demand(true, 1000.0, 10.0, Some(free)), DemandVerdict::NotBesieged(free));
    }

    #[test]
    fn an_overwhelming_advantage_is_told_in_words_not_a_huge_ratio() {
        assert_eq!(super::describe_advantage(3.04), "3.0 times as strong");
        assert!(!super::describe_advantage(184_527.6).contains("184"));
    }
}
