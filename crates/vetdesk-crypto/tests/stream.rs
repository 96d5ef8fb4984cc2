//! Streaming file encryption: round trips at the sizes that matter (empty, around and at chunk
//! boundaries, several MiB), every kind of tampering detected with its own typed error, and
//! no panic on arbitrary input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::File;
use std::io::{self, BufReader, Read, Write};

use sha2::{Digest, Sha256};
use vetdesk_crypto::stream::{CHUNK_LEN, HEADER_LEN, SEALED_CHUNK_LEN, TAG_LEN};
use vetdesk_crypto::{
    DataKey, DecryptingReader, EncryptingWriter, StreamError, Threads, decrypt_bytes,
    decrypt_stream, encrypt_bytes, encrypted_len, hash_and_encrypt, inspect_header,
    looks_encrypted,
};

/// Deterministic bytes (xorshift, eight at a time), so failures reproduce.
fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut v = Vec::with_capacity(len + 8);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    v
}

const SIZES: &[usize] = &[
    0,
    1,
    100,
    CHUNK_LEN - 1,
    CHUNK_LEN,
    CHUNK_LEN + 1,
    2 * CHUNK_LEN,
    3 * CHUNK_LEN + 17,
    16 * CHUNK_LEN,
    16 * CHUNK_LEN + 1,
    5 * 1024 * 1024 + 3,
];

#[test]
fn round_trips_at_every_size_including_empty_and_exact_chunk_multiples() {
    let key = DataKey::generate().unwrap();
    for (i, &len) in SIZES.iter().enumerate() {
        let plain = data(len, i as u64);
        let sealed = encrypt_bytes(&plain, &key).unwrap();
        assert_eq!(sealed.len() as u64, encrypted_len(len as u64), "length of {len} bytes");
        assert!(looks_encrypted(&sealed));
        assert_eq!(inspect_header(&sealed).unwrap().key_id, key.id());
        assert_eq!(decrypt_bytes(&sealed, &key).unwrap(), plain, "round trip of {len} bytes");
    }
}

#[test]
fn chunk_layout_is_as_documented() {
    let key = DataKey::generate().unwrap();
    assert_eq!(encrypt_bytes(&[], &key).unwrap().len(), HEADER_LEN + TAG_LEN);
    // An exact multiple ends with a full final chunk, not an extra empty one.
    let two = encrypt_bytes(&data(2 * CHUNK_LEN, 1), &key).unwrap();
    assert_eq!(two.len(), HEADER_LEN + 2 * SEALED_CHUNK_LEN);
}

#[test]
fn odd_write_and_read_sizes_give_the_same_result() {
    let key = DataKey::generate().unwrap();
    let plain = data(3 * CHUNK_LEN + 1234, 7);
    let mut out = Vec::new();
    let mut w = EncryptingWriter::new(&mut out, &key).unwrap();
    let mut rest = &plain[..];
    let steps = [1usize, 7, CHUNK_LEN - 8, CHUNK_LEN, 2 * CHUNK_LEN + 5, 3];
    let mut i = 0;
    while !rest.is_empty() {
        let n = steps[i % steps.len()].min(rest.len());
        w.write_all(&rest[..n]).unwrap();
        w.flush().unwrap();
        rest = &rest[n..];
        i += 1;
    }
    let (_, written) = w.finish().unwrap();
    assert_eq!(written as usize, out.len());
    let mut r = DecryptingReader::new(&out[..], &key).unwrap();
    let mut back = Vec::new();
    let mut buf = [0u8; 1000];
    loop {
        let n = r.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        back.extend_from_slice(&buf[..n]);
    }
    assert_eq!(back, plain);
}

#[test]
fn the_same_file_encrypts_differently_each_time() {
    let key = DataKey::generate().unwrap();
    let plain = data(1000, 3);
    let a = encrypt_bytes(&plain, &key).unwrap();
    let b = encrypt_bytes(&plain, &key).unwrap();
    assert_ne!(a, b, "fresh salt and nonce prefix per file");
    assert_ne!(a[HEADER_LEN..], b[HEADER_LEN..]);
}

#[test]
fn files_on_disk_round_trip_through_the_streaming_types() {
    let dir = tempfile::tempdir().unwrap();
    let key = DataKey::generate().unwrap();
    let plain = data(3 * 1024 * 1024 + 99, 11);
    std::fs::write(dir.path().join("plain.bin"), &plain).unwrap();
    let src = File::open(dir.path().join("plain.bin")).unwrap();
    let dst = File::create(dir.path().join("sealed.bin")).unwrap();
    let (got, file) = hash_and_encrypt(src, dst, &key, Threads::Auto).unwrap();
    file.sync_all().unwrap();
    assert_eq!(got.sha256, <[u8; 32]>::from(Sha256::digest(&plain)));
    assert_eq!(std::fs::metadata(dir.path().join("sealed.bin")).unwrap().len(), got.encrypted_len);
    let sealed = BufReader::new(File::open(dir.path().join("sealed.bin")).unwrap());
    let mut back = File::create(dir.path().join("back.bin")).unwrap();
    assert_eq!(decrypt_stream(sealed, &mut back, &key).unwrap(), plain.len() as u64);
    assert_eq!(std::fs::read(dir.path().join("back.bin")).unwrap(), plain);
    // The plaintext appears nowhere in the encrypted file.
    let raw = std::fs::read(dir.path().join("sealed.bin")).unwrap();
    assert!(!raw.windows(32).any(|w| w == &plain[1000..1032]));
}

#[test]
fn hash_and_encrypt_agrees_on_one_and_two_threads_at_every_size() {
    let key = DataKey::generate().unwrap();
    for (i, &len) in SIZES.iter().chain(&[48 * CHUNK_LEN, 48 * CHUNK_LEN + 5]).enumerate() {
        let plain = data(len, 100 + i as u64);
        let want: [u8; 32] = Sha256::digest(&plain).into();
        for threads in [Threads::One, Threads::Two, Threads::Auto] {
            let (got, out) = hash_and_encrypt(&plain[..], Vec::new(), &key, threads).unwrap();
            assert_eq!(got.sha256, want, "{len} bytes on {threads:?}");
            assert_eq!(got.plaintext_len, len as u64);
            assert_eq!(got.encrypted_len, out.len() as u64);
            assert_eq!(decrypt_bytes(&out, &key).unwrap(), plain, "{len} bytes on {threads:?}");
        }
    }
}

/// A reader that fails after some bytes, like a disk read error.
struct FailingReader {
    left: usize,
}
impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::other("disk read error"));
        }
        let n = buf.len().min(self.left);
        buf[..n].fill(5);
        self.left -= n;
        Ok(n)
    }
}

#[test]
fn a_failing_input_is_an_io_error_on_either_path() {
    let key = DataKey::generate().unwrap();
    for threads in [Threads::One, Threads::Two] {
        let err =
            hash_and_encrypt(FailingReader { left: 5 * 1024 * 1024 }, Vec::new(), &key, threads)
                .unwrap_err();
        assert!(
            matches!(err, StreamError::Io(ref e) if e.to_string().contains("disk read error")),
            "{err}"
        );
    }
}

// ---- tampering ------------------------------------------------------------------------------

fn sealed_chunks(n_full: usize, tail: usize) -> (DataKey, Vec<u8>, Vec<u8>) {
    let key = DataKey::generate().unwrap();
    let plain = data(n_full * CHUNK_LEN + tail, 42);
    let sealed = encrypt_bytes(&plain, &key).unwrap();
    (key, plain, sealed)
}

fn chunk_start(i: usize) -> usize {
    HEADER_LEN + i * SEALED_CHUNK_LEN
}

fn flipped(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut v = bytes.to_vec();
    v[at] ^= 0x01;
    v
}

#[test]
fn every_header_field_is_checked() {
    let (key, _, sealed) = sealed_chunks(1, 10);
    let err = |bytes: &[u8]| decrypt_bytes(bytes, &key).unwrap_err();
    assert!(matches!(err(&flipped(&sealed, 0)), StreamError::NotEncrypted));
    assert!(matches!(err(&flipped(&sealed, 8)), StreamError::UnsupportedVersion(0)));
    assert!(matches!(err(&flipped(&sealed, 9)), StreamError::UnsupportedAlgorithm(0)));
    assert!(matches!(err(&flipped(&sealed, 12)), StreamError::WrongKey { .. }));
    for at in [26, 40, 57, 58, 64, 65, 80, HEADER_LEN - 1] {
        // salt, nonce prefix, MAC
        assert!(matches!(err(&flipped(&sealed, at)), StreamError::HeaderTampered), "byte {at}");
    }
    assert!(
        matches!(err(&sealed[..HEADER_LEN - 1]), StreamError::TruncatedHeader { got } if got == HEADER_LEN - 1)
    );
    assert!(matches!(err(&sealed[..5]), StreamError::NotEncrypted));
    assert!(matches!(err(b""), StreamError::NotEncrypted));
    assert!(matches!(
        err(b"%PDF-1.7 not encrypted at all, just a plain file"),
        StreamError::NotEncrypted
    ));
}

#[test]
fn a_flipped_byte_in_any_chunk_or_tag_names_that_chunk() {
    let (key, _, sealed) = sealed_chunks(3, 500);
    let cases = [
        (chunk_start(0), 0),                 // first byte of chunk 0
        (chunk_start(1) - 1, 0),             // last byte of chunk 0's tag
        (chunk_start(1) + CHUNK_LEN / 2, 1), // middle of chunk 1
        (chunk_start(2) + CHUNK_LEN + 3, 2), // chunk 2's tag
        (chunk_start(3) + 10, 3),            // the short final chunk
        (sealed.len() - 1, 3),               // the final tag's last byte
    ];
    for (at, index) in cases {
        let e = decrypt_bytes(&flipped(&sealed, at), &key).unwrap_err();
        assert!(
            matches!(e, StreamError::ChunkTampered { index: i } if i == index),
            "byte {at}: {e}"
        );
    }
}

#[test]
fn cutting_the_file_at_a_chunk_boundary_or_dropping_the_last_chunk_is_truncation() {
    // Exact multiple: dropping the full final chunk leaves full non-final chunks only.
    let (key, _, sealed) = sealed_chunks(3, 0);
    let e = decrypt_bytes(&sealed[..chunk_start(2)], &key).unwrap_err();
    assert!(matches!(e, StreamError::Truncated { chunks: 2 }), "{e}");
    let e = decrypt_bytes(&sealed[..chunk_start(1)], &key).unwrap_err();
    assert!(matches!(e, StreamError::Truncated { chunks: 1 }), "{e}");
    // Nothing after the header at all.
    let e = decrypt_bytes(&sealed[..HEADER_LEN], &key).unwrap_err();
    assert!(matches!(e, StreamError::Truncated { chunks: 0 }), "{e}");
    // A short final chunk dropped.
    let (key, _, sealed) = sealed_chunks(2, 77);
    let e = decrypt_bytes(&sealed[..chunk_start(2)], &key).unwrap_err();
    assert!(matches!(e, StreamError::Truncated { chunks: 2 }), "{e}");
    // Cut inside a chunk: that chunk fails.
    let e = decrypt_bytes(&sealed[..chunk_start(1) + 1000], &key).unwrap_err();
    assert!(matches!(e, StreamError::ChunkTampered { index: 1 }), "{e}");
    let e = decrypt_bytes(&sealed[..chunk_start(1) + 5], &key).unwrap_err();
    assert!(matches!(e, StreamError::ChunkTampered { index: 1 }), "{e}");
}

#[test]
fn swapping_or_repeating_chunks_is_detected() {
    let (key, _, sealed) = sealed_chunks(3, 9);
    let mut swapped = sealed.clone();
    let (a, b) = (chunk_start(0), chunk_start(1));
    let first = sealed[a..b].to_vec();
    swapped[a..b].copy_from_slice(&sealed[b..b + SEALED_CHUNK_LEN]);
    swapped[b..b + SEALED_CHUNK_LEN].copy_from_slice(&first);
    let e = decrypt_bytes(&swapped, &key).unwrap_err();
    assert!(matches!(e, StreamError::ChunkTampered { index: 0 }), "{e}");

    // Chunk 1 replaced by a copy of chunk 0.
    let mut repeated = sealed.clone();
    repeated[b..b + SEALED_CHUNK_LEN].copy_from_slice(&first);
    let e = decrypt_bytes(&repeated, &key).unwrap_err();
    assert!(matches!(e, StreamError::ChunkTampered { index: 1 }), "{e}");
}

#[test]
fn anything_appended_after_the_final_chunk_is_refused() {
    // A full final chunk followed by an appended copy of a chunk: trailing data.
    let (key, _, sealed) = sealed_chunks(2, 0);
    let mut appended = sealed.clone();
    appended.extend_from_slice(&sealed[chunk_start(0)..chunk_start(1)]);
    let e = decrypt_bytes(&appended, &key).unwrap_err();
    assert!(matches!(e, StreamError::TrailingData { final_index: 1 }), "{e}");
    let mut one_byte = sealed.clone();
    one_byte.push(0);
    let e = decrypt_bytes(&one_byte, &key).unwrap_err();
    assert!(matches!(e, StreamError::TrailingData { final_index: 1 }), "{e}");
    // A short final chunk with bytes after it no longer authenticates as any chunk.
    let (key, _, sealed) = sealed_chunks(1, 300);
    let mut appended = sealed.clone();
    appended.extend_from_slice(&sealed[chunk_start(0)..chunk_start(1)]);
    let e = decrypt_bytes(&appended, &key).unwrap_err();
    assert!(matches!(e, StreamError::ChunkTampered { index: 1 }), "{e}");
}

#[test]
fn chunks_moved_between_two_files_under_the_same_key_do_not_open() {
    let key = DataKey::generate().unwrap();
    let a = encrypt_bytes(&data(3 * CHUNK_LEN, 1), &key).unwrap();
    let b = encrypt_bytes(&data(3 * CHUNK_LEN, 2), &key).unwrap();
    for i in 0..3 {
        let mut mixed = a.clone();
        mixed[chunk_start(i)..chunk_start(i + 1)]
            .copy_from_slice(&b[chunk_start(i)..chunk_start(i + 1)]);
        let e = decrypt_bytes(&mixed, &key).unwrap_err();
        assert!(matches!(e, StreamError::ChunkTampered { index } if index as usize == i), "{e}");
    }
    // b's header on a's body: the header is b's own (MAC fine), a's chunks fail under b's key.
    let mut spliced = b[..HEADER_LEN].to_vec();
    spliced.extend_from_slice(&a[HEADER_LEN..]);
    let e = decrypt_bytes(&spliced, &key).unwrap_err();
    assert!(matches!(e, StreamError::ChunkTampered { index: 0 }), "{e}");
}

#[test]
fn another_key_is_refused_before_any_decryption() {
    let (key, _, sealed) = sealed_chunks(1, 1);
    let other = DataKey::generate().unwrap();
    match decrypt_bytes(&sealed, &other).unwrap_err() {
        StreamError::WrongKey { file, given } => {
            assert_eq!(file, key.id());
            assert_eq!(given, other.id());
        }
        e => panic!("{e}"),
    }
}

#[test]
fn the_reader_releases_only_authenticated_chunks_and_stays_failed() {
    let (key, plain, sealed) = sealed_chunks(4, 0);
    let bad = flipped(&sealed, chunk_start(2) + 5);
    let mut r = DecryptingReader::new(&bad[..], &key).unwrap();
    let mut got = Vec::new();
    let mut buf = vec![0u8; 10_000];
    let err = loop {
        match r.read(&mut buf) {
            Ok(0) => panic!("a tampered stream read to its end"),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => break e,
        }
    };
    assert_eq!(got, plain[..2 * CHUNK_LEN], "exactly the two intact chunks came out");
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert!(matches!(StreamError::from(err), StreamError::ChunkTampered { index: 2 }));
    // Reading on repeats the failure instead of skipping the bad chunk.
    let again = r.read(&mut buf).unwrap_err();
    assert!(matches!(StreamError::from(again), StreamError::ChunkTampered { index: 2 }));
}

#[test]
fn finish_checks_the_rest_of_the_stream() {
    let (key, _, sealed) = sealed_chunks(3, 0);
    let mut r = DecryptingReader::new(&sealed[..chunk_start(2)], &key).unwrap();
    let mut first = [0u8; 10];
    r.read_exact(&mut first).unwrap();
    assert!(matches!(r.finish().unwrap_err(), StreamError::Truncated { chunks: 2 }));
}

#[test]
fn an_unfinished_writer_leaves_a_stream_that_reads_as_cut_short() {
    let key = DataKey::generate().unwrap();
    let mut out = Vec::new();
    {
        let mut w = EncryptingWriter::new(&mut out, &key).unwrap();
        w.write_all(&data(3 * CHUNK_LEN + 10, 5)).unwrap();
        w.flush().unwrap();
        // dropped without finish(), as in a crash
    }
    let e = decrypt_bytes(&out, &key).unwrap_err();
    assert!(matches!(e, StreamError::Truncated { chunks: 3 }), "{e}");
}

// ---- no panics --------------------------------------------------------------------------

#[test]
fn arbitrary_bytes_and_mutations_never_panic_and_never_decrypt() {
    let key = DataKey::generate().unwrap();
    let plain = data(2 * CHUNK_LEN + 333, 9);
    let sealed = encrypt_bytes(&plain, &key).unwrap();
    let mut x: u64 = 0x1234_5678_9abc_def1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..400 {
        let mut m = sealed.clone();
        match round % 5 {
            0 => {
                let at = (next() as usize) % m.len();
                m[at] ^= 1 << (next() % 8);
            }
            1 => m.truncate((next() as usize) % m.len()),
            2 => {
                let at = (next() as usize) % m.len();
                m.insert(at, next() as u8);
            }
            3 => {
                let at = (next() as usize) % m.len();
                m.remove(at);
            }
            _ => {
                // random garbage behind a valid header
                let len = (next() as usize) % (3 * SEALED_CHUNK_LEN);
                m.truncate(HEADER_LEN);
                m.extend((0..len).map(|_| next() as u8));
            }
        }
        assert!(decrypt_bytes(&m, &key).is_err(), "mutation {round} decrypted");
    }
    for len in [0usize, 1, 8, 9, HEADER_LEN, HEADER_LEN + 15, HEADER_LEN + 16, 5000] {
        let junk: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        assert!(decrypt_bytes(&junk, &key).is_err());
        let mut with_magic = sealed[..8.min(len)].to_vec();
        with_magic.extend_from_slice(&junk[with_magic.len().min(junk.len())..]);
        assert!(decrypt_bytes(&with_magic, &key).is_err());
    }
}
