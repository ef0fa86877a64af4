//! [`FlyteType`] for date-times and durations.
//!
//! DATETIME literals are UTC timestamps; `NaiveDate` is midnight UTC of that day, as flytekit
//! does for `datetime.date`. Inside dataclasses flytekit writes date-times as ISO-8601 strings
//! (`2024-01-01T00:00:00+00:00`, Python's `isoformat`), dates as `YYYY-MM-DD` and durations as
//! float seconds; Python keeps microseconds, so that form rounds to the microsecond.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};
use flytekit_idl::core::{primitive, Literal, LiteralType, SimpleType};

use super::literal::{primitive_literal, simple_type};
use super::msgpack::{msgpack_kind, msgpack_str, write_f64, write_str};
use super::primitives::read_primitive;
use super::{FlyteType, TypeError};

fn timestamp_to_datetime(ts: &prost_types::Timestamp) -> Option<Result<DateTime<Utc>, TypeError>> {
    let nanos = u32::try_from(ts.nanos).ok();
    Some(
        nanos
            .and_then(|n| DateTime::from_timestamp(ts.seconds, n))
            .ok_or_else(|| {
                TypeError::new(format!(
                    "timestamp {}s {}ns is out of the range of `DateTime<Utc>`",
                    ts.seconds, ts.nanos
                ))
            }),
    )
}

/// Python's `datetime.isoformat()` of a UTC date-time: microseconds only when non-zero.
pub(crate) fn isoformat(value: &DateTime<Utc>) -> String {
    let micros = value.nanosecond() / 1_000 % 1_000_000;
    let base = value.format("%Y-%m-%dT%H:%M:%S");
    if micros == 0 {
        format!("{base}+00:00")
    } else {
        format!("{base}.{micros:06}+00:00")
    }
}

/// Reads an ISO-8601 date-time as Python writes it: with an offset (converted to UTC), without
/// one (taken as UTC), or a bare date (midnight UTC).
pub(crate) fn parse_iso_datetime(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(naive.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
}

fn read_datetime_msgpack(
    rust: &str,
    value: &rmpv::ValueRef<'_>,
) -> Result<DateTime<Utc>, TypeError> {
    match msgpack_str(value) {
        Some(text) => parse_iso_datetime(text).ok_or_else(|| {
            TypeError::new(format!(
                "expected `{rust}` as an ISO-8601 string, found {text:?}"
            ))
        }),
        None => Err(TypeError::mismatch(rust, "DATETIME", msgpack_kind(value))),
    }
}

#[diagnostic::do_not_recommend]
impl FlyteType for DateTime<Utc> {
    fn literal_type() -> LiteralType {
        simple_type(SimpleType::Datetime)
    }

    fn union_tag() -> &'static str {
        "datetime"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        Ok(primitive_literal(primitive::Value::Datetime(
            prost_types::Timestamp {
                seconds: self.timestamp(),
                nanos: self.timestamp_subsec_nanos() as i32,
            },
        )))
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        read_primitive(literal, "DATETIME", |value| match value {
            primitive::Value::Datetime(ts) => timestamp_to_datetime(ts),
            _ => None,
        })
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        write_str(out, &isoformat(self));
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        read_datetime_msgpack("DateTime<Utc>", value)
    }
}

#[diagnostic::do_not_recommend]
impl FlyteType for NaiveDate {
    fn literal_type() -> LiteralType {
        simple_type(SimpleType::Datetime)
    }

    fn union_tag() -> &'static str {
        "date"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        let midnight = self.and_time(chrono::NaiveTime::MIN).and_utc();
        midnight.to_literal()
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        read_primitive(literal, "DATETIME", |value| match value {
            primitive::Value::Datetime(ts) => {
                timestamp_to_datetime(ts).map(|r| r.map(|dt| dt.date_naive()))
            }
            _ => None,
        })
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        write_str(out, &self.format("%Y-%m-%d").to_string());
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        read_datetime_msgpack("NaiveDate", value).map(|dt| dt.date_naive())
    }
}

/// Float seconds from msgpack (an int is fine too), rounded to the microsecond like Python's
/// `timedelta`.
fn read_seconds(rust: &str, value: &rmpv::ValueRef<'_>) -> Result<TimeDelta, TypeError> {
    let seconds = match value {
        rmpv::ValueRef::F64(f) => Some(*f),
        rmpv::ValueRef::F32(f) => Some(f64::from(*f)),
        rmpv::ValueRef::Integer(i) => i.as_f64(),
        _ => None,
    }
    .ok_or_else(|| TypeError::mismatch(rust, "DURATION as float seconds", msgpack_kind(value)))?;
    let micros = (seconds * 1e6).round();
    if !micros.is_finite() || micros.abs() > 9.0e18 {
        return Err(TypeError::new(format!(
            "{seconds} seconds is out of the range of `{rust}`"
        )));
    }
    Ok(TimeDelta::microseconds(micros as i64))
}

fn delta_to_literal(delta: &TimeDelta) -> Literal {
    // protobuf wants seconds and nanos of the same sign; TimeDelta's accessors give exactly that.
    primitive_literal(primitive::Value::Duration(prost_types::Duration {
        seconds: delta.num_seconds(),
        nanos: delta.subsec_nanos(),
    }))
}

fn duration_to_delta(duration: &prost_types::Duration) -> Option<Result<TimeDelta, TypeError>> {
    let delta = (duration.nanos.abs() < 1_000_000_000)
        .then(|| TimeDelta::try_seconds(duration.seconds))
        .flatten()
        .and_then(|s| s.checked_add(&TimeDelta::nanoseconds(i64::from(duration.nanos))));
    Some(delta.ok_or_else(|| {
        TypeError::new(format!(
            "duration {}s {}ns is not a valid duration",
            duration.seconds, duration.nanos
        ))
    }))
}

#[diagnostic::do_not_recommend]
impl FlyteType for TimeDelta {
    fn literal_type() -> LiteralType {
        simple_type(SimpleType::Duration)
    }

    fn union_tag() -> &'static str {
        "timedelta"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        Ok(delta_to_literal(self))
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        read_primitive(literal, "DURATION", |value| match value {
            primitive::Value::Duration(d) => duration_to_delta(d),
            _ => None,
        })
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        let seconds = self.num_seconds() as f64 + f64::from(self.subsec_nanos()) / 1e9;
        write_f64(out, seconds);
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        read_seconds("chrono::Duration", value)
    }
}

fn delta_to_std(delta: TimeDelta) -> Result<std::time::Duration, TypeError> {
    delta.to_std().map_err(|_| {
        TypeError::new(format!(
            "negative duration {delta} cannot be a `std::time::Duration`; use `chrono::Duration` \
             for durations that may be negative"
        ))
    })
}

#[diagnostic::do_not_recommend]
impl FlyteType for std::time::Duration {
    fn literal_type() -> LiteralType {
        simple_type(SimpleType::Duration)
    }

    fn union_tag() -> &'static str {
        "timedelta"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        let delta = TimeDelta::from_std(*self).map_err(|_| {
            TypeError::new(format!(
                "duration {self:?} is too long for a Flyte DURATION"
            ))
        })?;
        Ok(delta_to_literal(&delta))
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        read_primitive(literal, "DURATION", |value| match value {
            primitive::Value::Duration(d) => duration_to_delta(d).map(|r| r.and_then(delta_to_std)),
            _ => None,
        })
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        write_f64(out, self.as_secs_f64());
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        read_seconds("std::time::Duration", value).and_then(delta_to_std)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isoformat_matches_python() {
        let dt = DateTime::from_timestamp(1_704_164_645, 600_000_000).unwrap();
        assert_eq!(isoformat(&dt), "2024-01-02T03:04:05.600000+00:00");
        let whole = DateTime::from_timestamp(1_704_067_200, 0).unwrap();
        assert_eq!(isoformat(&whole), "2024-01-01T00:00:00+00:00");
    }

    #[test]
    fn python_datetime_strings_parse() {
        let expected = DateTime::from_timestamp(1_704_067_200, 0).unwrap();
        for text in [
            "2024-01-01T00:00:00+00:00",
            "2024-01-01T00:00:00Z",
            "2024-01-01T01:00:00+01:00",
            "2024-01-01T00:00:00",
            "2024-01-01",
        ] {
            assert_eq!(parse_iso_datetime(text), Some(expected), "{text}");
        }
        assert_eq!(parse_iso_datetime("yesterday"), None);
    }

    #[test]
    fn negative_chrono_durations_keep_one_sign() {
        let delta = TimeDelta::milliseconds(-1500);
        let literal = delta.to_literal().unwrap();
        match super::super::primitive_of(&literal) {
            Some(primitive::Value::Duration(d)) => {
                assert_eq!((d.seconds, d.nanos), (-1, -500_000_000))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(TimeDelta::from_literal(&literal).unwrap(), delta);
        let err = std::time::Duration::from_literal(&literal).unwrap_err();
        assert!(err.to_string().contains("negative duration"), "{err}");
    }
}
