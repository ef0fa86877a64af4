//! Literal conversion speed: Rust values -> Flyte literal -> protobuf bytes -> literal -> Rust,
//! next to the bare prost encode/decode of the same literal (the floor the conversion is
//! measured against).
//!
//! Run with `cargo bench -p flytekit --bench literal_conversion`; results are recorded in
//! docs/benchmarks.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use flytekit::idl::core::Literal;
use flytekit::idl::prost::Message;
use flytekit::prelude::*;
use std::hint::black_box;

#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Point {
    x: f64,
    y: f64,
    label: String,
}

fn round_trip<T: FlyteType>(value: &T) -> T {
    let bytes = value.to_literal().unwrap().encode_to_vec();
    T::from_literal(&Literal::decode(bytes.as_slice()).unwrap()).unwrap()
}

fn conversions(c: &mut Criterion) {
    let floats: Vec<f64> = (0..1_000_000).map(|i| i as f64 * 0.5).collect();
    let points: Vec<Point> = (0..100_000)
        .map(|i| Point {
            x: i as f64,
            y: -(i as f64),
            label: format!("p{i}"),
        })
        .collect();

    let mut group = c.benchmark_group("literal_conversion");
    group.sample_size(10);

    group.bench_function("floats_1m/round_trip", |b| {
        b.iter(|| round_trip(black_box(&floats)))
    });
    let literal = floats.to_literal().unwrap();
    group.bench_function("floats_1m/prost_only", |b| {
        b.iter(|| Literal::decode(black_box(&literal).encode_to_vec().as_slice()).unwrap())
    });
    group.bench_function("floats_1m/to_literal", |b| {
        b.iter(|| black_box(&floats).to_literal().unwrap())
    });
    group.bench_function("floats_1m/from_literal", |b| {
        b.iter_batched(
            || literal.clone(),
            |l| Vec::<f64>::from_literal(&l).unwrap(),
            BatchSize::LargeInput,
        )
    });

    group.bench_function("points_100k/round_trip", |b| {
        b.iter(|| round_trip(black_box(&points)))
    });
    let literal = points.to_literal().unwrap();
    group.bench_function("points_100k/prost_only", |b| {
        b.iter(|| Literal::decode(black_box(&literal).encode_to_vec().as_slice()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, conversions);
criterion_main!(benches);
