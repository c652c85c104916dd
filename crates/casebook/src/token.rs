//! Tracking tokens: an anonymous reporter's key to their own case.
//!
//! A token is `cbt1_<case>_<nonce>_<mac>`: the case id, a nonce recorded in the case's history, and
//! HMAC-SHA256 over both with the host's secret. Without the secret a token cannot be made, a
//! changed character breaks the MAC, and revoking the nonce (an event) disables the token for good.

use hmac::{KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::ids::CaseId;

type HmacSha256 = hmac::Hmac<Sha256>;

const PREFIX: &str = "cbt1";

/// The host's secret for tracking tokens (at least 16 bytes).
#[derive(Clone)]
pub struct TokenKey(Vec<u8>);

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl TokenKey {
    /// A key from the host's secret; refused when shorter than 16 bytes.
    pub fn new(secret: &[u8]) -> Result<Self> {
        if secret.len() < 16 {
            return Err(Error::InvalidConfig(
                "the tracking secret must be at least 16 bytes; use 32 random bytes".into(),
            ));
        }
        Ok(Self(secret.to_vec()))
    }

    fn mac(&self, case: CaseId, nonce: &str) -> HmacSha256 {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC takes keys of any length");
        mac.update(PREFIX.as_bytes());
        mac.update(case.as_uuid().as_bytes());
        mac.update(nonce.as_bytes());
        mac
    }

    /// The token for a case and nonce.
    pub fn issue(&self, case: CaseId, nonce: &str) -> String {
        let tag = self.mac(case, nonce).finalize().into_bytes();
        format!("{PREFIX}_{}_{nonce}_{}", case.as_uuid().simple(), hex(&tag))
    }

    /// Checks a token's MAC in constant time and returns its case and nonce.
    pub fn verify(&self, token: &str) -> Result<(CaseId, String)> {
        let bad = || {
            Error::InvalidToken(
                "it is malformed or was not issued here; use the link from your confirmation"
                    .into(),
            )
        };
        let mut parts = token.trim().split('_');
        let (Some(PREFIX), Some(case), Some(nonce), Some(tag), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad());
        };
        let case = CaseId::parse(case).ok_or_else(bad)?;
        if nonce.is_empty() || nonce.len() > 64 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let tag = unhex(tag).ok_or_else(bad)?;
        self.mac(case, nonce)
            .verify_slice(&tag)
            .map_err(|_| bad())?;
        Ok((case, nonce.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_resist_forgery() {
        let key = TokenKey::new(b"0123456789abcdef-host-secret").unwrap();
        let case = CaseId(uuid::Uuid::from_u128(
            0x0190_0000_0000_7000_8000_0000_0000_0042,
        ));
        let t = key.issue(case, "a1b2c3d4");
        assert_eq!(key.verify(&t).unwrap(), (case, "a1b2c3d4".to_string()));
        // Another secret, a changed nonce, a changed case, a truncated MAC: all refused.
        let other = TokenKey::new(b"another-secret-of-16+").unwrap();
        assert!(other.verify(&t).is_err());
        assert!(key.verify(&t.replace("a1b2c3d4", "a1b2c3d5")).is_err());
        assert!(key.verify(&t[..t.len() - 2]).is_err());
        let other_case = CaseId(uuid::Uuid::from_u128(
            0x0190_0000_0000_7000_8000_0000_0000_0043,
        ));
        let forged = format!(
            "cbt1_{}_{}",
            other_case.as_uuid().simple(),
            t.split_once('_').unwrap().1.split_once('_').unwrap().1
        );
        assert!(key.verify(&forged).is_err());
        for junk in [
            "",
            "cbt1",
            "cbt1___",
            "x_y_z_w",
            "cbt1_zz_11_22",
            &"a".repeat(10_000),
        ] {
            assert_eq!(
                key.verify(junk).unwrap_err().code().as_str(),
                "invalid_token"
            );
        }
        assert!(TokenKey::new(b"short").is_err());
    }
}
