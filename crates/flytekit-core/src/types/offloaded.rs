//! Offloaded literals: a large value stored in its own file, referenced by URI.
//!
//! Flyte replaces an input or output literal above a size threshold by
//! `offloaded_metadata { uri, size_bytes, inferred_type }`; whoever reads it fetches the real
//! `Literal` from the URI. Core has no storage client (it may not depend on tokio or
//! object_store): a fetcher registered here is used first, then the runtime's
//! [`BlobStore`](super::BlobStore); without either, local paths and `file://` URIs are read
//! directly and anything else is a clear error.

use std::sync::{Arc, RwLock};

use flytekit_idl::core::{Literal, LiteralOffloadedMetadata};
use prost::Message;

use super::TypeError;

/// Fetches the bytes stored at a URI; registered by the runtime's storage layer.
pub type OffloadedFetcher = Arc<dyn Fn(&str) -> Result<Vec<u8>, String> + Send + Sync>;

static FETCHER: RwLock<Option<OffloadedFetcher>> = RwLock::new(None);

/// Registers the function that fetches offloaded literals (replacing any earlier one).
pub fn set_offloaded_literal_fetcher(fetcher: OffloadedFetcher) {
    // A poisoned lock only means another thread panicked while swapping the fetcher; the slot
    // itself is still a valid Option.
    let mut slot = FETCHER.write().unwrap_or_else(|e| e.into_inner());
    *slot = Some(fetcher);
}

/// The literal an offloaded literal stands for.
pub(crate) fn fetch_offloaded(meta: &LiteralOffloadedMetadata) -> Result<Literal, TypeError> {
    let fetcher = FETCHER.read().unwrap_or_else(|e| e.into_inner()).clone();
    let is_remote = matches!(meta.uri.split_once("://"), Some((scheme, _)) if scheme != "file");
    let bytes = match (fetcher, super::blob_store::installed_blob_store()) {
        (Some(fetch), _) => fetch(&meta.uri),
        (None, Some(store)) if is_remote => {
            super::blob_store::block_on(store.read(&meta.uri)).map_err(|err| err.to_string())
        }
        _ => read_local(&meta.uri),
    }
    .map_err(|err| {
        TypeError::new(format!(
            "cannot fetch offloaded literal `{}`: {err}",
            meta.uri
        ))
    })?;
    Literal::decode(bytes.as_slice()).map_err(|err| {
        TypeError::new(format!(
            "offloaded literal `{}` is not a valid Literal: {err}",
            meta.uri
        ))
    })
}

fn read_local(uri: &str) -> Result<Vec<u8>, String> {
    let path = match uri.split_once("://") {
        None => uri,
        Some(("file", path)) => path,
        Some((scheme, _)) => {
            return Err(format!(
                "no storage is configured for `{scheme}://` URIs here; the flytekit runtime \
                 (`execute` or `run`) sets one up"
            ))
        }
    };
    std::fs::read(path).map_err(|err| err.to_string())
}
