//! The essence rules of a DCP or IMF package: what its picture and sound
//! track files must be (DCI Digital Cinema System Specification).

use super::package::TrackFacts;

/// The composition a track file is named in: its file name, and whether it
/// is an IMF CPL (no DCI container or rate constraints).
#[derive(Clone, Copy)]
pub(super) struct Composition<'a> {
    /// The CPL's file name, for messages.
    pub name: &'a str,
    /// An IMF CPL (ST 2067-3).
    pub imf: bool,
}

/// DCI container sizes (DCI Digital Cinema System Specification, image
/// structure: the 2K and 4K containers, flat and scope).
const DCI_SIZES: [(u32, u32); 6] = [
    (1998, 1080),
    (2048, 858),
    (2048, 1080),
    (3996, 2160),
    (4096, 1716),
    (4096, 2160),
];

/// Frame rates a DCP may carry (SMPTE ST 428-21 and ST 429-2 with the HFR
/// rates of ISDCF's recommendations).
const DCP_RATES: [f64; 6] = [24.0, 25.0, 30.0, 48.0, 50.0, 60.0];

/// The essence rules for one referenced track file.
pub(super) fn essence(
    c: Composition,
    kind: &str,
    f: &TrackFacts,
    picture: &mut Vec<String>,
    sound: &mut Vec<String>,
) {
    let is_picture = kind.contains("Picture") || kind == "MainImageSequence";
    let is_sound = kind == "MainSound" || kind == "MainAudioSequence";
    if is_picture {
        match &f.picture {
            Some((codec, ..)) if codec != "jpeg2000" => {
                picture.push(format!("{}: {} is {codec}, not JPEG 2000", c.name, kind));
            }
            Some((_, w, h)) if !c.imf && !DCI_SIZES.contains(&(*w, *h)) => picture.push(format!(
                "{}: {w}x{h} is not a DCI container (1998x1080, 2048x858, 2048x1080, 3996x2160, 4096x1716, 4096x2160)",
                c.name
            )),
            None => picture.push(format!("{}: {} has no picture stream", c.name, kind)),
            _ => {}
        }
        if let Some(fps) = f.fps
            && !c.imf
            && !DCP_RATES.iter().any(|r| (r - fps).abs() < 0.01)
        {
            picture.push(format!(
                "{}: {fps:.3} fps is not a DCP rate (24, 25, 30, 48, 50, 60)",
                c.name
            ));
        }
    }
    if is_sound {
        if f.sound.is_empty() {
            sound.push(format!("{}: {} has no sound stream", c.name, kind));
        }
        for (codec, rate) in &f.sound {
            if !matches!(codec.as_str(), "pcm_s24le" | "pcm_s24be") {
                sound.push(format!("{}: sound is {codec}, not 24-bit PCM", c.name));
            } else if !matches!(rate, 48_000 | 96_000) {
                sound.push(format!("{}: sound at {rate} Hz, not 48 or 96 kHz", c.name));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn essence_rules_name_what_is_not_dcp() {
        let cpl = Composition {
            name: "cpl.xml",
            imf: false,
        };
        let (mut picture, mut sound) = (Vec::new(), Vec::new());
        let dci = TrackFacts {
            fps: Some(24.0),
            duration_s: Some(1.0),
            picture: Some(("jpeg2000".into(), 2048, 858)),
            sound: vec![("pcm_s24le".into(), 48_000)],
        };
        essence(cpl, "MainPicture", &dci, &mut picture, &mut sound);
        essence(cpl, "MainSound", &dci, &mut picture, &mut sound);
        assert!(
            picture.is_empty() && sound.is_empty(),
            "{picture:?} {sound:?}"
        );
        let off = TrackFacts {
            fps: Some(23.976),
            picture: Some(("h264".into(), 1920, 1080)),
            sound: vec![("pcm_s16le".into(), 48_000), ("pcm_s24le".into(), 44_100)],
            ..dci
        };
        essence(cpl, "MainPicture", &off, &mut picture, &mut sound);
        essence(cpl, "MainSound", &off, &mut picture, &mut sound);
        assert_eq!(
            picture,
            [
                "cpl.xml: MainPicture is h264, not JPEG 2000",
                "cpl.xml: 23.976 fps is not a DCP rate (24, 25, 30, 48, 50, 60)"
            ]
        );
        assert_eq!(
            sound,
            [
                "cpl.xml: sound is pcm_s16le, not 24-bit PCM",
                "cpl.xml: sound at 44100 Hz, not 48 or 96 kHz"
            ]
        );
    }
}
