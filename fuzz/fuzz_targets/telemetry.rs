//! The sign-in and device telemetry readers on any bytes, format sniffed.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = chrono::DateTime::from_timestamp(1_796_083_200, 0).unwrap_or_default();
    let parsed = vetdesk_telemetry::parse_any(data, None, now);
    let _ = parsed.report.to_string();
});
