//! Promises: typed handles to values a workflow will have when it runs (workflow inputs and
//! node outputs), and [`IntoBinding`], what may be passed where a node input of type `T` is
//! expected.
//!
//! A [`Promise<T>`] is a small `Copy` handle into its builder's table of output references, so
//! workflow code can use one value in several calls without cloning, exactly as it reads.

use std::marker::PhantomData;

use flytekit_idl::core::{
    binding_data, literal, BindingData, BindingDataCollection, BindingDataMap, Literal,
};

use crate::types::{FlyteType, TypeError};

/// A value of type `T` that a workflow will have at run time: a workflow input or an output of
/// one of its nodes. Pass it to other calls; it cannot be read while the workflow is built.
pub struct Promise<T> {
    pub(crate) index: u32,
    _type: PhantomData<fn() -> T>,
}

impl<T> Promise<T> {
    pub(crate) fn new(index: u32) -> Self {
        Promise {
            index,
            _type: PhantomData,
        }
    }
}

impl<T> Clone for Promise<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Promise<T> {}

impl<T> std::fmt::Debug for Promise<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Promise<{}>#{}",
            crate::types::short_type_name::<T>(),
            self.index
        )
    }
}

/// A promise that may stand for a promise of `T`: a [`StructuredDataset`] of one column set as
/// one of another (Flyte checks, at registration, that the columns read are among the columns
/// written, as flytepropeller casts structured datasets).
///
/// [`StructuredDataset`]: crate::types::StructuredDataset
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be cast to a promise of `{T}`",
    label = "only a `StructuredDataset` promise can be cast with `as`",
    note = "in a workflow, `table as StructuredDataset<Units>` reads a dataset as another column set; other promises pass to inputs of their own type"
)]
pub trait CastPromise<T> {
    /// The promise, as a promise of `T`.
    fn cast_promise(self) -> Promise<T>;
}

impl<C, D> CastPromise<crate::types::StructuredDataset<D>>
    for Promise<crate::types::StructuredDataset<C>>
where
    C: crate::types::Columns,
    D: crate::types::Columns,
{
    fn cast_promise(self) -> Promise<crate::types::StructuredDataset<D>> {
        Promise::new(self.index)
    }
}

/// What `promise as T` in a workflow body lowers to (see [`CastPromise`]).
pub fn cast_promise<T, P: CastPromise<T>>(promise: P) -> Promise<T> {
    promise.cast_promise()
}

/// A node with no outputs: what calling a task that returns `()` gives, usable to order other
/// calls after it with `.after(node)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeRef {
    pub(crate) node: u32,
}

/// How a value reaches a node input: as a promise (wired to another node's output) or as a
/// literal known when the workflow is built.
#[derive(Debug, Clone)]
pub enum Bound {
    /// A promise, by its index in the builder's table.
    Promise(u32),
    /// A literal value.
    Value(Box<BindingData>),
}

/// A value or promise usable where a node input of type `T` is expected: `Promise<T>`, a plain
/// `T` (bound as a literal), a `&str` for a `String`, or a `Vec` of promises for a list.
#[diagnostic::on_unimplemented(
    message = "expected a `{T}` or a `Promise<{T}>`, found `{Self}`",
    label = "this is not a `{T}`",
    note = "a node input of type `{T}` takes a `Promise<{T}>` (a workflow input or a node output) or a literal `{T}`"
)]
pub trait IntoBinding<T> {
    /// The binding, or an error if a literal value cannot be converted.
    fn into_bound(self) -> Result<Bound, TypeError>;

    /// Binds input number `index` of the builder's pending call to this value.
    ///
    /// A promise passes its index alone: in a workflow of thousands of calls, a `Result<Bound,
    /// _>` built at every call site is a stack slot each in one function, and LLVM's passes
    /// over stack slots grow with their square (a 2,000-call workflow took 39 s to build
    /// instead of ~3 s).
    #[doc(hidden)]
    fn bind_to(self, builder: &mut super::WorkflowBuilder, index: usize)
    where
        Self: Sized,
    {
        builder.bind_pending(index, self.into_bound());
    }
}

impl<T> IntoBinding<T> for Promise<T> {
    fn into_bound(self) -> Result<Bound, TypeError> {
        Ok(Bound::Promise(self.index))
    }

    fn bind_to(self, builder: &mut super::WorkflowBuilder, index: usize) {
        builder.bind_pending_promise(index, self.index);
    }
}

impl<T> IntoBinding<T> for &Promise<T> {
    fn into_bound(self) -> Result<Bound, TypeError> {
        Ok(Bound::Promise(self.index))
    }

    fn bind_to(self, builder: &mut super::WorkflowBuilder, index: usize) {
        builder.bind_pending_promise(index, self.index);
    }
}

impl<T: FlyteType> IntoBinding<T> for T {
    fn into_bound(self) -> Result<Bound, TypeError> {
        Ok(Bound::Value(Box::new(literal_to_binding(
            &self.to_literal()?,
        ))))
    }
}

impl IntoBinding<String> for &str {
    fn into_bound(self) -> Result<Bound, TypeError> {
        self.to_string().into_bound()
    }
}

impl<T> IntoBinding<Vec<T>> for Vec<Promise<T>> {
    fn into_bound(self) -> Result<Bound, TypeError> {
        Ok(Bound::Value(Box::new(BindingData {
            value: Some(binding_data::Value::Collection(BindingDataCollection {
                bindings: self.iter().map(|p| promise_placeholder(p.index)).collect(),
            })),
            union: None,
        })))
    }
}

/// A list of promises and values written in a workflow body (`vec![a, b, 3]`, `[a, b]`):
/// bound as a collection binding, as flytekit binds `t(xs=[a, b, 3])`. `#[workflow]` pushes
/// each item, so rustc checks every item against the input's item type on the item itself.
pub struct ListOf<T> {
    items: Vec<Result<Bound, TypeError>>,
    _item: std::marker::PhantomData<fn() -> T>,
}

impl<T> ListOf<T> {
    /// An empty list.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        ListOf {
            items: Vec::new(),
            _item: std::marker::PhantomData,
        }
    }

    /// Adds an item: a promise of `T` or a `T`.
    pub fn push(&mut self, item: impl IntoBinding<T>) {
        self.items.push(item.into_bound());
    }
}

/// A string-keyed map of promises and values written in a workflow body
/// (`HashMap::from([("a", a), ("b", 2)])`, `BTreeMap::from(...)`): bound as a map binding, as
/// flytekit binds `t(m={"a": a, "b": 2})`. A repeated key keeps its last value, as `from` does.
pub struct MapOf<T> {
    entries: Vec<(String, Result<Bound, TypeError>)>,
    _value: std::marker::PhantomData<fn() -> T>,
}

impl<T> MapOf<T> {
    /// An empty map.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        MapOf {
            entries: Vec::new(),
            _value: std::marker::PhantomData,
        }
    }

    /// Adds an entry: a fixed key and a promise of `T` or a `T`.
    pub fn insert(&mut self, key: impl Into<String>, value: impl IntoBinding<T>) {
        self.entries.push((key.into(), value.into_bound()));
    }
}

fn element_binding(bound: Bound) -> BindingData {
    match bound {
        Bound::Promise(index) => promise_placeholder(index),
        Bound::Value(data) => *data,
    }
}

impl<T> IntoBinding<Vec<T>> for ListOf<T> {
    fn into_bound(self) -> Result<Bound, TypeError> {
        let bindings = self
            .items
            .into_iter()
            .map(|item| item.map(element_binding))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Bound::Value(Box::new(BindingData {
            value: Some(binding_data::Value::Collection(BindingDataCollection {
                bindings,
            })),
            union: None,
        })))
    }
}

impl<T> MapOf<T> {
    fn bound(self) -> Result<Bound, TypeError> {
        let mut bindings = std::collections::BTreeMap::new();
        for (key, item) in self.entries {
            bindings.insert(key, element_binding(item?));
        }
        Ok(Bound::Value(Box::new(BindingData {
            value: Some(binding_data::Value::Map(
                flytekit_idl::core::BindingDataMap { bindings },
            )),
            union: None,
        })))
    }
}

impl<T> IntoBinding<std::collections::HashMap<String, T>> for MapOf<T> {
    fn into_bound(self) -> Result<Bound, TypeError> {
        self.bound()
    }
}

impl<T> IntoBinding<std::collections::BTreeMap<String, T>> for MapOf<T> {
    fn into_bound(self) -> Result<Bound, TypeError> {
        self.bound()
    }
}

/// Marks a promise inside a collection binding until the builder resolves it (the node id and
/// var are only known to the builder).
pub(crate) const PLACEHOLDER_NODE: &str = "\u{0}promise";

fn promise_placeholder(index: u32) -> BindingData {
    BindingData {
        value: Some(binding_data::Value::Promise(
            flytekit_idl::core::OutputReference {
                node_id: PLACEHOLDER_NODE.to_string(),
                var: index.to_string(),
                attr_path: Vec::new(),
            },
        )),
        union: None,
    }
}

/// The binding of a literal: scalars stay scalars, collections and maps become binding
/// collections and maps.
pub fn literal_to_binding(literal: &Literal) -> BindingData {
    let value = match &literal.value {
        Some(literal::Value::Scalar(scalar)) => {
            Some(binding_data::Value::Scalar((**scalar).clone()))
        }
        Some(literal::Value::Collection(c)) => {
            Some(binding_data::Value::Collection(BindingDataCollection {
                bindings: c.literals.iter().map(literal_to_binding).collect(),
            }))
        }
        Some(literal::Value::Map(m)) => Some(binding_data::Value::Map(BindingDataMap {
            bindings: m
                .literals
                .iter()
                .map(|(k, v)| (k.clone(), literal_to_binding(v)))
                .collect(),
        })),
        Some(literal::Value::OffloadedMetadata(meta)) => {
            Some(binding_data::Value::OffloadedMetadata((**meta).clone()))
        }
        None => None,
    };
    BindingData { value, union: None }
}

/// Something a call can be ordered after with `.after(...)`: a promise or a node reference.
pub trait Upstream {
    /// The promise-table index or node reference.
    fn upstream(&self) -> UpstreamRef;
}

/// What `.after(...)` refers to.
#[derive(Debug, Clone, Copy)]
pub enum UpstreamRef {
    /// The node producing this promise.
    Promise(u32),
    /// This node.
    Node(u32),
}

impl<T> Upstream for Promise<T> {
    fn upstream(&self) -> UpstreamRef {
        UpstreamRef::Promise(self.index)
    }
}

impl Upstream for NodeRef {
    fn upstream(&self) -> UpstreamRef {
        UpstreamRef::Node(self.node)
    }
}

/// A borrowed promise or node orders as the value does: in a `#[dynamic]` body, where promises
/// are moved into later calls, `.after(&a)` keeps `a` for them.
impl<U: Upstream + ?Sized> Upstream for &U {
    fn upstream(&self) -> UpstreamRef {
        (**self).upstream()
    }
}

impl<A: Upstream, B: Upstream> Upstream for (A, B) {
    fn upstream(&self) -> UpstreamRef {
        self.0.upstream()
    }
}

impl<A: Upstream, B: Upstream, C: Upstream> Upstream for (A, B, C) {
    fn upstream(&self) -> UpstreamRef {
        self.0.upstream()
    }
}
