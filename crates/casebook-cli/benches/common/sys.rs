//! System probes: resident memory, the machine's fsync rate, and a counting allocator that
//! tells exactly how many heap bytes are live.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

static LIVE: AtomicIsize = AtomicIsize::new(0);

/// The system allocator, counting the bytes currently allocated.
pub struct Counting;

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        p
    }
}

/// Heap bytes currently allocated through [`Counting`] (requested sizes, without allocator
/// overhead).
pub fn live_heap() -> i64 {
    LIVE.load(Ordering::Relaxed) as i64
}

/// The resident set size of this process, from /proc/self/status.
pub fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Writes 64 bytes at the start of a file in `dir` and fdatasyncs it, `iters` times: the
/// physical limit of one durable commit each.
pub fn fsync_loop(dir: &Path, iters: u64) -> std::io::Result<Duration> {
    let mut f = File::create(dir.join("fsync-probe"))?;
    let block = [0x5au8; 64];
    f.write_all(&block)?;
    f.sync_all()?;
    let start = Instant::now();
    for _ in 0..iters {
        f.seek(SeekFrom::Start(0))?;
        f.write_all(&block)?;
        f.sync_data()?;
    }
    Ok(start.elapsed())
}
