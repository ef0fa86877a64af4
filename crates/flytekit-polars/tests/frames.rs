//! polars frames through `PolarsDataset::from_polars` and `read_polars`, and the files they
//! make read by the Arrow reader (and the other way round).

use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    Array, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};
use flytekit_core::types::structured::{
    column, schema_of, AnyColumns, Columns, DatasetError, StructuredDataset,
};
use flytekit_idl::core::structured_dataset_type::DatasetColumn;
use flytekit_polars::{polars_type_matches, PolarsDataset};
use polars::prelude::*;

struct Sales;
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

struct Units;
impl Columns for Units {
    fn columns() -> Vec<DatasetColumn> {
        vec![column::<i64>("units"), column::<String>("region")]
    }
}

/// `rows` sales rows from `start`, as the Arrow writer takes them.
fn sales_batch(start: i64, rows: usize) -> RecordBatch {
    let ids: Vec<i64> = (start..start + rows as i64).collect();
    RecordBatch::try_new(
        schema_of::<Sales>().unwrap(),
        vec![
            Arc::new(StringArray::from_iter_values(
                ids.iter().map(|i| format!("r{}", i % 7)),
            )),
            Arc::new(Int64Array::from(ids.clone())),
            Arc::new(Float64Array::from_iter_values(
                ids.iter().map(|i| *i as f64 / 2.0),
            )),
            Arc::new(BooleanArray::from_iter(
                ids.iter().map(|i| Some(i % 2 == 0)),
            )),
            Arc::new(TimestampMicrosecondArray::from(
                ids.iter().map(|i| i * 1_000_000).collect::<Vec<_>>(),
            )),
        ],
    )
    .unwrap()
}

/// The column `column` of every batch.
fn units(batches: &[RecordBatch], column: &str) -> Vec<i64> {
    batches
        .iter()
        .flat_map(|b| {
            let array = b.column_by_name(column).unwrap();
            let array = array.as_any().downcast_ref::<Int64Array>().unwrap();
            array.values().to_vec()
        })
        .collect()
}

fn tempdir(name: &str) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "flytekit-polars-{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The rows of `sales_batch(0, rows)`, as a polars frame.
fn sales_frame(rows: i64) -> DataFrame {
    let ids: Vec<i64> = (0..rows).collect();
    let at: Vec<i64> = ids.iter().map(|i| i * 1_000_000).collect();
    df!(
        "region" => ids.iter().map(|i| format!("r{}", i % 7)).collect::<Vec<_>>(),
        "units" => ids.clone(),
        "price" => ids.iter().map(|i| *i as f64 / 2.0).collect::<Vec<_>>(),
        "ok" => ids.iter().map(|i| i % 2 == 0).collect::<Vec<_>>(),
        "at" => Series::new("at".into(), at)
            .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
            .unwrap(),
    )
    .unwrap()
}

fn names(frame: &DataFrame) -> Vec<&str> {
    frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect()
}

/// The codec of the first column of a dataset that is one file, or a folder holding `00000`.
fn compression(table: &StructuredDataset<impl Columns>) -> parquet::basic::Compression {
    let path = Path::new(table.uri());
    let path = if path.is_dir() {
        path.join("00000")
    } else {
        path.to_path_buf()
    };
    let file = std::fs::File::open(path).unwrap();
    let reader = parquet::file::reader::SerializedFileReader::new(file).unwrap();
    parquet::file::reader::FileReader::metadata(&reader)
        .row_group(0)
        .column(0)
        .compression()
}

/// Removes a dataset's folder (the file's, for one written by `from_polars`).
fn remove(table: &StructuredDataset<impl Columns>) {
    let path = Path::new(table.uri());
    let folder = if path.is_file() {
        path.parent().unwrap()
    } else {
        path
    };
    std::fs::remove_dir_all(folder).unwrap();
}

#[test]
fn a_frame_round_trips_and_its_file_is_what_the_arrow_reader_reads() {
    let frame = sales_frame(2500);
    let table = StructuredDataset::<Sales>::from_polars(&frame).unwrap();
    // The file itself, as flytekitplugins-polars names what it writes.
    assert!(table.uri().ends_with("/00000"), "{}", table.uri());
    assert!(Path::new(table.uri()).is_file());
    assert_eq!(compression(&table), parquet::basic::Compression::SNAPPY);
    assert_eq!(table.read_polars().unwrap(), frame);

    // The Arrow reader sees the same rows: the same file for every reader of the dataset.
    let batches = table.read_all().unwrap();
    assert_eq!(units(&batches, "units"), (0..2500).collect::<Vec<_>>());
    let at = batches[0].column_by_name("at").unwrap().data_type().clone();
    assert_eq!(
        at,
        arrow_schema::DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, None)
    );
    remove(&table);
}

#[test]
fn arrow_written_tables_read_as_frames_with_declared_subsets_in_their_order() {
    let table = StructuredDataset::<Sales>::from_batches(
        schema_of::<Sales>().unwrap(),
        [sales_batch(0, 5)],
    )
    .unwrap();
    let all = table.read_polars().unwrap();
    assert_eq!(all, sales_frame(5));

    let subset = table.clone().cast::<Units>().read_polars().unwrap();
    assert_eq!(
        names(&subset),
        ["units", "region"],
        "the declared order, not the file's"
    );
    let named = table.read_polars_columns(&["ok", "units"]).unwrap();
    assert_eq!(names(&named), ["ok", "units"]);
    remove(&table);
}

#[test]
fn a_folder_of_several_files_is_one_frame_in_name_order() {
    let a = StructuredDataset::<Sales>::from_batches(
        schema_of::<Sales>().unwrap(),
        [sales_batch(0, 3)],
    )
    .unwrap();
    let b = StructuredDataset::<Sales>::from_batches(
        schema_of::<Sales>().unwrap(),
        [sales_batch(3, 3)],
    )
    .unwrap();
    let dir = tempdir("polars-several");
    std::fs::copy(Path::new(a.uri()).join("00000"), dir.join("part-1")).unwrap();
    std::fs::copy(Path::new(b.uri()).join("00000"), dir.join("part-0")).unwrap();
    let table: StructuredDataset<Units> = StructuredDataset::new(dir.display().to_string());
    let frame = table.read_polars().unwrap();
    let units: Vec<i64> = frame["units"].i64().unwrap().into_no_null_iter().collect();
    assert_eq!(units, [3, 4, 5, 0, 1, 2]);
    for path in [dir, a.uri().into(), b.uri().into()] {
        std::fs::remove_dir_all(path).unwrap();
    }
}

#[test]
fn zstd_files_as_polars_writes_them_read_through_both_readers() {
    // polars' own default codec is zstd, so every Python polars task's output is zstd.
    let dir = tempdir("polars-zstd");
    let mut frame = sales_frame(4);
    ParquetWriter::new(std::fs::File::create(dir.join("00000")).unwrap())
        .finish(&mut frame)
        .unwrap();
    let table: StructuredDataset<Sales> = StructuredDataset::new(dir.display().to_string());
    assert_eq!(
        compression(&table),
        parquet::basic::Compression::ZSTD(Default::default())
    );
    assert_eq!(table.read_polars().unwrap(), frame);
    let batches = table.read_all().unwrap();
    assert_eq!(units(&batches, "units"), [0, 1, 2, 3]);
    // A declared `String` column reads as the `StringArray` a task downcasts to.
    let region = batches[0].column_by_name("region").unwrap();
    let region = region.as_any().downcast_ref::<StringArray>().expect("Utf8");
    assert_eq!(region.value(3), "r3");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_empty_frame_keeps_its_columns() {
    let frame = sales_frame(0);
    let table = StructuredDataset::<Sales>::from_polars(&frame).unwrap();
    let back = table.read_polars().unwrap();
    assert_eq!(back.height(), 0);
    assert_eq!(back.schema(), frame.schema());
    assert_eq!(table.reader().unwrap().schema().fields().len(), 5);
    remove(&table);
}

#[test]
fn missing_or_mistyped_columns_are_errors_naming_them_and_write_nothing() {
    let mut frame = sales_frame(3);
    let _ = frame.drop_in_place("price").unwrap();
    let err = StructuredDataset::<Sales>::from_polars(&frame).unwrap_err();
    let DatasetError::MissingColumn { uri, .. } = &err else {
        panic!("{err:?}")
    };
    // The failed write left no dataset folder behind.
    assert!(!Path::new(uri).exists(), "{uri}");
    let message = err.to_string();
    assert!(
        message.starts_with("column `price` is not in the dataset at `")
            && message.ends_with("its columns are `region`, `units`, `ok`, `at`"),
        "{message}"
    );

    let mistyped = df!("units" => ["three"], "region" => ["north"]).unwrap();
    let err = StructuredDataset::<Units>::from_polars(&mistyped).unwrap_err();
    let DatasetError::ColumnType { uri, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(!Path::new(uri).exists(), "{uri}");
    assert!(
        err.to_string()
            .contains("column `units` of the dataset at `")
            && err
                .to_string()
                .ends_with("is declared INTEGER but holds polars str"),
        "{err}"
    );
    // Reading checks the declared columns before polars reads anything, with the Arrow
    // reader's messages.
    let table = StructuredDataset::<AnyColumns>::from_polars(&df!("units" => [1i64]).unwrap())
        .unwrap()
        .cast::<Units>();
    let err = table.read_polars().unwrap_err();
    assert_eq!(
        err,
        DatasetError::MissingColumn {
            column: "region".into(),
            uri: table.uri().into(),
            available: vec!["units".into()],
        }
    );
    let err = table.read_polars_columns(&["revenue"]).unwrap_err();
    assert!(
        err.to_string().starts_with("column `revenue` is not in"),
        "{err}"
    );
    remove(&table);
}

#[test]
fn malformed_and_missing_data_are_errors_never_frames() {
    let dir = tempdir("polars-bad");
    std::fs::write(dir.join("00000"), b"PAR1 not really").unwrap();
    let table: StructuredDataset = StructuredDataset::new(dir.display().to_string());
    let err = table.read_polars().unwrap_err();
    assert!(
        err.to_string().contains("is not a readable Parquet file"),
        "{err}"
    );

    let empty = tempdir("polars-nodata");
    let table: StructuredDataset = StructuredDataset::new(empty.display().to_string());
    assert!(matches!(
        table.read_polars(),
        Err(DatasetError::NoData { .. })
    ));
    for path in [dir, empty] {
        std::fs::remove_dir_all(path).unwrap();
    }
}

#[test]
fn polars_column_types_match_flytekit_column_types() {
    let int = column::<i64>("x").literal_type.unwrap();
    let float = column::<f64>("x").literal_type.unwrap();
    let text = column::<String>("x").literal_type.unwrap();
    let when = column::<chrono::DateTime<chrono::Utc>>("x")
        .literal_type
        .unwrap();
    let list = column::<Vec<i64>>("x").literal_type.unwrap();
    assert!(polars_type_matches(&int, &DataType::Int32));
    assert!(polars_type_matches(&int, &DataType::UInt64));
    assert!(!polars_type_matches(&int, &DataType::Float64));
    assert!(polars_type_matches(&float, &DataType::Float32));
    assert!(polars_type_matches(&text, &DataType::String));
    assert!(!polars_type_matches(&text, &DataType::Boolean));
    assert!(polars_type_matches(&when, &DataType::Date));
    assert!(polars_type_matches(
        &when,
        &DataType::Datetime(TimeUnit::Nanoseconds, None)
    ));
    assert!(polars_type_matches(
        &list,
        &DataType::List(Box::new(DataType::Int64))
    ));
    assert!(!polars_type_matches(&list, &DataType::Int64));
    assert!(polars_type_matches(&int, &DataType::Null));
}

#[test]
fn a_declared_column_without_values_reads_with_its_declared_type() {
    // What pyarrow makes of an empty object column of pandas: Arrow `null`.
    let frame = df!(
        "units" => Vec::<i64>::new(),
        "region" => Series::new_null("region".into(), 0),
    )
    .unwrap();
    assert_eq!(frame.schema().get("region"), Some(&DataType::Null));
    let table = StructuredDataset::<AnyColumns>::from_polars(&frame).unwrap();
    let typed = table.clone().cast::<Units>().read_polars().unwrap();
    assert_eq!(typed.schema().get("region"), Some(&DataType::String));
    // Undeclared, it stays as stored.
    let untyped = table.read_polars().unwrap();
    assert_eq!(untyped.schema().get("region"), Some(&DataType::Null));
    remove(&table);
}
