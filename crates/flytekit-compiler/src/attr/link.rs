//! `source_code = "https://..."` of `#[task]` and `#[workflow]`: the link the Flyte console
//! shows as the entity's source (flytekit's `Documentation(source_code=SourceCode(link=...))`).

use syn::Expr;

use super::args::expect_nonempty_string;
use super::Spanned;
use crate::ctxt::Ctxt;

const EXPECTED: &str =
    "a link such as `source_code = \"https://github.com/org/repo/blob/main/src/tasks.rs\"`";

/// The link, when it is a string starting with `https://` or `http://`; else a spanned error.
pub fn source_code_link(ctxt: &Ctxt, expr: &Expr) -> Option<Spanned<String>> {
    let link = expect_nonempty_string(ctxt, "source_code", expr, EXPECTED)?;
    let web = link.value.starts_with("https://") || link.value.starts_with("http://");
    if !web {
        ctxt.error_at(
            link.span,
            format!(
                "`source_code` is a web link the Flyte console opens, not `{}`: expected {EXPECTED}",
                link.value
            ),
        );
        return None;
    }
    Some(link)
}
