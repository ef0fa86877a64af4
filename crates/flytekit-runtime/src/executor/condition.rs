//! Branch conditions: evaluates a `BooleanExpression` on a branch node's inputs.
//!
//! Consumes the expression and the branch node's input literals (named like `n2.o0` or `.x`);
//! produces `true` / `false`, or a message saying why the condition cannot be evaluated.
//! Operands are a variable (`var`, one of the branch node's inputs), a constant primitive or a
//! constant scalar (`none_type` for `is None` tests). Integers and floats compare numerically
//! with each other; strings, date-times and durations are ordered; booleans and `None` support
//! only `==` / `!=`. `&&` / `||` short-circuit, as in flytepropeller.

use std::cmp::Ordering;

use flytekit_core::types::{decode_msgpack, describe_literal, msgpack_of, resolve};
use flytekit_idl::core::{
    boolean_expression, comparison_expression::Operator, conjunction_expression::LogicalOperator,
    literal, operand, primitive, scalar, BooleanExpression, ComparisonExpression, Literal,
    LiteralMap, Operand, Primitive, Scalar,
};

use super::bindings::names;

/// Deepest nesting of conjunctions accepted.
const MAX_DEPTH: usize = 256;

/// A comparable value.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    /// (seconds, nanos) of a timestamp.
    Datetime(i64, i32),
    /// (seconds, nanos) of a duration.
    Duration(i64, i32),
    None,
}

impl Value {
    fn describe(&self) -> String {
        match self {
            Value::Int(i) => format!("INTEGER {i}"),
            Value::Float(f) => format!("FLOAT {f}"),
            Value::Str(s) => format!("STRING {s:?}"),
            Value::Bool(b) => format!("BOOLEAN {b}"),
            Value::Datetime(..) => "DATETIME".to_string(),
            Value::Duration(..) => "DURATION".to_string(),
            Value::None => "None".to_string(),
        }
    }
}

/// Evaluates `expr` with `inputs` as the variables.
pub(crate) fn evaluate(expr: &BooleanExpression, inputs: &LiteralMap) -> Result<bool, String> {
    eval(expr, inputs, 0)
}

fn eval(expr: &BooleanExpression, inputs: &LiteralMap, depth: usize) -> Result<bool, String> {
    if depth > MAX_DEPTH {
        return Err(format!("the condition nests more than {MAX_DEPTH} levels"));
    }
    match &expr.expr {
        None => Err("the condition is empty".to_string()),
        Some(boolean_expression::Expr::Comparison(comparison)) => compare(comparison, inputs),
        Some(boolean_expression::Expr::Conjunction(conjunction)) => {
            fn side<'e>(
                e: &'e Option<Box<BooleanExpression>>,
                which: &str,
            ) -> Result<&'e BooleanExpression, String> {
                e.as_deref()
                    .ok_or_else(|| format!("the {which} side of a conjunction is empty"))
            }
            let left = side(&conjunction.left_expression, "left")?;
            let right = side(&conjunction.right_expression, "right")?;
            match LogicalOperator::try_from(conjunction.operator) {
                Ok(LogicalOperator::And) => {
                    Ok(eval(left, inputs, depth + 1)? && eval(right, inputs, depth + 1)?)
                }
                Ok(LogicalOperator::Or) => {
                    Ok(eval(left, inputs, depth + 1)? || eval(right, inputs, depth + 1)?)
                }
                Err(_) => Err(format!(
                    "unknown logical operator {} (allowed: AND, OR)",
                    conjunction.operator
                )),
            }
        }
    }
}

fn compare(comparison: &ComparisonExpression, inputs: &LiteralMap) -> Result<bool, String> {
    let operator = Operator::try_from(comparison.operator).map_err(|_| {
        format!(
            "unknown comparison operator {} (allowed: EQ, NEQ, GT, GTE, LT, LTE)",
            comparison.operator
        )
    })?;
    let left = operand_value(comparison.left_value.as_ref(), inputs)?;
    let right = operand_value(comparison.right_value.as_ref(), inputs)?;
    let equality = |equal: bool| match operator {
        Operator::Eq => Ok(equal),
        Operator::Neq => Ok(!equal),
        _ => Err(format!(
            "cannot order {} and {}; only == and != apply",
            left.describe(),
            right.describe()
        )),
    };
    let ordering = match (&left, &right) {
        (Value::None, _) | (_, Value::None) => {
            return equality(matches!((&left, &right), (Value::None, Value::None)))
        }
        (Value::Bool(a), Value::Bool(b)) => return equality(a == b),
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (Value::Int(a), Value::Float(b)) => (*a as f64).partial_cmp(b),
        (Value::Float(a), Value::Int(b)) => a.partial_cmp(&(*b as f64)),
        (Value::Float(a), Value::Float(b)) => a.partial_cmp(b),
        (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
        (Value::Datetime(s1, n1), Value::Datetime(s2, n2))
        | (Value::Duration(s1, n1), Value::Duration(s2, n2)) => Some((s1, n1).cmp(&(s2, n2))),
        _ => {
            return Err(format!(
                "cannot compare {} with {}",
                left.describe(),
                right.describe()
            ))
        }
    };
    // NaN is unordered: every comparison but != is false.
    let Some(ordering) = ordering else {
        return Ok(operator == Operator::Neq);
    };
    Ok(match operator {
        Operator::Eq => ordering == Ordering::Equal,
        Operator::Neq => ordering != Ordering::Equal,
        Operator::Gt => ordering == Ordering::Greater,
        Operator::Gte => ordering != Ordering::Less,
        Operator::Lt => ordering == Ordering::Less,
        Operator::Lte => ordering != Ordering::Greater,
    })
}

fn operand_value(operand: Option<&Operand>, inputs: &LiteralMap) -> Result<Value, String> {
    match operand.and_then(|o| o.val.as_ref()) {
        None => Err("a comparison has an empty operand".to_string()),
        Some(operand::Val::Primitive(p)) => primitive_value(p),
        Some(operand::Val::Scalar(s)) => scalar_value(s),
        Some(operand::Val::Var(name)) => {
            let literal = inputs.literals.get(name).ok_or_else(|| {
                format!(
                    "the condition reads `{name}`, which is not an input of the branch node; \
                     its inputs are {}",
                    names(inputs.literals.keys())
                )
            })?;
            literal_value(literal).map_err(|e| format!("`{name}`: {e}"))
        }
    }
}

fn literal_value(literal: &Literal) -> Result<Value, String> {
    let resolved = resolve(literal).map_err(|e| e.to_string())?;
    match &resolved.value {
        Some(literal::Value::Scalar(s)) => scalar_value(s),
        _ => Err(format!("cannot compare {}", describe_literal(&resolved))),
    }
}

fn scalar_value(scalar: &Scalar) -> Result<Value, String> {
    match &scalar.value {
        Some(scalar::Value::Primitive(p)) => primitive_value(p),
        Some(scalar::Value::NoneType(_)) => Ok(Value::None),
        Some(scalar::Value::Union(u)) => match &u.value {
            Some(inner) => literal_value(inner),
            None => Err("found a union without a value".to_string()),
        },
        Some(scalar::Value::Binary(_)) => {
            let literal = Literal {
                value: Some(literal::Value::Scalar(Box::new(scalar.clone()))),
                ..Default::default()
            };
            match msgpack_of(&literal) {
                Some(bytes) => msgpack_value(bytes),
                None => Err("cannot compare binary data".to_string()),
            }
        }
        _ => Err(format!(
            "cannot compare {}",
            describe_literal(&Literal {
                value: Some(literal::Value::Scalar(Box::new(scalar.clone()))),
                ..Default::default()
            })
        )),
    }
}

/// A msgpack scalar (what an `attr_path` into a struct yields).
fn msgpack_value(bytes: &[u8]) -> Result<Value, String> {
    let value = decode_msgpack(bytes).map_err(|e| e.to_string())?;
    match value {
        rmpv::ValueRef::Nil => Ok(Value::None),
        rmpv::ValueRef::Boolean(b) => Ok(Value::Bool(b)),
        rmpv::ValueRef::Integer(i) => i
            .as_i64()
            .map(Value::Int)
            .ok_or_else(|| format!("the integer {i} is out of range")),
        rmpv::ValueRef::F32(f) => Ok(Value::Float(f64::from(f))),
        rmpv::ValueRef::F64(f) => Ok(Value::Float(f)),
        rmpv::ValueRef::String(s) => s
            .as_str()
            .map(|s| Value::Str(s.to_string()))
            .ok_or_else(|| "found a string that is not UTF-8".to_string()),
        other => Err(format!(
            "cannot compare {}",
            flytekit_core::types::msgpack_kind(&other)
        )),
    }
}

fn primitive_value(p: &Primitive) -> Result<Value, String> {
    Ok(match &p.value {
        None => return Err("found an empty primitive".to_string()),
        Some(primitive::Value::Integer(i)) => Value::Int(*i),
        Some(primitive::Value::FloatValue(f)) => Value::Float(*f),
        Some(primitive::Value::StringValue(s)) => Value::Str(s.clone()),
        Some(primitive::Value::Boolean(b)) => Value::Bool(*b),
        Some(primitive::Value::Datetime(t)) => Value::Datetime(t.seconds, t.nanos),
        Some(primitive::Value::Duration(d)) => Value::Duration(d.seconds, d.nanos),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use flytekit_core::FlyteType;
    use flytekit_idl::core::{ConjunctionExpression, Void};

    pub(crate) fn var(name: &str) -> Operand {
        Operand {
            val: Some(operand::Val::Var(name.into())),
        }
    }

    pub(crate) fn int(i: i64) -> Operand {
        Operand {
            val: Some(operand::Val::Primitive(Primitive {
                value: Some(primitive::Value::Integer(i)),
            })),
        }
    }

    fn float(f: f64) -> Operand {
        Operand {
            val: Some(operand::Val::Primitive(Primitive {
                value: Some(primitive::Value::FloatValue(f)),
            })),
        }
    }

    fn string(s: &str) -> Operand {
        Operand {
            val: Some(operand::Val::Primitive(Primitive {
                value: Some(primitive::Value::StringValue(s.into())),
            })),
        }
    }

    fn none() -> Operand {
        Operand {
            val: Some(operand::Val::Scalar(Scalar {
                value: Some(scalar::Value::NoneType(Void {})),
            })),
        }
    }

    pub(crate) fn cmp(op: Operator, left: Operand, right: Operand) -> BooleanExpression {
        BooleanExpression {
            expr: Some(boolean_expression::Expr::Comparison(ComparisonExpression {
                operator: op as i32,
                left_value: Some(left),
                right_value: Some(right),
            })),
        }
    }

    fn conj(op: LogicalOperator, l: BooleanExpression, r: BooleanExpression) -> BooleanExpression {
        BooleanExpression {
            expr: Some(boolean_expression::Expr::Conjunction(Box::new(
                ConjunctionExpression {
                    operator: op as i32,
                    left_expression: Some(Box::new(l)),
                    right_expression: Some(Box::new(r)),
                },
            ))),
        }
    }

    fn inputs() -> LiteralMap {
        let literals = [
            ("n1.o0".to_string(), 12_i64.to_literal().unwrap()),
            (".scale".to_string(), 0.5_f64.to_literal().unwrap()),
            (".name".to_string(), "bob".to_string().to_literal().unwrap()),
            (".flag".to_string(), true.to_literal().unwrap()),
            (".maybe".to_string(), None::<i64>.to_literal().unwrap()),
            (".some".to_string(), Some(3_i64).to_literal().unwrap()),
            (
                ".at".to_string(),
                chrono::DateTime::from_timestamp(1_700_000_000, 0)
                    .unwrap()
                    .to_literal()
                    .unwrap(),
            ),
            (
                ".wait".to_string(),
                std::time::Duration::from_secs(90).to_literal().unwrap(),
            ),
            (".list".to_string(), vec![1_i64].to_literal().unwrap()),
        ];
        LiteralMap {
            literals: literals.into(),
        }
    }

    fn check(expr: BooleanExpression) -> Result<bool, String> {
        evaluate(&expr, &inputs())
    }

    #[test]
    fn numbers_compare_numerically_across_kinds() {
        use Operator::*;
        assert!(check(cmp(Gt, var("n1.o0"), int(10))).unwrap());
        assert!(!check(cmp(Lte, var("n1.o0"), int(11))).unwrap());
        assert!(check(cmp(Eq, var("n1.o0"), float(12.0))).unwrap());
        assert!(check(cmp(Lt, var(".scale"), int(1))).unwrap());
        assert!(check(cmp(Gte, float(0.5), var(".scale"))).unwrap());
        assert!(check(cmp(Neq, var(".scale"), float(f64::NAN))).unwrap());
        assert!(!check(cmp(Eq, var(".scale"), float(f64::NAN))).unwrap());
    }

    #[test]
    fn strings_booleans_times_and_unions() {
        use Operator::*;
        assert!(check(cmp(Eq, var(".name"), string("bob"))).unwrap());
        assert!(check(cmp(Lt, var(".name"), string("carol"))).unwrap());
        assert!(check(cmp(Eq, var(".at"), var(".at"))).unwrap());
        assert!(check(cmp(Gt, var(".wait"), var(".wait"))).is_ok_and(|b| !b));
        let truth = Operand {
            val: Some(operand::Val::Primitive(Primitive {
                value: Some(primitive::Value::Boolean(true)),
            })),
        };
        assert!(check(cmp(Eq, var(".flag"), truth.clone())).unwrap());
        assert_eq!(
            check(cmp(Gt, var(".flag"), truth)).unwrap_err(),
            "cannot order BOOLEAN true and BOOLEAN true; only == and != apply"
        );
        // A union-wrapped value compares as its variant.
        assert!(check(cmp(Eq, var(".some"), int(3))).unwrap());
    }

    #[test]
    fn none_tests() {
        use Operator::*;
        assert!(check(cmp(Eq, var(".maybe"), none())).unwrap());
        assert!(!check(cmp(Neq, var(".maybe"), none())).unwrap());
        assert!(check(cmp(Neq, var(".some"), none())).unwrap());
        assert!(!check(cmp(Eq, var(".maybe"), int(3))).unwrap());
        assert!(check(cmp(Lt, var(".maybe"), int(3))).is_err());
    }

    #[test]
    fn conjunctions_short_circuit() {
        use Operator::*;
        let bad = cmp(Eq, var("missing"), int(1));
        let yes = cmp(Gt, var("n1.o0"), int(0));
        let no = cmp(Lt, var("n1.o0"), int(0));
        assert!(check(conj(LogicalOperator::Or, yes.clone(), bad.clone())).unwrap());
        assert!(!check(conj(LogicalOperator::And, no.clone(), bad.clone())).unwrap());
        let err = check(conj(LogicalOperator::And, yes, bad)).unwrap_err();
        assert!(
            err.starts_with("the condition reads `missing`, which is not an input"),
            "{err}"
        );
    }

    #[test]
    fn mismatches_and_malformed_expressions_are_errors() {
        use Operator::*;
        assert_eq!(
            check(cmp(Eq, var(".name"), int(3))).unwrap_err(),
            "cannot compare STRING \"bob\" with INTEGER 3"
        );
        assert_eq!(
            check(cmp(Eq, var(".list"), int(3))).unwrap_err(),
            "`.list`: cannot compare COLLECTION"
        );
        assert!(check(BooleanExpression::default()).is_err());
        let mut expr = cmp(Eq, int(1), int(1));
        if let Some(boolean_expression::Expr::Comparison(c)) = &mut expr.expr {
            c.operator = 42;
        }
        assert!(check(expr)
            .unwrap_err()
            .starts_with("unknown comparison operator 42"));
    }
}
