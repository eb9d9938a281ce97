//! Charts as inline SVG: horizontal bar charts and a stacked timeline by month.
//!
//! Every chart is drawn by the report itself (no charting library, nothing fetched), carries a
//! `<title>` for screen readers and is followed by the same figures as a table, folded in a
//! `<details>`, for those who cannot see it and for printing.

use maud::{Markup, html};

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Bar {
    pub(crate) label: String,
    pub(crate) value: u64,
    /// A CSS class for its colour (`sev-high`, ...).
    pub(crate) class: Option<String>,
    /// Where a click on it leads (relative).
    pub(crate) href: Option<String>,
}

impl Bar {
    pub(crate) fn new(label: impl Into<String>, value: u64) -> Bar {
        Bar { label: label.into(), value, class: None, href: None }
    }

    pub(crate) fn class(mut self, class: impl Into<String>) -> Bar {
        self.class = Some(class.into());
        self
    }

    pub(crate) fn href(mut self, href: impl Into<String>) -> Bar {
        self.href = Some(href.into());
        self
    }
}

const WIDTH: u32 = 480;
const LABEL_W: u32 = 200;
const BAR_W: u32 = 230;
const ROW_H: u32 = 22;

/// A horizontal bar chart of `bars`, with `title` as its caption; `what` names the values
/// (the header of its table).
pub(crate) fn bar_chart(id: &str, title: &str, what: &str, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = ROW_H * bars.len().max(1) as u32 + 6;
    let title_id = format!("{id}-title");
    html! {
        figure.chart id=(id) {
            figcaption { (title) }
            @if bars.is_empty() {
                p.empty { "None." }
            } @else {
                svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (height) }
                    width=(WIDTH) height=(height) role="img" aria-labelledby=(title_id) {
                    title id=(title_id) { (title) }
                    @for (i, b) in bars.iter().enumerate() {
                        @let y = i as u32 * ROW_H + 3;
                        @let w = if b.value == 0 { 0 } else { (b.value * u64::from(BAR_W) / max).max(2) as u32 };
                        @let body = html! {
                            title { (b.label) ": " (b.value) }
                            text.label x=(LABEL_W - 8) y=(y + 15) text-anchor="end" {
                                (crate::model::shorten(&b.label, 27))
                            }
                            rect.bar x=(LABEL_W) y=(y + 3) width=(w) height=(ROW_H - 6) rx="2" {}
                            text.value x=(LABEL_W + w + 5) y=(y + 15) { (b.value) }
                        };
                        @if let Some(href) = &b.href {
                            a href=(href) class=[b.class.as_deref()] { (body) }
                        } @else {
                            g class=[b.class.as_deref()] { (body) }
                        }
                    }
                }
                details.chart-data {
                    summary { "Figures" }
                    table {
                        caption.visually-hidden { (title) }
                        thead { tr { th scope="col" { "Name" } th scope="col" .num { (what) } } }
                        tbody {
                            @for b in bars {
                                tr { th scope="row" { (b.label) } td.num { (b.value) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A series of a timeline: a name and its CSS class.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Series {
    pub(crate) name: String,
    pub(crate) class: String,
}

/// A stacked column per month: `months[i]` is (label, counts per series).
pub(crate) fn timeline(
    id: &str,
    title: &str,
    series: &[Series],
    months: &[(String, Vec<u64>)],
) -> Markup {
    const W: u32 = 1000;
    const H: u32 = 230;
    const LEFT: u32 = 36;
    const TOP: u32 = 12;
    const BOTTOM: u32 = 44;
    let plot_h = H - TOP - BOTTOM;
    let n = months.len().max(1) as u32;
    let slot = (W - LEFT - 8) / n;
    let bar_w = slot * 7 / 10;
    let max = months.iter().map(|(_, c)| c.iter().sum::<u64>()).max().unwrap_or(0).max(1);
    let y_of = |v: u64| TOP + plot_h - (v * u64::from(plot_h) / max) as u32;
    let title_id = format!("{id}-title");
    let total: u64 = months.iter().flat_map(|(_, c)| c).sum();
    html! {
        figure.chart.timeline id=(id) {
            figcaption { (title) }
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (W) " " (H) } width=(W) height=(H)
                role="img" aria-labelledby=(title_id) {
                title id=(title_id) { (title) ": " (total) " in all" }
                @for tick in [0, max / 2, max] {
                    @if tick > 0 || max == 1 {
                        line.grid x1=(LEFT) x2=(W - 4) y1=(y_of(tick)) y2=(y_of(tick)) {}
                        text.axis x=(LEFT - 6) y=(y_of(tick) + 4) text-anchor="end" { (tick) }
                    }
                }
                line.axis-line x1=(LEFT) x2=(W - 4) y1=(y_of(0)) y2=(y_of(0)) {}
                @for (i, (label, counts)) in months.iter().enumerate() {
                    @let x = LEFT + 4 + i as u32 * slot + (slot - bar_w) / 2;
                    @let sum: u64 = counts.iter().sum();
                    g.month {
                        title {
                            (label) ": " (sum)
                            @for (s, c) in series.iter().zip(counts) {
                                @if *c > 0 { ", " (c) " " (s.name) }
                            }
                        }
                        @for (class, top, bottom) in stack(series, counts, &y_of) {
                            rect class=(class) x=(x) y=(top) width=(bar_w) height=(bottom - top) {}
                        }
                        @if sum > 0 {
                            text.value x=(x + bar_w / 2) y=(y_of(sum) - 3) text-anchor="middle" { (sum) }
                        }
                        text.axis x=(x + bar_w / 2) y=(H - BOTTOM + 16) text-anchor="middle" {
                            (label.split(' ').next().unwrap_or(label))
                        }
                        text.axis.year x=(x + bar_w / 2) y=(H - BOTTOM + 30) text-anchor="middle" {
                            (label.split(' ').nth(1).unwrap_or(""))
                        }
                    }
                }
            }
            ul.legend {
                @for s in series {
                    li { span class={ "swatch " (s.class) } aria-hidden="true" {} (s.name) }
                }
            }
            details.chart-data {
                summary { "Figures" }
                table {
                    caption.visually-hidden { (title) }
                    thead {
                        tr {
                            th scope="col" { "Month" }
                            @for s in series { th scope="col" .num { (s.name) } }
                            th scope="col" .num { "All" }
                        }
                    }
                    tbody {
                        @for (label, counts) in months {
                            tr {
                                th scope="row" { (label) }
                                @for c in counts { td.num { (c) } }
                                td.num { (counts.iter().sum::<u64>()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The segments of one stacked column, bottom up: (class, top y, bottom y).
fn stack<'a>(
    series: &'a [Series],
    counts: &'a [u64],
    y_of: &dyn Fn(u64) -> u32,
) -> Vec<(&'a str, u32, u32)> {
    let mut below = 0;
    let mut out = Vec::new();
    for (s, &c) in series.iter().zip(counts) {
        if c > 0 {
            out.push((s.class.as_str(), y_of(below + c), y_of(below)));
            below += c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_labels_are_escaped_and_bars_scaled() {
        let m = bar_chart(
            "c",
            "Flags <by> rule",
            "flags",
            &[Bar::new("<script>x</script>", 10), Bar::new("b", 5)],
        )
        .into_string();
        assert!(!m.contains("<script>"), "{m}");
        assert!(m.contains("&lt;script&gt;"));
        assert!(m.contains(&format!(r#"width="{BAR_W}""#)));
        assert!(m.contains(&format!(r#"width="{}""#, BAR_W / 2)));
    }

    #[test]
    fn timeline_stacks_series() {
        let series = [
            Series { name: "renewal".into(), class: "k-renewal".into() },
            Series { name: "expiry".into(), class: "k-expiry".into() },
        ];
        let months = [("Jan 2026".to_owned(), vec![2, 1]), ("Feb 2026".to_owned(), vec![0, 0])];
        let m = timeline("t", "Deadlines", &series, &months).into_string();
        assert_eq!(m.matches("<rect").count(), 2, "{m}");
        assert!(m.contains("Jan 2026: 3, 2 renewal, 1 expiry"), "{m}");
    }
}
