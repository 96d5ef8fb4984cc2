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

thread_local! {
    /// The entries kept now: `CAPACITY`, or more while a [`Widened`] lives.
    static HELD: std::cell::Cell<usize> = const { std::cell::Cell::new(CAPACITY) };
}

/// Keeps up to `entries` per memo on this thread while it lives. An import of more rows than
/// `CAPACITY` re-flags every case at its end, and a memo emptied in between made it parse
/// most phone numbers and addresses a second time (a sixth of a 100,000-row import's time).
/// The memory is the import's for as long as it runs: a few hundred bytes per row.
pub(crate) struct Widened(usize);

impl Widened {
    pub(crate) fn to(entries: usize) -> Widened {
        let before = HELD.with(|h| h.replace(h.get().max(entries)));
        Widened(before)
    }
}

impl Drop for Widened {
    fn drop(&mut self) {
        HELD.with(|h| h.set(self.0));
    }
}

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
        if m.len() >= HELD.with(std::cell::Cell::get) {
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

    #[test]
    fn a_widened_memo_keeps_more_while_it_lives_and_is_bounded_again_after() {
        let wide = CAPACITY * 2;
        {
            let _wide = Widened::to(wide);
            for i in 0..wide as u64 {
                remembered(&SQUARES, &format!("w{i}"), || i);
            }
            assert_eq!(SQUARES.with(|m| m.borrow().len()), wide, "nothing was forgotten");
            let mut made = false;
            remembered(&SQUARES, "w0", || {
                made = true;
                0
            });
            assert!(!made, "the first value is still remembered");
        }
        // Past the end of the widening, the next new value empties the memo again.
        remembered(&SQUARES, "after", || 1);
        assert!(SQUARES.with(|m| m.borrow().len()) <= CAPACITY);
    }
}
