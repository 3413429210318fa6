//! Economy: treasuries and granaries; income from provinces, army pay, tribute and indemnities.
use bevy_app::App;
use bevy_ecs::prelude::*;

use crate::sim::collect::{gather_into, refill};
use crate::sim::compiled::{Command, TreatyTerms};
use crate::sim::data::{Static, StaticData};
use crate::sim::ids::{FactionIx, ProvinceIx};
use crate::sim::schedule::{EffectSystems, Turn, TurnSystems};
use crate::sim::state::{
    ApplyEffect, Army, Defences, Entities, Owner, Payroll, Players, Populace, Spirit, Treasury, Treaties, Troops,
};
use crate::sim::units::{MONTHS_PER_YEAR, PERCENT, per_thousand};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectSystems::Economy));
    app.add_systems(Turn, settle_accounts.in_set(TurnSystems::Economy));
}

/// Each faction's index, purse, and whether it paid its armies this month.
type Accounts<'w, 's> = Query<'w, 's, (&'static FactionIx, &'static mut Treasury, &'static mut Payroll)>;

/// What the month's accounts read.
#[derive(bevy_ecs::system::SystemParam)]
struct Books<'w, 's> {
    data: Static<'s>,
    players: Res<'w, Players>,
    entities: Res<'w, Entities>,
    provinces: Query<'w, 's, (&'static ProvinceIx, &'static Owner, &'static Populace)>,
    armies: Query<'w, 's, (&'static Army, &'static Troops, &'static Spirit)>,
}

/// The month's accounts, in order: income, the armies' pay, then tributes and indemnities. One
/// system, as all three move the same treasuries.
fn settle_accounts(books: Books, mut treaties: ResMut<Treaties>, mut accounts: Accounts, mut ledger: Local<Ledger>) {
    let Books { data, players, entities, provinces, armies } = &books;
    reckon_income(data, entities, provinces, &mut ledger);
    reckon_pay(data, entities, armies, &mut ledger);
    collect_and_pay(data, players, &ledger, &mut accounts);
    pay_tribute(entities, &ledger, &mut treaties, &mut accounts);
}

/// The month's sums, kept from month to month so that settling accounts allocates nothing.
#[derive(Default)]
struct Ledger {
    /// Each province's owner and yield in silver and grain.
    yields: Vec<Option<(FactionIx, f64, f64)>>,
    /// Each army's pay in silver and grain.
    pay: Vec<(Army, f64, f64)>,
    /// Each faction's income in silver and grain, before its court and the difficulty.
    income: Vec<(f64, f64)>,
    /// Each faction's armies' pay in silver and grain.
    wages: Vec<(f64, f64)>,
}

fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    entities: Res<Entities>,
    mut treasuries: Query<&mut Treasury>,
    provinces: Query<(&Populace, &Defences)>,
) {
    for ApplyEffect(command) in effects.read() {
        match *command {
            Command::Treasury { faction, add } => {
                if let Ok(mut t) = treasuries.get_mut(entities.faction(faction)) {
                    t.silver = (t.silver + add).max(0.0);
                }
            }
            Command::Grain { faction, add } => {
                if let Ok(mut t) = treasuries.get_mut(entities.faction(faction)) {
                    t.grain = (t.grain + add).max(0.0);
                }
            }
            Command::Pay { from, to, amount } | Command::Ransom { from, to, amount, .. } => {
                let paid = match treasuries.get_mut(entities.faction(from)) {
                    Ok(mut t) => {
                        let paid = t.silver.min(amount);
                        t.silver -= paid;
                        paid
                    }
                    Err(_) => 0.0,
                };
                if let Ok(mut t) = treasuries.get_mut(entities.faction(to)) {
                    t.silver += paid;
                }
            }
            Command::Loot { province, by, share } => {
                let Ok((populace, defences)) = provinces.get(entities.province(province)) else { continue };
                // A year of the province's yield and a share of its stores go to the looter.
                let silver = populace.wealth * MONTHS_PER_YEAR * share;
                let grain = defences.grain * share;
                if let Ok(mut t) = treasuries.get_mut(entities.faction(by)) {
                    t.silver += silver;
                    t.grain += grain;
                }
            }
            _ => {}
        }
    }
}

/// Each owned province yields its wealth in silver and a share of its people's grain: each
/// faction's sum, into [`Ledger::income`].
fn reckon_income(
    data: &StaticData,
    entities: &Entities,
    provinces: &Query<(&ProvinceIx, &Owner, &Populace)>,
    ledger: &mut Ledger,
) {
    let rules = data.rules();
    let Ledger { yields, income, .. } = ledger;
    // Each province's yield, gathered by index and then added up in province order.
    refill(yields, entities.provinces.len(), None);
    provinces.iter().for_each(|(province, owner, populace)| {
        if let Some(f) = owner.0 {
            let share = populace.yield_share(f, rules);
            yields[province.get()] =
                Some((f, populace.wealth * share, per_thousand(populace.population, rules.grain_tax) * share));
        }
    });
    refill(income, entities.factions.len(), (0.0, 0.0));
    for &(f, silver, grain) in yields.iter().flatten() {
        income[f.get()].0 += silver;
        income[f.get()].1 += grain;
    }
}

/// Armies are paid in silver by troop kind and fed from the granary as far as their supply line
/// reaches: each faction's sum, into [`Ledger::wages`].
fn reckon_pay(data: &StaticData, entities: &Entities, armies: &Query<(&Army, &Troops, &Spirit)>, ledger: &mut Ledger) {
    let rules = data.rules();
    let kinds = &data.scenario.troop_kinds;
    let Ledger { pay: each, wages, .. } = ledger;
    gather_into(
        each,
        armies.iter().map(|(army, troops, spirit)| {
            let fed = per_thousand(troops.total(), rules.army_ration) * spirit.supply / PERCENT;
            (*army, troops.upkeep(kinds), fed)
        }),
    );
    // Added up in army order.
    each.sort_unstable_by_key(|(a, ..)| a.ix);
    refill(wages, entities.factions.len(), (0.0, 0.0));
    for &(army, silver, grain) in each.iter() {
        wages[army.owner.get()].0 += silver;
        wages[army.owner.get()].1 += grain;
    }
}

/// Each faction takes its income (by its court's traits, and the difficulty for the AI), then
/// pays its armies; a faction that cannot both pay and feed them is marked unpaid, for the morale
/// rules.
fn collect_and_pay(data: &StaticData, players: &Players, ledger: &Ledger, accounts: &mut Accounts) {
    let rules = data.rules();
    // Each faction's accounts are its own: the order does not matter.
    accounts.iter_mut().for_each(|(faction, mut t, mut payroll)| {
        let i = faction.get();
        let court = (1.0 + data.faction_traits[i].income).max(0.0);
        let bonus = if players.is_human(*faction) { 1.0 } else { rules.ai_bonus };
        let (income, wages) = (ledger.income[i], ledger.wages[i]);
        t.silver += income.0 * court * bonus;
        t.grain += income.1 * bonus;
        payroll.unpaid = t.silver < wages.0 || t.grain < wages.1;
        t.silver = (t.silver - wages.0).max(0.0);
        t.grain = (t.grain - wages.1).max(0.0);
    });
}

/// Tribute treaties move a twelfth of the yearly sum each month; peace indemnities are paid
/// in monthly instalments until paid off; a vassal pays its overlord its share of the month's
/// income.
fn pay_tribute(entities: &Entities, ledger: &Ledger, treaties: &mut Treaties, accounts: &mut Accounts) {
    for treaty in treaties.in_force_mut() {
        let (payer, payee, due) = match &mut treaty.terms {
            TreatyTerms::Tribute { payer, payee, yearly } => (*payer, *payee, *yearly / MONTHS_PER_YEAR),
            TreatyTerms::Vassal { overlord, vassal, tribute } => {
                (*vassal, *overlord, ledger.income[vassal.get()].0 * *tribute)
            }
            TreatyTerms::Peace { payer: Some(payer), payee, indemnity_left, instalment, .. } => {
                let due = instalment.min(*indemnity_left);
                *indemnity_left -= due;
                (*payer, *payee, due)
            }
            _ => continue,
        };
        if due <= 0.0 {
            continue;
        }
        let paid = transfer(entities, accounts, payer, payee, due);
        treaty.arrears += due - paid;
    }
}

/// Moves up to `amount` silver from `from` to `to`; what was paid.
fn transfer(entities: &Entities, accounts: &mut Accounts, from: FactionIx, to: FactionIx, amount: f64) -> f64 {
    let paid = match accounts.get_mut(entities.faction(from)) {
        Ok((_, mut t, _)) => {
            let paid = t.silver.min(amount);
            t.silver -= paid;
            paid
        }
        Err(_) => 0.0,
    };
    if let Ok((_, mut t, _)) = accounts.get_mut(entities.faction(to)) {
        t.silver += paid;
    }
    paid
}

#[cfg(test)]
mod tests {
    use crate::sim::state::Treasury;
    use crate::sim::testing::{faction, scenario, sim_with_humans};

    #[test]
    fn tribute_moves_a_twelfth_of_the_yearly_sum_each_month() {
        let treaty = r#"treaties: [Treaty(id: "tribute", name: "Tribute", parties: ["red", "blue"],
            kind: Tribute(payer: "red", payee: "blue", yearly: 1200))],"#;
        let mut s = scenario("", treaty);
        s.relations[0].war = false;
        // No income, so the treasuries move by the tribute alone.
        for p in &mut s.provinces {
            (p.wealth, p.population) = (0, 0);
        }
        let mut game = sim_with_humans(s, 1, &["red", "blue"]);
        game.step();
        game.step();
        assert_eq!(faction::<Treasury>(&game, "red").silver, 10000.0 - 200.0);
        assert_eq!(faction::<Treasury>(&game, "blue").silver, 10000.0 + 200.0);
    }

    #[test]
    fn provinces_yield_their_wealth_to_their_owner() {
        let mut game = sim_with_humans(scenario("", ""), 1, &["red", "blue"]);
        game.step();
        assert_eq!(faction::<Treasury>(&game, "red").silver, 10000.0 + 10.0);
        assert_eq!(faction::<Treasury>(&game, "blue").silver, 10000.0 + 20.0);
    }
}
