//! Go's `tls.X509KeyPair`, which `kubectl create secret tls` runs on its two files: PEM
//! blocks found as Go's encoding/pem finds them, the first certificate parsed, the key
//! read as PKCS #1, PKCS #8 or SEC 1, and the two checked to belong together. Its errors
//! are Go's.
//!
//! The DER structures are read with the RustCrypto crates; the PEM reader is written here
//! because Go's is lenient in ways RFC 7468 readers are not (text around blocks, headers,
//! blocks it skips when malformed), and which blocks it finds decides the error.

use base64::Engine;
use pkcs8::der::asn1::ObjectIdentifier;
use pkcs8::der::Decode;

const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
/// The named curves Go's crypto/x509 knows: P-224, P-256, P-384 and P-521.
const CURVES: [ObjectIdentifier; 4] = [
    ObjectIdentifier::new_unwrap("1.3.132.0.33"),
    ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7"),
    ObjectIdentifier::new_unwrap("1.3.132.0.34"),
    ObjectIdentifier::new_unwrap("1.3.132.0.35"),
];

/// Why a certificate and key were refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum KeyPairError {
    /// Go's error, as kubectl prints it after `error: `.
    Go(String),
    /// A pair Kubarium cannot check yet (what, for the message).
    NotSupported(String),
}

/// One PEM block.
struct Block {
    kind: String,
    bytes: Vec<u8>,
}

/// The line at the start of `s` without its trailing spaces, tabs and carriage return,
/// and what follows its newline.
fn line(s: &str) -> (&str, &str) {
    let (l, rest) = s.split_once('\n').unwrap_or((s, ""));
    (l.trim_end_matches([' ', '\t', '\r']), rest)
}

/// The next PEM block in `data` and the text after it, as Go's `pem.Decode` finds them:
/// a block whose type line, END line or base64 is malformed is passed over.
fn next_block(data: &str) -> Option<(Block, &str)> {
    let mut rest = data;
    loop {
        rest = match rest.strip_prefix("-----BEGIN ") {
            Some(r) => r,
            None => rest.split_once("\n-----BEGIN ")?.1,
        };
        let (type_line, after) = line(rest);
        rest = after;
        let Some(kind) = type_line.strip_suffix("-----") else {
            continue;
        };
        let mut headers = false;
        loop {
            if rest.is_empty() {
                return None;
            }
            let (l, next) = line(rest);
            if !l.contains(':') {
                break;
            }
            headers = true;
            rest = next;
        }
        let (end, trailer) = if !headers && rest.starts_with("-----END ") {
            (0, &rest["-----END ".len()..])
        } else {
            match rest.find("\n-----END ") {
                Some(i) => (i, &rest[i + "\n-----END ".len()..]),
                None => continue,
            }
        };
        let Some(after_end) = trailer
            .strip_prefix(kind)
            .and_then(|t| t.strip_prefix("-----"))
        else {
            continue;
        };
        let (end_rest, next) = line(after_end);
        if !end_rest.is_empty() {
            continue;
        }
        let text: String = rest[..end]
            .chars()
            .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
            .collect();
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text) else {
            continue;
        };
        return Some((
            Block {
                kind: kind.to_string(),
                bytes,
            },
            next,
        ));
    }
}

fn blocks(data: &str) -> Vec<Block> {
    let mut out = vec![];
    let mut rest = data;
    while let Some((b, next)) = next_block(rest) {
        out.push(b);
        rest = next;
    }
    out
}

fn go(msg: impl Into<String>) -> KeyPairError {
    KeyPairError::Go(msg.into())
}

/// A public key as Go's x509 reads it from a certificate.
enum Public {
    Rsa(Vec<u8>),
    /// The curve and the uncompressed point.
    Ec(ObjectIdentifier, Vec<u8>),
    Ed25519(Vec<u8>),
    /// A key type `tls.X509KeyPair` cannot pair (X25519, DSA, unknown algorithms).
    Other,
}

/// A private key, with what it says of its public key.
enum Private {
    Rsa(Vec<u8>),
    /// The curve and the public point the key carries, if it does.
    Ec(Option<ObjectIdentifier>, Option<Vec<u8>>),
    Ed25519(Option<Vec<u8>>),
}

fn unsigned(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

fn public_key(der: &[u8]) -> Result<Public, KeyPairError> {
    let cert =
        x509_cert::Certificate::from_der(der).map_err(|_| go("x509: malformed certificate"))?;
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let bits = spki.subject_public_key.raw_bytes();
    let oid = spki.algorithm.oid;
    if oid == RSA {
        let key =
            pkcs1::RsaPublicKey::from_der(bits).map_err(|_| go("x509: invalid RSA public key"))?;
        Ok(Public::Rsa(unsigned(key.modulus.as_bytes())))
    } else if oid == EC {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
            .filter(|c| CURVES.contains(c))
            .ok_or_else(|| go("x509: unsupported elliptic curve"))?;
        if bits.first() != Some(&4) {
            return Err(go("x509: failed to unmarshal elliptic curve point"));
        }
        Ok(Public::Ec(curve, bits.to_vec()))
    } else if oid == ED25519 {
        if bits.len() != 32 {
            return Err(go("x509: wrong Ed25519 public key size"));
        }
        Ok(Public::Ed25519(bits.to_vec()))
    } else {
        Ok(Public::Other)
    }
}

fn ec_key(der: &[u8], curve: Option<ObjectIdentifier>) -> Option<Private> {
    let key = sec1::EcPrivateKey::from_der(der).ok()?;
    let named = key
        .parameters
        .and_then(|p| p.named_curve())
        .or(curve)
        .filter(|c| CURVES.contains(c))?;
    Some(Private::Ec(Some(named), key.public_key.map(<[u8]>::to_vec)))
}

fn private_key(der: &[u8]) -> Result<Private, KeyPairError> {
    if let Ok(key) = pkcs1::RsaPrivateKey::from_der(der) {
        return Ok(Private::Rsa(unsigned(key.modulus.as_bytes())));
    }
    if let Ok(info) = pkcs8::PrivateKeyInfo::from_der(der) {
        let oid = info.algorithm.oid;
        let key = if oid == RSA {
            pkcs1::RsaPrivateKey::from_der(info.private_key)
                .ok()
                .map(|k| Private::Rsa(unsigned(k.modulus.as_bytes())))
        } else if oid == EC {
            let curve = info.algorithm.parameters_oid().ok();
            ec_key(info.private_key, curve)
        } else if oid == ED25519 {
            pkcs8::der::asn1::OctetStringRef::from_der(info.private_key)
                .ok()
                .filter(|seed| seed.as_bytes().len() == 32)
                .map(|_| Private::Ed25519(info.public_key.map(<[u8]>::to_vec)))
        } else if oid == X25519 {
            return Err(go("tls: found unknown private key type in PKCS#8 wrapping"));
        } else {
            None
        };
        if let Some(k) = key {
            return Ok(k);
        }
    }
    ec_key(der, None).ok_or_else(|| go("tls: failed to parse private key"))
}

/// Whether an EC key's own public point (uncompressed or compressed) is `point`.
fn same_point(point: &[u8], own: &[u8]) -> bool {
    match own.first() {
        Some(4) => own == point,
        Some(p @ (2 | 3)) => {
            let x = &point[1..=(point.len() - 1) / 2];
            own[1..] == *x && point.last().is_some_and(|y| y & 1 == p & 1)
        }
        _ => false,
    }
}

/// Checks that `cert` holds a certificate and `key` the private key of its public key.
pub fn check_key_pair(cert: &str, key: &str) -> Result<(), KeyPairError> {
    let cert_blocks = blocks(cert);
    let Some(first) = cert_blocks.iter().find(|b| b.kind == "CERTIFICATE") else {
        let skipped: Vec<&str> = cert_blocks.iter().map(|b| b.kind.as_str()).collect();
        return Err(go(match skipped.as_slice() {
            [] => "tls: failed to find any PEM data in certificate input".to_string(),
            [one] if one.ends_with("PRIVATE KEY") => "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".to_string(),
            _ => format!("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]", skipped.join(" ")),
        }));
    };
    let mut skipped: Vec<String> = vec![];
    let mut rest = key;
    let key_block = loop {
        let Some((b, next)) = next_block(rest) else {
            return Err(go(match skipped.as_slice() {
                [] => "tls: failed to find any PEM data in key input".to_string(),
                [one] if one == "CERTIFICATE" => {
                    "tls: found a certificate rather than a key in the PEM for the private key"
                        .to_string()
                }
                _ => format!("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]", skipped.join(" ")),
            }));
        };
        if b.kind == "PRIVATE KEY" || b.kind.ends_with(" PRIVATE KEY") {
            break b;
        }
        skipped.push(b.kind);
        rest = next;
    };
    let public = public_key(&first.bytes)?;
    let private = private_key(&key_block.bytes)?;
    let mismatch = || go("tls: private key does not match public key");
    match (public, private) {
        (Public::Rsa(n), Private::Rsa(m)) => (n == m).then_some(()).ok_or_else(mismatch),
        (Public::Ec(curve, point), Private::Ec(own_curve, own_point)) => match own_point {
            Some(p) if own_curve == Some(curve) && same_point(&point, &p) => Ok(()),
            Some(_) => Err(mismatch()),
            None => Err(KeyPairError::NotSupported(
                "an EC private key without its public key".into(),
            )),
        },
        (Public::Ed25519(point), Private::Ed25519(own)) => match own {
            Some(p) if p == point => Ok(()),
            Some(_) => Err(mismatch()),
            None => Err(KeyPairError::NotSupported(
                "an Ed25519 private key without its public key".into(),
            )),
        },
        (Public::Other, _) => Err(go("tls: unknown public key algorithm")),
        _ => Err(go("tls: private key type does not match public key type")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_are_found_as_go_finds_them() {
        let text = "junk before\n-----BEGIN A-----\naGk=\n-----END A-----\n\
            -----BEGIN B-----\nProc-Type: 4,ENCRYPTED\n\naGk=\n-----END B-----\n\
            -----BEGIN C-----\nnot base64\n-----END C-----\n\
            -----BEGIN D-----\naGk=\n-----END E-----\n\
            -----BEGIN F-----\n-----END F-----\n";
        let found: Vec<(String, Vec<u8>)> = blocks(text)
            .into_iter()
            .map(|b| (b.kind, b.bytes))
            .collect();
        assert_eq!(
            found,
            vec![
                ("A".into(), b"hi".to_vec()),
                ("B".into(), b"hi".to_vec()),
                ("F".into(), vec![]),
            ]
        );
    }

    #[test]
    fn inputs_without_blocks_say_which_input() {
        assert_eq!(
            check_key_pair("", ""),
            Err(go("tls: failed to find any PEM data in certificate input"))
        );
        let cert = "-----BEGIN CERTIFICATE-----\naGk=\n-----END CERTIFICATE-----\n";
        assert_eq!(
            check_key_pair(cert, "-----BEGIN X-----\n-----END X-----\n"),
            Err(go("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [X]"))
        );
    }
}
