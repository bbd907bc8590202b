//! Inline SVG charts for the HTML report: horizontal bars (linear or log
//! scale), stacked bars and low–high ranges. No script, no external resource;
//! every label goes through [`esc`].

use std::fmt::Write;

/// Escapes text for HTML and SVG content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

/// One bar: its label, value, the text shown after it, and a CSS class.
pub struct Bar {
    /// Row label.
    pub label: String,
    /// Value on the axis.
    pub value: f64,
    /// Value as shown (`3.5 TB`).
    pub text: String,
    /// CSS class for the fill (`b0`…`b7`, `warn`, `muted`).
    pub class: &'static str,
}

const WIDTH: f64 = 860.0;
const LABEL: f64 = 270.0;
/// Characters of a label that fit in [`LABEL`] at 12 px (about 6.6 px a
/// character in system sans-serif, checked in Chromium by the test suite);
/// longer ones are cut in the middle, the whole text in their tooltip.
const LABEL_CHARS: usize = 38;
const ROW: f64 = 24.0;

/// The width left for bars once the longest value text fits after them.
fn plot_width<'a>(texts: impl Iterator<Item = &'a str>) -> f64 {
    let longest = texts.map(|t| t.chars().count()).max().unwrap_or(0) as f64;
    WIDTH - LABEL - (longest * 6.6 + 14.0).clamp(70.0, 330.0)
}

fn open(out: &mut String, title: &str, rows: usize, extra: f64) {
    let h = rows as f64 * ROW + extra;
    let _ = write!(
        out,
        r#"<svg class="chart" role="img" viewBox="0 0 {WIDTH} {h}" width="{WIDTH}" height="{h}"><title>{}</title>"#,
        esc(title)
    );
}

fn label(out: &mut String, y: f64, text: &str) {
    let _ = write!(
        out,
        r#"<text class="lbl" x="{}" y="{}" text-anchor="end">{}<title>{}</title></text>"#,
        LABEL - 8.0,
        y + ROW * 0.65,
        esc(&super::names::ellipsize_middle(text, LABEL_CHARS)),
        esc(text)
    );
}

/// Horizontal bars. With `log`, the axis is logarithmic with a tick per
/// power of ten and `tick` formats them; values ≤ 0 draw no bar.
pub fn bars(title: &str, rows: &[Bar], log: bool, tick: &dyn Fn(f64) -> String) -> String {
    let mut out = String::new();
    let max = rows.iter().map(|b| b.value).fold(0.0, f64::max);
    let axis = if log { 22.0 } else { 4.0 };
    open(&mut out, title, rows.len(), axis);
    let pw = plot_width(rows.iter().map(|b| b.text.as_str()));
    let (lo, hi) = if log {
        let positive = rows.iter().map(|b| b.value).filter(|v| *v > 0.0);
        let min = positive.fold(f64::INFINITY, f64::min);
        let lo = if min.is_finite() {
            min.log10().floor()
        } else {
            0.0
        };
        (lo, max.max(1.0).log10().ceil().max(lo + 1.0))
    } else {
        (0.0, max.max(f64::MIN_POSITIVE))
    };
    let x_of = |v: f64| -> f64 {
        let f = if log {
            if v <= 0.0 {
                return 0.0;
            }
            (v.log10() - lo) / (hi - lo)
        } else {
            v / hi
        };
        (f.clamp(0.0, 1.0) * pw).max(if v > 0.0 { 1.0 } else { 0.0 })
    };
    if log {
        let bottom = rows.len() as f64 * ROW;
        let mut e = lo;
        while e <= hi + 1e-9 {
            let x = LABEL + (e - lo) / (hi - lo) * pw;
            let _ = write!(
                out,
                r#"<line class="grid" x1="{x:.1}" y1="0" x2="{x:.1}" y2="{bottom}"/><text class="tick" x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
                bottom + 15.0,
                esc(&tick(10f64.powf(e)))
            );
            e += 1.0;
        }
    }
    for (i, b) in rows.iter().enumerate() {
        let y = i as f64 * ROW;
        label(&mut out, y, &b.label);
        let w = x_of(b.value);
        let _ = write!(
            out,
            r#"<rect class="{}" x="{LABEL}" y="{:.1}" width="{w:.1}" height="{:.1}" rx="2"><title>{}: {}</title></rect><text class="val" x="{:.1}" y="{:.1}">{}</text>"#,
            b.class,
            y + 4.0,
            ROW - 8.0,
            esc(&b.label),
            esc(&b.text),
            LABEL + w + 6.0,
            y + ROW * 0.65,
            esc(&b.text)
        );
    }
    out.push_str("</svg>");
    out
}

/// One stacked row: label and (value, class, legend) parts.
pub struct Stack {
    /// Row label.
    pub label: String,
    /// Parts, left to right.
    pub parts: Vec<(f64, &'static str, String)>,
    /// Text after the bar.
    pub text: String,
}

/// Horizontal stacked bars on a shared linear axis.
pub fn stacked(title: &str, rows: &[Stack]) -> String {
    let mut out = String::new();
    open(&mut out, title, rows.len(), 4.0);
    let max = rows
        .iter()
        .map(|r| r.parts.iter().map(|p| p.0).sum::<f64>())
        .fold(f64::MIN_POSITIVE, f64::max);
    let pw = plot_width(rows.iter().map(|r| r.text.as_str()));
    for (i, r) in rows.iter().enumerate() {
        let y = i as f64 * ROW;
        label(&mut out, y, &r.label);
        let mut x = LABEL;
        for (v, class, legend) in &r.parts {
            let w = v / max * pw;
            let _ = write!(
                out,
                r#"<rect class="{class}" x="{x:.1}" y="{:.1}" width="{w:.1}" height="{:.1}"><title>{}</title></rect>"#,
                y + 4.0,
                ROW - 8.0,
                esc(legend)
            );
            x += w;
        }
        let _ = write!(
            out,
            r#"<text class="val" x="{:.1}" y="{:.1}">{}</text>"#,
            x + 6.0,
            y + ROW * 0.65,
            esc(&r.text)
        );
    }
    out.push_str("</svg>");
    out
}

/// One range row: label, low, central, high, class and text.
pub struct RangeRow {
    /// Row label.
    pub label: String,
    /// Low end.
    pub low: f64,
    /// Central estimate.
    pub central: f64,
    /// High end.
    pub high: f64,
    /// CSS class of the whisker and dot.
    pub class: &'static str,
    /// Text after the range.
    pub text: String,
}

/// Low–high whiskers with a dot at the central value, on a linear axis from 0.
pub fn ranges(title: &str, rows: &[RangeRow]) -> String {
    let mut out = String::new();
    open(&mut out, title, rows.len(), 4.0);
    let max = rows
        .iter()
        .map(|r| r.high)
        .fold(f64::MIN_POSITIVE, f64::max);
    let pw = plot_width(rows.iter().map(|r| r.text.as_str()));
    let x = |v: f64| LABEL + (v / max).clamp(0.0, 1.0) * pw;
    for (i, r) in rows.iter().enumerate() {
        let y = i as f64 * ROW;
        let mid = y + ROW / 2.0;
        label(&mut out, y, &r.label);
        let _ = write!(
            out,
            r#"<g class="{}"><line class="whisker" x1="{:.1}" y1="{mid}" x2="{:.1}" y2="{mid}"/><line class="whisker" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/><line class="whisker" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/><circle cx="{:.1}" cy="{mid}" r="5"><title>{}</title></circle></g><text class="val" x="{:.1}" y="{:.1}">{}</text>"#,
            r.class,
            x(r.low),
            x(r.high),
            x(r.low),
            mid - 6.0,
            x(r.low),
            mid + 6.0,
            x(r.high),
            mid - 6.0,
            x(r.high),
            mid + 6.0,
            x(r.central),
            esc(&r.text),
            x(r.high) + 8.0,
            y + ROW * 0.65,
            esc(&r.text)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_log_axes_have_decades() {
        let rows = [
            Bar {
                label: "<img src=x onerror=alert(1)>".into(),
                value: 3.5e6,
                text: "3.50 MB".into(),
                class: "b0",
            },
            Bar {
                label: "dcp".into(),
                value: 1.62e11,
                text: "162 GB".into(),
                class: "b1",
            },
        ];
        let svg = bars("t", &rows, true, &|v| format!("{v:e}"));
        assert!(!svg.contains("<img"), "{svg}");
        assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"));
        // 10^6 .. 10^12: seven ticks.
        assert_eq!(svg.matches(r#"class="tick""#).count(), 7, "{svg}");
        assert_eq!(esc(r#"a&b"'"#), "a&amp;b&quot;&#39;");
    }
}
