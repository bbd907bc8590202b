//! `footprint.toml`: a project's runtime, targets, CO₂ assumptions and excludes.
//!
//! Unknown keys are errors (a typo must not silently fall back to a default);
//! every error names the file, the field and the line.

use crate::targets::Target;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// File name looked for in the first root.
pub const FILE_NAME: &str = "footprint.toml";

/// The file's content.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    /// Programme runtime (`90m`, `01:32:00`…).
    pub runtime: Option<String>,
    /// Targets to weigh against by default.
    pub targets: Option<Vec<String>>,
    /// Extra `--exclude` globs.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// CO₂ assumptions.
    #[serde(default)]
    pub co2: Co2Section,
    /// Custom delivery targets.
    #[serde(default, rename = "target")]
    pub custom_targets: Vec<Target>,
    /// `[[check.rule]]`: a target per path for `footprint check`.
    #[serde(default)]
    pub check: CheckSection,
}

/// `[check]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSection {
    /// Rules, first match wins.
    #[serde(default)]
    pub rule: Vec<CheckRule>,
}

/// `[[check.rule]]`: deliverables whose path (relative to the checked
/// folder) matches `path` are checked against `target`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRule {
    /// A glob, as `--exclude` reads one with a `/` (`EP1*/**/*.mov`).
    pub path: String,
    /// A target id (built-in or `[[target]]`).
    pub target: String,
}

/// `[co2]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Co2Section {
    /// Zone id or kg CO₂e per kWh.
    pub grid: Option<toml::Value>,
    /// hdd, ssd, lto, cloud.
    pub medium: Option<String>,
    /// Copies kept.
    pub copies: Option<u32>,
    /// Years kept.
    pub years: Option<f64>,
    /// Power usage effectiveness of the room (on-premises media).
    pub pue: Option<f64>,
}

/// Loads `explicit`, or `footprint.toml` in `first_root` if it exists.
pub fn load(
    explicit: Option<&Path>,
    first_root: Option<&Path>,
) -> Result<Option<(PathBuf, ProjectFile)>, String> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match first_root.map(|r| r.join(FILE_NAME)) {
            Some(p) if p.is_file() => p,
            _ => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some((path, file)))
}

/// Parses and validates a config text.
pub fn parse(text: &str) -> Result<ProjectFile, String> {
    let file: ProjectFile = toml::from_str(text).map_err(|e| {
        let msg = e.message().to_string();
        match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: {msg}")
            }
            None => msg,
        }
    })?;
    if let Some(r) = &file.runtime {
        crate::targets::runtime::parse_duration(r).map_err(|e| format!("runtime: {e}"))?;
    }
    if let Some(y) = file.co2.years
        && !(y.is_finite() && y > 0.0)
    {
        return Err("co2.years must be a positive number".into());
    }
    if let Some(p) = file.co2.pue
        && !(p.is_finite() && (1.0..=4.0).contains(&p))
    {
        return Err("co2.pue must be between 1.0 and 4.0".into());
    }
    if file.co2.copies == Some(0) {
        return Err("co2.copies must be at least 1".into());
    }
    for t in &file.custom_targets {
        t.validate().map_err(|e| format!("[[target]]: {e}"))?;
    }
    for r in &file.check.rule {
        globset::Glob::new(&r.path)
            .map_err(|e| format!("[[check.rule]] path '{}': {e}", r.path))?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_parses() {
        let f = parse(
            r#"
runtime = "52m"
targets = ["dcp", "festival"]
exclude = ["*.tmp"]
[co2]
grid = "be"
medium = "ssd"
copies = 2
years = 3
pue = 1.3
[[target]]
id = "festival"
name = "Festival screener"
budget_bit_rate = 20000000
video_codecs = ["h264"]
sources = ["festival rules 2026"]
"#,
        )
        .unwrap();
        assert_eq!(f.runtime.as_deref(), Some("52m"));
        assert_eq!(f.custom_targets[0].budget_bit_rate, 20_000_000);
        assert_eq!(f.co2.copies, Some(2));
    }

    #[test]
    fn errors_name_the_field_and_line() {
        let e = parse("runtime = \"90m\"\ncopies = 3\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("copies"), "{e}");
        let e = parse("[co2]\nyears = \"five\"\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(parse("runtime = \"soon\"").unwrap_err().contains("runtime"));
        assert!(parse("[co2]\ncopies = 0").unwrap_err().contains("copies"));
        let e = parse("[[target]]\nid = \"x y\"\nname = \"n\"\nbudget_bit_rate = 1\n").unwrap_err();
        assert!(e.contains("target id"), "{e}");
    }
}
