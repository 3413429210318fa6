//! Rule parameters: every constant the simulation uses, with its default. A scenario may override
//! any of them in its `rules: (...)` section.
use serde::{Deserialize, Serialize};

macro_rules! rules {
    ($( $(#[doc = $doc:literal])* $name:ident : $default:expr, $min:expr, $max:expr; )*) => {
        /// The numbers the rules use; see `docs/rules.md` for how each is used.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Rules {
            $( $(#[doc = $doc])* pub $name: f64, )*
        }

        impl Default for Rules {
            fn default() -> Self {
                Self { $( $name: $default, )* }
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
    /// Share of a province's grain stores refilled each month when it is not besieged (of a year's yield).
    store_refill: 0.1, 0.0, 1.0;

    // ---- movement
    /// Days of march an army has each month at speed 1.0.
    march_days: 30.0, 1.0, 365.0;
    /// Multiplier on marching days in winter (November to February).
    winter_march: 0.7, 0.0, 1.0;
    /// Multiplier on the days to cross a river outside winter (in winter the rivers freeze).
    river_crossing: 1.5, 0.0, 100.0;

    // ---- battles
    /// Share of its men the weaker side loses in a battle where the two are equal.
    battle_losses: 0.12, 0.0, 1.0;
    /// Random spread of each side's power in a battle (0.25: from 75% to 125%).
    battle_luck: 0.25, 0.0, 1.0;
    /// Fighting power gained per point of commander skill above 5.
    command_bonus: 0.08, 0.0, 1.0;
    /// Morale points a victory gives and a defeat takes (doubled for a rout).
    battle_morale: 12.0, 0.0, 100.0;
    /// Chance that a beaten army's commander is captured.
    capture_chance: 0.1, 0.0, 1.0;
    /// Chance a night raid succeeds when both commanders are equal.
    raid_success: 0.35, 0.0, 1.0;

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
    /// How many times stronger than its besiegers (in men, weighted by morale) a garrison must be to sally.
    sally_ratio: 1.5, 0.0, 100.0;
    /// Share of the besiegers a sally kills (the garrison loses half as many).
    sally_losses: 0.1, 0.0, 1.0;
    /// Morale a besieged army and a besieging army in winter lose each month.
    siege_morale: 3.0, 0.0, 100.0;
    /// Share of a city's people, wealth and grain a conqueror takes when a city falls.
    sack_share: 0.2, 0.0, 1.0;

    // ---- supply
    /// Supply lost for each step of the supply line away from friendly land (percentage points).
    supply_step_loss: 20.0, 0.0, 100.0;
    /// Longest supply line, in steps.
    supply_range: 3.0, 0.0, 100.0;
    /// Share of its men an army out of supply and out of grain loses each month.
    attrition: 0.06, 0.0, 1.0;
    /// Grain an army can forage each month per thousand people in an enemy province.
    forage: 0.3, 0.0, 100.0;

    // ---- morale
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
    /// Legitimacy a faction loses when it loses a province (five times for its capital).
    province_loss_legitimacy: 2.0, 0.0, 100.0;
    /// Legitimacy a faction loses for each battle it loses.
    defeat_legitimacy: 2.0, 0.0, 100.0;
    /// Loyalty at which a province's people refuse to be handed to a faction they do not hold legitimate.
    refuse_cession_loyalty: 70.0, 0.0, 101.0;
    /// Share of a resisting province's people who take up arms as militia.
    militia_share: 0.02, 0.0, 1.0;

    // ---- characters
    /// Loyalty under which a commander may defect to an enemy at war with his faction.
    defection_loyalty: 30.0, 0.0, 100.0;
    /// Monthly chance that such a commander, facing an enemy army nearby, defects.
    defection_chance: 0.25, 0.0, 1.0;
    /// Monthly loyalty drift per ten points of legitimacy above (below) 50.
    loyalty_drift: 0.5, 0.0, 100.0;

    // ---- diplomacy and AI
    /// Ratio of an ally's strength to its own under which an AI may turn on a rich ally.
    betrayal_ratio: 0.6, 0.0, 100.0;
    /// Monthly chance an AI that judges an ally weak and rich turns on it.
    betrayal_chance: 0.15, 0.0, 1.0;
    /// Trust lost by the victim of a broken treaty, and by everyone watching (half).
    betrayal_trust: 40.0, 0.0, 100.0;
    /// Strength ratio an AI wants before it attacks a city or army.
    ai_attack_ratio: 1.2, 0.0, 100.0;
    /// How many times the garrison's strength (behind its walls) an AI's assault power must be before it storms.
    ai_assault_ratio: 1.5, 0.0, 100.0;
    /// Difficulty: multiplier on the income and morale recovery of AI factions (0.8 easy, 1.25 hard).
    ai_bonus: 1.0, 0.0, 10.0;
}
