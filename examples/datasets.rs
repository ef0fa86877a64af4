//! Tables between tasks: a `StructuredDataset` written and read as Arrow record batches,
//! stored as Parquet the way Python flytekit stores a pandas DataFrame, so a Python task
//! downstream reads it as a `pd.DataFrame` (and the other way round).
//!
//! Run with `cargo run --example datasets -- run sales_report --n 100000`; `bench/datasets.py`
//! runs its tasks on 1,000,000 rows to measure peak memory (docs/benchmarks.md).

use std::collections::BTreeMap;
use std::sync::Arc;

use flytekit::arrow::array::{Float64Array, Int64Array, StringArray, TimestampMicrosecondArray};
use flytekit::arrow::{schema_of, Array, DatasetWriter, RecordBatch};
use flytekit::prelude::*;

dataset_columns! {
    /// One row per sale: in Python, `kwtypes(region=str, units=int, price=float,
    /// sold_at=datetime)`.
    pub struct Sales {
        /// Where the sale was.
        pub region: String,
        /// How many units.
        pub units: i64,
        /// The price of one unit.
        pub price: f64,
        /// When.
        pub sold_at: chrono::DateTime<chrono::Utc>,
    }

    /// Only the units: a task typed with it reads that one column.
    pub struct Units {
        /// How many units.
        pub units: i64,
    }
}

const REGIONS: [&str; 4] = ["north", "south", "east", "west"];
const BATCH: i64 = 64 * 1024;

/// Writes `n` sales, 64Ki rows at a time: memory holds one batch and one row group, not the
/// table.
#[task]
fn make_sales(n: i64) -> Result<StructuredDataset<Sales>, TaskError> {
    let schema = schema_of::<Sales>()?;
    let mut writer = DatasetWriter::<Sales>::new(schema.clone())?;
    let start = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")?.timestamp_micros();
    for first in (0..n).step_by(BATCH as usize) {
        let ids = first..(first + BATCH).min(n);
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from_iter_values(
                    ids.clone().map(|i| REGIONS[(i % 4) as usize]),
                )),
                Arc::new(Int64Array::from_iter_values(
                    ids.clone().map(|i| i % 10 + 1),
                )),
                Arc::new(Float64Array::from_iter_values(
                    ids.clone().map(|i| (i % 100) as f64 / 4.0),
                )),
                Arc::new(TimestampMicrosecondArray::from_iter_values(
                    ids.map(|i| start + i * 1_000_000),
                )),
            ],
        )?;
        writer.write(&batch)?;
    }
    Ok(writer.finish()?)
}

/// The column `name` of a batch as the Arrow array type `A`.
fn column<'a, A: 'static>(batch: &'a RecordBatch, name: &str) -> Result<&'a A, TaskError> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<A>())
        .ok_or_else(|| TaskError::user(format!("column `{name}` is missing or of another type")))
}

/// The total of the units, reading only that column, one batch at a time.
#[task]
fn total_units(sales: StructuredDataset<Units>) -> Result<i64, TaskError> {
    let mut total = 0;
    for batch in sales.reader()? {
        total += column::<Int64Array>(&batch?, "units")?
            .values()
            .iter()
            .sum::<i64>();
    }
    Ok(total)
}

/// Revenue (units x price) per region, streaming every column of the table.
#[task]
fn revenue_by_region(sales: StructuredDataset<Sales>) -> Result<BTreeMap<String, f64>, TaskError> {
    let mut revenue = BTreeMap::new();
    for batch in sales.reader()? {
        let batch = batch?;
        let region = column::<StringArray>(&batch, "region")?;
        let units = column::<Int64Array>(&batch, "units")?;
        let price = column::<Float64Array>(&batch, "price")?;
        for i in 0..batch.num_rows() {
            *revenue.entry(region.value(i).to_string()).or_insert(0.0) +=
                units.value(i) as f64 * price.value(i);
        }
    }
    Ok(revenue)
}

/// The whole table in memory at once (`read_all`), for comparison with the streamed tasks.
#[task]
fn count_rows_in_memory(sales: StructuredDataset<Sales>) -> Result<i64, TaskError> {
    let batches = sales.read_all()?;
    Ok(batches.iter().map(|b| b.num_rows() as i64).sum())
}

/// One table, two readers: the units alone, and every column.
#[workflow]
fn sales_report(n: i64) -> (i64, BTreeMap<String, f64>) {
    let sales = make_sales(n);
    let units = total_units(sales as StructuredDataset<Units>);
    (units, revenue_by_region(sales))
}

fn main() {
    flytekit::main()
}
