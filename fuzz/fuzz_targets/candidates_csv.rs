//! The candidate CSV reader on any bytes: a refusal names the line, it never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = vetdesk_core::import::parse_candidates_csv(data) {
        let _ = e.to_string();
    }
});
