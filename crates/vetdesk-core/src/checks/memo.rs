//! A small per-thread memo for the pure normalisers (phone numbers, postal addresses): one
//! import or re-flagging reads the same value several times over (tidying, link keys, every
//! rule that looks at it), and parsing it again each time was a third of an import's time. The
//! answer depends only on the text, so a remembered one is the same answer.
//!
//! A bulk writer can also have the values it will ask for made ahead on a second thread
//! ([`read_ahead`]): they are handed over to the asking thread's memo, so parsing runs beside
//! the database work instead of in front of it.

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
    remember(memo, key.to_string(), value.clone());
    value
}

fn remember<V>(memo: &'static LocalKey<Memo<V>>, key: String, value: V) {
    memo.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= HELD.with(std::cell::Cell::get) {
            m.clear();
        }
        m.insert(key, value);
    });
}

/// A value made on one thread, to be remembered on the thread that runs it.
pub(crate) struct Made(Box<dyn FnOnce() + Send>);

impl Made {
    /// `value`, made elsewhere for `key`, to be remembered in `memo` of the thread that
    /// takes it.
    pub(crate) fn new<V: Send + 'static>(
        memo: &'static LocalKey<Memo<V>>,
        key: String,
        value: V,
    ) -> Made {
        Made(Box::new(move || remember(memo, key, value)))
    }
}

/// Values made ahead on a helper thread (see [`read_ahead`]), remembered by `take`.
pub(crate) struct Ahead(std::sync::mpsc::Receiver<Made>);

impl Ahead {
    /// Remembers on this thread every value made so far; never waits for more. A value not
    /// made yet is simply made by whoever asks for it first.
    pub(crate) fn take(&self) {
        while let Ok(made) = self.0.try_recv() {
            (made.0)();
        }
    }
}

/// Values the helper may have made and not yet handed over: it stays this far ahead at most,
/// so its memory is bounded whatever the number of items.
const AHEAD: usize = 16_384;

/// Starts a helper thread in `scope` that runs `read` over `items` in order, each call handing
/// over the values one item will ask for. The helper stops at the last item, or as soon as
/// the returned `Ahead` is dropped (its caller failed or finished).
pub(crate) fn read_ahead<'scope, T: Sync>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    items: &'scope [T],
    read: impl Fn(&T, &mut dyn FnMut(Made) -> bool) + Send + 'scope,
) -> Ahead {
    let (tx, rx) = std::sync::mpsc::sync_channel(AHEAD);
    scope.spawn(move || {
        let mut open = true;
        for item in items {
            read(item, &mut |made| {
                open = open && tx.send(made).is_ok();
                open
            });
            if !open {
                break;
            }
        }
    });
    Ahead(rx)
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

    #[test]
    fn values_made_ahead_on_another_thread_are_remembered_here_once_taken() {
        let items: Vec<u64> = (1000..1100).collect();
        std::thread::scope(|scope| {
            let ahead = read_ahead(scope, &items, |i, hand_over| {
                hand_over(Made::new(&SQUARES, format!("a{i}"), i * i));
            });
            // Whatever was handed over so far is taken; wait until everything was.
            let mut taken = 0;
            while taken < items.len() {
                ahead.take();
                taken = items
                    .iter()
                    .filter(|i| SQUARES.with(|m| m.borrow().contains_key(&format!("a{i}"))))
                    .count();
                std::thread::yield_now();
            }
        });
        let mut made_here = 0;
        for i in &items {
            let v = remembered(&SQUARES, &format!("a{i}"), || {
                made_here += 1;
                0
            });
            assert_eq!(v, i * i);
        }
        assert_eq!(made_here, 0, "every value came from the helper");
    }

    #[test]
    fn a_helper_whose_asker_is_gone_stops_instead_of_blocking() {
        let items: Vec<u64> = (0..(AHEAD as u64 * 4)).collect();
        let handed = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            let ahead = read_ahead(scope, &items, |i, hand_over| {
                handed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                hand_over(Made::new(&SQUARES, format!("gone{i}"), *i));
            });
            drop(ahead);
        });
        // The scope ended, so the helper did: it never filled more than its channel allows.
        assert!(handed.load(std::sync::atomic::Ordering::Relaxed) <= AHEAD + 1);
    }
}
