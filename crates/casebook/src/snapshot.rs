//! Snapshots: the folded state (case table, key counter, stream versions and every derived
//! projection) after a given log position, so that opening a casebook loads it and replays only
//! the tail of the log after it.
//!
//! The log stays the only truth. A snapshot is a cache: when it is missing, damaged, of another
//! format or Casebook version, ahead of the log, or taken from a log that has since changed at
//! its position, the engine ignores it and replays the whole log (see [`Opened`]). Erasure
//! drops snapshots, since they may hold what was erased.
//!
//! The encoding: a fixed header (magic, format, the writing crate's version, position, the
//! fingerprint of the event at that position, body length and checksum) and a body of
//! sections, each compressed in LZ4 blocks and decodable on its own (so on its own thread): the
//! large, fixed-shape parts (the case table, the SLA signals, the similar-case index) in a
//! compact encoding without field names ([`SectionWriter`]), the rest as MessagePack written by
//! the projections' serde derives, structs as maps, so optional fields, flattened fields and
//! internally tagged enums round-trip as in JSON. The configuration (workflow, policy, limits,
//! SLA setup) is not in the body: it is folded again from the configuration stream, which is
//! short.

#![cfg_attr(not(feature = "snapshots"), allow(dead_code))]

use thiserror::Error;

use crate::store::{StoreError, StoredEvent};

#[cfg(feature = "snapshots")]
mod codec;
#[cfg(feature = "snapshots")]
pub(crate) use codec::{Reader as SectionReader, Writer as SectionWriter};

/// The snapshot format this build writes and reads. Bump it when the body's shape changes in a
/// way serde cannot read back (a renamed or retyped field of a projection); older snapshots are
/// then ignored and replaced.
pub const FORMAT: u32 = 3;

const MAGIC: &[u8; 8] = b"CBSNAP\r\n";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why a snapshot was not used. Never fatal: the casebook replays its whole log instead.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The bytes are not a Casebook snapshot, or are cut short or damaged.
    #[error("the snapshot is damaged: {0}")]
    Corrupt(String),
    /// Written in another snapshot format.
    #[error("the snapshot is in format {found}; this build reads format {expected}")]
    Format {
        /// The snapshot's format.
        found: u32,
        /// The format this build reads.
        expected: u32,
    },
    /// Written by another version of Casebook.
    #[error("the snapshot was written by Casebook {found}; this is {expected}")]
    Version {
        /// The writer's version.
        found: String,
        /// This version.
        expected: String,
    },
    /// Its position is beyond the end of the log.
    #[error("the snapshot is at position {position} but the log ends at {head}")]
    Ahead {
        /// The snapshot's position.
        position: u64,
        /// The log's head.
        head: u64,
    },
    /// The log at the snapshot's position is not the one the snapshot was taken from.
    #[error("the snapshot does not match the log: {0}")]
    Mismatch(String),
    /// The store failed while reading it.
    #[error("the snapshot could not be read: {0}")]
    Store(#[from] StoreError),
}

impl SnapshotError {
    /// The stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            SnapshotError::Corrupt(_) => "snapshot_corrupt",
            SnapshotError::Format { .. } => "snapshot_format",
            SnapshotError::Version { .. } => "snapshot_version",
            SnapshotError::Ahead { .. } => "snapshot_ahead",
            SnapshotError::Mismatch(_) => "snapshot_mismatch",
            SnapshotError::Store(_) => "snapshot_unreadable",
        }
    }
}

/// How a casebook was opened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Opened {
    /// The whole log was replayed; there was no snapshot (or the store keeps none).
    #[default]
    Replayed,
    /// A snapshot was there but not usable (why), so the whole log was replayed.
    ReplayedIgnoring(SnapshotError),
    /// The snapshot at `position` was loaded, then the `tail` events after it replayed.
    FromSnapshot {
        /// The snapshot's position.
        position: u64,
        /// How many events were replayed after it.
        tail: u64,
    },
}

/// What a snapshot says about the event at its position, to tell whether the log it is read
/// against is the one it was taken from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Anchor {
    pub(crate) stream: String,
    pub(crate) seq: u64,
    pub(crate) sum: u64,
}

impl Anchor {
    /// The anchor of a stored event (the last one a snapshot covers).
    pub(crate) fn of(e: &StoredEvent) -> Anchor {
        Anchor {
            stream: e.stream.clone(),
            seq: e.seq,
            sum: checksum(e.payload.as_bytes()),
        }
    }
}

/// A fast 64-bit checksum (word-wise multiply-rotate); detects damage, not tampering.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = bytes.len() as u64 ^ 0x5851_F42D_4C95_7F2D;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(31);
    }
    let mut last = [0u8; 8];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(last)).wrapping_mul(K);
    h ^ (h >> 29)
}

/// The header of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) format: u32,
    pub(crate) version: String,
    pub(crate) position: u64,
    pub(crate) anchor: Anchor,
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Reads the parts of a header, failing on truncation.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        if self.bytes.len() < n {
            return Err(SnapshotError::Corrupt("cut short".into()));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    fn u32(&mut self) -> Result<u32, SnapshotError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, SnapshotError> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes([
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
        ]))
    }
    fn string(&mut self) -> Result<String, SnapshotError> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| SnapshotError::Corrupt("not UTF-8".into()))
    }
}

/// Bytes of MessagePack per LZ4 block: the body is compressed and decompressed block by block,
/// so neither side holds the whole uncompressed body in memory.
#[cfg(feature = "snapshots")]
const BLOCK: usize = 4 << 20;

/// Compresses what is written to it in blocks of [`BLOCK`] bytes, each as
/// `[compressed length u32][uncompressed length u32][LZ4 block]`.
#[cfg(feature = "snapshots")]
struct Packer<'a> {
    out: &'a mut Vec<u8>,
    pending: Vec<u8>,
}

#[cfg(feature = "snapshots")]
impl Packer<'_> {
    fn flush_block(&mut self) {
        codec::pack_block(self.out, &mut self.pending);
    }
}

#[cfg(feature = "snapshots")]
impl std::io::Write for Packer<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = BLOCK - self.pending.len();
        let n = buf.len().min(room);
        self.pending.extend_from_slice(&buf[..n]);
        if self.pending.len() == BLOCK {
            self.flush_block();
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads the blocks a [`Packer`] wrote, decompressing one at a time.
#[cfg(feature = "snapshots")]
struct Unpacker<'a> {
    packed: &'a [u8],
    block: Vec<u8>,
    at: usize,
}

#[cfg(feature = "snapshots")]
impl std::io::Read for Unpacker<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.block.len() {
            let more = codec::next_block(&mut self.packed, &mut self.block, BLOCK)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
            if !more {
                return Ok(0);
            }
            self.at = 0;
        }
        let n = buf.len().min(self.block.len() - self.at);
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Encodes `body` with its serde derive as a section: MessagePack, structs as maps (so
/// optional, flattened and tagged fields round-trip as in JSON), in LZ4 blocks.
#[cfg(feature = "snapshots")]
pub(crate) fn pack_serde<T: serde::Serialize>(body: &T) -> Result<Vec<u8>, crate::error::Error> {
    let mut out = Vec::new();
    let mut packer = Packer {
        out: &mut out,
        pending: Vec::with_capacity(BLOCK),
    };
    rmp_serde::encode::write_named(
        &mut std::io::BufWriter::with_capacity(1 << 16, &mut packer),
        body,
    )
    .map_err(|e| crate::error::Error::Internal(format!("encoding a snapshot: {e}")))?;
    packer.flush_block();
    Ok(out)
}

/// Decodes a section [`pack_serde`] wrote.
#[cfg(feature = "snapshots")]
pub(crate) fn unpack_serde<T: serde::de::DeserializeOwned>(
    packed: &[u8],
) -> Result<T, SnapshotError> {
    let unpacker = Unpacker {
        packed,
        block: Vec::with_capacity(BLOCK),
        at: 0,
    };
    let reader = std::io::BufReader::with_capacity(1 << 16, unpacker);
    rmp_serde::from_read(reader).map_err(|e| SnapshotError::Corrupt(e.to_string()))
}

/// Encodes a snapshot at `position` (after the event `anchor` describes) whose body is the
/// given sections, each already packed ([`pack_serde`] or a [`SectionWriter`]).
#[cfg(feature = "snapshots")]
pub(crate) fn encode(position: u64, anchor: &Anchor, sections: &[Vec<u8>]) -> Vec<u8> {
    let size: usize = sections.iter().map(|s| s.len() + 8).sum();
    let mut out = Vec::with_capacity(size + 256);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    put_str(&mut out, VERSION);
    out.extend_from_slice(&position.to_le_bytes());
    put_str(&mut out, &anchor.stream);
    out.extend_from_slice(&anchor.seq.to_le_bytes());
    out.extend_from_slice(&anchor.sum.to_le_bytes());
    let lengths = out.len();
    out.extend_from_slice(&[0u8; 16]);
    let start = out.len();
    for s in sections {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s);
    }
    let len = (out.len() - start) as u64;
    let sum = checksum(&out[start..]);
    out[lengths..lengths + 8].copy_from_slice(&len.to_le_bytes());
    out[lengths + 8..lengths + 16].copy_from_slice(&sum.to_le_bytes());
    out
}

/// The sections of a checked body ([`open`]), which must be exactly `count`.
pub(crate) fn sections(body: &[u8], count: usize) -> Result<Vec<&[u8]>, SnapshotError> {
    let mut r = Reader { bytes: body };
    let mut out = Vec::with_capacity(count);
    while !r.bytes.is_empty() {
        let n = usize::try_from(r.u64()?)
            .map_err(|_| SnapshotError::Corrupt("a section is too large".into()))?;
        out.push(r.take(n)?);
    }
    if out.len() != count {
        return Err(SnapshotError::Corrupt(format!(
            "the body has {} sections, not {count}",
            out.len()
        )));
    }
    Ok(out)
}

/// Reads and checks the header of a snapshot the store keeps at `position`: magic, format,
/// version, position, length and checksum. Returns the header and the body.
pub(crate) fn open(data: &[u8], position: u64) -> Result<(Header, &[u8]), SnapshotError> {
    let mut r = Reader { bytes: data };
    if r.take(MAGIC.len()).ok() != Some(MAGIC.as_slice()) {
        return Err(SnapshotError::Corrupt("not a Casebook snapshot".into()));
    }
    let format = r.u32()?;
    if format != FORMAT {
        return Err(SnapshotError::Format {
            found: format,
            expected: FORMAT,
        });
    }
    let version = r.string()?;
    if version != VERSION {
        return Err(SnapshotError::Version {
            found: version,
            expected: VERSION.into(),
        });
    }
    let at = r.u64()?;
    if at != position {
        return Err(SnapshotError::Corrupt(format!(
            "it says position {at}, the store keeps it at {position}"
        )));
    }
    let anchor = Anchor {
        stream: r.string()?,
        seq: r.u64()?,
        sum: r.u64()?,
    };
    let len = r.u64()?;
    let sum = r.u64()?;
    if len != r.bytes.len() as u64 {
        return Err(SnapshotError::Corrupt(format!(
            "the body has {} bytes, the header says {len}",
            r.bytes.len()
        )));
    }
    if checksum(r.bytes) != sum {
        return Err(SnapshotError::Corrupt("checksum mismatch".into()));
    }
    let header = Header {
        format,
        version,
        position,
        anchor,
    };
    Ok((header, r.bytes))
}

#[cfg(all(test, feature = "snapshots"))]
mod tests {
    use super::*;

    fn anchor() -> Anchor {
        Anchor {
            stream: "case/x".into(),
            seq: 3,
            sum: 42,
        }
    }

    fn sample() -> Vec<u8> {
        let names = pack_serde(&vec!["a", "b"]).unwrap();
        let mut w = SectionWriter::default();
        w.u64(5);
        encode(7, &anchor(), &[names, w.finish()])
    }

    #[test]
    fn header_round_trips_and_checks_everything() {
        let data = sample();
        let (h, body) = open(&data, 7).unwrap();
        assert_eq!(
            (h.format, h.version.as_str(), h.position),
            (FORMAT, VERSION, 7)
        );
        assert_eq!(h.anchor, anchor());
        let parts = sections(body, 2).unwrap();
        assert_eq!(
            unpack_serde::<Vec<String>>(parts[0]).unwrap(),
            vec!["a", "b"]
        );
        let mut r = SectionReader::new(parts[1]);
        assert_eq!(r.u64().unwrap(), 5);
        r.finish().unwrap();
        assert_eq!(sections(body, 3).unwrap_err().code(), "snapshot_corrupt");

        assert_eq!(open(&data, 8).unwrap_err().code(), "snapshot_corrupt");
        assert_eq!(open(b"nope", 7).unwrap_err().code(), "snapshot_corrupt");
        assert_eq!(
            open(&data[..data.len() - 1], 7).unwrap_err().code(),
            "snapshot_corrupt"
        );
        let mut flipped = data.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(open(&flipped, 7).unwrap_err().code(), "snapshot_corrupt");
        let mut other = data.clone();
        other[8] = 99;
        assert_eq!(open(&other, 7).unwrap_err().code(), "snapshot_format");
        let mut old = data.clone();
        let v = 8 + 4 + 4;
        old[v] = b'9';
        assert_eq!(open(&old, 7).unwrap_err().code(), "snapshot_version");
        for cut in 0..data.len() {
            assert!(open(&data[..cut], 7).is_err());
        }
        for cut in 0..body.len() {
            assert!(sections(&body[..cut], 2).is_err());
        }
    }

    #[test]
    fn bodies_larger_than_a_block_round_trip() {
        let big: Vec<u64> = (0..1_500_000u64).map(|i| i * 2_654_435_761).collect();
        let packed = pack_serde(&big).unwrap();
        assert_eq!(unpack_serde::<Vec<u64>>(&packed).unwrap(), big);
        // A block cut out of the middle (with a valid checksum) is an error, not a panic.
        let mut r = Reader { bytes: &packed };
        let first = r.u32().unwrap() as usize + 8;
        assert!(unpack_serde::<Vec<u64>>(&packed[first..]).is_err());
        assert!(unpack_serde::<Vec<u64>>(&packed[..first + 3]).is_err());
    }

    #[test]
    fn checksum_sees_every_byte() {
        let base: Vec<u8> = (0..100u8).collect();
        let sum = checksum(&base);
        for i in 0..base.len() {
            let mut b = base.clone();
            b[i] ^= 0x10;
            assert_ne!(checksum(&b), sum, "byte {i}");
        }
        assert_ne!(checksum(&base[..99]), sum);
    }
}
