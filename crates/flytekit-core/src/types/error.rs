//! The error of every literal conversion: what was expected, what was found, and where.
//!
//! A conversion deep inside a value (`points[3].x`) fails with a [`TypeError`] whose path is
//! built on the way out: each container that catches an error from an element prepends the
//! element's position with [`TypeError::at_index`], [`TypeError::at_key`] or
//! [`TypeError::at_field`].

use std::fmt;

/// One step of the path from the top of a value to the part that failed to convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A field of a struct (`.x`).
    Field(String),
    /// An element of a collection (`[3]`).
    Index(usize),
    /// A value of a map (`["key"]`).
    Key(String),
}

/// A value could not be converted to or from a Flyte literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    path: Vec<PathSegment>,
    message: String,
}

impl TypeError {
    /// An error at the top of the value, with a message such as "expected `i64` (INTEGER),
    /// found STRING".
    pub fn new(message: impl Into<String>) -> Self {
        TypeError {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// "expected `<rust type>` (`<flyte kind>`), found `<what>`": the error of a literal of the
    /// wrong kind.
    pub fn mismatch(rust_type: &str, flyte_kind: &str, found: impl fmt::Display) -> Self {
        TypeError::new(format!(
            "expected `{rust_type}` ({flyte_kind}), found {found}"
        ))
    }

    /// The same error, one struct field further down.
    pub fn at_field(mut self, field: &str) -> Self {
        self.path.insert(0, PathSegment::Field(field.to_string()));
        self
    }

    /// The same error, inside element `index` of a collection.
    pub fn at_index(mut self, index: usize) -> Self {
        self.path.insert(0, PathSegment::Index(index));
        self
    }

    /// The same error, inside the map value under `key`.
    pub fn at_key(mut self, key: &str) -> Self {
        self.path.insert(0, PathSegment::Key(key.to_string()));
        self
    }

    /// Where in the value the error happened, from the top.
    pub fn path(&self) -> &[PathSegment] {
        &self.path
    }

    /// What went wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The path as text: `points[3].x`, `["a"].n`, or empty at the top.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                PathSegment::Field(name) if out.is_empty() => out.push_str(name),
                PathSegment::Field(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                PathSegment::Index(i) => out.push_str(&format!("[{i}]")),
                PathSegment::Key(key) => out.push_str(&format!("[{key:?}]")),
            }
        }
        out
    }
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at `{}`: {}", self.path_string(), self.message)
        }
    }
}

impl std::error::Error for TypeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_is_built_from_the_inside_out() {
        let err = TypeError::mismatch("f64", "FLOAT", "STRING")
            .at_field("x")
            .at_index(3)
            .at_field("points");
        assert_eq!(err.path_string(), "points[3].x");
        assert_eq!(
            err.to_string(),
            "at `points[3].x`: expected `f64` (FLOAT), found STRING"
        );
    }

    #[test]
    fn map_keys_are_quoted() {
        let err = TypeError::new("boom").at_key("a b").at_field("m");
        assert_eq!(err.to_string(), "at `m[\"a b\"]`: boom");
    }

    #[test]
    fn top_level_error_has_no_path() {
        assert_eq!(TypeError::new("boom").to_string(), "boom");
    }
}
