//! Duration strings of macro options (`timeout = "1h30m"`).
//!
//! Consumes the text of a string literal; produces a [`std::time::Duration`] or the reason the text
//! is not a duration. The grammar is deliberately small and strict (hand-rolled rather than
//! humantime, which also accepts `"5 minutes"` or `"2hours"`): one or more `<integer><unit>`
//! components, units `d`, `h`, `m`, `s`, `ms` from largest to smallest, each at most once,
//! optionally separated by spaces: `"30s"`, `"5m"`, `"1h30m"`, `"500ms"`, `"1h 30m"`. A duration
//! written one way means one thing, and the error can say exactly what is wrong.

use std::fmt;
use std::time::Duration;

/// Why a string is not a valid (non-zero) duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// Empty or only spaces.
    Empty,
    /// A number without a unit, e.g. `"30"`.
    MissingUnit,
    /// A unit that is not one of `d`, `h`, `m`, `s`, `ms`.
    UnknownUnit(String),
    /// A unit without a number, or a character that is neither a digit nor a unit.
    Malformed,
    /// A fractional number such as `"1.5h"`.
    Fraction,
    /// The same unit twice, or a larger unit after a smaller one (`"30m1h"`).
    UnitOrder,
    /// The total is zero.
    Zero,
    /// Too large to represent.
    Overflow,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the duration is empty"),
            Self::MissingUnit => f.write_str("a number needs a unit (`d`, `h`, `m`, `s` or `ms`)"),
            Self::UnknownUnit(unit) => write!(
                f,
                "unknown unit `{unit}` (expected `d`, `h`, `m`, `s` or `ms`)"
            ),
            Self::Malformed => f.write_str("expected numbers each followed by a unit"),
            Self::Fraction => f.write_str("fractions are not supported, combine units instead"),
            Self::UnitOrder => f.write_str("each unit may appear once, from largest to smallest"),
            Self::Zero => f.write_str("the duration must be longer than zero"),
            Self::Overflow => f.write_str("the duration is too large"),
        }
    }
}

/// The units, largest first, with their length in milliseconds. The index is used to enforce
/// "largest to smallest, each once".
const UNITS: [(&str, u64); 5] = [
    ("d", 24 * 60 * 60 * 1000),
    ("h", 60 * 60 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
];

/// Parses a duration such as `"30s"`, `"5m"`, `"1h30m"`, `"500ms"` or `"2h"` (see the module doc
/// for the grammar). Zero is an error: a zero timeout would make every execution fail at once.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    let mut rest = text;
    let mut total_millis: u64 = 0;
    // Index into UNITS of the last unit seen; the next must have a larger index.
    let mut last_unit: Option<usize> = None;
    while !rest.is_empty() {
        let digits_len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits_len == 0 {
            return Err(DurationError::Malformed);
        }
        let (digits, after_digits) = rest.split_at(digits_len);
        if after_digits.starts_with('.') {
            return Err(DurationError::Fraction);
        }
        let unit_len = after_digits
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after_digits.len());
        let (unit, after_unit) = after_digits.split_at(unit_len);
        if unit.is_empty() {
            return Err(if after_digits.trim().is_empty() {
                DurationError::MissingUnit
            } else {
                DurationError::Malformed
            });
        }
        let Some(unit_index) = UNITS.iter().position(|(name, _)| *name == unit) else {
            return Err(DurationError::UnknownUnit(unit.to_string()));
        };
        if last_unit.is_some_and(|last| unit_index <= last) {
            return Err(DurationError::UnitOrder);
        }
        last_unit = Some(unit_index);
        let count: u64 = digits.parse().map_err(|_| DurationError::Overflow)?;
        let millis = count
            .checked_mul(UNITS[unit_index].1)
            .ok_or(DurationError::Overflow)?;
        total_millis = total_millis
            .checked_add(millis)
            .ok_or(DurationError::Overflow)?;
        rest = after_unit.trim_start();
    }
    if total_millis == 0 {
        return Err(DurationError::Zero);
    }
    Ok(Duration::from_millis(total_millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn parses_single_units() {
        assert_eq!(parse_duration("30s"), Ok(secs(30)));
        assert_eq!(parse_duration("5m"), Ok(secs(300)));
        assert_eq!(parse_duration("2h"), Ok(secs(7200)));
        assert_eq!(parse_duration("1d"), Ok(secs(86_400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    }

    #[test]
    fn parses_combinations_with_optional_spaces() {
        assert_eq!(parse_duration("1h30m"), Ok(secs(5400)));
        assert_eq!(parse_duration("1h 30m"), Ok(secs(5400)));
        assert_eq!(
            parse_duration(" 1d2h3m4s5ms "),
            Ok(Duration::from_millis(93_784_005))
        );
        assert_eq!(parse_duration("0h5m"), Ok(secs(300)));
    }

    #[test]
    fn rejects_empty_and_zero() {
        assert_eq!(parse_duration(""), Err(DurationError::Empty));
        assert_eq!(parse_duration("   "), Err(DurationError::Empty));
        assert_eq!(parse_duration("0s"), Err(DurationError::Zero));
        assert_eq!(parse_duration("0h0m"), Err(DurationError::Zero));
    }

    #[test]
    fn rejects_numbers_without_units() {
        assert_eq!(parse_duration("30"), Err(DurationError::MissingUnit));
        assert_eq!(parse_duration("1h30"), Err(DurationError::MissingUnit));
    }

    #[test]
    fn rejects_unknown_units_and_words() {
        assert_eq!(
            parse_duration("5 minutes"),
            Err(DurationError::Malformed),
            "a space between number and unit"
        );
        assert_eq!(
            parse_duration("5minutes"),
            Err(DurationError::UnknownUnit("minutes".into()))
        );
        assert_eq!(
            parse_duration("2w"),
            Err(DurationError::UnknownUnit("w".into()))
        );
        assert_eq!(
            parse_duration("1H"),
            Err(DurationError::UnknownUnit("H".into()))
        );
        assert_eq!(parse_duration("h"), Err(DurationError::Malformed));
        assert_eq!(parse_duration("-5s"), Err(DurationError::Malformed));
        assert_eq!(parse_duration("5s!"), Err(DurationError::Malformed));
    }

    #[test]
    fn rejects_fractions() {
        assert_eq!(parse_duration("1.5h"), Err(DurationError::Fraction));
    }

    #[test]
    fn rejects_repeated_or_unordered_units() {
        assert_eq!(parse_duration("30m1h"), Err(DurationError::UnitOrder));
        assert_eq!(parse_duration("1h1h"), Err(DurationError::UnitOrder));
        assert_eq!(parse_duration("1ms1s"), Err(DurationError::UnitOrder));
    }

    #[test]
    fn rejects_overflow() {
        assert_eq!(
            parse_duration("99999999999999999999999s"),
            Err(DurationError::Overflow)
        );
        assert_eq!(
            parse_duration("999999999999999d"),
            Err(DurationError::Overflow)
        );
    }

    #[test]
    fn errors_explain_themselves() {
        assert_eq!(
            DurationError::UnknownUnit("w".into()).to_string(),
            "unknown unit `w` (expected `d`, `h`, `m`, `s` or `ms`)"
        );
        assert_eq!(
            DurationError::Zero.to_string(),
            "the duration must be longer than zero"
        );
    }
}
