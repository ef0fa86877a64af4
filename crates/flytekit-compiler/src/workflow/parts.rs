//! Long workflow bodies, split into parts after lowering.
//!
//! A lowered body is one straight-line block of builder calls in the generated `build`
//! function. rustc hands it to LLVM as one function, and LLVM's register allocator takes time
//! growing with the square of its calls: 200 calls built in ~1 s, 1,000 in 7 s, 2,000 in 39 s
//! (issue 23). So a body of more than [`PART_LEN`] statements is cut into runs of that many,
//! each run in a closure passed to `glue::workflow_part` (never inlined, so a function of its
//! own), which returns the names the run binds:
//!
//! ```text
//! let (a, b) = __private::glue::workflow_part(__b, |__b| { let a = t(x); let b = t(a); (a, b) });
//! ```
//!
//! The names keep their spans and the statements their tokens, so errors still point at the
//! user's code; a short body is left as it is.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::{Pat, Stmt};

/// How many statements one part holds.
pub const PART_LEN: usize = 32;

/// The names a statement of a workflow body binds, in order (`let (lo, hi) = ...` binds `lo`
/// and `hi`); none for a statement that binds nothing or a pattern the lowering rejected.
pub fn bound_names(stmt: &Stmt) -> Vec<Ident> {
    fn walk(pat: &Pat, out: &mut Vec<Ident>) {
        match pat {
            Pat::Ident(ident) => out.push(ident.ident.clone()),
            Pat::Tuple(tuple) => tuple.elems.iter().for_each(|p| walk(p, out)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    if let Stmt::Local(local) = stmt {
        walk(&local.pat, &mut names);
    }
    names
}

/// The lowered statements, each with the names it binds, cut into parts when there are more
/// than [`PART_LEN`] of them. `p` is the path to `::flytekit::__private`.
pub fn split(p: &TokenStream, statements: Vec<(TokenStream, Vec<Ident>)>) -> Vec<TokenStream> {
    if statements.len() <= PART_LEN {
        return statements.into_iter().map(|(tokens, _)| tokens).collect();
    }
    let mut parts = Vec::new();
    let mut statements = statements.into_iter().peekable();
    while statements.peek().is_some() {
        let run: Vec<_> = statements.by_ref().take(PART_LEN).collect();
        let mut names: Vec<Ident> = Vec::new();
        for (_, bound) in &run {
            for name in bound {
                // A name bound again (shadowed) is returned once, with its last value.
                names.retain(|known| known != name);
                names.push(name.clone());
            }
        }
        let tokens = run.into_iter().map(|(tokens, _)| tokens);
        parts.push(quote! {
            let (#(#names,)*) = #p::glue::workflow_part(
                &mut *__b,
                |__b: &mut #p::WorkflowBuilder| {
                    #(#tokens)*
                    (#(#names,)*)
                },
            );
        });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(stmt: &str) -> Vec<String> {
        let stmt: Stmt = syn::parse_str(stmt).unwrap();
        bound_names(&stmt).iter().map(Ident::to_string).collect()
    }

    #[test]
    fn names_of_lets() {
        assert_eq!(names("let a = t(x);"), ["a"]);
        assert_eq!(names("let (lo, (hi, _)) = split(x);"), ["lo", "hi"]);
        assert_eq!(names("let _ = t(x);"), Vec::<String>::new());
        assert_eq!(names("t(x);"), Vec::<String>::new());
    }

    #[test]
    fn short_bodies_stay_as_they_are() {
        let p = quote!(::flytekit::__private);
        let statements = (0..PART_LEN)
            .map(|i| (quote!(let a = t(#i);), vec![]))
            .collect();
        let out = split(&p, statements);
        assert_eq!(out.len(), PART_LEN);
        assert!(!out[0].to_string().contains("workflow_part"));
    }

    #[test]
    fn long_bodies_return_each_name_once() {
        let p = quote!(::flytekit::__private);
        let x: Ident = syn::parse_str("x").unwrap();
        let statements: Vec<_> = (0..PART_LEN + 1)
            .map(|_| (quote!(let x = t(x);), vec![x.clone()]))
            .collect();
        let out = split(&p, statements);
        assert_eq!(out.len(), 2);
        let first = out[0].to_string();
        assert!(first.starts_with("let (x ,) ="), "{first}");
        assert_eq!(first.matches("let x = t (x) ;").count(), PART_LEN);
        assert!(first.contains(":: flytekit :: __private :: glue :: workflow_part"));
    }
}
