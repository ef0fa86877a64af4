//! Decks: HTML pages a task writes about its run, shown by the Flyte console next to the
//! execution (flytekit's `Deck`).
//!
//! A task declared with `#[task(enable_deck)]` adds named sections through
//! [`TaskContext::deck`](crate::TaskContext::deck); when it ends the runtime writes them as one
//! page, `deck.html` under the output prefix (where flytekit writes its own), and the task's
//! metadata says `generates_deck`. As flytekit's, the page ends with an `Input` and an `Output`
//! deck: the task's inputs and outputs by name. Text, markdown and tables are escaped: a value from the data
//! cannot inject markup. The page uses no script at all (tabs are plain CSS), so it renders the
//! same in the console's sandboxed frame as in a browser opened on the file.
//!
//! ```
//! use flytekit_core::context::{with_context, current_context};
//! use flytekit_core::TaskContext;
//! use std::sync::Arc;
//!
//! with_context(Arc::new(TaskContext::default()), || {
//!     let deck = current_context().deck("Summary");
//!     deck.markdown("# Training\nloss went from **0.9** to **0.1**")
//!         .table(&["epoch", "loss"], &[vec!["1".into(), "0.9".into()], vec!["2".into(), "0.1".into()]]);
//!     let html = current_context().decks.render();
//!     assert!(html.contains("<strong>0.9</strong>"));
//! });
//! ```

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use flytekit_idl::core::LiteralMap;

/// The file a deck is written to, under the output prefix (flytekit's `DECK_FILE_NAME`).
pub const DECK_FILE_NAME: &str = "deck.html";

/// The sections of one attempt's decks, in the order they were first named.
#[derive(Debug, Clone, Default)]
pub struct Decks(Arc<Mutex<Vec<(String, String)>>>);

impl Decks {
    fn append(&self, name: &str, html: String) {
        let mut decks = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match decks.iter_mut().find(|(n, _)| n == name) {
            Some((_, body)) => body.push_str(&html),
            None => decks.push((name.to_string(), html)),
        }
    }

    /// True when no section was added.
    pub fn is_empty(&self) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
    }

    /// Adds flytekit's default decks of a task with `enable_deck`, after the task's own:
    /// `Input` with every input and, when the task returned outputs, `Output` with every
    /// output, each a table of names and values (as JSON, escaped).
    pub fn add_values_decks(&self, inputs: &LiteralMap, outputs: Option<&LiteralMap>) {
        Deck::new("Input", self.clone()).table(&["name", "value"], &value_rows(inputs));
        if let Some(outputs) = outputs {
            Deck::new("Output", self.clone()).table(&["name", "value"], &value_rows(outputs));
        }
    }

    /// The whole page: one tab per deck, in the order the decks were first named.
    pub fn render(&self) -> String {
        let decks = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        render_page(&decks)
    }
}

/// A named deck of the running task: each call appends to it (the same name from anywhere in
/// the task is the same deck). Get it with [`TaskContext::deck`](crate::TaskContext::deck).
#[derive(Debug, Clone)]
pub struct Deck {
    name: String,
    decks: Decks,
}

impl Deck {
    pub(crate) fn new(name: &str, decks: Decks) -> Self {
        Deck {
            name: name.to_string(),
            decks,
        }
    }

    /// The deck's name (its tab's title).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A paragraph of plain text, escaped.
    pub fn text(&self, text: &str) -> &Self {
        self.decks
            .append(&self.name, format!("<p>{}</p>\n", escape(text)));
        self
    }

    /// Markdown (CommonMark with tables), rendered to HTML; HTML inside it is shown as text,
    /// not interpreted.
    pub fn markdown(&self, markdown: &str) -> &Self {
        use pulldown_cmark::{Event, Options, Parser};
        let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
            // Raw HTML would let the data inject markup: show it as the text it is.
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            other => other,
        });
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, parser);
        self.decks.append(&self.name, html);
        self
    }

    /// A table with a header row; every cell is escaped.
    pub fn table<S: AsRef<str>>(&self, headers: &[S], rows: &[Vec<String>]) -> &Self {
        let mut html = String::from("<table>\n<thead><tr>");
        for header in headers {
            let _ = write!(html, "<th>{}</th>", escape(header.as_ref()));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            html.push_str("<tr>");
            for cell in row {
                let _ = write!(html, "<td>{}</td>", escape(cell));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table>\n");
        self.decks.append(&self.name, html);
        self
    }

    /// An image, embedded in the page (`media_type` such as `image/png`, `image/svg+xml`);
    /// `alt` describes it.
    pub fn image(&self, media_type: &str, bytes: &[u8], alt: &str) -> &Self {
        use base64::Engine as _;
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.decks.append(
            &self.name,
            format!(
                "<img alt=\"{}\" src=\"data:{};base64,{data}\">\n",
                escape(alt),
                escape(media_type)
            ),
        );
        self
    }

    /// HTML as it is, not escaped: only for markup the task itself made (flytekit's
    /// `Deck.append`). Anything from the data belongs in [`text`](Self::text),
    /// [`markdown`](Self::markdown) or [`table`](Self::table).
    pub fn html(&self, html: &str) -> &Self {
        self.decks.append(&self.name, html.to_string());
        self
    }
}

/// One row per value, by name: the name and the value as compact JSON (a blob or a table as
/// its location), or what kept it from having a JSON form.
fn value_rows(values: &LiteralMap) -> Vec<Vec<String>> {
    values
        .literals
        .iter()
        .map(|(name, literal)| {
            let value = match crate::types::json::literal_to_json(literal) {
                Ok(json) => json.to_string(),
                Err(err) => format!("(no JSON form: {err})"),
            };
            vec![name.clone(), value]
        })
        .collect()
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page: radio buttons and labels make the tabs, so no script is needed.
fn render_page(decks: &[(String, String)]) -> String {
    let mut tabs = String::new();
    let mut panels = String::new();
    let mut style = String::new();
    let empty = [(
        "Deck".to_string(),
        "<p>This task added nothing to its deck.</p>\n".to_string(),
    )];
    let decks = if decks.is_empty() { &empty[..] } else { decks };
    for (i, (name, body)) in decks.iter().enumerate() {
        let checked = if i == 0 { " checked" } else { "" };
        let _ = writeln!(
            tabs,
            "<input type=\"radio\" name=\"deck\" id=\"deck-{i}\"{checked}><label for=\"deck-{i}\">{}</label>",
            escape(name)
        );
        let _ = writeln!(
            panels,
            "<section class=\"deck\" id=\"panel-{i}\">\n{body}</section>"
        );
        let _ = writeln!(
            style,
            "#deck-{i}:checked ~ main #panel-{i} {{ display: block; }} \
             #deck-{i}:checked + label {{ border-bottom-color: #7c3aed; color: #111; }}"
        );
    }
    format!(
        "<!doctype html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>Flyte deck</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; color: #222; }}
input[name=deck] {{ position: absolute; opacity: 0; }}
label {{ display: inline-block; padding: 8px 14px; cursor: pointer; color: #666;
  font-weight: 600; border-bottom: 3px solid transparent; }}
main {{ padding: 1.5rem 2rem; }}
section.deck {{ display: none; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ddd; padding: 4px 10px; text-align: left; }}
img {{ max-width: 100%; }}
{style}</style>
</head>
<body>
<div class=\"decks\">
{tabs}<main>
{panels}</main>
</div>
</body>
</html>
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped_everywhere() {
        let decks = Decks::default();
        let deck = Deck::new("<b>name</b>", decks.clone());
        deck.text("<script>alert(1)</script> & more")
            .markdown("*hi* <img src=x onerror=alert(1)>")
            .table(&["<th>"], &[vec!["<td>".into()]]);
        let page = decks.render();
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<img src=x"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(page.contains("<em>hi</em>"));
        assert!(page.contains("<label for=\"deck-0\">&lt;b&gt;name&lt;/b&gt;</label>"));
        assert!(page.contains("<td>&lt;td&gt;</td>"));
    }

    #[test]
    fn sections_of_one_name_form_one_tab_in_first_use_order() {
        let decks = Decks::default();
        Deck::new("b", decks.clone()).text("1");
        Deck::new("a", decks.clone()).text("2");
        Deck::new("b", decks.clone()).text("3");
        let page = decks.render();
        assert_eq!(page.matches("<section").count(), 2);
        let first = page.find(">b</label>").unwrap();
        assert!(first < page.find(">a</label>").unwrap());
        assert!(page.contains("<p>1</p>\n<p>3</p>"));
        assert!(page.contains("id=\"deck-0\" checked"));
    }

    #[test]
    fn images_are_embedded() {
        let decks = Decks::default();
        Deck::new("plot", decks.clone()).image(
            "image/png",
            &[0x89, b'P', b'N', b'G'],
            "a \"plot\"",
        );
        assert!(decks
            .render()
            .contains("<img alt=\"a &quot;plot&quot;\" src=\"data:image/png;base64,iVBORw==\">"));
    }
}
