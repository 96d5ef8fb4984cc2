//! One query module per table (or aggregate, for the queue): the only place store SQL is
//! written, all of it through the seam in `db`.

pub(crate) mod audit;
pub(crate) mod candidates;
pub(crate) mod cases;
pub(crate) mod checklist;
pub(crate) mod evidence;
pub(crate) mod links;
pub(crate) mod lists;
pub(crate) mod notes;
pub(crate) mod queue;
pub(crate) mod records;
pub(crate) mod users;
pub(crate) mod vendors;
