//! Tasks passing tables as polars frames (feature `polars`), the Rust side of
//! tests/polars/structured_polars.rs: the tasks of tests/bin/datasets.rs with polars in place of
//! Arrow batches, their rows by the same formula as `sales_frame` in tests/python/dataset_peer.py.

use flytekit::polars::prelude::*;
use flytekit::prelude::*;

dataset_columns! {
    /// The columns of the sales table.
    pub struct Sales {
        /// `north`, `south` or `east`.
        pub region: String,
        /// `3i - 7`.
        pub units: i64,
        /// `0.25i + 0.1`.
        pub price: f64,
        /// Whether `i` is even.
        pub ok: bool,
        /// An hour and 1,234 µs apart.
        pub at: chrono::DateTime<chrono::Utc>,
    }

    /// A subset of them, in another order.
    pub struct Units {
        /// As in `Sales`.
        pub units: i64,
        /// As in `Sales`.
        pub region: String,
    }
}

const REGIONS: [&str; 3] = ["north", "south", "east"];
/// 2024-01-02T03:04:05 UTC, in microseconds.
const START_MICROS: i64 = 1_704_164_645_000_000;

/// `make_sales`: the sales rows, built as a polars frame.
#[task]
fn make_sales_polars(n: i64) -> Result<StructuredDataset<Sales>, TaskError> {
    let ids: Vec<i64> = (0..n).collect();
    let micros: Vec<i64> = ids
        .iter()
        .map(|i| START_MICROS + i * 3_600_000_000 + i * 1_234)
        .collect();
    // A polars error becomes the task's user error with `?`, as any error does.
    let at =
        Series::new("at".into(), micros).cast(&DataType::Datetime(TimeUnit::Microseconds, None))?;
    let frame = df!(
        "region" => ids.iter().map(|i| REGIONS[(*i % 3) as usize]).collect::<Vec<_>>(),
        "units" => ids.iter().map(|i| i * 3 - 7).collect::<Vec<_>>(),
        "price" => ids.iter().map(|i| *i as f64 * 0.25 + 0.1).collect::<Vec<_>>(),
        "ok" => ids.iter().map(|i| i % 2 == 0).collect::<Vec<_>>(),
        "at" => at,
    )?;
    Ok(StructuredDataset::from_polars(&frame)?)
}

/// Every row as `region|units|price|ok|at` (`at` in RFC 3339, microseconds), read as a frame.
#[task]
fn describe_sales_polars(sales: StructuredDataset<Sales>) -> Result<Vec<String>, TaskError> {
    let frame = sales.read_polars()?;
    let region = frame.column("region")?.str()?;
    let units = frame.column("units")?.i64()?;
    let price = frame.column("price")?.f64()?;
    let ok = frame.column("ok")?.bool()?;
    // Whatever unit the writer chose (pandas writes µs, polars keeps ns), in microseconds.
    let at = frame
        .column("at")?
        .cast(&DataType::Datetime(TimeUnit::Microseconds, None))?
        .cast(&DataType::Int64)?;
    let at = at.i64()?;
    let mut rows = Vec::with_capacity(frame.height());
    for i in 0..frame.height() {
        let missing = || TaskError::user(format!("row {i} has a missing value"));
        let when = at.get(i).ok_or_else(missing)?;
        let when = chrono::DateTime::from_timestamp_micros(when)
            .ok_or_else(|| TaskError::user("timestamp out of range"))?;
        rows.push(format!(
            "{}|{}|{}|{}|{}",
            region.get(i).ok_or_else(missing)?,
            units.get(i).ok_or_else(missing)?,
            price.get(i).ok_or_else(missing)?,
            ok.get(i).ok_or_else(missing)?,
            when.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        ));
    }
    Ok(rows)
}

/// The columns a `StructuredDataset<Units>` input reads as a frame, and its units.
#[task]
fn subset_units_polars(
    sales: StructuredDataset<Units>,
) -> Result<(Vec<String>, Vec<i64>), TaskError> {
    let frame = sales.read_polars()?;
    let names = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let units = frame.column("units")?.i64()?;
    Ok((names, units.into_no_null_iter().collect()))
}

/// Copies any table: the whole table as one frame, written back.
#[task]
fn copy_table_polars(table: StructuredDataset) -> Result<StructuredDataset, TaskError> {
    Ok(StructuredDataset::from_polars(&table.read_polars()?)?)
}

/// Reads the column `revenue`, which the sales table does not have.
#[task]
fn read_revenue_polars(table: StructuredDataset) -> Result<i64, TaskError> {
    Ok(table.read_polars_columns(&["revenue"])?.height() as i64)
}

/// `describe_sales_polars(make_sales_polars(n))`: a frame between two tasks.
#[workflow]
fn sales_report_polars(n: i64) -> Vec<String> {
    let sales = make_sales_polars(n);
    describe_sales_polars(sales)
}

/// The example of the guide's polars section, as written there: it must compile.
#[task]
fn total_units(sales: StructuredDataset<Sales>) -> Result<StructuredDataset, TaskError> {
    let frame = sales.read_polars()?; // the declared columns, in their order
    let total = frame.column("units")?.i64()?.sum(); // a polars error is a user error
    let frame = df!("units" => [total])?;
    Ok(StructuredDataset::from_polars(&frame)?) // uploaded after the task returns
}

/// For bench/datasets.py: `n` rows of four columns (region, units, price, sold_at) built as one
/// frame and written with `from_polars`.
#[task]
fn make_frame(n: i64) -> Result<StructuredDataset, TaskError> {
    let ids: Vec<i64> = (0..n).collect();
    let sold_at = Series::new(
        "sold_at".into(),
        ids.iter().map(|i| START_MICROS + i).collect::<Vec<_>>(),
    )
    .cast(&DataType::Datetime(TimeUnit::Microseconds, None))?;
    let frame = df!(
        "region" => ids.iter().map(|i| REGIONS[(*i % 3) as usize]).collect::<Vec<_>>(),
        "units" => ids.iter().map(|i| i % 11).collect::<Vec<_>>(),
        "price" => ids.iter().map(|i| (*i % 100) as f64 * 0.5).collect::<Vec<_>>(),
        "sold_at" => sold_at,
    )?;
    Ok(StructuredDataset::from_polars(&frame)?)
}

/// For bench/datasets.py: the whole table read as one frame; its row count.
#[task]
fn frame_rows(table: StructuredDataset) -> Result<i64, TaskError> {
    Ok(table.read_polars()?.height() as i64)
}

/// For bench/datasets.py: the `units` column alone, read as a frame; its sum.
#[task]
fn frame_units(table: StructuredDataset) -> Result<i64, TaskError> {
    let frame = table.read_polars_columns(&["units"])?;
    Ok(frame.column("units")?.i64()?.sum().unwrap_or(0))
}

fn main() {
    flytekit::main()
}
