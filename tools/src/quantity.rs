//! Resource quantities (`100m`, `1.5Gi`, `2`) parsed into milli-units, and formatted back.

/// Parses a Kubernetes quantity into thousandths of its unit (cores -> millicores,
/// bytes -> millibytes). `None` if it is not a valid quantity.
pub fn parse(s: &str) -> Option<i128> {
    scaled(s, false)
}

/// A quantity in thousandths of its unit rounded up, as Go's `Quantity.MilliValue()`
/// gives it (`870u` is 1m).
pub fn milli_value(s: &str) -> Option<i128> {
    scaled(s, true)
}

/// Thousandths of the quantity, rounded to the nearest or (`up`) up.
fn scaled(s: &str, up: bool) -> Option<i128> {
    let s = s.trim();
    let split = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == '+' || *c == '-'))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    if num.is_empty() || num == "." {
        return None;
    }
    // Whole numbers, exactly: milli-units are n * multiplier / divisor.
    let exact: Option<(i128, i128)> = match suffix {
        "n" => Some((1, 1_000_000)),
        "u" => Some((1, 1_000)),
        "m" => Some((1, 1)),
        "" => Some((1_000, 1)),
        "k" => Some((1_000_000, 1)),
        "M" => Some((1_000_000_000, 1)),
        "Ki" => Some((1_024_000, 1)),
        "Mi" => Some((1_048_576_000, 1)),
        "Gi" => Some((1_073_741_824_000, 1)),
        _ => None,
    };
    if let (Some((multiplier, divisor)), Ok(n)) = (exact, num.parse::<i64>()) {
        let n = i128::from(n) * multiplier;
        let (q, r) = (n.div_euclid(divisor), n.rem_euclid(divisor));
        let carry = if up { r != 0 } else { r * 2 >= divisor };
        return Some(q + i128::from(carry));
    }
    let value: f64 = num.parse().ok()?;
    let multiplier: f64 = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s if s.starts_with(['e', 'E']) => 10f64.powi(s[1..].parse::<i32>().ok()?),
        _ => return None,
    };
    // Kubernetes keeps quantities within int64; clamping there means sums of them in
    // i128 can never overflow.
    let limit = i64::MAX as f64 * 1000.0;
    let milli = value * multiplier * 1000.0;
    let milli = if up { milli.ceil() } else { milli.round() };
    Some(milli.clamp(-limit, limit) as i128)
}

/// Whether a quantity is written with a binary suffix (`Ki`, `Mi`, ...): Go keeps that
/// format when it prints the quantity or a sum that starts with it.
pub fn is_binary(s: &str) -> bool {
    ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
        .iter()
        .any(|suffix| s.trim().ends_with(suffix))
}

/// Formats milli-units in Go's canonical form (`resource.Quantity.String()`): the largest
/// suffix that keeps an integer (`1k`, `1Gi`, `500m`), binary suffixes for binary
/// quantities when they divide evenly.
pub fn canonical(milli: i128, binary: bool) -> String {
    if milli % 1000 != 0 {
        return format!("{milli}m");
    }
    let value = milli / 1000;
    if value == 0 {
        return "0".into();
    }
    if binary {
        for (suffix, shift) in [
            ("Ei", 60),
            ("Pi", 50),
            ("Ti", 40),
            ("Gi", 30),
            ("Mi", 20),
            ("Ki", 10),
        ] {
            let unit = 1i128 << shift;
            if value % unit == 0 {
                return format!("{}{suffix}", value / unit);
            }
        }
        return value.to_string();
    }
    for (suffix, exp) in [
        ("E", 18),
        ("P", 15),
        ("T", 12),
        ("G", 9),
        ("M", 6),
        ("k", 3),
    ] {
        let unit = 10i128.pow(exp);
        if value % unit == 0 {
            return format!("{}{suffix}", value / unit);
        }
    }
    value.to_string()
}

/// Formats millicores as kubectl shows CPU totals (`750m`, `2`).
pub fn format_cpu(milli: i128) -> String {
    if milli % 1000 == 0 {
        format!("{}", milli / 1000)
    } else {
        format!("{milli}m")
    }
}

/// Formats milli-bytes as kubectl shows memory totals (`170Mi`, `0`).
pub fn format_memory(milli: i128) -> String {
    let bytes = milli / 1000;
    for (suffix, unit) in [("Gi", 1i128 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if bytes != 0 && bytes % unit == 0 {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

/// What a pod's containers ask for of a resource under `kind` (`requests` or `limits`),
/// in thousandths of its unit, added up as `kubectl describe node` does for its
/// "Non-terminated Pods" and "Allocated resources".
pub fn pod_total(pod: &serde_json::Value, kind: &str, resource: &str) -> i128 {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["resources"][kind][resource].as_str().and_then(parse))
        .fold(0, i128::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        assert_eq!(parse("100m"), Some(100));
        assert_eq!(parse("2"), Some(2000));
        assert_eq!(parse("0.5"), Some(500));
        assert_eq!(parse("128Mi"), Some(128 * 1024 * 1024 * 1000));
        assert_eq!(parse("1G"), Some(1_000_000_000_000));
        assert_eq!(parse("abc"), None);
        assert_eq!(parse("1Zi"), None);
        assert_eq!(format_cpu(750), "750m");
        assert_eq!(format_cpu(2000), "2");
        assert_eq!(format_memory(170 * 1024 * 1024 * 1000), "170Mi");
        assert_eq!(format_memory(0), "0");
        assert_eq!(canonical(parse("1000").unwrap_or(0), false), "1k");
        assert_eq!(canonical(parse("0.5").unwrap_or(0), false), "500m");
        assert_eq!(canonical(parse("1.5Gi").unwrap_or(0), true), "1536Mi");
        assert_eq!(canonical(parse("2048Mi").unwrap_or(0), true), "2Gi");
    }
}
