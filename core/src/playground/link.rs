//! Share links: a session as inputs (seed, steps, clock) in a URL fragment,
//! `k1.<base64url of the raw-deflated JSON of a [`Saved`]>`. The `k1` names the format:
//! a link made today must open in every later release, so a new format gets a new number
//! and this one stays readable. Whatever a link holds is checked before anything runs:
//! its length before and after decompression, its JSON, every step.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::{Saved, Step};
use crate::clock::Millis;

/// The format this release writes, and the newest it reads.
const VERSION: u32 = 1;
/// The longest link read (characters after the `#`).
pub const MAX_LINK: usize = 256 * 1024;
/// The most a link may decompress to (as much as the browser's storage keeps).
pub const MAX_JSON: usize = 4 * 1024 * 1024;
/// The most steps a session holds.
pub const MAX_STEPS: usize = 5_000;
/// The latest a link's clock or steps may be: a year of virtual time.
const MAX_TIME: Millis = 365 * 24 * 3600 * 1000;

/// The link (without its `#`) that rebuilds `saved`.
pub fn encode(saved: &Saved) -> String {
    let json = serde_json::to_vec(saved).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("k{VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Reads a link (with or without its `#`); the error says, for the learner, what is wrong
/// with it.
pub fn decode(link: &str) -> Result<Saved, String> {
    let link = link.trim().trim_start_matches('#');
    if link.len() > MAX_LINK {
        return Err(format!(
            "the link is too long ({} characters; a Kubarium link has at most {MAX_LINK})",
            link.len()
        ));
    }
    let Some((version, data)) = link.strip_prefix('k').and_then(|l| l.split_once('.')) else {
        return Err("this is not a Kubarium cluster link".into());
    };
    match version.parse::<u32>() {
        Ok(VERSION) => {}
        Ok(v) if v > VERSION => {
            return Err(format!(
                "the link was made by a newer Kubarium (format k{v}; this one reads up to k{VERSION}): reload the page to get the newest"
            ))
        }
        _ => return Err("this is not a Kubarium cluster link".into()),
    }
    let damaged = |why: &str| format!("the link is damaged ({why}; was it cut short or changed?)");
    let packed = URL_SAFE_NO_PAD
        .decode(data)
        .map_err(|_| damaged("it is not base64url"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON).map_err(
        |e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!(
                "the link's session is too large (over {} MiB)",
                MAX_JSON / (1024 * 1024)
            ),
            _ => damaged("its data does not decompress"),
        },
    )?;
    let saved: Saved = serde_json::from_slice(&json)
        .map_err(|e| damaged(&format!("its data is not a Kubarium session: {e}")))?;
    check(&saved).map_err(|why| damaged(&why))?;
    Ok(saved)
}

/// What the replay relies on: a bounded number of steps at bounded times.
fn check(saved: &Saved) -> Result<(), String> {
    if saved.log.len() > MAX_STEPS {
        return Err(format!("{} steps, at most {MAX_STEPS}", saved.log.len()));
    }
    let times = saved.log.iter().map(Step::at).chain([saved.now]);
    for t in times {
        if !(0..=MAX_TIME).contains(&t) {
            return Err(format!("a time out of range: {t}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Saved {
        Saved {
            seed: 7,
            now: 120_000,
            log: vec![
                Step::Line(1_000, "kubectl create deployment web --image=nginx".into()),
                Step::Apply(
                    2_000,
                    "kind: Namespace\napiVersion: v1\nmetadata:\n  name: x\n".into(),
                ),
                Step::Edit(3_000, None),
                Step::Line(4_000, "echo '<script>alert(1)</script>' \u{2603}".into()),
            ],
        }
    }

    #[test]
    fn round_trips() {
        let link = encode(&session());
        assert!(link.starts_with("k1."), "{link}");
        assert!(
            link.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "{link}"
        );
        assert_eq!(decode(&link), Ok(session()));
        assert_eq!(decode(&format!("#{link}")), Ok(session()));
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        let link = encode(&session());
        let cut = &link[..link.len() / 2];
        assert!(
            decode(cut)
                .unwrap_err()
                .starts_with("the link is damaged ("),
            "{:?}",
            decode(cut)
        );
        let mut tampered = link.clone().into_bytes();
        let i = tampered.len() - 5;
        tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
        assert!(decode(&String::from_utf8(tampered).unwrap_or_default()).is_err());
        assert_eq!(
            decode("hello").unwrap_err(),
            "this is not a Kubarium cluster link"
        );
        assert_eq!(
            decode("k1").unwrap_err(),
            "this is not a Kubarium cluster link"
        );
        assert!(decode("k9.abc")
            .unwrap_err()
            .contains("newer Kubarium (format k9"));
        assert_eq!(
            decode("k1.@@@").unwrap_err(),
            "the link is damaged (it is not base64url; was it cut short or changed?)"
        );
        let long = format!("k1.{}", "A".repeat(MAX_LINK));
        assert!(decode(&long)
            .unwrap_err()
            .starts_with("the link is too long"));
    }

    #[test]
    fn a_bomb_is_refused_by_its_decompressed_size() {
        let zeros = vec![b' '; MAX_JSON + 1];
        let link = format!(
            "k1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&zeros, 9))
        );
        assert!(link.len() < 20_000, "{}", link.len());
        assert_eq!(
            decode(&link).unwrap_err(),
            "the link's session is too large (over 4 MiB)"
        );
    }

    #[test]
    fn sessions_out_of_bounds_are_refused() {
        let pack = |json: &str| {
            format!(
                "k1.{}",
                URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9))
            )
        };
        for (json, why) in [
            (
                r#"{"seed":1,"log":[[0,"format","c:"]]}"#,
                "unknown step \"format\"",
            ),
            (r#"{"seed":-1,"log":[]}"#, "invalid value"),
            (r#"{"seed":1,"now":-5,"log":[]}"#, "a time out of range: -5"),
            (
                r#"{"seed":1,"log":[[99999999999999,"line","x"]]}"#,
                "a time out of range",
            ),
            (r#"[1,2]"#, "not a Kubarium session"),
        ] {
            let err = decode(&pack(json)).unwrap_err();
            assert!(err.contains(why), "{json}: {err}");
        }
        let many = Saved {
            seed: 1,
            now: 0,
            log: vec![Step::Edit(0, None); MAX_STEPS + 1],
        };
        assert!(decode(&encode(&many))
            .unwrap_err()
            .contains("5001 steps, at most 5000"));
    }
}
