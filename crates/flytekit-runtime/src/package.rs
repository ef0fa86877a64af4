//! `package` and `serialize`: the binary's specs as the files `flytectl register files` takes
//! (FLYTE-CONTRACT section 2): a flat, deterministic `.tgz`, or the same files in a folder.
//!
//! Everything is built and validated before anything is written (`flytekit_core::spec::
//! build_package`): on any problem every one is printed, naming its entity, and no file is
//! touched. The archive is byte-for-byte reproducible: members sorted (their names start with
//! the registration index), mtime 0, uid/gid 0, mode 0644, and a gzip header without a time or
//! name. `--version auto` is a SHA-256 of every file and of the binary itself, so an unchanged
//! build gets the same version and any change to the code or the specs a new one.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use flytekit_core::spec::{build_package, file_names, SerializationSettings, Spec};
use sha2::{Digest, Sha256};

/// What to package, from the command line.
#[derive(Debug, Clone, Default)]
pub struct PackageArgs {
    /// `--image IMG` (the default image) and `--image name=uri` (named images); `default=uri`
    /// names the default image too.
    pub images: Vec<String>,
    /// Project of every identifier (empty: `flytectl` fills it).
    pub project: String,
    /// Domain of every identifier (empty: `flytectl` fills it).
    pub domain: String,
    /// The version: empty (`flytectl register --version` fills it), a fixed string or `auto`.
    pub version: String,
    /// Path of the binary in the image (default `/usr/local/bin/<this binary's file name>`).
    pub entrypoint: Option<String>,
}

/// The serialization settings of `args`; an error says which flag is wrong.
pub fn settings(args: &PackageArgs) -> Result<SerializationSettings, String> {
    let mut settings = SerializationSettings {
        project: args.project.clone(),
        domain: args.domain.clone(),
        ..Default::default()
    };
    for image in &args.images {
        let (name, uri) = image.split_once('=').unwrap_or(("default", image.as_str()));
        if name.is_empty() || uri.is_empty() {
            return Err(format!(
                "`--image {image}`: write `--image IMAGE` or `--image name=IMAGE`"
            ));
        }
        if name == "default" {
            if !settings.image.is_empty() {
                return Err(format!(
                    "`--image {image}`: give one default image (`--image IMAGE`) and any number of named ones (`--image name=IMAGE`)"
                ));
            }
            settings.image = uri.to_string();
        } else if settings
            .images
            .insert(name.to_string(), uri.to_string())
            .is_some()
        {
            return Err(format!("`--image {name}=...` is given twice"));
        }
    }
    if settings.image.is_empty() {
        return Err("`--image IMAGE` is required: the image tasks run in (named images alone are not enough)".to_string());
    }
    settings.entrypoint = match &args.entrypoint {
        Some(path) => path.clone(),
        None => format!("/usr/local/bin/{}", binary_name()),
    };
    if args.version != "auto" {
        settings.version = args.version.clone();
    }
    Ok(settings)
}

/// The file name of this binary (what `cargo build` named it).
pub(crate) fn binary_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| {
            std::env::args_os().next().and_then(|a| {
                Path::new(&a)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
        })
        .unwrap_or_else(|| "flyte-tasks".to_string())
}

/// The files of a package, named and in registration order, and their version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFiles {
    /// `(file name, protobuf bytes)`, in order.
    pub files: Vec<(String, Vec<u8>)>,
    /// The version in every identifier (empty when left to `flytectl`).
    pub version: String,
}

/// The files of the binary's package with the version `args` asks for; or every problem found.
pub fn package_files(args: &PackageArgs) -> Result<PackageFiles, Vec<String>> {
    let settings = settings(args).map_err(|e| vec![e])?;
    let mut specs = build_package(&settings)?;
    let version = if args.version == "auto" {
        let version = auto_version(&specs).map_err(|e| {
            vec![format!(
                "`--version auto` could not read this binary to hash it: {e}"
            )]
        })?;
        let with_version = SerializationSettings {
            version: version.clone(),
            ..settings
        };
        for spec in specs.iter_mut() {
            spec.fill_identifiers(&with_version);
        }
        version
    } else {
        settings.version.clone()
    };
    let names = file_names(&specs);
    Ok(PackageFiles {
        files: names
            .into_iter()
            // Each spec is dropped once encoded, so its memory serves the next encodings.
            .zip(specs.into_iter().map(|spec| spec.encode()))
            .collect(),
        version,
    })
}

/// The `--version auto` version: the first 20 hex digits of a SHA-256 of every file (name and
/// bytes, identifiers without a version) and of this binary's bytes.
pub fn auto_version(specs: &[Spec]) -> io::Result<String> {
    let mut hasher = Sha256::new();
    for (name, spec) in file_names(specs).iter().zip(specs) {
        let bytes = spec.encode();
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    let mut binary = std::fs::File::open(std::env::current_exe()?)?;
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = binary.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    let digest = hasher.finalize();
    Ok(digest.iter().take(10).map(|b| format!("{b:02x}")).collect())
}

/// The gzip'd tar of `files`, byte-for-byte the same for the same files.
pub fn archive(files: &[(String, Vec<u8>)]) -> io::Result<Vec<u8>> {
    let gzip = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gzip);
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, bytes) in sorted {
        let mut header = tar::Header::new_gnu();
        header.set_path(name)?;
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        tar.append(&header, bytes.as_slice())?;
    }
    tar.into_inner()?.finish()
}

/// Writes `bytes` to `path` through a temporary file beside it, so a reader never sees half a
/// file and a failure leaves no partial package.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Where `package` / `serialize` write.
#[derive(Debug, Clone)]
pub enum Output {
    /// A `.tgz` file (`package`).
    Archive(PathBuf),
    /// A folder of `.pb` files (`serialize`).
    Folder(PathBuf),
}

/// Runs `package` / `serialize`: builds, validates, writes; returns the exit code.
pub fn run(args: &PackageArgs, output: &Output) -> i32 {
    let PackageFiles { files, version } = match package_files(args) {
        Ok(package) => package,
        Err(problems) => {
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            eprintln!(
                "error: nothing written: {} problem{} found",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            return 1;
        }
    };
    let written = match output {
        Output::Archive(path) => archive(&files).and_then(|bytes| write_atomically(path, &bytes)),
        Output::Folder(dir) => write_folder(dir, &files),
    };
    let target = match output {
        Output::Archive(path) | Output::Folder(path) => path.display().to_string(),
    };
    if let Err(err) = written {
        eprintln!("error: could not write {target}: {err}");
        return 1;
    }
    let count = |suffix: &str| files.iter().filter(|(n, _)| n.ends_with(suffix)).count();
    let version = if version.is_empty() {
        "none (give `flytectl register files --version`)".to_string()
    } else {
        version
    };
    println!(
        "wrote {} files ({} tasks, {} workflows, {} launch plans) to {target}; version {version}",
        files.len(),
        count("_1.pb"),
        count("_2.pb"),
        count("_3.pb"),
    );
    0
}

fn write_folder(dir: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let ours: std::collections::BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let others: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pb") && !ours.contains(n.as_str()))
        .collect();
    for (name, bytes) in files {
        write_atomically(&dir.join(name), bytes)?;
    }
    if !others.is_empty() {
        eprintln!(
            "warning: {} holds {} other .pb file(s) (such as `{}`) that `flytectl register files` would register too; serialize into an empty folder",
            dir.display(),
            others.len(),
            others[0]
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_reproducible_and_flat() {
        let files = vec![
            ("1_b_2.pb".to_string(), vec![2u8; 10]),
            ("0_a_1.pb".to_string(), vec![1u8; 1000]),
        ];
        let first = archive(&files).unwrap();
        let mut reversed = files.clone();
        reversed.reverse();
        assert_eq!(first, archive(&reversed).unwrap());
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(first.as_slice()));
        let names: Vec<String> = tar
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["0_a_1.pb", "1_b_2.pb"]);
    }

    #[test]
    fn images_and_flags() {
        let args = |images: &[&str]| PackageArgs {
            images: images.iter().map(|s| s.to_string()).collect(),
            entrypoint: Some("/app/bin".into()),
            version: "v1".into(),
            ..Default::default()
        };
        let s = settings(&args(&["img:1", "gpu=img-gpu:1"])).unwrap();
        assert_eq!(
            (s.image.as_str(), s.images["gpu"].as_str()),
            ("img:1", "img-gpu:1")
        );
        assert_eq!(
            (s.entrypoint.as_str(), s.version.as_str()),
            ("/app/bin", "v1")
        );
        assert_eq!(settings(&args(&["default=img:2"])).unwrap().image, "img:2");
        assert!(settings(&args(&["gpu=x"]))
            .unwrap_err()
            .contains("required"));
        assert!(settings(&args(&["a", "b"]))
            .unwrap_err()
            .contains("one default image"));
        assert!(settings(&args(&["a", "g=x", "g=y"]))
            .unwrap_err()
            .contains("twice"));
    }
}
