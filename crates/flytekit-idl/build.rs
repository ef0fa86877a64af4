//! Compiles `proto/flyteidl/**.proto` into prost types at build time.
//!
//! protox parses the protos in pure Rust, so no system `protoc` is needed. Every map field becomes a
//! `BTreeMap`: encoding then walks keys in order, and the same message always gives the same bytes.
//! `Literal.offloaded_metadata` and `Scalar.structured_dataset` are boxed so that the common
//! case stays small.
//! The compiled descriptor set is kept in `OUT_DIR` so tests can compare it with the official one.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let proto_root = manifest_dir.join("../../proto");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);

    let mut protos = Vec::new();
    for package in ["core", "admin"] {
        collect_protos(&proto_root.join("flyteidl").join(package), &mut protos)?;
    }
    protos.sort();
    println!("cargo:rerun-if-changed={}", proto_root.display());
    for proto in &protos {
        println!("cargo:rerun-if-changed={}", proto.display());
    }

    let descriptors = protox::compile(&protos, [&proto_root])?;
    std::fs::write(
        out_dir.join("flyteidl_descriptor_set.bin"),
        prost::Message::encode_to_vec(&descriptors),
    )?;

    prost_build::Config::new()
        .btree_map(["."])
        // A rarely set, large oneof member would make every Literal 288 bytes instead of ~80;
        // boxing it keeps collections of a million literals compact (docs/benchmarks.md).
        .boxed(".flyteidl.core.Literal.value.offloaded_metadata")
        // Likewise in Scalar: a structured dataset's metadata (120 bytes) would make every
        // boxed scalar, an integer's too, a 128-byte allocation instead of 64.
        .boxed(".flyteidl.core.Scalar.value.structured_dataset")
        .compile_fds(descriptors)?;
    Ok(())
}

fn collect_protos(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "proto") {
            out.push(path);
        }
    }
    Ok(())
}
