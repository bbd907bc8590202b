//! `--format html` in a real browser (headless Chromium) and `--format csv`
//! through an independent CSV parser (Python's `csv`), both with hostile names.

use crate::common::*;
use serde_json::Value;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const XSS: &str = "<img src=x onerror=alert(1)>.mov";
const FORMULA: &str = "=HYPERLINK(\"evil.example\",\"click\").mov";

/// A small project with real media and file names that attack reports.
fn hostile_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fx = fixtures();
    fs::create_dir_all(root.join("exports")).unwrap();
    for f in [
        "media/exports/PROJX_cut_v02.mp4",
        "media/exports/PROJX_cut_v03.mp4",
    ] {
        let src = fx.join(f);
        fs::copy(&src, root.join("exports").join(src.file_name().unwrap())).unwrap();
    }
    let clip = fs::read(fx.join("media/exports/PROJX_cut_v03.mp4")).unwrap();
    for name in [
        XSS,
        FORMULA,
        "+cmd.mov",
        "-2+3.mov",
        "@SUM(A1).mov",
        "a,b \"q\".mov",
        "two\nlines.mov",
    ] {
        fs::write(root.join("exports").join(name), &clip).unwrap();
    }
    let bad = OsStr::from_bytes(b"latin1_\xe9t\xe9.mov");
    fs::write(root.join("exports").join(bad), b"not media").unwrap();
    write(root, "cache/CacheClip/x.cache", &noise(5, 5000));
    dir
}

/// Chromium, from `$FOOTPRINT_CHROMIUM` or PATH; required under CI.
fn chromium() -> Option<PathBuf> {
    let candidates = std::env::var_os("FOOTPRINT_CHROMIUM")
        .map(|p| vec![PathBuf::from(p)])
        .unwrap_or_else(|| vec!["chromium".into(), "chromium-browser".into()]);
    let found = candidates.into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() && std::env::var_os("CI").is_some() {
        panic!("chromium is not installed but CI is set: .ci/run must install it");
    }
    found
}

/// Runs headless Chromium on `page`; any request goes to a dead local proxy,
/// so nothing leaves the machine even if the page tried.
fn browse(chrome: &Path, page: &Path, work: &Path, extra: &[String]) -> (String, String) {
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-default-apps",
            "--no-pings",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--enable-logging=stderr",
            "--v=0",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile").display()
        ))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// URLs the page itself asked for, from a Chromium net log: requests whose
/// isolation key is the file:// page, other than the page.
fn page_requests(net_log: &Path) -> Vec<String> {
    let log: Value = serde_json::from_str(&fs::read_to_string(net_log).unwrap()).unwrap();
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == start)
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str())
        .filter(|u| !u.starts_with("file:"))
        .map(String::from)
        .collect()
}

#[test]
fn html_report_renders_in_a_real_browser_with_hostile_names() {
    let tree = hostile_tree();
    let work = tempfile::tempdir().unwrap();
    // A second drive holding one of the clips: the copies chart appears.
    let drive2 = tempfile::tempdir().unwrap();
    fs::copy(
        fixtures().join("media/exports/PROJX_cut_v02.mp4"),
        drive2.path().join("backup.mp4"),
    )
    .unwrap();
    let page = work.path().join("report.html");
    let out = footprint()
        .args(["audit", "-q", "--format", "html", "-o"])
        .arg(&page)
        .args([tree.path(), drive2.path()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = fs::read_to_string(&page).unwrap();
    // Static guarantees: escaped names, no external reference, a CSP.
    assert!(!html.contains("<img"), "an unescaped name");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;.mov"));
    assert!(html.contains("Content-Security-Policy"));
    // Names are escaped, so every `<` opens a real tag: none loads anything
    // or carries an inline event handler.
    for tag in html
        .split('<')
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
    {
        let lower = tag.to_ascii_lowercase();
        assert!(!lower.contains(" src="), "<{tag}>");
        assert!(
            !lower.contains(" on") || !lower.split_whitespace().any(|a| a.starts_with("on")),
            "<{tag}>"
        );
        if let Some(h) = lower.split(" href=\"").nth(1) {
            assert!(h.starts_with('#'), "<{tag}>");
        }
    }
    for needle in ["url(", "@import"] {
        assert!(!html.contains(needle), "{needle}");
    }
    let json = audit_json(&[
        "-q",
        tree.path().to_str().unwrap(),
        drive2.path().to_str().unwrap(),
    ]);
    assert!(html.contains("Copies across roots"));

    let Some(chrome) = chromium() else {
        eprintln!("chromium not installed: browser rendering not checked");
        return;
    };
    let net = work.path().join("net.json");
    let (dom, log) = browse(
        &chrome,
        &page,
        work.path(),
        &[
            format!("--log-net-log={}", net.display()),
            "--dump-dom".into(),
        ],
    );
    // The script ran to its end (it marks the body), with no console message.
    let doc = count_tags(&dom, "<table class=\"sortable\"");
    assert!(
        dom.contains(&format!("data-ready=\"{doc}\"")),
        "script did not finish"
    );
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console: {console:?}");
    assert!(page_requests(&net).is_empty(), "{:?}", page_requests(&net));
    // Charts: targets, kinds, codecs, folders, reclaim, CO₂.
    assert!(
        count_tags(&dom, "<svg class=\"chart\"") >= 6,
        "charts missing"
    );
    // The media table is complete and the hostile name is text, not an element.
    let media_rows = dom.split("id=\"media-table\"").nth(1).unwrap();
    let media_rows = &media_rows[..media_rows.find("</table>").unwrap()];
    assert_eq!(
        media_rows.matches("<tr>").count() - 1,
        json["media"].as_array().unwrap().len()
    );
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;.mov"));
    assert!(!dom.contains("<img"));
    // A screenshot for people to look at.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report.png");
    let _ = fs::remove_file(&shot);
    browse(
        &chrome,
        &page,
        work.path(),
        &[
            "--window-size=1280,3000".into(),
            format!("--screenshot={}", shot.display()),
        ],
    );
    let png = fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}

/// Occurrences of `needle` (a tag opening) in serialized HTML.
fn count_tags(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[test]
fn csv_round_trips_through_a_csv_parser_and_is_neutralised() {
    let tree = hostile_tree();
    let out = footprint()
        .args(["audit", "-q", "--format", "csv"])
        .arg(tree.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let csv = out.stdout;
    let json = audit_json(&["-q", tree.path().to_str().unwrap()]);
    if !has("python3") {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is needed under CI: .ci/run installs it"
        );
        eprintln!("python3 not installed: CSV not parsed independently");
        return;
    }
    // Python's csv module reads it back into JSON rows.
    let mut py = Command::new("python3")
        .args([
            "-c",
            "import csv,json,sys; print(json.dumps(list(csv.reader(sys.stdin, strict=True))))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    py.stdin.take().unwrap().write_all(&csv).unwrap();
    let parsed = py.wait_with_output().unwrap();
    assert!(parsed.status.success());
    let rows: Vec<Vec<String>> = serde_json::from_slice(&parsed.stdout).unwrap();
    assert_eq!(rows[0][0], "path");
    let width = rows[0].len();
    assert_eq!(width, 18, "{:?}", rows[0]);
    assert!(rows.iter().all(|r| r.len() == width), "ragged rows");
    let col = |name: &str| rows[0].iter().position(|c| c == name).expect(name);
    // One row per file (no image sequences here), bytes adding up to the total.
    assert_eq!(
        rows.len() - 1,
        json["summary"]["files"].as_u64().unwrap() as usize
    );
    let total: u64 = rows[1..].iter().map(|r| r[2].parse::<u64>().unwrap()).sum();
    assert_eq!(total, json["summary"]["bytes"].as_u64().unwrap());
    // Paths survive: quotes, commas, a newline, non-UTF-8 bytes as \xNN.
    let paths: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    for name in [
        "a,b \"q\".mov",
        "two\nlines.mov",
        "latin1_\\xE9t\\xE9.mov",
        XSS,
        FORMULA,
    ] {
        assert!(
            paths.iter().any(|p| p.ends_with(name)),
            "{name} in {paths:?}"
        );
    }
    // No cell starts like a formula.
    for r in &rows {
        for c in r {
            assert!(!c.starts_with(['=', '+', '-', '@']), "{c}");
        }
    }
    // Media columns agree with the JSON report.
    let v3 = rows
        .iter()
        .find(|r| r[0].ends_with("exports/PROJX_cut_v03.mp4"))
        .unwrap();
    let m = media(&json, "exports/PROJX_cut_v03.mp4");
    assert_eq!(v3[col("kind")], "video");
    assert_eq!(v3[col("bytes")], m["bytes"].as_u64().unwrap().to_string());
    // The container's short name, not the demuxer's list (mov,mp4,m4a,…).
    assert_eq!(v3[col("container")], "mp4");
    assert_eq!(v3[col("codec")], m["video"]["codec"].as_str().unwrap());
    let res = format!("{}x{}", m["video"]["width"], m["video"]["height"]);
    assert_eq!(v3[col("resolution")], res);
    // Waste columns: v02 is obsolete, the copies are duplicates, the cache regenerable.
    let v2 = rows
        .iter()
        .find(|r| r[0].ends_with("PROJX_cut_v02.mp4"))
        .unwrap();
    // One column per category, filled on every candidate row.
    assert_eq!(v2[col("obsolete")], "high", "{v2:?}");
    assert!(v2[col("obsolete_reason")].contains("v3"), "{v2:?}");
    assert!(
        !v3[col("duplicate_group")].is_empty(),
        "v03 and its hostile-named copies share a group"
    );
    let group = &v3[col("duplicate_group")];
    let copies: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| &r[col("duplicate_group")] == group)
        .collect();
    assert_eq!(copies.len(), 8, "v03 and its 7 copies");
    // Every copy but one names the copy kept; the kept one names none.
    let kept: Vec<&&Vec<String>> = copies
        .iter()
        .filter(|r| r[col("duplicate_of")].is_empty())
        .collect();
    assert_eq!(kept.len(), 1, "{copies:?}");
    for c in &copies {
        let of = &c[col("duplicate_of")];
        assert!(of.is_empty() || *of == kept[0][0], "{c:?}");
    }
    let cache = rows.iter().find(|r| r[0].ends_with("x.cache")).unwrap();
    assert_eq!(cache[col("regenerable_by")], "DaVinci Resolve", "{cache:?}");
    assert!(cache[col("obsolete")].is_empty());
}

/// Loads `report` in an iframe `width` pixels wide (file pages may read each
/// other with --allow-file-access-from-files) and measures its layout.
fn layout(chrome: &Path, work: &Path, report: &Path, width: u32) -> Value {
    let probe = work.join(format!("probe-{width}.html"));
    fs::write(
        &probe,
        format!(
            r#"<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{}" style="width:{width}px;height:900px;border:0"></iframe>
<script>
document.getElementById('f').onload = function () {{
  var d = this.contentDocument, w = this.contentWindow, bad = [];
  // A table cell whose text does not fit its box (tables scroll, cells do not clip).
  d.querySelectorAll('td, th').forEach(function (c) {{
    if (c.scrollWidth > c.clientWidth + 1) bad.push('cell: ' + c.textContent.slice(0, 60));
  }});
  d.querySelectorAll('svg.chart').forEach(function (s) {{
    var box = s.getBoundingClientRect();
    if (box.width < 200 || box.height < 20) bad.push('chart not visible: ' + box.width);
    if (box.right > d.documentElement.clientWidth + 1) bad.push('chart wider than the page');
    s.querySelectorAll('text.lbl').forEach(function (t) {{
      if (t.getBBox().x < 0) bad.push('label past the chart edge: ' + t.textContent);
      if (t.textContent.charAt(0) === '\u2026') bad.push('label cut at its start: ' + t.textContent);
    }});
    s.querySelectorAll('rect, circle').forEach(function (r) {{
      if (r.getBBox().width > 0) s.dataset.drawn = 1;
    }});
    if (!s.dataset.drawn) bad.push('chart without a bar');
  }});
  document.body.setAttribute('data-layout', JSON.stringify({{
    bad: bad,
    main: d.querySelector('main').getBoundingClientRect().width,
    page: d.documentElement.scrollWidth,
    view: d.documentElement.clientWidth,
    charts: d.querySelectorAll('svg.chart').length
  }}));
}};
</script></body></html>"#,
            report.file_name().unwrap().to_str().unwrap()
        ),
    )
    .unwrap();
    let (dom, _) = browse(
        chrome,
        &probe,
        work,
        &["--allow-file-access-from-files".into(), "--dump-dom".into()],
    );
    let attr = dom
        .split("data-layout=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no layout measured: {dom}"));
    let attr = &attr[..attr.find('"').unwrap()];
    serde_json::from_str(&attr.replace("&quot;", "\"").replace("&amp;", "&")).unwrap()
}

#[test]
fn html_fills_a_wide_window_and_fits_a_narrow_one() {
    let work = tempfile::tempdir().unwrap();
    let page = work.path().join("report.html");
    let out = footprint()
        .args(["audit", "-q", "--format", "html", "-o"])
        .arg(&page)
        .arg(fixtures())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let html = fs::read_to_string(&page).unwrap();
    // Human words, relative paths, problems said before the charts.
    for snake in [">image_sequence", ">at_risk<", ">Low<"] {
        assert!(!html.contains(snake), "{snake}");
    }
    assert!(html.contains(">image sequence<"));
    assert!(html.contains(">media/exports/PROJX_cut_v01.mp4<"));
    let alert = html.find("class=\"alert\"").expect("problems at the top");
    assert!(alert < html.find("id=\"targets\"").unwrap());
    assert!(html[alert..].contains("missing frames"));
    let Some(chrome) = chromium() else {
        eprintln!("chromium not installed: layout not checked");
        return;
    };
    for width in [1400, 420] {
        let l = layout(&chrome, work.path(), &page, width);
        assert_eq!(l["bad"], serde_json::json!([]), "at {width} px: {l}");
        assert!(l["charts"].as_u64().unwrap() >= 6, "{l}");
        // Nothing makes the page scroll sideways.
        assert!(
            l["page"].as_f64() <= l["view"].as_f64(),
            "at {width} px: {l}"
        );
        // The page uses the window (it used 55 % of 1400 px).
        let main = l["main"].as_f64().unwrap();
        assert!(
            main >= 0.95 * l["view"].as_f64().unwrap(),
            "at {width} px: {l}"
        );
    }
}
