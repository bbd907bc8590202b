//! How reports for people name paths: relative to their root, each root
//! named once.
//!
//! With one root, `media/exports/cut_v03.mp4`; with several, the root's
//! short name first (`shuttle/A001/clip.mov`), and one legend line says which
//! folder each short name is (as `du` and `fd` print paths relative to what
//! was given). The JSON and CSV keep absolute paths: they are for programs.

use std::borrow::Cow;

/// Display names of the roots of one report.
#[derive(Clone, Debug)]
pub struct PathNames {
    /// (absolute root, short name), longest root first so that a nested
    /// root's files are named by it.
    roots: Vec<(String, String)>,
}

impl PathNames {
    /// Names for these roots (absolute, as the report holds them).
    pub fn new(roots: &[String]) -> Self {
        let mut named: Vec<(String, String)> = Vec::with_capacity(roots.len());
        if roots.len() > 1 {
            for (i, root) in roots.iter().enumerate() {
                let mut label = tail(root, 1);
                // Two drives both called `A001`: take a parent component, then a number.
                if roots.iter().filter(|o| tail(o, 1) == label).count() > 1 {
                    label = tail(root, 2);
                    if roots.iter().filter(|o| tail(o, 2) == label).count() > 1 {
                        label = format!("{label}#{}", i + 1);
                    }
                }
                named.push((root.clone(), label));
            }
        } else {
            named.extend(roots.iter().map(|r| (r.clone(), String::new())));
        }
        named.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        PathNames { roots: named }
    }

    /// `path` as a person reads it in this report.
    pub fn show<'a>(&self, path: &'a str) -> Cow<'a, str> {
        for (root, label) in &self.roots {
            let Some(rest) = under(path, root) else {
                continue;
            };
            return match (label.is_empty(), rest.is_empty()) {
                (true, true) => Cow::Borrowed("."),
                (true, false) => Cow::Borrowed(rest),
                (false, true) => Cow::Owned(label.clone()),
                (false, false) if label.ends_with('/') => Cow::Owned(format!("{label}{rest}")),
                (false, false) => Cow::Owned(format!("{label}/{rest}")),
            };
        }
        Cow::Borrowed(path)
    }

    /// `text` (a reason, a message) with every absolute path under a root
    /// written as [`show`](Self::show) writes it.
    pub fn in_text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (root, label) in &self.roots {
            let with_slash = if root.ends_with('/') {
                root.clone()
            } else {
                format!("{root}/")
            };
            let by = if label.is_empty() || label.ends_with('/') {
                label.clone()
            } else {
                format!("{label}/")
            };
            out = out.replace(&with_slash, &by);
        }
        out
    }

    /// "shuttle = /mnt/shuttle, card = /media/card" when roots have short
    /// names, in the order given; `None` for one root.
    pub fn legend(&self, order: &[String]) -> Option<String> {
        if self.roots.len() < 2 {
            return None;
        }
        let parts: Vec<String> = order
            .iter()
            .filter_map(|o| self.roots.iter().find(|(r, _)| r == o))
            .map(|(r, l)| format!("{l} = {r}"))
            .collect();
        Some(parts.join(", "))
    }
}

/// The part of `path` below `root`, `""` for the root itself.
fn under<'a>(path: &'a str, root: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(root)?;
    if rest.is_empty() {
        Some("")
    } else if root.ends_with('/') {
        Some(rest)
    } else {
        rest.strip_prefix('/')
    }
}

/// The last `n` components of a path, `/` for the file system root.
fn tail(path: &str, n: usize) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return "/".into();
    }
    parts[parts.len().saturating_sub(n)..].join("/")
}

/// `text` cut to `max` characters in the middle, `…` in place of the cut:
/// both the start of a path (which drive, which show) and its end (which
/// file) are what people read.
pub fn ellipsize_middle(text: &str, max: usize) -> Cow<'_, str> {
    let n = text.chars().count();
    if n <= max || max < 5 {
        return Cow::Borrowed(text);
    }
    let keep = max - 1;
    let head = keep / 2;
    let tail = keep - head;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(n - tail).collect();
    Cow::Owned(format!("{start}…{end}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_root_gives_relative_paths_and_text() {
        let n = PathNames::new(&["/mnt/proj".into()]);
        assert_eq!(n.show("/mnt/proj/a/b.mov"), "a/b.mov");
        assert_eq!(n.show("/mnt/proj"), ".");
        assert_eq!(n.show("/mnt/projX/b.mov"), "/mnt/projX/b.mov");
        assert_eq!(
            n.in_text("same content as /mnt/proj/a/b.mov"),
            "same content as a/b.mov"
        );
        assert_eq!(n.legend(&["/mnt/proj".into()]), None);
    }

    #[test]
    fn several_roots_are_named_by_their_folder_once() {
        let roots: Vec<String> = vec!["/mnt/shuttle".into(), "/media/card".into()];
        let n = PathNames::new(&roots);
        assert_eq!(n.show("/media/card/A001/c.mov"), "card/A001/c.mov");
        assert_eq!(n.show("/mnt/shuttle"), "shuttle");
        assert_eq!(
            n.legend(&roots).unwrap(),
            "shuttle = /mnt/shuttle, card = /media/card"
        );
        let same = PathNames::new(&["/a/A001".into(), "/b/A001".into(), "/".into()]);
        assert_eq!(same.show("/a/A001/x"), "a/A001/x");
        assert_eq!(same.show("/b/A001/x"), "b/A001/x");
        // The file system root is the shortest: other roots win for their files.
        assert_eq!(same.show("/c/y"), "/c/y");
    }

    #[test]
    fn middle_ellipsis_keeps_both_ends() {
        assert_eq!(ellipsize_middle("abcdefghij", 20), "abcdefghij");
        assert_eq!(ellipsize_middle("abcdefghij", 7), "abc…hij");
        assert_eq!(ellipsize_middle("ééééééééé", 5), "éé…éé");
    }
}
