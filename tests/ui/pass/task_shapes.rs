//! Sync, async, `Result`, tuple and unit tasks all compile and stay callable as written.

use std::collections::HashMap;

use flytekit::prelude::*;

#[task]
fn add(a: i64, #[default(1)] b: i64) -> i64 {
    a + b
}

#[task]
async fn shout(text: String) -> String {
    text.to_uppercase()
}

#[task]
fn divide(a: f64, b: f64) -> Result<f64, String> {
    if b == 0.0 {
        Err("division by zero".into())
    } else {
        Ok(a / b)
    }
}

#[task]
async fn parse(text: String) -> Result<i64, TaskError> {
    text.parse().map_err(|e| TaskError::user(format!("{e}")))
}

#[task]
fn read(path: String) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

#[task]
fn split(x: i64) -> (i64, String, Vec<bool>) {
    (x, x.to_string(), vec![x > 0])
}

#[task]
fn single_tuple(x: i64) -> (i64,) {
    (x,)
}

#[task]
fn nothing() {}

#[task]
fn unit_result(counts: HashMap<String, i64>) -> Result<(), TaskError> {
    let _ = counts;
    Ok(())
}

#[task]
pub(crate) fn optional(x: Option<String>, r#type: Vec<Option<f64>>) -> Option<usize> {
    x.map(|x| x.len() + r#type.len())
}

fn main() {
    assert_eq!(add(1, 2), 3);
    let _ = shout("a".to_string());
    assert_eq!(divide(1.0, 2.0), Ok(0.5));
    let _ = parse("1".to_string());
    assert!(read("/nonexistent".to_string()).is_err());
    assert_eq!(split(1).0, 1);
    assert_eq!(single_tuple(1), (1,));
    nothing();
    assert!(unit_result(HashMap::new()).is_ok());
    assert_eq!(optional(None, vec![]), None);
}
