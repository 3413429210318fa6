//! Rule parameters: every number the simulation's rules use, with its default and allowed range,
//! and the difficulty levels. A scenario may override any parameter in its `rules: (...)` section
//! and set its own difficulty.
use serde::{Deserialize, Serialize};

macro_rules! rules {
    (@added) => { false };
    (@added added) => { true };
    ($( $(#[doc = $doc:literal])* $name:ident : $default:expr, $min:expr, $max:expr $(, $added:ident)?; )*) => {
        /// The numbers the rules use; see `docs/rules.md` for how each is used.
        ///
        /// Parameters marked `added` came after the first saves were written: a save (and the
        /// state hash, which covers the save) holds one only when a scenario sets it to something
        /// other than its default, so games that do not use it save exactly as before.
        #[derive(Clone, Debug, PartialEq, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Rules {
            $( $(#[doc = $doc])* pub $name: f64, )*
        }

        impl Default for Rules {
            fn default() -> Self {
                Self { $( $name: $default, )* }
            }
        }

        impl Serialize for Rules {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let mut out = serializer.serialize_struct("Rules", [$( stringify!($name) ),*].len())?;
                $(
                    if !rules!(@added $($added)?) || self.$name != $default {
                        out.serialize_field(stringify!($name), &self.$name)?;
                    } else {
                        out.skip_field(stringify!($name))?;
                    }
                )*
                out.end()
            }
        }

        impl Rules {
            /// Every parameter with its value and allowed range, in declaration order.
            pub fn entries(&self) -> Vec<(&'static str, f64, f64, f64)> {
                vec![$( (stringify!($name), self.$name, $min, $max), )*]
            }

            /// Every parameter's name, default and documentation, for the rules reference.
            pub fn documentation() -> Vec<(&'static str, f64, &'static str)> {
                vec![$( (stringify!($name), $default, concat!($($doc),*).trim()), )*]
            }
        }
    };
}

rules! {
    // ---- economy
    /// Grain a thousand people yield their owner each month.
    grain_tax: 0.08, 0.0, 100.0;
    /// Share of a province's yield that reaches an owner its people do not hold legitimate.
    disloyal_yield: 0.4, 0.0, 1.0;
    /// Grain a thousand soldiers eat each month.
    army_ration: 1.0, 0.0, 100.0;
    /// Grain a thousand civilians of a besieged city eat each month.
    civilian_ration: 0.25, 0.0, 100.0;
    /// Random spread of what a besieged city eats each month (0.3: from 70% to 130% of the rations).
    store_luck: 0.3, 0.0, 1.0;
    /// Random spread, drawn once when a siege begins, of what the city eats all siege long: hoarded or hidden grain, a granary burnt (0.2: from 80% to 120% of the rations).
    siege_store_luck: 0.2, 0.0, 1.0, added;
    /// Share of a province's grain stores refilled each month when it is not besieged (of a year's yield).
    store_refill: 0.1, 0.0, 1.0;

    // ---- movement
    /// Days of march an army has each month at speed 1.0.
    march_days: 30.0, 1.0, 365.0;
    /// Multiplier on marching days in winter (the scenario's `winter` months: by default November to February).
    winter_march: 0.7, 0.0, 1.0;
    /// Multiplier on the days to cross a river outside winter (in winter the rivers freeze).
    river_crossing: 1.5, 0.0, 100.0;
    /// Fastest march speed, as a multiplier of `march_days` (an army's slowest troop kind sets its speed).
    max_speed: 10.0, 0.0, 100.0, added;
    /// Least multiplier a terrain's `move_cost` may put on the days of a march.
    min_move_cost: 0.1, 0.0, 100.0, added;
    /// Random spread, drawn each month for each marching army, of the days it has to march: weather, roads, fords, forage and guides (0.25: from 75% to 125%).
    march_luck: 0.25, 0.0, 1.0, added;

    // ---- battles
    /// Share of its men the weaker side loses in a battle where the two are equal.
    battle_losses: 0.12, 0.0, 1.0;
    /// Random spread of each side's power in a battle (0.25: from 75% to 125%).
    battle_luck: 0.25, 0.0, 1.0;
    /// Fighting power gained per point of commander skill above 5.
    command_bonus: 0.08, 0.0, 1.0;
    /// Morale points a victory gives and a defeat takes (more for a rout: `rout_morale`).
    battle_morale: 12.0, 0.0, 100.0;
    /// Chance that a beaten army's commander is captured.
    capture_chance: 0.1, 0.0, 1.0;
    /// Chance a night raid succeeds when both commanders are equal.
    raid_success: 0.35, 0.0, 1.0;
    /// Command skill of an army without a commander.
    leaderless_skill: 3.0, 0.0, 10.0, added;
    /// Least share of its power an army keeps however poor its commander.
    command_floor: 0.2, 0.0, 1.0, added;
    /// Least multiplier the traits of a commander and his faction leave on an army's power.
    trait_floor: 0.1, 0.0, 1.0, added;
    /// Power of an army at morale 0, as a share of its power at morale 100 (rising evenly between).
    morale_power_floor: 0.5, 0.0, 1.0, added;
    /// Field power of an army with no supply, as a share of its power fully supplied (rising evenly between).
    supply_power_floor: 0.6, 0.0, 1.0, added;
    /// Odds (the stronger side's power over the weaker's) above which the beaten army routs.
    rout_odds: 1.5, 1.0, 100.0, added;
    /// How fast battle losses grow with the odds: the loser loses `battle_losses` times the odds to this power.
    battle_loss_exponent: 0.75, 0.0, 10.0, added;
    /// The winner's losses at even odds, as a share of `battle_losses` (falling with the odds as the loser's grow).
    winner_losses: 0.7, 0.0, 10.0, added;
    /// Most of its men a side loses in one battle.
    battle_max_losses: 0.6, 0.0, 1.0, added;
    /// Multiplier on the morale a routed army loses.
    rout_morale: 2.0, 0.0, 100.0, added;
    /// Multiplier on the chance a routed army's commander is captured (or falls: `battle_death`).
    rout_capture: 2.0, 0.0, 100.0, added;
    /// Chance that a beaten army's commander falls in the battle (times `rout_capture` in a rout).
    battle_death: 0.05, 0.0, 1.0, added;
    /// Chance that the commander of an army lost with a fallen city dies with it; else he is taken.
    fallen_city_death: 0.5, 0.0, 1.0, added;
    /// Multiplier on the legitimacy a faction loses for a rout.
    rout_legitimacy: 1.5, 0.0, 100.0, added;
    /// Legitimacy the winner of a battle gains, as a share of `defeat_legitimacy`.
    victory_legitimacy: 0.5, 0.0, 100.0, added;
    /// Raid success gained, as a share of `raid_success`, per point of command skill the raider's commander has over the target's.
    raid_skill_edge: 0.1, 0.0, 10.0, added;
    /// Random spread of the losses in a night raid (0.3: from 70% to 130%).
    raid_luck: 0.3, 0.0, 1.0, added;
    /// Share of its men a successful raider loses.
    raid_won_raider_losses: 0.02, 0.0, 1.0, added;
    /// Morale a successful raider gains.
    raid_won_raider_morale: 5.0, 0.0, 100.0, added;
    /// Share of its men the target of a successful raid loses.
    raid_won_target_losses: 0.08, 0.0, 1.0, added;
    /// Morale the target of a successful raid loses.
    raid_won_target_morale: 15.0, 0.0, 100.0, added;
    /// Share of its men a raider whose raid fails loses.
    raid_failed_raider_losses: 0.15, 0.0, 1.0, added;
    /// Morale a raider whose raid fails loses.
    raid_failed_raider_morale: 20.0, 0.0, 100.0, added;
    /// Share of its men the target of a failed raid loses.
    raid_failed_target_losses: 0.01, 0.0, 1.0, added;
    /// Morale the target of a failed raid gains.
    raid_failed_target_morale: 5.0, 0.0, 100.0, added;

    // ---- sieges
    /// Defensive power each point of walls adds to a garrison (0.35: walls 10 give 4.5 times).
    wall_strength: 0.35, 0.0, 10.0;
    /// Walls from which an army that stays in its own city shelters behind them instead of fighting in the field.
    shelter_walls: 3.0, 0.0, 10.0;
    /// Share of their men the conquerors of a city leave in it as its garrison.
    occupation_garrison: 0.08, 0.0, 1.0;
    /// Months of rations for that garrison the conquerors bring into a taken city (at least).
    occupation_stores: 6.0, 0.0, 120.0;
    /// Share of the garrison lost each month of starvation.
    starvation_losses: 0.25, 0.0, 1.0;
    /// Months of starvation a garrison endures before it surrenders.
    starvation_months: 1.0, 0.0, 120.0;
    /// Breach made each month by a blockading army with assault power equal to the defence.
    breach_rate: 0.08, 0.0, 1.0;
    /// Share of the assaulting army lost in an assault, before the odds are applied.
    assault_losses: 0.15, 0.0, 1.0;
    /// How many times stronger in the open than its besiegers (men by their kinds' field power, the besiegers weighted by morale too) a garrison must be to sally.
    sally_ratio: 1.5, 0.0, 100.0;
    /// Share of the besiegers a sally kills (the garrison loses `sally_garrison_losses` of that).
    sally_losses: 0.1, 0.0, 1.0;
    /// Morale a besieged army and a besieging army in winter lose each month.
    siege_morale: 3.0, 0.0, 100.0;
    /// Share of a city's people, wealth and grain a conqueror takes when a city falls.
    sack_share: 0.2, 0.0, 1.0;
    /// Defence skill of a city with no better defender inside.
    garrison_skill: 5.0, 0.0, 10.0, added;
    /// Multiplier on a city's defence while it starves.
    starving_defence: 0.6, 0.0, 1.0, added;
    /// Chance an assault at even odds takes the city, before the breach adds its share.
    assault_chance: 0.4, 0.0, 1.0, added;
    /// How fast an assault's chance grows with the odds: `assault_chance` times the odds to this power.
    assault_exponent: 1.2, 0.0, 10.0, added;
    /// Highest chance an assault takes the city.
    assault_max_chance: 0.95, 0.0, 1.0, added;
    /// How fast the attackers' losses in an assault fall with the odds: `assault_losses` times the odds to minus this power.
    assault_loss_exponent: 0.5, 0.0, 10.0, added;
    /// Most of its men either side loses in one assault.
    assault_max_losses: 0.5, 0.0, 1.0, added;
    /// The garrison's losses in an assault it throws back, as a share of `assault_losses`, times the square root of the odds.
    repulse_losses: 0.5, 0.0, 10.0, added;
    /// Random spread of the besiegers' losses in a sally or an assault (0.3: from 70% to 130%).
    siege_luck: 0.3, 0.0, 1.0, added;
    /// A sallying garrison's losses, as a share of `sally_losses`.
    sally_garrison_losses: 0.5, 0.0, 10.0, added;
    /// Chance that the besiegers, routing a sally an event sent out (`Sally`), follow it in through the open gate, where the men left inside fight them for the city.
    sally_gate_chance: 0.5, 0.0, 1.0, added;
    /// Share of the men left inside a city who reach an open gate in time to fight the pursuers of a routed sally, or the band of a surprise attack (`Surprise`); the rest hold the walls.
    gate_defence_share: 0.5, 0.0, 1.0, added;

    // ---- supply
    /// Supply lost for each step of the supply line away from friendly land (percentage points).
    supply_step_loss: 20.0, 0.0, 100.0;
    /// Longest supply line, in steps.
    supply_range: 3.0, 0.0, 100.0;
    /// Share of its men an army out of supply and out of grain loses each month.
    attrition: 0.06, 0.0, 1.0;
    /// Grain an army can forage each month per thousand people in an enemy province.
    forage: 0.3, 0.0, 100.0;
    /// Foraged land recovers one part in this many each month (3: a third).
    forage_recovery_months: 3.0, 1.0, 1000.0, added;
    /// Share of its rations an army may go without before hunger costs it men and morale.
    hunger_threshold: 0.01, 0.0, 1.0, added;
    /// Multiplier on the attrition of hunger in winter.
    winter_attrition: 2.0, 0.0, 100.0, added;

    // ---- mobilisation
    /// Share of a province's people its owner may call up in one levy (the men are taken from its people).
    levy_share: 0.05, 0.0, 1.0, added;
    /// Silver a thousand men of a levy cost to call up and arm.
    levy_silver: 3.0, 0.0, 10000.0, added;
    /// Grain a thousand men of a levy cost to call up.
    levy_grain: 2.0, 0.0, 10000.0, added;
    /// Months a province must rest after a levy before it may be called on again.
    levy_rest_months: 12.0, 0.0, 1200.0, added;
    /// Months from the call to the levy taking the field.
    levy_months: 3.0, 0.0, 120.0, added;
    /// Loyalty points a province loses for each thousand men called up in it.
    levy_loyalty: 0.5, 0.0, 100.0, added;
    /// Morale a levy takes the field with.
    levy_morale: 45.0, 0.0, 100.0, added;
    /// Share of its men an unpaid army loses each month as they go home (on top of the desertion of low morale).
    unpaid_desertion: 0.03, 0.0, 1.0, added;

    // ---- morale
    /// An army with fewer men than this left, after the month's fighting, hunger and desertion, breaks up and leaves the map.
    remnant_men: 50.0, 0.0, 1000000.0, added;
    /// Morale an army tends to each month (before commander and traits).
    base_morale: 60.0, 0.0, 100.0;
    /// Share of the gap to its base morale an army closes each month.
    morale_recovery: 0.2, 0.0, 1.0;
    /// Morale lost in a month without pay.
    unpaid_morale: 10.0, 0.0, 100.0;
    /// Morale lost in a month out of supply.
    hungry_morale: 10.0, 0.0, 100.0;
    /// Morale under which men desert.
    desertion_morale: 25.0, 0.0, 100.0;
    /// Share of its men an army under the desertion morale loses each month.
    desertion: 0.05, 0.0, 1.0;
    /// Share of the gap to 50 that legitimacy and cohesion close each month, whatever else happens.
    standing_drift: 0.05, 0.0, 1.0;
    /// Legitimacy a faction loses when it loses a province (more for its capital: `capital_legitimacy`).
    province_loss_legitimacy: 2.0, 0.0, 100.0;
    /// Legitimacy a faction loses for each battle it loses.
    defeat_legitimacy: 2.0, 0.0, 100.0;
    /// Loyalty at which a province's people refuse to be handed to a faction they do not hold legitimate.
    refuse_cession_loyalty: 70.0, 0.0, 101.0;
    /// Share of a resisting province's people who take up arms as militia.
    militia_share: 0.02, 0.0, 1.0;
    /// Morale below `base_morale` that an army without a commander tends to.
    leaderless_morale: 5.0, 0.0, 100.0, added;
    /// Morale an army tends to gain per point of its commander's skill above 5.
    commander_morale: 2.0, 0.0, 100.0, added;
    /// Multiplier on the legitimacy a faction loses with its capital.
    capital_legitimacy: 5.0, 0.0, 100.0, added;
    /// Legitimacy a faction gains for a province it takes, as a share of `province_loss_legitimacy`.
    conquest_legitimacy: 0.5, 0.0, 100.0, added;
    /// Legitimacy a faction loses for a peace it pays for.
    peace_legitimacy: 5.0, 0.0, 100.0, added;
    /// Legitimacy a faction loses for each province a peace makes it cede.
    cession_legitimacy: 3.0, 0.0, 100.0, added;

    // ---- characters
    /// Loyalty under which a commander may defect to an enemy at war with his faction.
    defection_loyalty: 30.0, 0.0, 100.0;
    /// Monthly chance that such a commander, facing an enemy army nearby, defects.
    defection_chance: 0.25, 0.0, 1.0;
    /// Monthly loyalty drift per ten points of legitimacy above (below) 50.
    loyalty_drift: 0.5, 0.0, 100.0;
    /// Loyalty a defector starts with under his new master.
    defector_loyalty: 60.0, 0.0, 100.0, added;
    /// Yearly chance that a character of fifty (whose birth year the scenario gives) dies of age.
    mortality_at_fifty: 0.02, 0.0, 1.0, added;
    /// Years in which that chance doubles, older (and halves, younger).
    mortality_doubling_years: 8.0, 1.0, 100.0, added;

    // ---- diplomacy
    /// Opinion the victim of a war declared by an event loses of the attacker.
    war_opinion: 30.0, 0.0, 200.0, added;
    /// Trust the victim of a war declared by an event loses in the attacker.
    war_trust: 30.0, 0.0, 100.0, added;
    /// Trust onlookers lose in a faction that breaks a treaty, as a share of `betrayal_trust`.
    betrayal_onlookers: 0.5, 0.0, 1.0, added;
    /// Months over which a peace's indemnity is paid, in equal instalments.
    indemnity_months: 12.0, 1.0, 1200.0, added;
    /// Opinion factions at war lose of each other each month.
    war_opinion_drift: 1.0, 0.0, 200.0, added;
    /// Share of its opinion of another faction a faction at peace with it forgets each month.
    opinion_fade: 0.02, 0.0, 1.0, added;
    /// Trust a payee loses each month in a payer whose payments are in arrears.
    arrears_trust: 2.0, 0.0, 100.0, added;

    // ---- AI
    /// Ratio of an ally's strength to its own under which an AI may turn on a rich ally.
    betrayal_ratio: 0.6, 0.0, 100.0;
    /// Monthly chance an AI that judges an ally weak and rich turns on it.
    betrayal_chance: 0.15, 0.0, 1.0;
    /// Trust lost by the victim of a broken treaty (and by everyone watching: `betrayal_onlookers`).
    betrayal_trust: 40.0, 0.0, 100.0;
    /// Strength ratio an AI wants before it attacks a city or army.
    ai_attack_ratio: 1.2, 0.0, 100.0;
    /// How many times the garrison's strength (behind its walls) an AI's assault power must be before it storms.
    ai_assault_ratio: 1.5, 0.0, 100.0;
    /// Points of the `Aggression` trait that make an AI count its armies twice as strong.
    ai_aggression_points: 10.0, 0.001, 1000.0, added;
    /// People who make a city worth as much to an AI as a thousand taels of monthly wealth.
    ai_people_worth: 100000.0, 1.0, 1000000000.0, added;
    /// How much more an enemy capital is worth to an AI than another city.
    ai_capital_worth: 3.0, 0.0, 100.0, added;
    /// How much more an own city under siege is worth relieving to an AI than an enemy city of the same worth is taking.
    ai_relieve_worth: 2.0, 0.0, 100.0, added;
    /// How much more a province an alliance promises an AI is worth to it (one promised to an ally is worth nothing).
    ai_promised_worth: 2.0, 0.0, 100.0, added;
    /// War-plan weight from which a target is a main objective: armies it names leave their sieges for it, and all attack it with less nerve.
    ai_main_objective: 10.0, 0.0, 1000000.0, added;
    /// Share of `ai_attack_ratio` an AI wants before it marches on a main objective.
    ai_main_objective_nerve: 0.5, 0.0, 1.0, added;
    /// Days of march within which an enemy army threatens a capital, keeping the army that guards it at home.
    ai_threat_days: 30.0, 0.0, 3650.0, added;
    /// Days of march that halve a target's appeal to an AI.
    ai_distance_days: 30.0, 1.0, 3650.0, added;
    /// Strength ratio (its own over the asker's) under which an AI grants a truce.
    ai_truce_balance: 1.5, 0.0, 100.0, added;
    /// Trust an AI needs in a faction to ally with it against a common enemy.
    ai_alliance_trust: 30.0, 0.0, 100.0, added;
    /// Silver added to an AI's treasury when it weighs an indemnity, so a poor court is not bought for a trifle.
    ai_treasury_floor: 1000.0, 0.0, 1000000000.0, added;
    /// What an indemnity as large as the AI's treasury is worth to it, counting a ceded province as 1.
    ai_indemnity_weight: 4.0, 0.0, 100.0, added;
    /// Trust under which an AI refuses any peace.
    ai_peace_trust: 10.0, 0.0, 100.0, added;
    /// Strength ratio (its own over the proposer's) beyond which an AI refuses peace, raised by what the terms give it.
    ai_peace_balance: 2.5, 0.0, 100.0, added;
    /// Least gain an AI not losing the war wants from a peace.
    ai_peace_gain: 0.5, 0.0, 100.0, added;
    /// Legitimacy under which an AI counts itself losing a war.
    ai_losing_legitimacy: 30.0, 0.0, 100.0, added;
    /// Share of an enemy's strength under which an AI counts itself losing a war.
    ai_losing_strength: 0.4, 0.0, 100.0, added;
    /// Share of its silver an AI losing a war offers for peace at first (see `ai_peace_steps`).
    ai_peace_indemnity: 0.3, 0.0, 1.0, added;
    /// Indemnities an AI losing a war weighs (`ai_peace_indemnity` of its silver, twice that, and so on): it offers the least it judges the enemy would take, or none.
    ai_peace_steps: 3.0, 1.0, 100.0, added;
    /// Months between an AI's offers of peace.
    ai_peace_months: 6.0, 1.0, 120.0, added;
    /// Trust under which an AI may turn on an ally.
    betrayal_max_trust: 70.0, 0.0, 101.0, added;
    /// Which AI plays the factions nobody plays: at 0.5 or more the strategic planner, which plans a faction's war as a whole; under it the classic AI, whose armies each pick their own target (`easy_ai_planner`).
    ai_planner: 1.0, 0.0, 1.0, added;
    /// Whether the AI takes the scenario's war plans as hints: at 0.5 or more it does; under it, it plays by its own judgement alone (`--no-war-plans`).
    ai_war_plans: 1.0, 0.0, 1.0, added;
    /// Days of march within which the AI plans: it weighs targets, sends armies, looks for refuge and counts threats only within them (routes beyond are searched only for marches ordered).
    ai_plan_days: 180.0, 1.0, 36500.0, added;
    /// Days of march within which the planner counts an enemy army as a threat to a city.
    ai_horizon_days: 40.0, 0.0, 3650.0, added;
    /// Days of march within which an enemy army counts against the planner's attack on a province or an army's stand there: all of it in the province, less the farther, none at this limit.
    ai_reach_days: 40.0, 1.0, 3650.0, added;
    /// Power the planner gathers in a threatened city, as a share of the enemy power that threatens it.
    ai_defend_ratio: 1.0, 0.0, 100.0, added;
    /// Enemy power within a month's march, over its side's power in the province, at which the planner's army falls back.
    ai_refuse_ratio: 1.5, 0.0, 100.0, added;
    /// Days by which the planner's armies nearer their objective than the farthest of their group wait for it.
    ai_gather_days: 20.0, 0.0, 3650.0, added;
    /// Longest march the planner starts towards a new objective in winter.
    ai_winter_days: 20.0, 0.0, 3650.0, added;
    /// What a city beyond the reach of the faction's supply lines (`supply_range`) is worth to the planner, as a share of its worth.
    ai_unsupplied_worth: 0.35, 0.0, 1.0, added;
    /// How much sooner the planner's army falls back where an enemy holds every neighbour (beaten there, it would have nowhere to retreat and would surrender): the enemy power near it counts this many times.
    ai_trapped_ratio: 1.5, 1.0, 100.0, added;
    /// Least power the planner brings against a city, as a share of the besiegers its garrison would sally against (its men over `sally_ratio`).
    ai_siege_share: 1.5, 0.0, 100.0, added;
    /// How much a city's garrison times its walls, over the power the planner brings, lowers its appeal: worth / (1 + this × hold / power).
    ai_walls_weight: 2.0, 0.0, 100.0, added;
    /// How much more a city its armies already besiege is worth to the planner: a siege given up loses the months already spent on it.
    ai_siege_commitment: 1.5, 1.0, 100.0, added;
    /// Worth, as a share of a group's objective, under which the planner leaves the cities on the group's road to it: another group opens another line.
    ai_road_share: 0.25, 0.0, 1.0, added;
    /// Months of a levy's pay the planner keeps in its treasury beyond the cost of calling it up: it calls up no more men than it can pay this long.
    ai_levy_reserve_months: 12.0, 0.0, 1200.0, added;
    /// Most provinces the planner calls on in a month: it calls up fewer, larger levies.
    ai_levy_provinces: 4.0, 0.0, 1000.0, added;
    /// Least men the planner calls up in one province: smaller levies are not worth the call.
    ai_least_levy: 2000.0, 0.0, 1000000.0, added;

    // ---- difficulty
    /// Multiplier on the income and morale recovery of AI factions; the difficulty sets it (`easy_ai_bonus`, `hard_ai_bonus`).
    ai_bonus: 1.0, 0.0, 10.0;
    /// `ai_bonus` at the easy difficulty.
    easy_ai_bonus: 0.8, 0.0, 10.0, added;
    /// `ai_bonus` at the hard difficulty.
    hard_ai_bonus: 1.25, 0.0, 10.0, added;
    /// `ai_planner` at the easy difficulty: the classic AI.
    easy_ai_planner: 0.0, 0.0, 1.0, added;
}

/// How strong the AI plays: a scenario may set its own (`difficulty: Hard`); a player picks one
/// when a campaign starts (the start screen, `--difficulty`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Difficulty {
    /// The classic AI (`easy_ai_planner`), its income and morale recovery multiplied by `easy_ai_bonus`.
    Easy,
    /// The scenario's own `ai_bonus` (1.0 unless it sets another).
    #[default]
    Normal,
    /// The AI's income and morale recovery are multiplied by `hard_ai_bonus`.
    Hard,
}

impl Difficulty {
    /// Every level, easiest first.
    pub const ALL: [Self; 3] = [Self::Easy, Self::Normal, Self::Hard];

    /// Sets `ai_bonus` (and, at easy, `ai_planner`) for this level. Applying a level twice changes nothing more.
    pub fn apply(self, rules: &mut Rules) {
        match self {
            Self::Easy => {
                rules.ai_bonus = rules.easy_ai_bonus;
                rules.ai_planner = rules.easy_ai_planner;
            }
            Self::Normal => {}
            Self::Hard => rules.ai_bonus = rules.hard_ai_bonus,
        }
    }

    /// What the level means, in a sentence for the start screen.
    pub fn description(self) -> &'static str {
        match self {
            Self::Easy => {
                "The classic AI: each army picks its own target. The AI earns less and recovers morale more slowly."
            }
            Self::Normal => {
                "The strategic AI plans each faction's war as a whole: threats, defence, concentration, objectives."
            }
            Self::Hard => "The strategic AI, earning more and recovering morale faster.",
        }
    }

    /// The level's name, as the command line and the start screen write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Easy => "easy",
            Self::Normal => "normal",
            Self::Hard => "hard",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_parameters_are_written_only_when_they_differ_from_their_default() {
        let json = |r: &Rules| serde_json::to_string(r).expect("serializes");
        let mut rules = Rules::default();
        let plain = json(&rules);
        assert!(plain.contains("\"grain_tax\":0.08"), "first parameters are always written");
        assert!(!plain.contains("leaderless_skill"), "{plain}");
        rules.leaderless_skill = 4.0;
        let set = json(&rules);
        assert!(set.contains("\"leaderless_skill\":4.0"), "{set}");
        let read: Rules = serde_json::from_str(&plain).expect("reads back");
        assert_eq!(read, Rules::default());
        let read: Rules = serde_json::from_str(&set).expect("reads back");
        assert_eq!(read, rules);
    }

    #[test]
    fn a_difficulty_sets_the_ai_bonus_once() {
        let mut rules = Rules { ai_bonus: 1.1, ..Rules::default() };
        Difficulty::Normal.apply(&mut rules);
        assert_eq!(rules.ai_bonus, 1.1, "normal keeps the scenario's own bonus");
        Difficulty::Hard.apply(&mut rules);
        Difficulty::Hard.apply(&mut rules);
        assert_eq!(rules.ai_bonus, rules.hard_ai_bonus);
        Difficulty::Easy.apply(&mut rules);
        assert_eq!(rules.ai_bonus, 0.8);
    }
}
