//! Type compatibility as flytepropeller v1.16.8 decides it at registration
//! (`flytepropeller/pkg/compiler/validators/typing.go`, `AreTypesCastable`), and the type it
//! infers for a literal binding (`validators/utils.go`, `literalTypeForScalar`).
//!
//! Consumed by the registration check ([`super::check_registration`]); pure functions on IDL
//! types.

use flytekit_idl::core::{
    literal_type::Type, primitive, scalar, Binary, BlobType, LiteralType, Primitive, Scalar,
    SimpleType, StructuredDatasetType, UnionType,
};

fn simple(ty: &LiteralType) -> Option<SimpleType> {
    match ty.r#type {
        Some(Type::Simple(s)) => SimpleType::try_from(s).ok(),
        _ => None,
    }
}

fn is_none_type(ty: Option<&LiteralType>) -> bool {
    ty.is_some_and(|t| simple(t) == Some(SimpleType::None))
}

fn tag(ty: &LiteralType) -> &str {
    ty.structure.as_ref().map_or("", |s| s.tag.as_str())
}

/// Whether a value of type `upstream` may be bound to an input of type `downstream`
/// (`AreTypesCastable`): a one-variant union upstream may stand for its variant.
pub fn are_types_castable(upstream: &LiteralType, downstream: &LiteralType) -> bool {
    if let Some(Type::UnionType(union)) = &upstream.r#type {
        if let [only] = union.variants.as_slice() {
            if casts_from(downstream, only) {
                return true;
            }
        }
    }
    casts_from(downstream, upstream)
}

/// `getTypeChecker(downstream).CastsFrom(upstream)`.
fn casts_from(downstream: &LiteralType, upstream: &LiteralType) -> bool {
    match &downstream.r#type {
        // collectionTypeChecker / mapTypeChecker: an empty (NONE-typed) collection matches any.
        Some(Type::CollectionType(inner)) => match &upstream.r#type {
            Some(Type::CollectionType(up)) if is_none_type(Some(up)) => true,
            Some(Type::CollectionType(up)) => casts_from(inner, up),
            _ => false,
        },
        Some(Type::MapValueType(inner)) => match &upstream.r#type {
            Some(Type::MapValueType(up)) if is_none_type(Some(up)) => true,
            Some(Type::MapValueType(up)) => casts_from(inner, up),
            _ => false,
        },
        Some(Type::Blob(blob)) => match &upstream.r#type {
            Some(Type::Blob(up)) => blob_casts(blob, up),
            _ => false,
        },
        Some(Type::UnionType(union)) => union_casts(union, upstream),
        Some(Type::StructuredDatasetType(sd)) => {
            if simple(upstream) == Some(SimpleType::None) {
                return true;
            }
            match &upstream.r#type {
                Some(Type::StructuredDatasetType(up)) => structured_dataset_casts(sd, up),
                // A FlyteSchema upstream: accepted when the formats allow parquet (columns of
                // schemas are not produced by this SDK).
                Some(Type::Schema(_)) => {
                    sd.format.is_empty() || sd.format.eq_ignore_ascii_case("parquet")
                }
                _ => false,
            }
        }
        Some(Type::Schema(_)) => matches!(
            upstream.r#type,
            Some(Type::Schema(_)) | Some(Type::StructuredDatasetType(_))
        ),
        _ if simple(downstream) == Some(SimpleType::None) => {
            simple(upstream) == Some(SimpleType::None)
        }
        _ => trivial_casts(downstream, upstream),
    }
}

fn blob_casts(downstream: &BlobType, upstream: &BlobType) -> bool {
    upstream.format.is_empty()
        || downstream.format.is_empty()
        || upstream.format == downstream.format
}

fn structured_dataset_casts(
    downstream: &StructuredDatasetType,
    upstream: &StructuredDatasetType,
) -> bool {
    if !upstream.format.is_empty()
        && !downstream.format.is_empty()
        && !upstream.format.eq_ignore_ascii_case(&downstream.format)
    {
        return false;
    }
    if upstream.columns.is_empty() || downstream.columns.is_empty() {
        return true;
    }
    downstream.columns.iter().all(|column| {
        upstream
            .columns
            .iter()
            .find(|c| c.name == column.name)
            .is_some_and(|up| match (&column.literal_type, &up.literal_type) {
                (Some(down), Some(up)) => casts_from(down, up),
                _ => false,
            })
    })
}

/// `unionTypeChecker`: a union upstream needs a castable downstream variant for each of its
/// variants; anything else must select exactly one variant.
fn union_casts(downstream: &UnionType, upstream: &LiteralType) -> bool {
    if let Some(Type::UnionType(up)) = &upstream.r#type {
        return up
            .variants
            .iter()
            .all(|u| downstream.variants.iter().any(|d| are_types_castable(u, d)));
    }
    downstream
        .variants
        .iter()
        .filter(|d| are_types_castable(upstream, d))
        .count()
        == 1
}

/// `trivialChecker`: enums and strings convert both ways; a tagged upstream needs the same tag;
/// two STRUCTs cast (their JSON schemas, when both carry one, are compared by propeller: this
/// SDK writes none, see `types/derive_support.rs`); anything else must be the same type once
/// structure, metadata and annotation are left out.
fn trivial_casts(downstream: &LiteralType, upstream: &LiteralType) -> bool {
    if matches!(upstream.r#type, Some(Type::EnumType(_)))
        && simple(downstream) == Some(SimpleType::String)
    {
        return true;
    }
    if matches!(downstream.r#type, Some(Type::EnumType(_)))
        && simple(upstream) == Some(SimpleType::String)
    {
        return true;
    }
    if !tag(upstream).is_empty() && tag(downstream) != tag(upstream) {
        return false;
    }
    if simple(upstream) == Some(SimpleType::Struct)
        && simple(downstream) == Some(SimpleType::Struct)
    {
        return match (&upstream.metadata, &downstream.metadata) {
            (Some(up), Some(down)) => up == down,
            _ => true,
        };
    }
    let bare = |ty: &LiteralType| LiteralType {
        structure: None,
        metadata: None,
        annotation: None,
        ..ty.clone()
    };
    bare(upstream) == bare(downstream)
}

/// The type propeller infers for a literal (scalar) binding; `None` for one it does not
/// recognize (`UnrecognizedValue`).
pub fn literal_type_for_scalar(value: &Scalar) -> Option<LiteralType> {
    let of = |ty: Type| {
        Some(LiteralType {
            r#type: Some(ty),
            ..Default::default()
        })
    };
    let simple = |s: SimpleType| of(Type::Simple(s as i32));
    match value.value.as_ref()? {
        scalar::Value::Primitive(p) => simple(primitive_type(p)),
        scalar::Value::Blob(blob) => of(Type::Blob(blob.metadata.as_ref()?.r#type.clone()?)),
        scalar::Value::Binary(Binary { tag, .. }) if tag == "msgpack" => simple(SimpleType::Struct),
        scalar::Value::Binary(_) => simple(SimpleType::Binary),
        scalar::Value::Schema(schema) => {
            of(Type::Schema(schema.r#type.clone().unwrap_or_default()))
        }
        scalar::Value::StructuredDataset(sd) => of(Type::StructuredDatasetType(
            sd.metadata
                .as_ref()
                .and_then(|m| m.structured_dataset_type.clone())
                .unwrap_or_default(),
        )),
        scalar::Value::NoneType(_) => simple(SimpleType::None),
        scalar::Value::Error(_) => simple(SimpleType::Error),
        scalar::Value::Generic(_) => simple(SimpleType::Struct),
        scalar::Value::Union(union) => of(Type::UnionType(UnionType {
            variants: vec![union.r#type.clone().unwrap_or_default()],
        })),
    }
}

/// The type of a primitive (`literalTypeForPrimitive`).
pub fn primitive_type(value: &Primitive) -> SimpleType {
    match value.value {
        Some(primitive::Value::Integer(_)) => SimpleType::Integer,
        Some(primitive::Value::FloatValue(_)) => SimpleType::Float,
        Some(primitive::Value::StringValue(_)) => SimpleType::String,
        Some(primitive::Value::Boolean(_)) => SimpleType::Boolean,
        Some(primitive::Value::Datetime(_)) => SimpleType::Datetime,
        Some(primitive::Value::Duration(_)) => SimpleType::Duration,
        None => SimpleType::None,
    }
}

/// A short text of a type for messages (`list<integer>`, `union<integer, none>`).
pub fn describe(ty: &LiteralType) -> String {
    match &ty.r#type {
        Some(Type::Simple(s)) => SimpleType::try_from(*s)
            .map(|s| s.as_str_name().to_lowercase())
            .unwrap_or_else(|_| "?".to_string()),
        Some(Type::CollectionType(inner)) => format!("list<{}>", describe(inner)),
        Some(Type::MapValueType(inner)) => format!("map<string, {}>", describe(inner)),
        Some(Type::Blob(blob)) if blob.dimensionality == 1 => "directory".to_string(),
        Some(Type::Blob(_)) => "file".to_string(),
        Some(Type::EnumType(e)) => format!("enum{{{}}}", e.values.join(", ")),
        Some(Type::UnionType(u)) => format!(
            "union<{}>",
            u.variants
                .iter()
                .map(describe)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(Type::Schema(_)) => "schema".to_string(),
        Some(Type::StructuredDatasetType(_)) => "structured dataset".to_string(),
        None => "untyped".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::FlyteType;

    fn t<T: FlyteType>() -> LiteralType {
        T::literal_type()
    }

    #[test]
    fn castability_follows_typing_go() {
        assert!(are_types_castable(&t::<i64>(), &t::<i64>()));
        assert!(!are_types_castable(&t::<i64>(), &t::<f64>()));
        assert!(!are_types_castable(&t::<Vec<i64>>(), &t::<i64>()));
        assert!(!are_types_castable(&t::<i64>(), &t::<Vec<i64>>()));
        // Into an optional input: exactly one variant matches.
        assert!(are_types_castable(&t::<i64>(), &t::<Option<i64>>()));
        assert!(!are_types_castable(&t::<Option<i64>>(), &t::<i64>()));
        assert!(are_types_castable(
            &t::<Vec<Option<i64>>>(),
            &t::<Vec<Option<i64>>>()
        ));
        assert!(!are_types_castable(
            &t::<Vec<Option<i64>>>(),
            &t::<Vec<i64>>()
        ));
        let none = LiteralType {
            r#type: Some(Type::Simple(SimpleType::None as i32)),
            ..Default::default()
        };
        let empty_list = LiteralType {
            r#type: Some(Type::CollectionType(Box::new(none))),
            ..Default::default()
        };
        assert!(are_types_castable(&empty_list, &t::<Vec<String>>()));
    }
}
