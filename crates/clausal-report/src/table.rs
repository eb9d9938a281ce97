//! Paged tables: long lists (documents, deadlines) as static pages of `page_size` rows, plus
//! the same rows as data files for the script to sort and filter across every page.
//!
//! A page (`documents-3.html`) is complete HTML: it reads, prints and links without the script.
//! With the script, the first sort or filter loads `assets/data/<name>-<k>.js` (chunks of
//! [`CHUNK_ROWS`] rows, each a call `clausalReport.chunk(name, k, rows)`: a script file, since
//! pages opened from disk may not fetch) and shows the result a page at a time, in place. No
//! file grows with the archive beyond a chunk, and the DOM holds one page of rows.

use std::collections::BTreeSet;

use maud::{Markup, html};
use serde_json::{Value, json};

/// Rows per data file.
pub(crate) const CHUNK_ROWS: usize = 2_000;

/// The most distinct values a column may have to get a `<select>` filter.
const MAX_CHOICES: usize = 40;

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    /// Text, sorted as text.
    Text(String),
    /// A number, sorted by `value`, shown as `text`.
    Num { value: f64, text: String },
    /// A link (`href` relative to the report's root).
    Link { text: String, href: String },
    /// A short label with a CSS class (a severity, a status).
    Badge { text: String, class: String },
}

impl Cell {
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub(crate) fn num(value: f64, text: impl Into<String>) -> Cell {
        Cell::Num { value, text: text.into() }
    }

    pub(crate) fn int(n: impl Into<i64>) -> Cell {
        let n = n.into();
        Cell::Num { value: n as f64, text: n.to_string() }
    }

    fn shown(&self) -> &str {
        match self {
            Cell::Text(t) => t,
            Cell::Num { text, .. } | Cell::Link { text, .. } | Cell::Badge { text, .. } => text,
        }
    }

    fn json(&self) -> Value {
        match self {
            Cell::Text(t) => json!(t),
            Cell::Num { value, text } => json!({ "v": value, "t": text }),
            Cell::Link { text, href } => json!({ "t": text, "h": href }),
            Cell::Badge { text, class } => json!({ "t": text, "c": class }),
        }
    }

    pub(crate) fn td(&self) -> Markup {
        match self {
            Cell::Text(t) => html! { td { (t) } },
            Cell::Num { value, text } => html! { td.num data-v=(value) { (text) } },
            Cell::Link { text, href } => html! { td { a href=(href) { (text) } } },
            Cell::Badge { text, class } => {
                html! { td { span class={ "badge " (class) } { (text) } } }
            }
        }
    }
}

/// How a column sorts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColType {
    Text,
    Num,
}

/// A column.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Column {
    pub(crate) label: &'static str,
    pub(crate) ty: ColType,
    /// Offer a `<select>` of its values as a filter.
    pub(crate) choices: bool,
}

impl Column {
    pub(crate) fn text(label: &'static str) -> Column {
        Column { label, ty: ColType::Text, choices: false }
    }

    pub(crate) fn num(label: &'static str) -> Column {
        Column { label, ty: ColType::Num, choices: false }
    }

    pub(crate) fn choices(mut self) -> Column {
        self.choices = true;
        self
    }
}

/// A long table cut into pages.
#[derive(Clone, Debug)]
pub(crate) struct PagedTable {
    /// File names: `<name>-<n>.html`, `assets/data/<name>-<k>.js`.
    pub(crate) name: &'static str,
    pub(crate) caption: String,
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: Vec<Vec<Cell>>,
    pub(crate) page_size: usize,
    /// What an empty table says.
    pub(crate) empty: &'static str,
}

impl PagedTable {
    /// Pages (at least one, even when empty).
    pub(crate) fn pages(&self) -> usize {
        self.rows.len().div_ceil(self.page_size.max(1)).max(1)
    }

    /// The file of page `n` (from 1).
    pub(crate) fn page_file(&self, n: usize) -> String {
        format!("{}-{n}.html", self.name)
    }

    /// The data files: (path relative to the report's root, contents).
    pub(crate) fn chunks(&self) -> Vec<(String, String)> {
        self.rows
            .chunks(CHUNK_ROWS)
            .enumerate()
            .map(|(k, rows)| {
                let rows: Vec<Value> =
                    rows.iter().map(|r| Value::Array(r.iter().map(Cell::json).collect())).collect();
                let data = script_json(&Value::Array(rows));
                let body = format!(
                    "clausalReport.chunk({}, {k}, {data});\n",
                    script_json(&json!(self.name))
                );
                (format!("assets/data/{}-{k}.js", self.name), body)
            })
            .collect()
    }

    /// The distinct values of a column offered as a filter.
    fn choices(&self, col: usize) -> Option<Vec<&str>> {
        if !self.columns[col].choices {
            return None;
        }
        let values: BTreeSet<&str> =
            self.rows.iter().filter_map(|r| r.get(col)).map(Cell::shown).collect();
        (values.len() <= MAX_CHOICES && values.len() > 1).then(|| values.into_iter().collect())
    }

    /// The table section of page `n` (from 1).
    pub(crate) fn section(&self, n: usize) -> Markup {
        let pages = self.pages();
        let size = self.page_size.max(1);
        let first = (n - 1) * size;
        let rows = &self.rows[first.min(self.rows.len())..(first + size).min(self.rows.len())];
        let table_id = format!("{}-table", self.name);
        let chunks = self.rows.len().div_ceil(CHUNK_ROWS);
        html! {
            section.paged data-table=(self.name) data-chunks=(chunks) data-page-size=(size)
                data-total=(self.rows.len()) data-page=(n) aria-label=(self.caption) {
                form.controls role="search" {
                    label {
                        "Filter "
                        input type="search" name="q" placeholder="Words in any column" aria-controls=(table_id);
                    }
                    @for (i, col) in self.columns.iter().enumerate() {
                        @if let Some(values) = self.choices(i) {
                            label {
                                (col.label) " "
                                select data-col=(i) aria-controls=(table_id) {
                                    option value="" { "all" }
                                    @for v in values { option value=(v) { (v) } }
                                }
                            }
                        }
                    }
                    button type="reset" { "Reset" }
                    span.status role="status" aria-live="polite" {}
                }
                div.table-wrap {
                    table id=(table_id) {
                        caption {
                            (self.caption)
                            @if !self.rows.is_empty() {
                                span.range {
                                    " — rows " (first + 1) "–" (first + rows.len()) " of " (self.rows.len())
                                }
                            }
                        }
                        thead {
                            tr {
                                @for col in &self.columns {
                                    th scope="col" data-type=(match col.ty { ColType::Num => "num", ColType::Text => "text" })
                                        class=[(col.ty == ColType::Num).then_some("num")] {
                                        button.sort type="button" { (col.label) span.arrow aria-hidden="true" {} }
                                    }
                                }
                            }
                        }
                        tbody {
                            @if rows.is_empty() {
                                tr.empty { td colspan=(self.columns.len()) { (self.empty) } }
                            }
                            @for row in rows {
                                tr { @for c in row { (c.td()) } }
                            }
                        }
                    }
                }
                @if pages > 1 {
                    nav.pager aria-label="Pages" {
                        ul {
                            @if n > 1 {
                                li { a rel="prev" href=(self.page_file(n - 1)) { "← Previous" } }
                            }
                            @for p in page_window(n, pages) {
                                @match p {
                                    None => li.gap { "…" },
                                    Some(p) if p == n => li { a href=(self.page_file(p)) aria-current="page" { (p) } },
                                    Some(p) => li { a href=(self.page_file(p)) { (p) } },
                                }
                            }
                            @if n < pages {
                                li { a rel="next" href=(self.page_file(n + 1)) { "Next →" } }
                            }
                        }
                    }
                }
                nav.jspager aria-label="Pages of the result" hidden {
                    button.prev type="button" { "← Previous" }
                    span.pageinfo {}
                    button.next type="button" { "Next →" }
                }
            }
        }
    }
}

/// The page numbers a pager shows for page `n` of `pages`: the first, the last and those near
/// `n`; `None` for a gap.
pub(crate) fn page_window(n: usize, pages: usize) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    let mut last = 0;
    for p in 1..=pages {
        if p == 1 || p == pages || p.abs_diff(n) <= 2 {
            if p > last + 1 {
                out.push(None);
            }
            out.push(Some(p));
            last = p;
        }
    }
    out
}

/// JSON that is also safe inside a script: `<` escaped so no `</script>` or `<!--` appears.
pub(crate) fn script_json(v: &Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: usize, page_size: usize) -> PagedTable {
        PagedTable {
            name: "documents",
            caption: "Documents".into(),
            columns: vec![Column::num("Rank"), Column::text("Title").choices()],
            rows: (0..rows)
                .map(|i| vec![Cell::int(i as i64 + 1), Cell::text(format!("doc {}", i % 3))])
                .collect(),
            page_size,
            empty: "No documents.",
        }
    }

    #[test]
    fn pages_hold_page_size_rows_and_chunks_every_row() {
        let t = table(4_500, 200);
        assert_eq!(t.pages(), 23);
        let last = t.section(23).into_string();
        assert_eq!(last.matches("<tr>").count(), 1 + 100, "header row + 100 rows");
        assert!(last.contains("rows 4401–4500 of 4500"));
        let chunks = t.chunks();
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[2].0, "assets/data/documents-2.js");
        let body = &chunks[2].1;
        let prefix = r#"clausalReport.chunk("documents", 2, "#;
        assert!(body.starts_with(prefix) && body.ends_with(");\n"), "{}", &body[..80]);
        let rows: Value = serde_json::from_str(&body[prefix.len()..body.len() - 3]).unwrap();
        assert_eq!(rows.as_array().unwrap().len(), 500);
        assert_eq!(rows[0], json!([{ "v": 4001.0, "t": "4001" }, "doc 1"]));
        // Three distinct titles: offered as a filter.
        assert!(t.section(1).into_string().contains(r#"<option value="doc 2">"#));
    }

    #[test]
    fn an_empty_table_has_one_page_saying_so() {
        let t = table(0, 200);
        assert_eq!(t.pages(), 1);
        assert!(t.section(1).into_string().contains("No documents."));
        assert!(t.chunks().is_empty());
    }

    #[test]
    fn pager_windows() {
        assert_eq!(page_window(1, 1), [Some(1)]);
        assert_eq!(
            page_window(5, 10),
            [Some(1), None, Some(3), Some(4), Some(5), Some(6), Some(7), None, Some(10)]
        );
        assert_eq!(page_window(2, 4), [Some(1), Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn data_files_cannot_close_a_script() {
        let s = script_json(&json!(["</script><script>alert(1)</script>", "<!--"]));
        assert!(!s.contains('<'), "{s}");
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><script>alert(1)</script>");
    }
}
