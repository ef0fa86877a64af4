//! Tasks passing tables (StructuredDataset), the Rust side of tests/structured_dataset.rs; the
//! rows follow the same formula as `sales_frame` in tests/python/dataset_peer.py.

use std::sync::Arc;

use flytekit::arrow::array::{
    BooleanArray, Float64Array, Int64Array, StringArray, TimestampMicrosecondArray,
};
use flytekit::arrow::{Array, DatasetWriter, RecordBatch};
use flytekit::prelude::*;

dataset_columns! {
    /// The columns of the sales table.
    pub struct Sales {
        pub region: String,
        pub units: i64,
        pub price: f64,
        pub ok: bool,
        pub at: chrono::DateTime<chrono::Utc>,
    }

    /// A subset of them, in another order.
    pub struct Units {
        pub units: i64,
        pub region: String,
    }
}

const REGIONS: [&str; 3] = ["north", "south", "east"];
/// 2024-01-02T03:04:05 UTC, in microseconds.
const START_MICROS: i64 = 1_704_164_645_000_000;

fn sales_batch(rows: std::ops::Range<i64>) -> Result<RecordBatch, TaskError> {
    let schema = flytekit::arrow::schema_of::<Sales>()?;
    let ids: Vec<i64> = rows.collect();
    Ok(RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from_iter_values(
                ids.iter().map(|i| REGIONS[(*i % 3) as usize]),
            )),
            Arc::new(Int64Array::from_iter_values(ids.iter().map(|i| i * 3 - 7))),
            Arc::new(Float64Array::from_iter_values(
                ids.iter().map(|i| *i as f64 * 0.25 + 0.1),
            )),
            Arc::new(BooleanArray::from_iter(
                ids.iter().map(|i| Some(i % 2 == 0)),
            )),
            Arc::new(TimestampMicrosecondArray::from_iter_values(
                ids.iter()
                    .map(|i| START_MICROS + i * 3_600_000_000 + i * 1_234),
            )),
        ],
    )?)
}

/// Writes `n` sales rows, streamed in batches of 1000.
#[task]
fn make_sales(n: i64) -> Result<StructuredDataset<Sales>, TaskError> {
    let mut writer = DatasetWriter::<Sales>::new(flytekit::arrow::schema_of::<Sales>()?)?;
    let mut start = 0;
    while start < n {
        let end = (start + 1000).min(n);
        writer.write(&sales_batch(start..end)?)?;
        start = end;
    }
    Ok(writer.finish()?)
}

fn column<'a, T: 'static>(batch: &'a RecordBatch, name: &str) -> Result<&'a T, TaskError> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| TaskError::user(format!("column `{name}` is missing or of another type")))
}

/// Every row as `region|units|price|ok|at` (`at` in RFC 3339, microseconds).
#[task]
fn describe_sales(sales: StructuredDataset<Sales>) -> Result<Vec<String>, TaskError> {
    let mut rows = Vec::new();
    for batch in sales.reader()? {
        let batch = batch?;
        let region = column::<StringArray>(&batch, "region")?;
        let units = column::<Int64Array>(&batch, "units")?;
        let price = column::<Float64Array>(&batch, "price")?;
        let ok = column::<BooleanArray>(&batch, "ok")?;
        let at = column::<TimestampMicrosecondArray>(&batch, "at")?;
        for i in 0..batch.num_rows() {
            let when = chrono::DateTime::from_timestamp_micros(at.value(i))
                .ok_or_else(|| TaskError::user("timestamp out of range"))?;
            rows.push(format!(
                "{}|{}|{}|{}|{}",
                region.value(i),
                units.value(i),
                price.value(i),
                ok.value(i),
                when.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            ));
        }
    }
    Ok(rows)
}

/// The columns a `StructuredDataset<Units>` input reads, and its units.
#[task]
fn subset_units(sales: StructuredDataset<Units>) -> Result<(Vec<String>, Vec<i64>), TaskError> {
    let reader = sales.reader()?;
    let names = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut units = Vec::new();
    for batch in reader {
        units.extend(column::<Int64Array>(&batch?, "units")?.values().iter());
    }
    Ok((names, units))
}

/// Copies any table batch by batch, whatever its columns.
#[task]
fn copy_table(table: StructuredDataset) -> Result<StructuredDataset, TaskError> {
    let reader = table.reader()?;
    let mut writer: DatasetWriter = DatasetWriter::new(reader.schema())?;
    for batch in reader {
        writer.write(&batch?)?;
    }
    Ok(writer.finish()?)
}

/// Reads the column `revenue`, which the sales table does not have.
#[task]
fn read_revenue(table: StructuredDataset) -> Result<i64, TaskError> {
    let reader = table.reader_with_columns(&["revenue"])?;
    Ok(reader.count() as i64)
}

/// `describe_sales(make_sales(n))`: a table between two tasks.
#[workflow]
fn sales_report(n: i64) -> Vec<String> {
    let sales = make_sales(n);
    describe_sales(sales)
}
