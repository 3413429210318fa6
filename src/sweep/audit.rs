//! The audit of a scenario's scripting: the event effects that make or unmake men, cede land or
//! change walls by decree rather than by the rules, and how much of each historical campaigns
//! apply. Levies (raised through the mobilisation rules) and defections are listed beside them:
//! they are how the rules let an event bring men into the field.
use std::sync::Arc;

use crate::scenario::{Effect, Scenario, TreatyKind};
use crate::sim::{Sim, SimOptions, StaticData};

/// What a scripted effect does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decree {
    /// Men appear: a new army, reinforcements, a garrison raised by decree.
    Raises,
    /// Men vanish: an army disbanded, losses or a garrison cut by decree.
    Removes,
    /// A province changes hands by decree (a cession, or a peace the event signs).
    Cedes,
    /// A city's walls rise or fall by decree.
    Walls,
    /// Men called up through the mobilisation rules (`Levy`): allowed, and counted.
    Levies,
    /// An army its own faction's event disbands: its men go home (allowed, and counted).
    SendsHome,
    /// A commander goes over with his army: allowed, and counted.
    Defects,
}

impl Decree {
    /// The heading of this kind in the audit.
    pub fn heading(self) -> &'static str {
        match self {
            Decree::Raises => "Men raised by decree",
            Decree::Removes => "Men removed by decree",
            Decree::Cedes => "Land ceded by decree",
            Decree::Walls => "Walls changed by decree",
            Decree::Levies => "Men called up through the mobilisation rules (allowed)",
            Decree::SendsHome => "Armies sent home by their own court (allowed)",
            Decree::Defects => "Armies that go over with their commander (allowed)",
        }
    }

    /// Whether the rules forbid events this kind of effect (see the content issue).
    pub fn forced(self) -> bool {
        !matches!(self, Decree::Levies | Decree::SendsHome | Decree::Defects)
    }
}

/// One scripted effect of an event's option.
#[derive(Clone, Debug, PartialEq)]
pub struct Scripted {
    pub event: usize,
    pub option: usize,
    pub kind: Decree,
    /// The effect in a few words ("SpawnArmy shaanxi_relief").
    pub what: String,
    /// Inside an `If`: it applies only when its condition holds (or fails).
    pub conditional: bool,
    /// What it moves, as written or as the state will have it.
    measure: Measure,
}

impl Scripted {
    /// Men, provinces or wall levels it moves as written; `None` when that depends on the state
    /// (the men of the army it disbands).
    pub fn amount(&self) -> Option<f64> {
        match self.measure {
            Measure::Written(amount) => Some(amount),
            Measure::Army(..) | Measure::LedBy(_) => None,
        }
    }
}

/// What an effect moves: a figure it writes, or men the state will decide.
#[derive(Clone, Debug, PartialEq)]
enum Measure {
    /// Men, provinces or wall levels, as written.
    Written(f64),
    /// A share of an army's men (`DisbandArmy`, `Attrition`).
    Army(String, f64),
    /// The men of the army a character leads (`Defect` with his army).
    LedBy(String),
}

/// Every scripted effect of `scenario`'s events, in event, option and effect order.
pub fn scripted_effects(scenario: &Scenario) -> Vec<Scripted> {
    let mut out = Vec::new();
    for (e, event) in scenario.events.iter().enumerate() {
        for (o, option) in event.options.iter().enumerate() {
            for effect in &option.effects {
                classify(effect, false, &mut |kind, what, measure, conditional| {
                    // Disbanding its own army is a court's decision; another's, a decree.
                    let own = matches!(&measure, Measure::Army(army, share)
                        if *share >= 1.0 && army_owner(scenario, army) == Some(event.faction.as_str()));
                    let kind = if kind == Decree::Removes && own { Decree::SendsHome } else { kind };
                    out.push(Scripted { event: e, option: o, kind, what, conditional, measure });
                });
            }
        }
    }
    out
}

/// The faction that fields `army` as the scenario writes it: in its armies, or in the first
/// event that raises it.
fn army_owner<'a>(scenario: &'a Scenario, army: &str) -> Option<&'a str> {
    if let Some(a) = scenario.armies.iter().find(|a| a.id == army) {
        return Some(&a.owner);
    }
    let mut owner = None;
    for option in scenario.events.iter().flat_map(|e| &e.options) {
        for effect in &option.effects {
            effect.visit(&mut |inner| {
                if let Effect::SpawnArmy(a) = inner
                    && a.id == army
                {
                    owner = owner.or(Some(a.owner.as_str()));
                }
            });
        }
    }
    owner
}

/// Sends each scripted part of `effect` (and of the effects nested in it) to `push`.
fn classify(effect: &Effect, conditional: bool, push: &mut impl FnMut(Decree, String, Measure, bool)) {
    let men = |troops: &std::collections::BTreeMap<String, i64>, sign: i64| -> f64 {
        troops.values().filter(|m| m.signum() == sign).map(|m| m.unsigned_abs() as f64).sum()
    };
    match effect {
        Effect::SpawnArmy(army) => {
            push(Decree::Raises, format!("SpawnArmy {}", army.id), Measure::Written(men(&army.troops, 1)), conditional)
        }
        Effect::Reinforce { army, troops } => {
            if troops.values().any(|m| *m > 0) {
                push(Decree::Raises, format!("Reinforce {army}"), Measure::Written(men(troops, 1)), conditional);
            }
            if troops.values().any(|m| *m < 0) {
                push(Decree::Removes, format!("Reinforce {army}"), Measure::Written(men(troops, -1)), conditional);
            }
        }
        Effect::DisbandArmy(army) => {
            push(Decree::Removes, format!("DisbandArmy {army}"), Measure::Army(army.clone(), 1.0), conditional)
        }
        Effect::Attrition { army, share } => push(
            Decree::Removes,
            format!("Attrition {army} {share}"),
            Measure::Army(army.clone(), share.clamp(0.0, 1.0)),
            conditional,
        ),
        Effect::AdjustProvince { province, garrison, walls, .. } => {
            let what = format!("AdjustProvince {province}");
            if *garrison > 0 {
                push(Decree::Raises, what.clone(), Measure::Written(*garrison as f64), conditional);
            }
            if *garrison < 0 {
                push(Decree::Removes, what.clone(), Measure::Written(garrison.unsigned_abs() as f64), conditional);
            }
            if *walls != 0 {
                push(Decree::Walls, what, Measure::Written(walls.unsigned_abs() as f64), conditional);
            }
        }
        Effect::Cede { province, to } => {
            push(Decree::Cedes, format!("Cede {province} to {to}"), Measure::Written(1.0), conditional)
        }
        Effect::SignTreaty(treaty) => {
            if let TreatyKind::Peace { ceded, .. } = &treaty.kind
                && !ceded.is_empty()
            {
                let what = format!("SignTreaty {} ({} provinces)", treaty.id, ceded.len());
                push(Decree::Cedes, what, Measure::Written(ceded.len() as f64), conditional);
            }
        }
        Effect::Levy { faction, province, men, kind, join } => {
            let kind = kind.as_deref().map(|k| format!(" ({k})")).unwrap_or_default();
            let join = join.as_deref().map(|a| format!(" for {a}")).unwrap_or_default();
            push(
                Decree::Levies,
                format!("Levy {faction} at {province}{kind}{join}"),
                Measure::Written(*men as f64),
                conditional,
            )
        }
        Effect::Defect { character, to, with_army: true } => {
            let what = format!("Defect {character} to {to}");
            push(Decree::Defects, what, Measure::LedBy(character.clone()), conditional)
        }
        _ => {}
    }
    for inner in effect.nested().iter().chain(effect.nested_otherwise()) {
        classify(inner, true, push);
    }
}

/// What `runs` historical campaigns applied of each scripted effect.
#[derive(Clone, Debug)]
pub struct Audit {
    pub effects: Vec<Scripted>,
    pub runs: usize,
    /// For each effect, the runs in which its option was taken.
    pub taken: Vec<usize>,
    /// For each effect, what it moved over all runs (men, provinces or wall levels); for an
    /// effect whose amount depends on the state, the men its army had at the start of the month.
    pub applied: Vec<f64>,
}

impl Audit {
    /// What effects of `kind` applied per campaign, on average; conditional ones (their branch
    /// depends on the state) are counted as if they always applied.
    pub fn per_campaign(&self, kind: Decree) -> f64 {
        let total: f64 = (self.effects.iter().zip(&self.applied)).filter(|(e, _)| e.kind == kind).map(|(_, a)| a).sum();
        // An empty sum is -0.0, which would print as "-0".
        total / self.runs.max(1) as f64 + 0.0
    }
}

/// Plays `runs` campaigns of `data` from seed `seed` on, taking history's option of every event,
/// and adds up what each scripted effect applied; `tick` is called after each campaign.
pub fn audit(data: &Arc<StaticData>, runs: usize, seed: u64, tick: &dyn Fn()) -> Audit {
    let effects = scripted_effects(&data.scenario);
    let mut taken = vec![0; effects.len()];
    let mut applied = vec![0.0; effects.len()];
    for run in 0..runs {
        let options = SimOptions { seed: seed + run as u64, historical: true, ..Default::default() };
        let mut sim = Sim::quiet(data.clone(), &options);
        let mut seen = vec![false; effects.len()];
        while !sim.is_over() {
            // The armies as the month begins: what a disbanding this month removes.
            let view = sim.view();
            let armies = view.armies;
            sim.step();
            // The month's answers, the latest: a long campaign's record keeps only the latest
            // answers whole, so counting those seen would not find the new ones.
            let answers: Vec<(usize, usize)> =
                sim.choices().iter().rev().take_while(|c| c.date == view.date).map(|c| (c.event, c.option)).collect();
            for (k, effect) in effects.iter().enumerate() {
                let times = answers.iter().filter(|a| **a == (effect.event, effect.option)).count();
                if times == 0 {
                    continue;
                }
                seen[k] = true;
                let amount = match &effect.measure {
                    Measure::Written(amount) => *amount,
                    Measure::Army(army, share) => {
                        let ix = data.army(army);
                        armies.iter().find(|a| a.ix == ix).map_or(0.0, |a| a.men() * share)
                    }
                    Measure::LedBy(character) => {
                        let ix = data.character(character);
                        armies.iter().filter(|a| a.commander == Some(ix)).map(|a| a.men()).sum()
                    }
                };
                applied[k] += amount * times as f64;
            }
        }
        for (count, seen) in taken.iter_mut().zip(seen) {
            *count += usize::from(seen);
        }
        tick();
    }
    Audit { effects, runs, taken, applied }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Decree, audit, scripted_effects};
    use crate::scenario::validate_embedded;
    use crate::sim::StaticData;
    use crate::sim::testing::scenario;

    /// Red's council, answered in the first month: history raises an army of 1,500 by decree,
    /// sends Red's army of 4,000 home, breaks 2 levels of B's walls and calls up 3,000 by the rules.
    const COUNCIL: &str = r#"events: [Event(id: "council", title: "Council", faction: "red", options: [
        Option(id: "decree", name: "Decree", historical: true, effects: [
            SpawnArmy(Army(id: "new_army", name: "New Army", owner: "red", location: "a",
                troops: {"infantry": 1000, "cavalry": 500})),
            DisbandArmy("red_army"),
            AdjustProvince(province: "b", walls: -2),
            Levy(faction: "red", province: "a", men: 3000),
        ]),
        Option(id: "nothing", name: "Nothing", effects: []),
    ])],"#;

    fn council() -> Arc<StaticData> {
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 4000})"#,
            COUNCIL,
        );
        let valid = validate_embedded(s, "test scenario").expect("valid");
        Arc::new(StaticData::new(&valid))
    }

    #[test]
    fn each_decree_is_listed_with_what_it_moves_as_written() {
        let effects = scripted_effects(&council().scenario);
        let kinds: Vec<(Decree, Option<f64>)> = effects.iter().map(|e| (e.kind, e.amount())).collect();
        assert_eq!(
            kinds,
            [
                (Decree::Raises, Some(1500.0)),
                (Decree::SendsHome, None),
                (Decree::Walls, Some(2.0)),
                (Decree::Levies, Some(3000.0)),
            ]
        );
        assert!(effects.iter().all(|e| e.option == 0 && !e.conditional));
    }

    #[test]
    fn historical_campaigns_add_up_what_the_decrees_moved() {
        let report = audit(&council(), 3, 1, &|| {});
        assert_eq!(report.taken, [3, 3, 3, 3], "history takes the decree in every run");
        assert_eq!(report.per_campaign(Decree::Raises), 1500.0);
        assert_eq!(report.per_campaign(Decree::SendsHome), 4000.0, "Red's own army, sent home");
        assert_eq!(report.per_campaign(Decree::Removes), 0.0);
        assert_eq!(report.per_campaign(Decree::Walls), 2.0);
        assert_eq!(report.per_campaign(Decree::Cedes), 0.0);
        assert!(report.per_campaign(Decree::Cedes).is_sign_positive(), "no -0 to print");
    }
}
