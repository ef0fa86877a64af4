//! Kubernetes resource quantities: the grammar lives in `flytekit-quantity`, shared with the
//! workflow builder, which checks the quantities a `#[dynamic]` body computes from its data.

pub use flytekit_quantity::{parse_quantity, Quantity, QuantityError, QuantitySuffix};
