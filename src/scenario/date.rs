//! Year-month dates: one turn is one month.
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A month of a year, written `"1125-10"` in scenario files.
///
/// Deserialisation accepts any `YEAR-MONTH` pair of integers so that a bad month is reported by
/// validation together with every other mistake of the file; [`Date::is_valid`] says whether it is
/// a real month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year (negative for years before the common era).
    pub year: i32,
    /// The month, 1 to 12 once validated.
    pub month: u8,
}

/// The earliest year a scenario may use.
pub const MIN_YEAR: i32 = -3000;
/// The latest year a scenario may use.
pub const MAX_YEAR: i32 = 3000;

impl Date {
    /// A date from a year and a month (1-12).
    pub const fn new(year: i32, month: u8) -> Self {
        Self { year, month }
    }

    /// Whether the month is 1-12 and the year within [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn is_valid(self) -> bool {
        (1..=12).contains(&self.month) && (MIN_YEAR..=MAX_YEAR).contains(&self.year)
    }

    /// Months since year 0, month 1: a total order that makes date arithmetic easy.
    pub fn month_index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The date `index` months after year 0, month 1.
    pub fn from_month_index(index: i64) -> Self {
        let year = index.div_euclid(12);
        let month = index.rem_euclid(12) + 1;
        Self { year: year as i32, month: month as u8 }
    }

    /// The date `months` months later (earlier when negative).
    pub fn plus_months(self, months: i64) -> Self {
        Self::from_month_index(self.month_index() + months)
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: Date) -> i64 {
        later.month_index() - self.month_index()
    }

    /// Parses `YEAR-MONTH`; the month is not range-checked (see [`Date::is_valid`]).
    pub fn parse(text: &str) -> Option<Self> {
        let (year, month) = match text.strip_prefix('-') {
            Some(rest) => {
                let (y, m) = rest.split_once('-')?;
                (format!("-{y}"), m)
            }
            None => {
                let (y, m) = text.split_once('-')?;
                (y.to_string(), m)
            }
        };
        let digits = |s: &str| !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year.trim_start_matches('-')) || !digits(month) || month.len() > 2 {
            return None;
        }
        Some(Self { year: year.parse().ok()?, month: month.parse().ok()? })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid date \"{text}\": expected \"YEAR-MONTH\", e.g. \"1125-10\""))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_year_month() {
        let d = Date::parse("1125-10").unwrap();
        assert_eq!(d, Date::new(1125, 10));
        assert_eq!(d.to_string(), "1125-10");
        assert_eq!(Date::parse("-200-03"), Some(Date::new(-200, 3)));
    }

    #[test]
    fn rejects_malformed_text_but_keeps_bad_months_for_validation() {
        assert_eq!(Date::parse("1125/10"), None);
        assert_eq!(Date::parse("1125-"), None);
        assert_eq!(Date::parse("1125-100"), None);
        let bad_month = Date::parse("1125-13").unwrap();
        assert!(!bad_month.is_valid());
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        let d = Date::new(1126, 11);
        assert_eq!(d.plus_months(3), Date::new(1127, 2));
        assert_eq!(d.plus_months(-11), Date::new(1125, 12));
        assert_eq!(Date::new(1125, 12).months_until(Date::new(1126, 9)), 9);
    }
}
