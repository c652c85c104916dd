//! Version ordering: semver-aware (5.10 after 5.9, 5.3.0-beta.1 before 5.3.0), with a
//! host-defined list for other schemes ("2026.11 Autumn"), never plain chronological order.

use std::cmp::Ordering;

/// How a host orders its versions when they are not dotted numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionScheme {
    /// The host's versions, oldest first. Consulted when either version is not semver-like.
    pub order: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
struct Semver<'a> {
    nums: Vec<u64>,
    pre: Option<&'a str>,
}

fn parse(v: &str) -> Option<Semver<'_>> {
    let v = v.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let v = v.split_once('+').map_or(v, |(a, _)| a);
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) if !p.is_empty() => (c, Some(p)),
        Some(_) => return None,
        None => (v, None),
    };
    let nums = core
        .split('.')
        .map(|p| {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse().ok()
            }
        })
        .collect::<Option<Vec<u64>>>()?;
    Some(Semver { nums, pre })
}

fn cmp_pre(a: &str, b: &str) -> Ordering {
    let mut ia = a.split('.');
    let mut ib = b.split('.');
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

/// Natural order: digit runs compare as numbers, other runs as text.
fn natural(a: &str, b: &str) -> Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let o = match (x, y) {
            ((true, m), (true, n)) => {
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                m.len().cmp(&n.len()).then_with(|| m.cmp(n))
            }
            ((_, m), (_, n)) => m.cmp(n),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ca.len().cmp(&cb.len())
}

impl VersionScheme {
    /// Compares two versions: semver-like versions numerically (missing parts are zero, a
    /// pre-release sorts before its release); others by the host's list; else naturally.
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        if let (Some(x), Some(y)) = (parse(a), parse(b)) {
            let n = x.nums.len().max(y.nums.len());
            for i in 0..n {
                let o = x
                    .nums
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .cmp(&y.nums.get(i).copied().unwrap_or(0));
                if o != Ordering::Equal {
                    return o;
                }
            }
            return match (x.pre, y.pre) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(p), Some(q)) => cmp_pre(p, q),
            };
        }
        let pos = |v: &str| self.order.iter().position(|o| o == v.trim());
        match (pos(a), pos(b)) {
            (Some(i), Some(j)) => i.cmp(&j),
            // A listed version is known to the host: unknown ones sort after it.
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => natural(a.trim(), b.trim()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_aware_order() {
        let s = VersionScheme::default();
        let mut v = vec![
            "5.10",
            "5.9",
            "5.3.0",
            "v5.3.1",
            "5.3.0-beta.2",
            "5.3.0-beta.10",
            "4",
        ];
        v.sort_by(|a, b| s.compare(a, b));
        assert_eq!(
            v,
            [
                "4",
                "5.3.0-beta.2",
                "5.3.0-beta.10",
                "5.3.0",
                "v5.3.1",
                "5.9",
                "5.10"
            ]
        );
        assert_eq!(s.compare("5.3", "5.3.0"), Ordering::Equal);
    }

    #[test]
    fn host_scheme_and_natural_fallback() {
        let s = VersionScheme {
            order: vec!["Winter".into(), "Spring".into(), "Autumn".into()],
        };
        assert_eq!(s.compare("Spring", "Autumn"), Ordering::Less);
        assert_eq!(s.compare("Autumn", "Winter"), Ordering::Greater);
        let d = VersionScheme::default();
        assert_eq!(d.compare("build 9", "build 10"), Ordering::Less);
        assert_eq!(d.compare("r2026-11", "r2026-2"), Ordering::Greater);
    }
}
