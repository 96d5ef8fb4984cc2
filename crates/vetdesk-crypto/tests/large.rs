//! A file over 2 GiB through ingest and back, with the process's peak memory measured: the
//! stream never holds more than a few MiB. Alone in its own test binary, so the peak belongs
//! to this test only. Nothing touches the disk: encryption writes into a pipe that decryption
//! reads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, Read, Write};

use sha2::{Digest, Sha256};
use vetdesk_crypto::{DataKey, Threads, decrypt_stream, encrypted_len, hash_and_encrypt};

/// Peak resident memory of this process so far, in MiB (Linux's VmHWM).
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
}

/// Counts and hashes what is written to it, keeping nothing.
struct HashSink {
    hasher: Sha256,
    len: u64,
}
impl Write for HashSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Counts what passes through a writer.
struct Counting<W> {
    inner: W,
    len: u64,
}
impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[test]
fn two_gibibytes_stream_through_in_a_few_mebibytes() {
    let len: u64 = (2 << 30) + 12_345;
    let key = DataKey::generate().unwrap();
    let before = peak_rss_mib();
    let (reader, writer) = io::pipe().unwrap();
    let (ingested, back) = std::thread::scope(|s| {
        let key = &key;
        let enc = s.spawn(move || {
            let input = io::repeat(0x5a).take(len);
            let out = Counting { inner: writer, len: 0 };
            let (got, out) = hash_and_encrypt(input, out, key, Threads::Two).unwrap();
            assert_eq!(out.len, got.encrypted_len);
            got
        });
        let mut sink = HashSink { hasher: Sha256::new(), len: 0 };
        let n = decrypt_stream(reader, &mut sink, key).unwrap();
        assert_eq!(n, sink.len);
        (enc.join().unwrap(), sink)
    });
    let after = peak_rss_mib();
    assert_eq!(ingested.plaintext_len, len);
    assert_eq!(ingested.encrypted_len, encrypted_len(len));
    assert_eq!(back.len, len);
    assert_eq!(ingested.sha256, <[u8; 32]>::from(back.hasher.finalize()));
    assert!(after < before + 64, "peak memory grew from {before} MiB to {after} MiB");
    println!("2 GiB round trip: peak resident memory {before} MiB before, {after} MiB after");
}
