//! Reading version information out of a file or folder name.
//!
//! A stem is split into tokens on `_ - . space`. Version, date and FINAL
//! tokens are taken out; everything else (resolution, codec, language,
//! textless, platform…) stays in the base, so deliverable variants never
//! share a group. Rules and examples: docs/RECLAIM.md.

/// What a name says about its version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionedName {
    /// The stem without version, date, FINAL and copy tokens, in its own case.
    pub base: String,
    /// `base` lower-cased with `_` between tokens: the grouping key.
    pub key: String,
    /// Version numbers in order (`v003_r2` → [3, 2]); empty if none.
    pub version: Vec<u32>,
    /// True when the only version token is a bare `r2`, which may be a reel number.
    pub version_is_bare_r: bool,
    /// Date (and time if present) as a number that sorts: YYYYMMDDhhmmss.
    pub date: Option<u64>,
    /// FINAL / approved / locked markers counted (`FINAL_FINAL` = 2).
    pub finals: u32,
    /// True when a copy suffix (` (1)`, ` copy`, ` - Copy (2)`) was stripped.
    pub copy: bool,
}

impl VersionedName {
    /// True when the name carries any ordering information.
    pub fn is_versioned(&self) -> bool {
        !self.version.is_empty() || self.date.is_some() || self.finals > 0
    }
}

const FINAL_WORDS: &[&str] = &["final", "fnl", "approved", "locked"];
const VERSION_WORDS: &[&str] = &["v", "ver", "version", "rev"];

/// Parses a stem (a file name without extension and frame number, or a folder name).
pub fn parse(stem: &str) -> VersionedName {
    let (stem, copy) = strip_copy_suffix(stem);
    let tokens = tokenize(stem);
    let mut out = VersionedName {
        copy,
        ..VersionedName::default()
    };
    let mut keep = vec![true; tokens.len()];
    let mut bare_r_only = true;
    let mut i = 0;
    let mut buf = [0u8; WORD_MAX];
    while i < tokens.len() {
        let t = tokens[i].1;
        let lower = ascii_lower(t, &mut buf);
        if let Some((n, bare_r)) = version_token(lower) {
            out.version.push(n);
            bare_r_only &= bare_r;
            keep[i] = false;
        } else if VERSION_WORDS.contains(&lower)
            && let Some(n) = tokens.get(i + 1).and_then(|t| number(t.1, 1, 4))
        {
            // `v_03`, `ver-2`, `rev.4`
            out.version.push(n as u32);
            bare_r_only = false;
            keep[i] = false;
            keep[i + 1] = false;
            i += 1;
        } else if FINAL_WORDS.contains(&lower) {
            out.finals += 1;
            keep[i] = false;
        } else if out.date.is_none()
            && let Some((date, used)) = date_at(&tokens, i)
        {
            let mut value = date * 1_000_000;
            let mut used = used;
            // A time right after the date orders exports made the same day.
            if let Some(time) = tokens.get(i + used).and_then(|t| time_of_day(t.1)) {
                value += time;
                used += 1;
            }
            out.date = Some(value);
            keep[i..i + used].iter_mut().for_each(|k| *k = false);
            i += used - 1;
        }
        i += 1;
    }
    out.version_is_bare_r = !out.version.is_empty() && bare_r_only;
    let mut base = String::new();
    let mut key = String::new();
    for ((sep, tok), _) in tokens.iter().zip(&keep).filter(|(_, k)| **k) {
        if !base.is_empty() {
            base.push_str(sep);
            key.push('_');
        }
        base.push_str(tok);
        if tok.is_ascii() {
            key.extend(tok.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            key.push_str(&tok.to_lowercase());
        }
    }
    out.base = base;
    out.key = key;
    out
}

/// Longer tokens are no version, FINAL or date word (`version0001` has 11).
const WORD_MAX: usize = 16;

/// `t` in ASCII lower case, in `buf`; empty when longer than [`WORD_MAX`]
/// (no word we look for is), so parsing a name allocates no string per token.
fn ascii_lower<'b>(t: &str, buf: &'b mut [u8; WORD_MAX]) -> &'b str {
    if t.len() > WORD_MAX {
        return "";
    }
    let out = &mut buf[..t.len()];
    out.copy_from_slice(t.as_bytes());
    out.make_ascii_lowercase();
    // ASCII lower-casing keeps UTF-8 valid.
    std::str::from_utf8(out).unwrap_or_default()
}

/// Strips trailing copy suffixes: ` (1)`, ` copy`, ` copy 2`, ` - Copy`, ` - Copy (2)`, `_copy`.
fn strip_copy_suffix(mut s: &str) -> (&str, bool) {
    let mut copy = false;
    loop {
        let before = s;
        let t = s.trim_end();
        if let Some(open) = t
            .strip_suffix(')')
            .and_then(|x| x.rfind('(').map(|p| (x, p)))
            && t[open.1 + 1..t.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_digit())
            && open.1 + 1 < t.len() - 1
        {
            s = &t[..open.1];
        } else {
            let digits = t.bytes().rev().take_while(u8::is_ascii_digit).count();
            let head = t[..t.len() - digits].trim_end();
            let n = head.len();
            if n >= 4
                && head.as_bytes()[n - 4..].eq_ignore_ascii_case(b"copy")
                && head[..n - 4].ends_with([' ', '_', '-'])
            {
                s = head[..n - 4].trim_end_matches([' ', '_', '-']);
            }
        }
        if s.len() == before.len() {
            return (s, copy);
        }
        copy = true;
    }
}

/// True if a file name (with or without extension) ends in a copy suffix.
pub fn has_copy_suffix(file_name: &str) -> bool {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    strip_copy_suffix(stem).1
}

/// Splits on separators, keeping the separator that preceded each token.
fn tokenize(s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut sep_start = 0;
    for (i, c) in s.char_indices() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            if start < i {
                out.push((&s[sep_start..start], &s[start..i]));
                sep_start = i;
            }
            start = i + c.len_utf8();
        }
    }
    if start < s.len() {
        out.push((&s[sep_start..start], &s[start..]));
    }
    out
}

/// `v01`, `V2`, `v003`, `ver2`, `version3`, `rev4`, `r2` → (number, is bare r).
fn version_token(lower: &str) -> Option<(u32, bool)> {
    let digits = lower.bytes().rev().take_while(u8::is_ascii_digit).count();
    let (word, num) = lower.split_at(lower.len() - digits);
    let bare_r = word == "r";
    if !(VERSION_WORDS.contains(&word) || bare_r) {
        return None;
    }
    number(num, 1, 4).map(|n| (n as u32, bare_r))
}

/// An all-digit token of `min..=max` digits.
fn number(t: &str, min: usize, max: usize) -> Option<u64> {
    (t.len() >= min && t.len() <= max && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

/// A date starting at token `i`: `YYYYMMDD`, `YYYY-MM-DD` (3 tokens) or `YYMMDD`.
/// Returns (YYYYMMDD, tokens used).
fn date_at(tokens: &[(&str, &str)], i: usize) -> Option<(u64, usize)> {
    let t = tokens[i].1;
    if let Some(y) = number(t, 4, 4)
        && let (Some(m), Some(d)) = (
            tokens.get(i + 1).and_then(|t| number(t.1, 2, 2)),
            tokens.get(i + 2).and_then(|t| number(t.1, 2, 2)),
        )
        && valid_date(y, m, d)
    {
        return Some((y * 10_000 + m * 100 + d, 3));
    }
    if let Some(n) = number(t, 8, 8) {
        let (y, m, d) = (n / 10_000, n / 100 % 100, n % 100);
        return valid_date(y, m, d).then_some((n, 1));
    }
    if let Some(n) = number(t, 6, 6) {
        let (y, m, d) = (2000 + n / 10_000, n / 100 % 100, n % 100);
        return valid_date(y, m, d).then_some((y * 10_000 + m * 100 + d, 1));
    }
    None
}

fn valid_date(y: u64, m: u64, d: u64) -> bool {
    (1990..=2099).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// `HHMM` or `HHMMSS` → hhmmss.
fn time_of_day(t: &str) -> Option<u64> {
    let n = number(t, 4, 6).filter(|_| t.len() != 5)?;
    let (h, m, s) = if t.len() == 4 {
        (n / 100, n % 100, 0)
    } else {
        (n / 10_000, n / 100 % 100, n % 100)
    };
    (h < 24 && m < 60 && s < 60).then_some(h * 10_000 + m * 100 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (stem, base, version, date, finals, copy)
    type Case = (
        &'static str,
        &'static str,
        &'static [u32],
        Option<u64>,
        u32,
        bool,
    );

    const CASES: &[Case] = &[
        ("PROJX_cut_v01", "PROJX_cut", &[1], None, 0, false),
        ("PROJX_cut_v10", "PROJX_cut", &[10], None, 0, false),
        ("PROJX_cut_V2", "PROJX_cut", &[2], None, 0, false),
        ("sh010_comp_v003", "sh010_comp", &[3], None, 0, false),
        ("sh010_comp_v003_r2", "sh010_comp", &[3, 2], None, 0, false),
        ("trailer_ver2", "trailer", &[2], None, 0, false),
        ("trailer_ver_3", "trailer", &[3], None, 0, false),
        ("trailer-version-4", "trailer", &[4], None, 0, false),
        ("promo_rev5", "promo", &[5], None, 0, false),
        ("promo_rev.6", "promo", &[6], None, 0, false),
        ("promo_r7", "promo", &[7], None, 0, false),
        (
            "EP101_online_v12_textless",
            "EP101_online_textless",
            &[12],
            None,
            0,
            false,
        ),
        (
            "EP101_online_textless_v13",
            "EP101_online_textless",
            &[13],
            None,
            0,
            false,
        ),
        (
            "EP101_ProRes422HQ_v02",
            "EP101_ProRes422HQ",
            &[2],
            None,
            0,
            false,
        ),
        (
            "EP101_H264_1080p_v02",
            "EP101_H264_1080p",
            &[2],
            None,
            0,
            false,
        ),
        ("EP101_51_FR_v03", "EP101_51_FR", &[3], None, 0, false),
        (
            "spot_30s_9x16_instagram_v2",
            "spot_30s_9x16_instagram",
            &[2],
            None,
            0,
            false,
        ),
        ("PROJX_cut_FINAL", "PROJX_cut", &[], None, 1, false),
        ("PROJX_cut_FINAL_FINAL", "PROJX_cut", &[], None, 2, false),
        ("PROJX cut approved", "PROJX cut", &[], None, 1, false),
        ("mix_v4_locked", "mix", &[4], None, 1, false),
        (
            "PROJX_cut_20260315",
            "PROJX_cut",
            &[],
            Some(20260315000000),
            0,
            false,
        ),
        (
            "PROJX_cut_2026-03-15",
            "PROJX_cut",
            &[],
            Some(20260315000000),
            0,
            false,
        ),
        (
            "PROJX_cut_260315",
            "PROJX_cut",
            &[],
            Some(20260315000000),
            0,
            false,
        ),
        (
            "export_20260315_1430",
            "export",
            &[],
            Some(20260315143000),
            0,
            false,
        ),
        (
            "export_2026-03-15_143005",
            "export",
            &[],
            Some(20260315143005),
            0,
            false,
        ),
        ("PROJX_cut_v01 (1)", "PROJX_cut", &[1], None, 0, true),
        ("PROJX_cut_v01 copy", "PROJX_cut", &[1], None, 0, true),
        ("PROJX_cut_v01 copy 2", "PROJX_cut", &[1], None, 0, true),
        ("PROJX_cut_v01 - Copy (2)", "PROJX_cut", &[1], None, 0, true),
        ("PROJX_cut_copy", "PROJX_cut", &[], None, 0, true),
        // Not versions: reel-like words, invalid dates, codecs with digits.
        ("hdr10_grade", "hdr10_grade", &[], None, 0, false),
        ("scan_086400", "scan_086400", &[], None, 0, false),
        ("shot_20261399", "shot_20261399", &[], None, 0, false),
        (
            "A001C001_prores_hq",
            "A001C001_prores_hq",
            &[],
            None,
            0,
            false,
        ),
        ("recopy", "recopy", &[], None, 0, false),
        ("vfx_plate_v", "vfx_plate_v", &[], None, 0, false),
        ("finale_scene", "finale_scene", &[], None, 0, false),
        ("R1", "", &[1], None, 0, false),
        ("comp_v001", "comp", &[1], None, 0, false),
    ];

    #[test]
    fn realistic_names() {
        assert!(CASES.len() >= 30);
        for &(stem, base, version, date, finals, copy) in CASES {
            let p = parse(stem);
            assert_eq!(p.base, base, "base of {stem:?}");
            assert_eq!(p.version, version, "version of {stem:?}");
            assert_eq!(p.date, date, "date of {stem:?}");
            assert_eq!(p.finals, finals, "finals of {stem:?}");
            assert_eq!(p.copy, copy, "copy of {stem:?}");
        }
    }

    #[test]
    fn keys_ignore_case_and_separators_but_keep_variants() {
        assert_eq!(parse("PROJX-Cut v01").key, parse("projx_cut_v02").key);
        assert_ne!(parse("cut_v01_textless").key, parse("cut_v02").key);
        assert_ne!(parse("cut_v01_UHD").key, parse("cut_v02_1080p").key);
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert!(parse("x_v10").version > parse("x_v9").version);
        assert!(parse("x_v003_r2").version > parse("x_v003_r1").version);
        assert!(parse("x_v003_r2").version < parse("x_v004").version);
    }

    #[test]
    fn bare_r_is_flagged() {
        assert!(parse("film_r2").version_is_bare_r);
        assert!(!parse("film_v2").version_is_bare_r);
        assert!(!parse("film_v2_r1").version_is_bare_r);
    }
}
