//! Kubernetes resource quantities (`"500m"`, `"1Gi"`, `"2"`, `"1e3"`).
//!
//! Consumes the text of a resource value; produces a [`Quantity`] (the parsed number and suffix,
//! with the original text kept verbatim because it goes into the task spec as written) or the
//! reason the text is not a quantity. The grammar is Kubernetes' own, minus the sign, which no
//! resource request may carry:
//!
//! ```text
//! quantity ::= number suffix
//! number   ::= digits | digits "." digits | digits "." | "." digits
//! suffix   ::= "" | binary | decimal | exponent
//! binary   ::= "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei"
//! decimal  ::= "m" | "k" | "M" | "G" | "T" | "P" | "E"
//! exponent ::= ("e" | "E") ["+" | "-"] digits
//! ```

use std::fmt;

/// The suffix of a [`Quantity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantitySuffix {
    /// No suffix: the number as is.
    None,
    /// `Ki` (1), `Mi` (2), `Gi` (3), `Ti` (4), `Pi` (5), `Ei` (6): times 1024 to this power.
    Binary(u32),
    /// `m` (-3), `k` (3), `M` (6), `G` (9), `T` (12), `P` (15), `E` (18): times 10 to this power.
    Decimal(i32),
    /// `e<n>` / `E<n>`: times 10 to the power `n`.
    Exponent(i32),
}

/// A valid Kubernetes quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The text exactly as written, which is what goes into the spec.
    pub text: String,
    /// The number part, e.g. `"1.5"` of `"1.5Gi"`.
    pub number: String,
    /// The suffix.
    pub suffix: QuantitySuffix,
}

/// Why a string is not a Kubernetes quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityError {
    /// Empty string.
    Empty,
    /// Starts with `-` or `+`.
    Signed,
    /// The number part is missing or malformed (e.g. `"Gi"`, `"1.2.3"`, `"1 Gi"`).
    Malformed,
    /// The text after the number is not a suffix (e.g. `"1GB"`, `"2cores"`).
    UnknownSuffix(String),
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the quantity is empty"),
            Self::Signed => f.write_str("a resource quantity cannot have a sign"),
            Self::Malformed => f.write_str("not a number with an optional unit suffix"),
            Self::UnknownSuffix(suffix) => {
                write!(f, "unknown suffix `{suffix}`")?;
                // `GB`, `Mb`, `KiB`: the unit of bytes is implied in Kubernetes.
                let prefix = suffix.trim_end_matches(['B', 'b']);
                if prefix.len() < suffix.len() {
                    let binary = match prefix.to_ascii_uppercase().trim_end_matches('I') {
                        p @ ("K" | "M" | "G" | "T" | "P" | "E") => Some(format!("{p}i")),
                        _ => None,
                    };
                    if let Some(binary) = binary {
                        let decimal = if binary == "Ki" { "k" } else { &binary[..1] };
                        return write!(
                            f,
                            ": Kubernetes quantities have no `B`, write `{binary}` (powers of \
                             1024) or `{decimal}` (powers of 1000)"
                        );
                    }
                }
                f.write_str(
                    " (allowed: `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`, `m`, `k`, `M`, `G`, `T`, \
                     `P`, `E`, or an exponent such as `e3`)",
                )
            }
        }
    }
}

impl Quantity {
    /// Whether the quantity is a plain whole number such as `"2"` (no fraction, no suffix), the
    /// only form that makes sense for a count of GPUs.
    pub fn is_plain_integer(&self) -> bool {
        self.suffix == QuantitySuffix::None && self.number.bytes().all(|b| b.is_ascii_digit())
    }

    /// The value as a float, for comparisons such as "request <= limit". Precise enough for
    /// that purpose; never used for the spec, which keeps [`Quantity::text`].
    pub fn approximate_value(&self) -> f64 {
        // ok: `number` only holds digits and at most one dot with a digit on one side, which
        // `f64::from_str` always accepts ("1.", ".5", "12.5"); 0.0 is unreachable.
        let number: f64 = self.number.parse().unwrap_or(0.0);
        match self.suffix {
            QuantitySuffix::None => number,
            QuantitySuffix::Binary(power) => number * 1024f64.powi(power as i32),
            QuantitySuffix::Decimal(exponent) | QuantitySuffix::Exponent(exponent) => {
                number * 10f64.powi(exponent)
            }
        }
    }
}

/// Parses a Kubernetes quantity (see the module doc for the grammar).
pub fn parse_quantity(text: &str) -> Result<Quantity, QuantityError> {
    if text.is_empty() {
        return Err(QuantityError::Empty);
    }
    if text.starts_with(['-', '+']) {
        return Err(QuantityError::Signed);
    }
    let number_len = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix_text) = text.split_at(number_len);
    let is_valid_number =
        number.matches('.').count() <= 1 && number.bytes().any(|b| b.is_ascii_digit());
    if !is_valid_number {
        return Err(QuantityError::Malformed);
    }
    let suffix = parse_suffix(suffix_text)?;
    Ok(Quantity {
        text: text.to_string(),
        number: number.to_string(),
        suffix,
    })
}

fn parse_suffix(suffix: &str) -> Result<QuantitySuffix, QuantityError> {
    let parsed = match suffix {
        "" => QuantitySuffix::None,
        "Ki" => QuantitySuffix::Binary(1),
        "Mi" => QuantitySuffix::Binary(2),
        "Gi" => QuantitySuffix::Binary(3),
        "Ti" => QuantitySuffix::Binary(4),
        "Pi" => QuantitySuffix::Binary(5),
        "Ei" => QuantitySuffix::Binary(6),
        "m" => QuantitySuffix::Decimal(-3),
        "k" => QuantitySuffix::Decimal(3),
        "M" => QuantitySuffix::Decimal(6),
        "G" => QuantitySuffix::Decimal(9),
        "T" => QuantitySuffix::Decimal(12),
        "P" => QuantitySuffix::Decimal(15),
        // A lone "E" is exa; "E" followed by digits is an exponent (handled below).
        "E" => QuantitySuffix::Decimal(18),
        _ => return parse_exponent(suffix),
    };
    Ok(parsed)
}

fn parse_exponent(suffix: &str) -> Result<QuantitySuffix, QuantityError> {
    let unknown = || QuantityError::UnknownSuffix(suffix.to_string());
    let Some(signed) = suffix.strip_prefix(['e', 'E']) else {
        return Err(unknown());
    };
    let digits = signed.strip_prefix(['+', '-']).unwrap_or(signed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unknown());
    }
    signed
        .parse::<i32>()
        .map(QuantitySuffix::Exponent)
        .map_err(|_| unknown())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suffix_of(text: &str) -> QuantitySuffix {
        match parse_quantity(text) {
            Ok(quantity) => quantity.suffix,
            Err(error) => panic!("`{text}` should parse: {error}"),
        }
    }

    #[test]
    fn parses_every_suffix_kind() {
        assert_eq!(suffix_of("2"), QuantitySuffix::None);
        assert_eq!(suffix_of("500m"), QuantitySuffix::Decimal(-3));
        assert_eq!(suffix_of("1k"), QuantitySuffix::Decimal(3));
        assert_eq!(suffix_of("1M"), QuantitySuffix::Decimal(6));
        assert_eq!(suffix_of("1G"), QuantitySuffix::Decimal(9));
        assert_eq!(suffix_of("1T"), QuantitySuffix::Decimal(12));
        assert_eq!(suffix_of("1P"), QuantitySuffix::Decimal(15));
        assert_eq!(suffix_of("1E"), QuantitySuffix::Decimal(18));
        assert_eq!(suffix_of("1Ki"), QuantitySuffix::Binary(1));
        assert_eq!(suffix_of("1Mi"), QuantitySuffix::Binary(2));
        assert_eq!(suffix_of("1Gi"), QuantitySuffix::Binary(3));
        assert_eq!(suffix_of("1Ti"), QuantitySuffix::Binary(4));
        assert_eq!(suffix_of("1Pi"), QuantitySuffix::Binary(5));
        assert_eq!(suffix_of("1Ei"), QuantitySuffix::Binary(6));
        assert_eq!(suffix_of("1e3"), QuantitySuffix::Exponent(3));
        assert_eq!(suffix_of("1E3"), QuantitySuffix::Exponent(3));
        assert_eq!(suffix_of("5e-3"), QuantitySuffix::Exponent(-3));
        assert_eq!(suffix_of("5e+2"), QuantitySuffix::Exponent(2));
    }

    #[test]
    fn parses_decimal_number_forms() {
        for text in ["1.5", "1.", ".5", "0.25Gi", "10"] {
            assert!(parse_quantity(text).is_ok(), "{text}");
        }
        let quantity = parse_quantity("1.5Gi").unwrap();
        assert_eq!(quantity.text, "1.5Gi");
        assert_eq!(quantity.number, "1.5");
    }

    #[test]
    fn rejects_malformed_quantities() {
        assert_eq!(parse_quantity(""), Err(QuantityError::Empty));
        assert_eq!(parse_quantity("-1"), Err(QuantityError::Signed));
        assert_eq!(parse_quantity("+1"), Err(QuantityError::Signed));
        assert_eq!(parse_quantity("Gi"), Err(QuantityError::Malformed));
        assert_eq!(parse_quantity("."), Err(QuantityError::Malformed));
        assert_eq!(parse_quantity("1.2.3"), Err(QuantityError::Malformed));
        assert_eq!(
            parse_quantity("1 Gi"),
            Err(QuantityError::UnknownSuffix(" Gi".into()))
        );
        assert_eq!(
            parse_quantity("1GB"),
            Err(QuantityError::UnknownSuffix("GB".into()))
        );
        assert_eq!(
            parse_quantity("1gi"),
            Err(QuantityError::UnknownSuffix("gi".into()))
        );
        assert_eq!(
            parse_quantity("2cores"),
            Err(QuantityError::UnknownSuffix("cores".into()))
        );
        assert_eq!(
            parse_quantity("1e"),
            Err(QuantityError::UnknownSuffix("e".into()))
        );
        assert_eq!(
            parse_quantity("1e3.5"),
            Err(QuantityError::UnknownSuffix("e3.5".into())),
            "an exponent is a whole number"
        );
    }

    #[test]
    fn byte_suffixes_get_the_kubernetes_spelling() {
        let message = |suffix: &str| QuantityError::UnknownSuffix(suffix.into()).to_string();
        assert_eq!(
            message("GB"),
            "unknown suffix `GB`: Kubernetes quantities have no `B`, write `Gi` (powers of 1024) \
             or `G` (powers of 1000)"
        );
        assert!(message("KiB").contains("write `Ki` (powers of 1024) or `k`"));
        assert!(message("mb").contains("write `Mi` (powers of 1024) or `M`"));
        assert!(message("b").ends_with("or an exponent such as `e3`)"));
        assert!(message("cores").starts_with("unknown suffix `cores` (allowed: `Ki`"));
    }

    #[test]
    fn plain_integers_are_recognised() {
        assert!(parse_quantity("2").unwrap().is_plain_integer());
        assert!(!parse_quantity("2.0").unwrap().is_plain_integer());
        assert!(!parse_quantity("2k").unwrap().is_plain_integer());
        assert!(!parse_quantity("1000m").unwrap().is_plain_integer());
    }

    #[test]
    fn approximate_values_compare() {
        let value = |text: &str| parse_quantity(text).unwrap().approximate_value();
        assert_eq!(value("500m"), 0.5);
        assert_eq!(value("1Ki"), 1024.0);
        assert_eq!(value("1.5Gi"), 1.5 * 1024.0 * 1024.0 * 1024.0);
        assert_eq!(value("2e3"), 2000.0);
        assert!(value("1Gi") > value("1G"));
        assert!(value("1000m") == value("1"));
    }
}
