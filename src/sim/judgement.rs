//! How an AI court judges the balance of power and a proposal of peace: shared by the diplomacy
//! rules, which answer proposals made to AI factions, and the AI, which decides when to sue.
use super::collect::gather;
use super::data::StaticData;
use super::ids::{FactionIx, ProvinceIx};
use super::power::weighted_men;
use super::state::{Army, Relations, Troops};

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

/// What an AI faction thinks of a proposal, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub accept: bool,
    pub reason: String,
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
) -> Answer {
    let rules = data.rules();
    let PeaceOffer { indemnity, ceded, capital_besieged: proposer_capital_besieged, unmet_goal } = offer;
    let (j, p) = (data.faction_agrees(judge), data.faction_agrees(proposer));
    let (who, to) = (data.faction_name(judge), data.faction_name(proposer));
    let (refuses, it) = (j.verb("refuses", "refuse"), j.it());
    let refusal = |why: String| Answer { accept: false, reason: format!("{who} {refuses}: {why}") };
    if let Some(goal) = unmet_goal {
        return refusal(format!("{it} will not stop short of {}", data.province_name(goal)));
    }
    let balance = strength[judge.get()] / strength[proposer.get()].max(1.0);
    let trust = relations.trust(judge, proposer);
    let gain = indemnity / (judge_treasury + rules.ai_treasury_floor) * rules.ai_indemnity_weight + ceded as f64;
    if proposer_capital_besieged {
        return refusal(format!("{to}'s capital is about to fall"));
    }
    if trust < rules.ai_peace_trust {
        return refusal(format!("{it} {} not trust {to} to keep {} word", j.verb("does", "do"), p.its()));
    }
    if balance > rules.ai_peace_balance + gain {
        let (is, means) = (j.verb("is", "are"), j.verb("means", "mean"));
        return refusal(format!("{it} {is} winning ({}) and {means} to take more", describe_advantage(balance)));
    }
    if gain < rules.ai_peace_gain && balance > 1.0 {
        return refusal(format!("the terms give {} too little", j.verb("it", "them")));
    }
    Answer {
        accept: true,
        reason: format!("{who} {}: the terms are worth more than fighting on", j.verb("accepts", "accept")),
    }
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
    #[test]
    fn an_overwhelming_advantage_is_told_in_words_not_a_huge_ratio() {
        assert_eq!(super::describe_advantage(3.04), "3.0 times as strong");
        assert!(!super::describe_advantage(184_527.6).contains("184"));
    }
}
