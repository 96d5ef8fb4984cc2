//! One set of fixtures for every Vetdesk test crate (the CLI's integration tests, the shell's
//! tests, the benchmarks): stores with the four users, vendors and candidates, a case worked the
//! way a real one is, images, a passport MRZ, the `vetdesk` binary as the tests drive it, the
//! PDF tools, dumps of a database, and timing helpers for benchmarks.
//!
//! Helpers fail loudly: they unwrap, and a failure names what broke. Everything here uses only
//! the public API of the core and export crates, as any other client would.

// Test support: panicking with the cause is how a fixture reports a broken setup.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod bench;
pub mod cli;
pub mod db;
pub mod images;
pub mod pg;
pub mod store;
pub mod tools;
pub mod worked;

pub use db::{contains_bytes, copy_dir, dump, files_holding, files_under, rehash_everything};
pub use images::{card_jpeg, photo, png, variant};
pub use store::*;
pub use tools::{artifacts, flowing, peak_rss_kib, run, run_measuring_peak, tool, vetdesk_command};
pub use worked::*;
