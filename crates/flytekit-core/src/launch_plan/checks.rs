//! Syntax checks of launch plan options that types cannot express: cron expressions (what
//! Flyte's scheduler parses: 5 standard fields or an alias), ISO 8601 offsets, and Kubernetes
//! label keys and values. Each returns a message saying what is wrong and what is allowed.

/// Aliases Flyte's scheduler accepts instead of 5 fields.
const CRON_ALIASES: &[&str] = &[
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

const MONTHS: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// One cron field: its name, bounds and symbolic names (numbered from `low`).
struct Field {
    name: &'static str,
    low: u32,
    high: u32,
    names: &'static [&'static str],
    question_mark: bool,
}

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        low: 0,
        high: 59,
        names: &[],
        question_mark: false,
    },
    Field {
        name: "hour",
        low: 0,
        high: 23,
        names: &[],
        question_mark: false,
    },
    Field {
        name: "day of month",
        low: 1,
        high: 31,
        names: &[],
        question_mark: true,
    },
    Field {
        name: "month",
        low: 1,
        high: 12,
        names: MONTHS,
        question_mark: false,
    },
    Field {
        name: "day of week",
        low: 0,
        high: 6,
        names: DAYS,
        question_mark: true,
    },
];

/// Checks a cron schedule: 5 fields (`"0 2 * * *"`) or an alias (`"@daily"`).
pub fn check_cron(expression: &str) -> Result<(), String> {
    let expression = expression.trim();
    if expression.starts_with('@') {
        if CRON_ALIASES.contains(&expression) {
            return Ok(());
        }
        return Err(format!(
            "cron alias `{expression}` is not one Flyte knows; use one of {} or 5 fields such as `0 2 * * *` (for intervals use a fixed-rate schedule)",
            CRON_ALIASES.join(", ")
        ));
    }
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "cron expression `{expression}` has {} fields; Flyte wants 5 (minute hour day-of-month month day-of-week, e.g. `0 2 * * *`) or an alias such as `@daily`",
            fields.len()
        ));
    }
    for (text, field) in fields.iter().zip(FIELDS.iter()) {
        check_field(text, field).map_err(|e| {
            format!(
                "cron expression `{expression}`: {} field `{text}`: {e}",
                field.name
            )
        })?;
    }
    Ok(())
}

fn check_field(text: &str, field: &Field) -> Result<(), String> {
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (item, None),
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(n) if n > 0 => {}
                _ => return Err(format!("step `{step}` must be a positive number")),
            }
        }
        if range == "*" || (range == "?" && field.question_mark) {
            continue;
        }
        let (low, high) = match range.split_once('-') {
            Some((low, high)) => (value(low, field)?, value(high, field)?),
            None => {
                let v = value(range, field)?;
                (v, v)
            }
        };
        if low > high {
            return Err(format!("range `{range}` runs backwards"));
        }
    }
    Ok(())
}

fn value(text: &str, field: &Field) -> Result<u32, String> {
    let upper = text.to_ascii_uppercase();
    if let Some(i) = field.names.iter().position(|n| *n == upper) {
        return Ok(field.low + i as u32);
    }
    match text.parse::<u32>() {
        Ok(v) if (field.low..=field.high).contains(&v) => Ok(v),
        Ok(v) => Err(format!("{v} is out of range {}-{}", field.low, field.high)),
        Err(_) => Err(format!(
            "`{text}` is not a number{}",
            if field.names.is_empty() {
                String::new()
            } else {
                format!(" or one of {}", field.names.join(", "))
            }
        )),
    }
}

/// Checks an ISO 8601 duration such as `PT1H`, `P1D`, `P1DT12H30M`.
pub fn check_iso_duration(text: &str) -> Result<(), String> {
    let bad = || {
        format!("offset `{text}` is not an ISO 8601 duration such as `PT1H`, `PT30M`, `P1D` or `P1DT12H`")
    };
    let rest = text.strip_prefix('P').ok_or_else(bad)?;
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) if !time.is_empty() => (date, Some(time)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    let mut any = false;
    let mut parts = |text: &str, units: &[char]| -> Result<(), String> {
        let mut number = String::new();
        let mut next_unit = 0;
        for c in text.chars() {
            if c.is_ascii_digit() || (c == '.' && !number.is_empty()) {
                number.push(c);
                continue;
            }
            let position = units.iter().position(|u| *u == c).ok_or_else(bad)?;
            if number.is_empty() || position < next_unit || number.parse::<f64>().is_err() {
                return Err(bad());
            }
            next_unit = position + 1;
            number.clear();
            any = true;
        }
        if number.is_empty() {
            Ok(())
        } else {
            Err(bad())
        }
    };
    parts(date, &['Y', 'M', 'W', 'D'])?;
    if let Some(time) = time {
        parts(time, &['H', 'M', 'S'])?;
    }
    if any {
        Ok(())
    } else {
        Err(bad())
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'
}

/// A Kubernetes name part: 1-63 characters, letters, digits, `-`, `_`, `.`, starting and ending
/// with a letter or digit.
fn check_name(name: &str) -> Result<(), String> {
    let ends_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if name.is_empty() || name.len() > 63 {
        return Err("must have 1 to 63 characters".to_string());
    }
    if !name.chars().all(is_name_char)
        || !ends_ok(name.chars().next())
        || !ends_ok(name.chars().last())
    {
        return Err("may hold letters, digits, `-`, `_` and `.`, and must start and end with a letter or digit".to_string());
    }
    Ok(())
}

/// Checks a label key: a Kubernetes qualified name (`team`, `example.com/team`).
pub fn check_label_key(key: &str) -> Result<(), String> {
    let name = match key.rsplit_once('/') {
        Some((prefix, name)) => {
            let ok = !prefix.is_empty()
                && prefix.len() <= 253
                && prefix.split('.').all(|part| {
                    !part.is_empty()
                        && part
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                        && !part.starts_with('-')
                        && !part.ends_with('-')
                });
            if !ok {
                return Err(format!(
                    "label key `{key}`: prefix `{prefix}` must be a DNS subdomain such as `example.com`"
                ));
            }
            name
        }
        None => key,
    };
    check_name(name)
        .map_err(|e| format!("label key `{key}` is not a Kubernetes qualified name: it {e}"))
}

/// Checks a label value: empty, or a name of up to 63 characters (see [`check_label_key`]).
pub fn check_label_value(key: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    check_name(value).map_err(|e| {
        format!("value `{value}` of label `{key}` is not a valid Kubernetes label value: it {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_expressions() {
        for good in [
            "0 2 * * *",
            "*/15 0-6,22 1 JAN-mar MON-FRI",
            "5 4 ? * SUN",
            "@daily",
            "@annually",
        ] {
            assert_eq!(check_cron(good), Ok(()), "{good}");
        }
        let bad = |e: &str| check_cron(e).unwrap_err();
        assert!(bad("0 2 * *").contains("has 4 fields"));
        assert!(bad("0 0 2 * * *").contains("has 6 fields"));
        assert!(bad("@every 1h").contains("not one Flyte knows"));
        assert!(bad("60 2 * * *").contains("minute field `60`: 60 is out of range 0-59"));
        assert!(bad("0 2 * FOO *").contains("or one of JAN"));
        assert!(bad("0 5-2 * * *").contains("runs backwards"));
        assert!(bad("*/0 2 * * *").contains("positive"));
        assert!(bad("? 2 * * *").contains("not a number"));
    }

    #[test]
    fn iso_durations() {
        for good in ["PT1H", "P1D", "P1DT12H30M", "PT0.5S", "P2W"] {
            assert_eq!(check_iso_duration(good), Ok(()), "{good}");
        }
        for bad in ["", "1H", "P", "PT", "PTH", "PT1M1H", "P1H", "1 hour"] {
            assert!(check_iso_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn labels() {
        for good in ["team", "example.com/team", "a_b.c-d", "A1"] {
            assert_eq!(check_label_key(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "-team",
            "team-",
            "with space",
            "Example.com/x",
            "/x",
            &"x".repeat(64),
        ] {
            assert!(check_label_key(bad).is_err(), "{bad}");
        }
        assert_eq!(check_label_value("k", ""), Ok(()));
        assert_eq!(check_label_value("k", "data-1"), Ok(()));
        assert!(check_label_value("k", "a b").is_err());
    }
}
