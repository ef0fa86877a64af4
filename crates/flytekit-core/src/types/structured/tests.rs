//! Tests of the dataset literal (always) and of Parquet reading and writing (feature `arrow`).

use flytekit_idl::core::structured_dataset_type::DatasetColumn;
use flytekit_idl::core::{literal_type, scalar, LiteralType, SimpleType};

use super::*;
use crate::types::FlyteType;
use crate::TaskError;

pub(super) struct Sales;
impl Columns for Sales {
    fn columns() -> Vec<DatasetColumn> {
        vec![
            column::<String>("region"),
            column::<i64>("units"),
            column::<f64>("price"),
            column::<bool>("ok"),
            column::<chrono::DateTime<chrono::Utc>>("at"),
        ]
    }
}

pub(super) struct Units;
impl Columns for Units {
    fn columns() -> Vec<DatasetColumn> {
        vec![column::<i64>("units"), column::<String>("r#region")]
    }
}

fn simple(s: SimpleType) -> Option<LiteralType> {
    Some(LiteralType {
        r#type: Some(literal_type::Type::Simple(s as i32)),
        ..Default::default()
    })
}

fn sdt(ty: &LiteralType) -> &StructuredDatasetType {
    match &ty.r#type {
        Some(literal_type::Type::StructuredDatasetType(sdt)) => sdt,
        other => panic!("not a dataset type: {other:?}"),
    }
}

#[test]
fn literal_types_are_flytekits() {
    // `pd.DataFrame` / `StructuredDataset`: `structured_dataset_type {}`.
    assert_eq!(
        *sdt(&StructuredDataset::<AnyColumns>::literal_type()),
        StructuredDatasetType::default()
    );
    // Annotated[StructuredDataset, kwtypes(region=str, units=int, price=float, ok=bool,
    // at=datetime)]: the columns in order, no format, no external schema.
    let typed = StructuredDataset::<Sales>::literal_type();
    let columns: Vec<_> = sdt(&typed)
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.literal_type.clone()))
        .collect();
    assert_eq!(
        columns,
        [
            ("region", simple(SimpleType::String)),
            ("units", simple(SimpleType::Integer)),
            ("price", simple(SimpleType::Float)),
            ("ok", simple(SimpleType::Boolean)),
            ("at", simple(SimpleType::Datetime)),
        ]
    );
    assert_eq!(sdt(&typed).format, "");
    assert_eq!(
        StructuredDataset::<Sales>::union_tag(),
        "StructuredDataset Transformer"
    );
    assert_eq!(
        StructuredDataset::<Units>::new("x").column_names(),
        ["units", "region"]
    );
}

#[test]
fn literals_carry_uri_format_and_columns_and_pass_through_unchanged() {
    let table: StructuredDataset<Sales> = StructuredDataset::new("s3://b/raw/abc");
    let literal = table.to_literal().unwrap();
    let Some(scalar::Value::StructuredDataset(sd)) = crate::types::scalar_of(&literal).cloned()
    else {
        panic!("{literal:?}")
    };
    assert_eq!(sd.uri, "s3://b/raw/abc");
    let stored = sd.metadata.unwrap().structured_dataset_type.unwrap();
    assert_eq!(stored.format, "parquet");
    assert_eq!(stored.columns, Sales::columns());

    // Read as "any columns", a dataset keeps the columns its literal declares (flytekit's
    // rule) and writes the same literal back.
    let any = StructuredDataset::<AnyColumns>::from_literal(&literal).unwrap();
    assert_eq!(any.column_names().len(), 5);
    assert_eq!(any.to_literal().unwrap(), literal);
    // A declared subset wins over the literal's columns.
    let units = StructuredDataset::<Units>::from_literal(&literal).unwrap();
    assert_eq!(units.column_names(), ["units", "region"]);
    assert_eq!(units.to_literal().unwrap(), literal);
}

#[test]
fn wrong_literals_are_errors_and_msgpack_is_flytekits() {
    let err =
        StructuredDataset::<AnyColumns>::from_literal(&5i64.to_literal().unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected `StructuredDataset` (STRUCTURED_DATASET), found INTEGER 5"
    );
    let table: StructuredDataset = StructuredDataset::new("s3://b/k");
    let mut bytes = Vec::new();
    table.write_msgpack(&mut bytes).unwrap();
    let value = crate::types::decode_msgpack(&bytes).unwrap();
    assert_eq!(
        value.to_string(),
        r#"{"uri": "s3://b/k", "file_format": "parquet"}"#
    );
    let back = StructuredDataset::<AnyColumns>::read_msgpack(&value).unwrap();
    assert_eq!((back.uri(), back.format()), ("s3://b/k", "parquet"));
    assert!(StructuredDataset::<AnyColumns>::read_msgpack(&rmpv::ValueRef::from(3)).is_err());
}

#[test]
fn a_failed_download_is_a_retryable_system_error() {
    let err = DatasetError::from(crate::types::FileError::not_found("s3://b/missing"));
    let task_error = TaskError::from(err);
    assert_eq!(task_error.code(), crate::types::DOWNLOAD_DATA_ERROR);
    assert!(task_error.is_recoverable());
    let missing = DatasetError::MissingColumn {
        column: "units".into(),
        uri: "s3://b/k".into(),
        available: vec!["a".into(), "b".into()],
    };
    assert_eq!(
        missing.to_string(),
        "column `units` is not in the dataset at `s3://b/k`; its columns are `a`, `b`"
    );
    let task_error = TaskError::from(missing);
    assert_eq!(task_error.code(), "USER:RuntimeError");
}

#[cfg(feature = "arrow")]
mod parquet_files;
