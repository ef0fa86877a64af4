//! Reads the attributes `#[derive(FlyteType)]` honours: serde's naming attributes (`rename`,
//! `rename_all`, `skip`, `default`), so a type's Flyte form matches its serde form, and
//! `#[flyte(crate = "...")]` for the path of the flytekit crate.
//!
//! Consumes `syn::Attribute`s, produces [`ContainerAttrs`] / [`FieldAttrs`]; unknown serde keys
//! are left to serde, unknown `flyte` keys are errors.

use syn::{Attribute, LitStr, Path};

use crate::attr::suggest::{backticked_list, did_you_mean};
use crate::ctxt::Ctxt;

/// serde's `rename_all` rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameRule {
    /// `lowercase`
    Lower,
    /// `UPPERCASE`
    Upper,
    /// `PascalCase`
    Pascal,
    /// `camelCase`
    Camel,
    /// `snake_case`
    Snake,
    /// `SCREAMING_SNAKE_CASE`
    ScreamingSnake,
    /// `kebab-case`
    Kebab,
    /// `SCREAMING-KEBAB-CASE`
    ScreamingKebab,
}

const RULES: &[(&str, RenameRule)] = &[
    ("lowercase", RenameRule::Lower),
    ("UPPERCASE", RenameRule::Upper),
    ("PascalCase", RenameRule::Pascal),
    ("camelCase", RenameRule::Camel),
    ("snake_case", RenameRule::Snake),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
    ("kebab-case", RenameRule::Kebab),
    ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebab),
];

impl RenameRule {
    /// Applies the rule to a struct field name (written in snake_case).
    pub fn apply_to_field(self, field: &str) -> String {
        let words: Vec<&str> = field.split('_').filter(|w| !w.is_empty()).collect();
        self.join(&words)
    }

    /// Applies the rule to an enum variant name (written in PascalCase).
    pub fn apply_to_variant(self, variant: &str) -> String {
        let mut words = Vec::new();
        let mut current = String::new();
        for c in variant.chars() {
            if c.is_uppercase() && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
        if !current.is_empty() {
            words.push(current);
        }
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        self.join(&words)
    }

    fn join(self, words: &[&str]) -> String {
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let capitalized = || -> Vec<String> {
            lower
                .iter()
                .map(|w| {
                    let mut chars = w.chars();
                    match chars.next() {
                        Some(first) => first.to_uppercase().chain(chars).collect(),
                        None => String::new(),
                    }
                })
                .collect()
        };
        match self {
            RenameRule::Lower => lower.concat(),
            RenameRule::Upper => lower.concat().to_uppercase(),
            RenameRule::Pascal => capitalized().concat(),
            RenameRule::Camel => {
                let caps = capitalized();
                match lower.first() {
                    Some(first) => format!("{first}{}", caps[1..].concat()),
                    None => String::new(),
                }
            }
            RenameRule::Snake => lower.join("_"),
            RenameRule::ScreamingSnake => lower.join("_").to_uppercase(),
            RenameRule::Kebab => lower.join("-"),
            RenameRule::ScreamingKebab => lower.join("-").to_uppercase(),
        }
    }
}

/// Attributes of the struct or enum itself.
#[derive(Default)]
pub struct ContainerAttrs {
    /// `#[serde(rename_all = "...")]`.
    pub rename_all: Option<RenameRule>,
    /// `#[flyte(crate = "...")]`: the path generated code uses instead of `::flytekit`.
    pub crate_path: Option<Path>,
}

/// Attributes of one field or variant.
#[derive(Default)]
pub struct FieldAttrs {
    /// The name written (`rename = "x"` or `rename(serialize = "x")`).
    pub write_name: Option<String>,
    /// The name read (`rename = "x"` or `rename(deserialize = "x")`).
    pub read_name: Option<String>,
    /// `#[serde(skip)]`: not part of the Flyte type; `Default::default()` when read.
    pub skip: bool,
    /// `#[serde(default)]`: `Default::default()` when missing.
    pub default: bool,
}

/// Reads the container attributes, reporting problems to `cx`.
pub fn container_attrs(cx: &Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("serde") {
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") {
                    if let Ok(value) = meta.value() {
                        let rule: LitStr = value.parse()?;
                        match RULES.iter().find(|(name, _)| *name == rule.value()) {
                            Some((_, rule)) => out.rename_all = Some(*rule),
                            None => cx.error_spanned_by(&rule, unknown_rule_message(&rule.value())),
                        }
                    }
                } else {
                    skip_meta_value(&meta)?;
                }
                Ok(())
            });
        } else if attr.path().is_ident("flyte") {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("crate") {
                    let value = meta.value()?;
                    let path = if value.peek(LitStr) {
                        value.parse::<LitStr>()?.parse::<Path>()?
                    } else {
                        value.parse::<Path>()?
                    };
                    out.crate_path = Some(path);
                    Ok(())
                } else {
                    Err(meta.error(unknown_flyte_key_message(&meta.path)))
                }
            });
            if let Err(err) = result {
                cx.push(err);
            }
        }
    }
    out
}

/// "unknown `rename_all` rule `x`: did you mean `y`? expected one of ...".
fn unknown_rule_message(rule: &str) -> String {
    let names: Vec<&str> = RULES.iter().map(|(name, _)| *name).collect();
    // Rule names differ in case only by convention (`camelCase`), so compare them in the
    // spelling that keeps the words apart.
    let suggestion = RULES
        .iter()
        .map(|(name, _)| *name)
        .find(|name| words_of(name) == words_of(rule))
        .or_else(|| did_you_mean(rule, &names))
        .map(|close| format!("did you mean `{close}`? "))
        .unwrap_or_default();
    format!(
        "unknown `rename_all` rule `{rule}`: {suggestion}expected one of {}",
        backticked_list(&names)
    )
}

/// The lowercase words of a name in any case style (`camelCase`, `snake_case`, `kebab-case`).
fn words_of(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if (c == '_' || c == '-' || (c.is_uppercase() && previous_lower)) && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c != '_' && c != '-' {
            current.extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase();
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The error of an unknown key in `#[flyte(...)]`, pointing serde's keys to `#[serde(...)]`.
fn unknown_flyte_key_message(path: &Path) -> String {
    let key = path
        .get_ident()
        .map(|ident| ident.to_string())
        .unwrap_or_else(|| crate::attr::text::tokens_text(path));
    let serde_hint = match key.as_str() {
        "rename" | "rename_all" | "skip" | "default" => {
            format!("; `{key}` goes in `#[serde(...)]`, which `FlyteType` honours")
        }
        _ => String::new(),
    };
    format!(
        "unknown `flyte` attribute `{key}`: the only one is `crate = \"path::to::flytekit\"`{serde_hint}"
    )
}

/// Reads a field's or variant's attributes.
pub fn field_attrs(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("flyte")) {
        cx.error_spanned_by(
            attr,
            "`#[flyte(...)]` goes on the type, not on a field or variant; for a field's Flyte \
             name, write `#[serde(rename = \"name\")]`",
        );
    }
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                if meta.input.peek(syn::Token![=]) {
                    let name: LitStr = meta.value()?.parse()?;
                    out.write_name = Some(name.value());
                    out.read_name = Some(name.value());
                } else {
                    meta.parse_nested_meta(|inner| {
                        let name: LitStr = inner.value()?.parse()?;
                        if inner.path.is_ident("serialize") {
                            out.write_name = Some(name.value());
                        } else if inner.path.is_ident("deserialize") {
                            out.read_name = Some(name.value());
                        }
                        Ok(())
                    })?;
                }
            } else if meta.path.is_ident("skip") {
                out.skip = true;
            } else if meta.path.is_ident("default") {
                out.default = true;
                skip_meta_value(&meta)?;
            } else {
                skip_meta_value(&meta)?;
            }
            Ok(())
        });
        if let Err(err) = result {
            cx.push(err);
        }
    }
    out
}

/// Consumes whatever follows a serde key we do not interpret (`= value` or `(...)`), so parsing
/// can go on to the next key.
fn skip_meta_value(meta: &syn::meta::ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _ = meta.parse_nested_meta(|inner| skip_meta_value(&inner));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(cx: Ctxt) -> Vec<String> {
        cx.into_error()
            .map(|e| e.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn unknown_rename_rules_suggest_the_serde_spelling() {
        for (written, suggested) in [
            ("camel_case", "camelCase"),
            ("pascalcase", "PascalCase"),
            ("screaming_snake_case", "SCREAMING_SNAKE_CASE"),
            ("kebab_case", "kebab-case"),
        ] {
            let cx = Ctxt::new();
            let attr: Attribute = syn::parse_quote!(#[serde(rename_all = #written)]);
            assert!(container_attrs(&cx, &[attr]).rename_all.is_none());
            let message = messages(cx).remove(0);
            assert!(
                message.starts_with(&format!(
                    "unknown `rename_all` rule `{written}`: did you mean `{suggested}`? expected \
                     one of `lowercase`, "
                )),
                "{message}"
            );
        }
    }

    #[test]
    fn flyte_attributes_are_checked_on_the_type_and_refused_on_fields() {
        let cx = Ctxt::new();
        let attr: Attribute = syn::parse_quote!(#[flyte(rename_all = "camelCase")]);
        container_attrs(&cx, &[attr]);
        let field: Attribute = syn::parse_quote!(#[flyte(rename = "x")]);
        field_attrs(&cx, &[field]);
        assert_eq!(
            messages(cx),
            [
                "unknown `flyte` attribute `rename_all`: the only one is `crate = \
                 \"path::to::flytekit\"`; `rename_all` goes in `#[serde(...)]`, which `FlyteType` \
                 honours",
                "`#[flyte(...)]` goes on the type, not on a field or variant; for a field's Flyte \
                 name, write `#[serde(rename = \"name\")]`",
            ]
        );
    }

    #[test]
    fn rename_rules_follow_serde() {
        assert_eq!(RenameRule::Camel.apply_to_field("max_value"), "maxValue");
        assert_eq!(RenameRule::Pascal.apply_to_field("max_value"), "MaxValue");
        assert_eq!(
            RenameRule::ScreamingKebab.apply_to_field("max_value"),
            "MAX-VALUE"
        );
        assert_eq!(RenameRule::Snake.apply_to_variant("DeepRed"), "deep_red");
        assert_eq!(RenameRule::Lower.apply_to_variant("DeepRed"), "deepred");
        assert_eq!(RenameRule::Kebab.apply_to_variant("DeepRed"), "deep-red");
        assert_eq!(
            RenameRule::ScreamingSnake.apply_to_variant("DeepRed"),
            "DEEP_RED"
        );
        assert_eq!(RenameRule::Camel.apply_to_variant("DeepRed"), "deepRed");
    }
}
