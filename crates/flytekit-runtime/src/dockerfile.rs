//! `dockerfile`: a Dockerfile that puts this binary into an image Flyte can run.
//!
//! Two stages: the official Rust image builds the binary (`cargo build --release --locked`,
//! with cargo's registry and the target dir in build caches, so a rebuild after editing one task
//! compiles only that crate), then a slim Debian image receives the binary at the path
//! `package --entrypoint` names by default, with CA certificates (object storage and Flyte's
//! admin are reached over TLS). Nothing else is needed at run time: no Python, no flytekit.

use crate::package::binary_name;

/// What the Dockerfile is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerfileOptions {
    /// The binary target to build (`cargo build --bin`): this binary's name by default.
    pub bin: String,
    /// Where the binary goes in the image; `package --entrypoint` must name the same path.
    pub entrypoint: String,
    /// The image the build stage runs in.
    pub rust_image: String,
    /// The image the tasks run in.
    pub base_image: String,
}

impl DockerfileOptions {
    /// The defaults for this binary: `/usr/local/bin/<binary>` (as `package` assumes),
    /// `rust:1-bookworm` to build, `debian:bookworm-slim` to run.
    pub fn for_this_binary() -> Self {
        let bin = binary_name();
        DockerfileOptions {
            entrypoint: format!("/usr/local/bin/{bin}"),
            bin,
            rust_image: "rust:1-bookworm".into(),
            base_image: "debian:bookworm-slim".into(),
        }
    }
}

/// The Dockerfile text.
pub fn dockerfile(options: &DockerfileOptions) -> String {
    let DockerfileOptions {
        bin,
        entrypoint,
        rust_image,
        base_image,
    } = options;
    format!(
        r#"# syntax=docker/dockerfile:1
# Written by `{bin} dockerfile`. Build from the root of the Cargo workspace:
#   docker build -t <registry>/<image>:<tag> .
# and package with the same image and entrypoint:
#   {bin} package --image <registry>/<image>:<tag> --entrypoint {entrypoint}

FROM {rust_image} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin {bin} \
    && cp target/release/{bin} /{bin}

FROM {base_image}
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /{bin} {entrypoint}
# Flyte runs `{entrypoint} execute ...` itself; the entrypoint is for `docker run` by hand.
ENTRYPOINT ["{entrypoint}"]
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_lands_where_package_points() {
        let options = DockerfileOptions {
            bin: "my-app".into(),
            entrypoint: "/usr/local/bin/my-app".into(),
            rust_image: "rust:1-bookworm".into(),
            base_image: "debian:bookworm-slim".into(),
        };
        let text = dockerfile(&options);
        assert!(text.contains("cargo build --release --locked --bin my-app"));
        assert!(text.contains("COPY --from=build /my-app /usr/local/bin/my-app\n"));
        assert!(text.contains("ca-certificates"));
        assert!(text.contains(
            "package --image <registry>/<image>:<tag> --entrypoint /usr/local/bin/my-app"
        ));
    }
}
