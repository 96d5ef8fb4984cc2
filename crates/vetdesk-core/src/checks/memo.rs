//! A small per-thread memo for the pure normalisers (phone numbers, postal addresses): one
//! import or re-flagging reads the same value several times over (tidying, link keys, every
//! rule that looks at it), and parsing it again each time was a third of an import's time. The
//! answer depends only on the text, so a remembered one is the same answer.

use std::cell::RefCell;
use std::collections::HashMap;
use std::thread::LocalKey;

/// Entries kept per normaliser and thread; the memo is emptied when it fills, so memory stays
/// bounded whatever the size of an import (an entry is a few hundred bytes: a few MB at most).
/// Large enough that the values an import's rows read are still remembered when its cases are
/// re-flagged at the end: at 4,096 the memo was emptied several times during a 20,000-row
/// import and every phone number was parsed again by the rules (a tenth of its CPU time).
const CAPACITY: usize = 32_768;

pub(crate) type Memo<V> = RefCell<HashMap<String, V>>;

/// The value remembered for `key`, or `make()`'s (then remembered).
pub(crate) fn remembered<V: Clone>(
    memo: &'static LocalKey<Memo<V>>,
    key: &str,
    make: impl FnOnce() -> V,
) -> V {
    if let Some(found) = memo.with(|m| m.borrow().get(key).cloned()) {
        return found;
    }
    let value = make();
    memo.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= CAPACITY {
            m.clear();
        }
        m.insert(key.to_string(), value.clone());
    });
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static SQUARES: Memo<u64> = RefCell::new(HashMap::new());
    }

    #[test]
    fn a_remembered_value_is_returned_without_making_it_again_and_the_memo_stays_bounded() {
        let mut made = 0;
        for _ in 0..3 {
            let v = remembered(&SQUARES, "12", || {
                made += 1;
                144
            });
            assert_eq!(v, 144);
        }
        assert_eq!(made, 1);
        for i in 0..(CAPACITY as u64 * 2) {
            assert_eq!(remembered(&SQUARES, &i.to_string(), || i * i), i * i);
        }
        assert!(SQUARES.with(|m| m.borrow().len()) <= CAPACITY);
    }
}
