//! The compact encoding of a snapshot's large, fixed-shape sections (the case table, the SLA
//! signals, the similar-case index): varints, length-prefixed text, instants as integers, no
//! field names. Each section is written as records and compressed in LZ4 blocks that end on a
//! record boundary, so a reader decodes straight from one decompressed block at a time.

use chrono::{DateTime, Utc};

use super::SnapshotError;

/// Bytes of records gathered before a block is compressed (a block ends after the record that
/// reaches it, so one large record makes one larger block).
const BLOCK: usize = 1 << 20;
/// The largest block a reader accepts.
const MAX_BLOCK: usize = 1 << 30;

fn corrupt(what: &str) -> SnapshotError {
    SnapshotError::Corrupt(what.to_string())
}

/// Writes one section: values into records, records into compressed blocks.
pub(crate) struct Writer {
    out: Vec<u8>,
    pending: Vec<u8>,
}

impl Default for Writer {
    fn default() -> Self {
        Writer {
            out: Vec::new(),
            pending: Vec::with_capacity(BLOCK + (BLOCK >> 2)),
        }
    }
}

impl Writer {
    /// An unsigned integer (LEB128).
    pub(crate) fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.pending.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.pending.push(v as u8);
    }

    /// A signed integer (zigzag, then LEB128).
    pub(crate) fn i64(&mut self, v: i64) {
        self.u64(((v << 1) ^ (v >> 63)) as u64);
    }

    /// A byte.
    pub(crate) fn u8(&mut self, v: u8) {
        self.pending.push(v);
    }

    /// Bytes, length first.
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.pending.extend_from_slice(b);
    }

    /// Text, length first.
    pub(crate) fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    /// Optional text: 0 for none, else its length plus one, then the text.
    pub(crate) fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u64(0),
            Some(s) => {
                self.u64(s.len() as u64 + 1);
                self.pending.extend_from_slice(s.as_bytes());
            }
        }
    }

    /// An instant: seconds since the epoch and nanoseconds.
    pub(crate) fn instant(&mut self, t: &DateTime<Utc>) {
        self.i64(t.timestamp());
        self.u64(u64::from(t.timestamp_subsec_nanos()));
    }

    /// Ends a record: the block is compressed once it is large enough.
    pub(crate) fn end_record(&mut self) {
        if self.pending.len() >= BLOCK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        pack_block(&mut self.out, &mut self.pending);
    }

    /// The compressed section.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.flush();
        self.out
    }
}

/// Appends `pending` to `out` as one block,
/// `[compressed length u32][uncompressed length u32][LZ4 block]`, and empties it.
pub(super) fn pack_block(out: &mut Vec<u8>, pending: &mut Vec<u8>) {
    if pending.is_empty() {
        return;
    }
    let packed = lz4_flex::block::compress(pending);
    out.extend_from_slice(&(packed.len() as u32).to_le_bytes());
    out.extend_from_slice(&(pending.len() as u32).to_le_bytes());
    out.extend_from_slice(&packed);
    pending.clear();
}

/// Decompresses the next block of `packed` into `block`. False at the end.
pub(super) fn next_block(
    packed: &mut &[u8],
    block: &mut Vec<u8>,
    max: usize,
) -> Result<bool, SnapshotError> {
    if packed.is_empty() {
        return Ok(false);
    }
    if packed.len() < 8 {
        return Err(corrupt("a block header is cut short"));
    }
    let len = u32::from_le_bytes([packed[0], packed[1], packed[2], packed[3]]) as usize;
    let plain = u32::from_le_bytes([packed[4], packed[5], packed[6], packed[7]]) as usize;
    if plain > max {
        return Err(corrupt("a block is larger than blocks are"));
    }
    let Some(bytes) = packed.get(8..8 + len) else {
        return Err(corrupt("a block is cut short"));
    };
    block.resize(plain, 0);
    let n = lz4_flex::block::decompress_into(bytes, block)
        .map_err(|e| SnapshotError::Corrupt(e.to_string()))?;
    if n != plain {
        return Err(corrupt("a block decompresses to another length"));
    }
    *packed = &packed[8 + len..];
    Ok(true)
}

/// Reads a section a [`Writer`] wrote, one decompressed block at a time. Every read fails
/// (never panics) on a section that is cut short or damaged.
pub(crate) struct Reader<'a> {
    packed: &'a [u8],
    block: Vec<u8>,
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader of the section `packed`.
    pub(crate) fn new(packed: &'a [u8]) -> Self {
        Reader {
            packed,
            block: Vec::new(),
            at: 0,
        }
    }

    /// Makes sure the current block has bytes left (values never span two blocks).
    #[inline]
    fn fill(&mut self) -> Result<(), SnapshotError> {
        if self.at == self.block.len() {
            if !next_block(&mut self.packed, &mut self.block, MAX_BLOCK)? {
                return Err(corrupt("a section is cut short"));
            }
            self.at = 0;
        }
        Ok(())
    }

    #[inline]
    fn take(&mut self, n: usize) -> Result<&[u8], SnapshotError> {
        if n == 0 {
            return Ok(&[]);
        }
        self.fill()?;
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.block.len())
            .ok_or_else(|| corrupt("a value runs past its block"))?;
        let out = &self.block[self.at..end];
        self.at = end;
        Ok(out)
    }

    /// See [`Writer::u64`].
    #[inline]
    pub(crate) fn u64(&mut self) -> Result<u64, SnapshotError> {
        self.fill()?;
        let mut v = 0u64;
        let mut shift = 0u32;
        loop {
            let Some(&b) = self.block.get(self.at) else {
                return Err(corrupt("a number runs past its block"));
            };
            self.at += 1;
            if shift == 63 && b > 1 {
                return Err(corrupt("a number is too large"));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(corrupt("a number is too long"));
            }
        }
    }

    /// A [`Writer::u64`] that must fit in a `u32`.
    pub(crate) fn u32(&mut self) -> Result<u32, SnapshotError> {
        u32::try_from(self.u64()?).map_err(|_| corrupt("a number is too large"))
    }

    /// A count of things each taking at least `min` bytes somewhere in the section: a damaged
    /// count cannot make the reader reserve more than the data could hold.
    pub(crate) fn count(&mut self, min: usize) -> Result<usize, SnapshotError> {
        let n = self.u64()?;
        let cap = ((self.packed.len() + self.block.len() - self.at) as u64).saturating_mul(256)
            / min.max(1) as u64;
        if n > cap {
            return Err(corrupt("a count is larger than the section"));
        }
        Ok(n as usize)
    }

    /// See [`Writer::i64`].
    pub(crate) fn i64(&mut self) -> Result<i64, SnapshotError> {
        let v = self.u64()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    /// See [`Writer::u8`].
    pub(crate) fn u8(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.take(1)?[0])
    }

    /// A byte that must be 0 or 1.
    pub(crate) fn bool(&mut self) -> Result<bool, SnapshotError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(corrupt("a flag is neither 0 nor 1")),
        }
    }

    /// See [`Writer::bytes`].
    pub(crate) fn bytes(&mut self) -> Result<&[u8], SnapshotError> {
        let n = usize::try_from(self.u64()?).map_err(|_| corrupt("a length is too large"))?;
        self.take(n)
    }

    /// See [`Writer::str`].
    pub(crate) fn str(&mut self) -> Result<String, SnapshotError> {
        let b = self.bytes()?;
        std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| corrupt("a text is not UTF-8"))
    }

    /// See [`Writer::opt_str`].
    pub(crate) fn opt_str(&mut self) -> Result<Option<String>, SnapshotError> {
        let n = usize::try_from(self.u64()?).map_err(|_| corrupt("a length is too large"))?;
        if n == 0 {
            return Ok(None);
        }
        let b = self.take(n - 1)?;
        std::str::from_utf8(b)
            .map(|s| Some(s.to_owned()))
            .map_err(|_| corrupt("a text is not UTF-8"))
    }

    /// See [`Writer::instant`].
    pub(crate) fn instant(&mut self) -> Result<DateTime<Utc>, SnapshotError> {
        let secs = self.i64()?;
        let nanos = self.u32()?;
        DateTime::from_timestamp(secs, nanos).ok_or_else(|| corrupt("an instant is out of range"))
    }

    /// Fails unless the whole section was read.
    pub(crate) fn finish(mut self) -> Result<(), SnapshotError> {
        if self.at != self.block.len() || next_block(&mut self.packed, &mut self.block, MAX_BLOCK)?
        {
            return Err(corrupt("a section has bytes after its end"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_across_blocks_and_damage_is_an_error() {
        let mut w = Writer::default();
        let t = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        let long = "x".repeat(3 * BLOCK);
        for i in 0..200_000u64 {
            w.u64(i * 7919);
            w.i64(-(i as i64));
            w.str("héllo");
            w.opt_str(None);
            w.opt_str(Some(""));
            w.instant(&t);
            w.u8(1);
            if i == 100 {
                w.str(&long);
            }
            w.end_record();
        }
        w.u64(u64::MAX);
        w.end_record();
        let packed = w.finish();
        let mut r = Reader::new(&packed);
        for i in 0..200_000u64 {
            assert_eq!(r.u64().unwrap(), i * 7919);
            assert_eq!(r.i64().unwrap(), -(i as i64));
            assert_eq!(r.str().unwrap(), "héllo");
            assert_eq!(r.opt_str().unwrap(), None);
            assert_eq!(r.opt_str().unwrap(), Some(String::new()));
            assert_eq!(r.instant().unwrap(), t);
            assert!(r.bool().unwrap());
            if i == 100 {
                assert_eq!(r.str().unwrap().len(), long.len());
            }
        }
        assert_eq!(r.u64().unwrap(), u64::MAX);
        r.finish().unwrap();

        // Cut short anywhere, or read past its end: an error.
        for cut in [0, 7, 9, packed.len() / 2, packed.len() - 1] {
            let mut r = Reader::new(&packed[..cut]);
            let mut failed = false;
            // Every read takes a byte or more, so this reaches the cut.
            for _ in 0..20_000_000 {
                if r.u64().is_err() {
                    failed = true;
                    break;
                }
            }
            assert!(failed, "cut at {cut}");
        }
        let mut r = Reader::new(&packed);
        assert!(r.count(1_000_000_000).is_ok_and(|n| n == 0));
        let mut w = Writer::default();
        w.u64(u64::MAX);
        let huge = w.finish();
        assert!(Reader::new(&huge).count(8).is_err());
        assert!(Reader::new(&huge).u32().is_err());
        let mut w = Writer::default();
        w.bytes(&[0xff, 0xfe]);
        assert!(Reader::new(&w.finish()).str().is_err());
    }
}
