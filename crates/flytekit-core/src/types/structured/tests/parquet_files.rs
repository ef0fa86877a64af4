//! Parquet round trips through [`DatasetWriter`] and [`DatasetReader`].

use std::sync::Arc;

use arrow_array::{
    Array, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

use super::super::*;
use super::{Sales, Units};

pub(super) fn sales_schema() -> SchemaRef {
    schema_of::<Sales>().unwrap()
}

pub(super) fn sales_batch(start: i64, rows: usize) -> RecordBatch {
    let ids: Vec<i64> = (start..start + rows as i64).collect();
    RecordBatch::try_new(
        sales_schema(),
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

pub(super) fn units(batches: &[RecordBatch], column: &str) -> Vec<i64> {
    batches
        .iter()
        .flat_map(|b| {
            let array = b
                .column_by_name(column)
                .unwrap()
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .clone();
            array.values().to_vec()
        })
        .collect()
}

#[test]
fn batches_stream_back_row_group_by_row_group_in_flytekit_layout() {
    let mut writer = DatasetWriter::<Sales>::with_row_group_rows(sales_schema(), 1000).unwrap();
    for start in (0..5000).step_by(700) {
        writer
            .write(&sales_batch(start, 700.min(5000 - start as usize)))
            .unwrap();
    }
    assert_eq!(writer.rows_written(), 5000);
    let table = writer.finish().unwrap();
    let folder = std::path::PathBuf::from(table.uri());
    assert!(folder.join("00000").is_file(), "{}", folder.display());
    assert_eq!(table.format(), "parquet");

    let file = std::fs::File::open(folder.join("00000")).unwrap();
    let metadata = parquet::file::reader::FileReader::metadata(
        &parquet::file::reader::SerializedFileReader::new(file).unwrap(),
    )
    .clone();
    assert_eq!(metadata.num_row_groups(), 5);
    assert_eq!(
        metadata.row_group(0).column(0).compression(),
        parquet::basic::Compression::SNAPPY
    );

    let batches = table.read_all().unwrap();
    assert!(batches
        .iter()
        .all(|b| b.num_rows() <= super::super::arrow::DEFAULT_BATCH_ROWS));
    assert_eq!(units(&batches, "units"), (0..5000).collect::<Vec<_>>());
    assert_eq!(batches[0].schema(), sales_schema());
    std::fs::remove_dir_all(folder).unwrap();
}

#[test]
fn a_declared_subset_reads_only_its_columns_in_its_order() {
    let table =
        StructuredDataset::<Sales>::from_batches(sales_schema(), [sales_batch(0, 10)]).unwrap();
    let subset = table.clone().cast::<Units>();
    let reader = subset.reader().unwrap();
    let names: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, ["units", "region"]);
    let batches: Vec<RecordBatch> = reader.collect::<Result<_, _>>().unwrap();
    assert_eq!(batches[0].num_columns(), 2);
    assert_eq!(units(&batches, "units"), (0..10).collect::<Vec<_>>());

    let explicit = table.reader_with_columns(&["price"]).unwrap();
    assert_eq!(explicit.schema().fields().len(), 1);
    std::fs::remove_dir_all(table.uri()).unwrap();
}

#[test]
fn a_missing_or_mistyped_column_is_an_error_naming_it() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("region", DataType::Utf8, true),
        Field::new("units", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec!["a"])),
            Arc::new(StringArray::from(vec!["3"])),
        ],
    )
    .unwrap();
    let table = StructuredDataset::<AnyColumns>::from_batches(schema.clone(), [batch]).unwrap();
    let err = table
        .reader_with_columns(&["region", "revenue"])
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "column `revenue` is not in the dataset at `{}`; its columns are `region`, `units`",
            table.uri()
        )
    );
    let err = table.clone().cast::<Units>().reader().err().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "column `units` of the dataset at `{}` is declared INTEGER but holds Arrow Utf8",
            table.uri()
        )
    );
    // The writer checks the declared columns up front.
    let err = DatasetWriter::<Sales>::new(schema).err().unwrap();
    assert!(
        matches!(&err, DatasetError::ColumnType { column, .. } if column == "units"),
        "{err}"
    );
    std::fs::remove_dir_all(table.uri()).unwrap();
}

#[test]
fn an_empty_table_keeps_its_schema() {
    let table = StructuredDataset::<Sales>::from_batches(sales_schema(), []).unwrap();
    let reader = table.reader().unwrap();
    assert_eq!(reader.schema(), sales_schema());
    assert_eq!(reader.count(), 0);
    std::fs::remove_dir_all(table.uri()).unwrap();
}

#[test]
fn malformed_files_and_wrong_batches_are_errors_never_values() {
    let dir = tempdir("malformed");
    std::fs::write(dir.join("00000"), b"PAR1 this is not parquet PAR1").unwrap();
    let table: StructuredDataset = StructuredDataset::new(dir.display().to_string());
    let err = table.reader().err().unwrap();
    assert!(
        err.to_string().contains("is not a readable Parquet file"),
        "{err}"
    );

    // A truncated file: the footer is gone.
    let good =
        StructuredDataset::<Sales>::from_batches(sales_schema(), [sales_batch(0, 100)]).unwrap();
    let bytes = std::fs::read(std::path::Path::new(good.uri()).join("00000")).unwrap();
    std::fs::write(dir.join("00000"), &bytes[..bytes.len() / 2]).unwrap();
    assert!(table.reader().is_err());
    // Corrupt data pages (footer intact): an error from the iterator, then nothing.
    let mut corrupt = bytes.clone();
    for b in corrupt.iter_mut().skip(8).take(bytes.len() / 2) {
        *b = 0xAB;
    }
    std::fs::write(dir.join("00000"), &corrupt).unwrap();
    let outcome: Vec<_> = match table.reader() {
        Ok(reader) => reader.collect(),
        Err(err) => vec![Err(err)],
    };
    assert!(
        outcome.iter().any(|r| r.is_err()),
        "{} batches",
        outcome.len()
    );
    assert!(outcome.last().unwrap().is_err());

    let empty = tempdir("empty");
    let err = StructuredDataset::<AnyColumns>::new(empty.display().to_string())
        .reader()
        .err()
        .unwrap();
    assert!(matches!(err, DatasetError::NoData { .. }), "{err}");

    let csv: StructuredDataset = StructuredDataset::from_literal(
        &StructuredDataset::<AnyColumns>::with_type(
            "x",
            StructuredDatasetType {
                format: "csv".into(),
                ..Default::default()
            },
        )
        .to_literal()
        .unwrap(),
    )
    .unwrap();
    assert!(matches!(
        csv.reader().err().unwrap(),
        DatasetError::Format { .. }
    ));

    let mut writer = DatasetWriter::<AnyColumns>::new(sales_schema()).unwrap();
    let other = Arc::new(Schema::new(vec![Field::new(
        "t",
        DataType::Timestamp(TimeUnit::Second, None),
        true,
    )]));
    let batch = RecordBatch::new_empty(other);
    assert!(writer.write(&batch).is_err());
    for path in [dir, empty, std::path::PathBuf::from(good.uri())] {
        std::fs::remove_dir_all(path).unwrap();
    }
    let _ = std::fs::remove_dir_all(writer.finish().unwrap().uri());
}

#[test]
fn a_folder_of_several_files_reads_in_name_order_skipping_hidden_ones() {
    let a = StructuredDataset::<Sales>::from_batches(sales_schema(), [sales_batch(0, 3)]).unwrap();
    let b = StructuredDataset::<Sales>::from_batches(sales_schema(), [sales_batch(3, 3)]).unwrap();
    let dir = tempdir("several");
    std::fs::copy(
        std::path::Path::new(a.uri()).join("00000"),
        dir.join("part-1.parquet"),
    )
    .unwrap();
    std::fs::copy(
        std::path::Path::new(b.uri()).join("00000"),
        dir.join("part-0.parquet"),
    )
    .unwrap();
    std::fs::write(dir.join("_SUCCESS"), b"").unwrap();
    let table: StructuredDataset<Units> = StructuredDataset::new(dir.display().to_string());
    let batches = table.read_all().unwrap();
    assert_eq!(units(&batches, "units"), [3, 4, 5, 0, 1, 2]);
    // A single file works as well.
    let one: StructuredDataset =
        StructuredDataset::new(dir.join("part-1.parquet").display().to_string());
    assert_eq!(one.read_all().unwrap()[0].num_rows(), 3);
    for path in [dir, a.uri().into(), b.uri().into()] {
        std::fs::remove_dir_all(path).unwrap();
    }
}

pub(super) fn tempdir(name: &str) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "flytekit-sd-{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn schema_of_maps_flytekit_column_types_and_refuses_others() {
    let schema = sales_schema();
    let types: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| format!("{}:{}", f.name(), f.data_type()))
        .collect();
    assert_eq!(
        types,
        [
            "region:Utf8",
            "units:Int64",
            "price:Float64",
            "ok:Boolean",
            "at:Timestamp(µs)"
        ]
    );
    struct Odd;
    impl Columns for Odd {
        fn columns() -> Vec<flytekit_idl::core::structured_dataset_type::DatasetColumn> {
            vec![column::<serde_json::Value>("blob")]
        }
    }
    let err = schema_of::<Odd>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "column `blob` is declared STRUCT, which has no Arrow column type here; build the schema with the Arrow type you want"
    );
}

#[test]
fn declared_string_columns_read_as_utf8_whatever_width_the_file_stores() {
    // A file whose strings are `LargeUtf8`, as some writers (Python polars) store them.
    let dir = tempdir("large-utf8");
    let schema = Arc::new(Schema::new(vec![
        Field::new("units", DataType::Int64, true),
        Field::new("region", DataType::LargeUtf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(vec![1, 2])),
            Arc::new(arrow_array::LargeStringArray::from(vec!["north", "south"])),
        ],
    )
    .unwrap();
    let file = std::fs::File::create(dir.join("00000")).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();

    let declared: StructuredDataset<Units> = StructuredDataset::new(dir.display().to_string());
    let batches = declared.read_all().unwrap();
    let region = batches[0].column_by_name("region").unwrap();
    assert_eq!(region.data_type(), &DataType::Utf8);
    let region = region.as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!((region.value(0), region.value(1)), ("north", "south"));
    // Undeclared, a column keeps the type the file stores.
    let any: StructuredDataset = StructuredDataset::new(dir.display().to_string());
    let stored = any.read_all().unwrap()[0].schema();
    assert_eq!(
        stored.field_with_name("region").unwrap().data_type(),
        &DataType::LargeUtf8
    );
    std::fs::remove_dir_all(dir).unwrap();
}
