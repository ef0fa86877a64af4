//! The dynamic-body rewriter on `quote!` inputs.

use quote::quote;

use super::rewrite::{Outputs, Rewriter};
use crate::ctxt::Ctxt;

/// The rewritten body of `block` for a function with output type `i64` (or a `Result` of it).
fn rewrite(block: proc_macro2::TokenStream, fallible: bool) -> (String, usize, Option<String>) {
    let cx = Ctxt::new();
    let block: syn::Block = syn::parse2(block).unwrap();
    let outputs = Outputs::Single(Box::new(syn::parse_quote!(i64)));
    let mut rewriter = Rewriter::new(&cx, quote!(p), ["xs".to_string()], outputs, fallible);
    let body = rewriter.body(&block).to_string();
    let calls = rewriter.calls;
    let errors = cx.into_error().map(|e| {
        e.into_iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    });
    (body, calls, errors)
}

#[test]
fn bare_calls_become_nodes_and_the_rest_stays_rust() {
    let (body, calls, errors) = rewrite(
        quote!({
            let f = |y: i64| y + 1;
            let a = double(self::clamp(f(3)));
            let b = i64::max(1, 2);
            let c = drop(b);
            total(vec![a, double(b)])
        }),
        false,
    );
    assert_eq!(errors, None);
    assert_eq!(calls, 3, "{body}");
    assert!(
        body.contains("call :: < < double as p :: dynamic :: Callable > :: Entity >"),
        "{body}"
    );
    assert!(body.contains("call :: < < total as"), "{body}");
    assert!(
        !body.contains("< clamp as"),
        "a call with a path is plain: {body}"
    );
    assert!(!body.contains("< f as"), "a local closure is plain: {body}");
    assert!(!body.contains("< drop as"), "{body}");
    assert!(
        body.contains("p :: dynamic :: output :: < i64 > ("),
        "{body}"
    );
}

#[test]
fn returns_and_arms_are_converted_one_by_one() {
    let (body, _, _) = rewrite(
        quote!({
            if xs.is_empty() {
                return 0;
            }
            match xs.len() {
                1 => 1,
                _ => total(xs),
            }
        }),
        false,
    );
    // `return 0`, and each arm of the tail `match`.
    assert_eq!(
        body.matches("p :: dynamic :: output :: < i64 >").count(),
        3,
        "{body}"
    );
}

#[test]
fn fallible_bodies_convert_inside_ok_and_leave_err() {
    let (body, _, _) = rewrite(
        quote!({
            if xs.is_empty() {
                return Err("none".to_string());
            }
            Ok(total(xs))
        }),
        true,
    );
    assert!(
        body.contains("return Err (\"none\" . to_string ())"),
        "{body}"
    );
    assert!(
        body.contains(":: core :: result :: Result :: Ok (p :: dynamic :: output :: < i64 >"),
        "{body}"
    );
}

#[test]
fn fail_is_an_error() {
    let (_, _, errors) = rewrite(quote!({ fail("no") }), false);
    assert!(errors
        .unwrap()
        .contains("`fail(...)` belongs to a workflow's branch"));
}

#[test]
fn gates_become_gate_nodes_their_arguments_first() {
    let (body, calls, errors) = rewrite(
        quote!({
            let a = double(1);
            sleep("1m").after(&a);
            approve(a, &format!("ok-{}", 1), "1h")
        }),
        false,
    );
    assert_eq!(errors, None);
    assert_eq!(calls, 3);
    assert!(
        body.contains("p :: gates :: sleep (& mut * __b . builder () , __duration)"),
        "{body}"
    );
    assert!(
        body.contains("__b . builder () . order_after (__node , __after0)"),
        "{body}"
    );
    assert!(
        body.contains(
            "p :: gates :: approve (& mut * __b . builder () , __value , __name , __timeout)"
        ),
        "{body}"
    );
}

#[test]
fn gates_written_wrong_are_errors_at_their_tokens() {
    let (_, _, errors) = rewrite(
        quote!({
            sleep("a while");
            wait_for_input("name", "1h");
            approve(1, "x").retries(2);
            0
        }),
        false,
    );
    let errors = errors.unwrap();
    assert!(errors.contains("invalid duration \"a while\""), "{errors}");
    assert!(
        errors.contains("say what type of value to wait for"),
        "{errors}"
    );
    assert!(
        errors.contains("wrong arguments: write `approve(value, \"name\", \"1h\")`"),
        "{errors}"
    );
    assert!(
        errors.contains("`approve(...)` takes no `.retries(...)`"),
        "{errors}"
    );
}

#[test]
fn map_calls_become_array_nodes_with_their_inputs_rewritten_first() {
    let (body, calls, errors) = rewrite(
        quote!({ total(map_task(scale, nums(xs), fixed(3)).concurrency(2)) }),
        false,
    );
    assert_eq!(errors, None);
    assert_eq!(calls, 3, "nums, the map, total: {body}");
    assert!(
        body.contains("p :: MapCall :: < < scale as p :: dynamic :: Callable > :: Entity > :: new (& mut * __b . builder ())"),
        "{body}"
    );
    assert!(body.contains(". map :: < 0usize , _ > (__arg0)"), "{body}");
    assert!(
        body.contains(". fixed :: < 1usize , _ > (__arg1)"),
        "{body}"
    );
    assert!(body.contains(". defaults_from :: < 2usize > ()"), "{body}");
    assert!(body.contains(". concurrency (2) . finish ()"), "{body}");
    // A minimum of successes makes the outputs lists of options.
    let (body, _, _) = rewrite(quote!({ map_task(scale, xs).min_successes(1) }), false);
    assert!(body.contains(". finish_partial ()"), "{body}");
    // A local `map_task` is the user's own.
    let (body, calls, _) = rewrite(
        quote!({
            let map_task = |f: i64, y: i64| f + y;
            map_task(1, 2)
        }),
        false,
    );
    assert_eq!(calls, 0, "{body}");
}

#[test]
fn the_plain_form_of_a_map_is_the_loop_it_stands_for() {
    use syn::visit_mut::VisitMut;
    let mut block: syn::Block = syn::parse2(quote!({ map_task(add, xs, fixed(k), ys) })).unwrap();
    let mut plain = super::maps::PlainMaps {
        p: quote!(p),
        locals: ["xs", "ys", "k"].iter().map(|s| s.to_string()).collect(),
    };
    plain.visit_block_mut(&mut block);
    let body = quote!(#block).to_string();
    assert!(
        body.contains(
            "p :: dynamic :: plain_map_lengths (\"add\" , & [__list0 . len () , __list2 . len ()])"
        ),
        "{body}"
    );
    assert!(body.contains("| (__element0 , __element2) | add (__element0 , :: core :: clone :: Clone :: clone (& __fixed1) , __element2)"), "{body}");
    assert!(!body.contains("map_task"), "{body}");
}

#[test]
fn entities_passed_as_values_are_errors() {
    let (_, _, errors) = rewrite(
        quote!({ total(xs.into_iter().map(double).collect::<Vec<_>>()) }),
        false,
    );
    let errors = errors.unwrap();
    assert!(
        errors.contains("`double` is passed as a function here"),
        "{errors}"
    );
    let (_, _, errors) = rewrite(
        quote!({
            total(
                xs.into_iter()
                    .map(self::helper)
                    .map(|x| double(x))
                    .collect::<Vec<_>>(),
            )
        }),
        false,
    );
    assert_eq!(errors, None);
}
