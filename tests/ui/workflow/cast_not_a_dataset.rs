use flytekit::prelude::*;

dataset_columns! {
    pub struct Units {
        pub units: i64,
    }
}

#[task]
fn count(n: i64) -> i64 {
    n
}

#[task]
fn show(text: String) -> String {
    text
}

#[task]
fn total(table: StructuredDataset<Units>) -> i64 {
    let _ = table;
    1
}

#[workflow]
fn wf(n: i64) -> String {
    let c = count(n);
    let _t = total(c as StructuredDataset<Units>);
    show(c as String)
}

fn main() {}
