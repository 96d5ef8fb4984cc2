//! `verify-pack` on any archive: refused, unreadable or checked, never a panic that escapes.
#![no_main]
use std::io::Cursor;
use std::sync::Once;

use libfuzzer_sys::fuzz_target;

static QUIET: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    // The PDF parser's panics are caught inside the verifier by design; libfuzzer-sys's hook
    // would abort on those. A panic that escapes the verifier still aborts the run.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = vetdesk_export::pack::verify_pack_reader(Cursor::new(data), "fuzz.zip", None, &mut |_| {});
});
