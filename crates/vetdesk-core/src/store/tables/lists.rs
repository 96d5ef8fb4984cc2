//! The indicator list tables: CIDR ranges by list (`ip_lists`, `ip_ranges`), the user's VoIP
//! list (`voip_entries`) and named VPN providers (`vpn_providers`). Ranges are stored by
//! (family, prefix length, masked network) so that "which ranges contain this address" is one
//! index probe per prefix length, never a scan.

use std::net::IpAddr;
use std::str::FromStr;

use crate::checks::iprange::{Cidr, IpCategory, IpRangeEntry};
use crate::checks::phone::{VoipList, VoipRule};
use crate::model::Timestamp;
use crate::store::db::{Db, DbResult, Row, ToValue, params};
use crate::store::{Result, StoreError};
use crate::verification::{IpList, IpListId, IpListRow, VoipEntry, VoipEntryId, VpnProvider};

/// IPv4-mapped IPv6 addresses are looked up as the IPv4 address they carry.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// The network of `ip` at `prefix` bits, as stored (big-endian bytes).
fn masked(ip: IpAddr, prefix: u8) -> Vec<u8> {
    match ip {
        IpAddr::V4(a) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix.min(32))).unwrap_or(0);
            (u32::from(a) & mask).to_be_bytes().to_vec()
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix.min(128))).unwrap_or(0);
            (u128::from(a) & mask).to_be_bytes().to_vec()
        }
    }
}

fn family(ip: IpAddr) -> i64 {
    if ip.is_ipv4() { 4 } else { 6 }
}

/// A row of an import, parsed.
pub(crate) struct IpRangeEntryParts {
    pub cidr: Cidr,
    pub category: IpCategory,
    pub label: String,
}

pub(crate) fn parse_row(row: &IpListRow) -> std::result::Result<IpRangeEntryParts, String> {
    let cidr = Cidr::from_str(&row.0).map_err(|e| e.to_string())?;
    let category = IpCategory::from_str(&row.1).map_err(|e| e.to_string())?;
    Ok(IpRangeEntryParts { cidr, category, label: row.2.trim().to_string() })
}

const LIST_COLUMNS: &str = "id, name, file_name, file_sha256, entries, imported_by, imported_at";

fn list_from_row(r: &Row<'_>) -> DbResult<IpList> {
    Ok(IpList {
        id: r.get(0)?,
        name: r.get(1)?,
        file_name: r.get(2)?,
        file_sha256: r.get(3)?,
        entries: r.get(4)?,
        imported_by: r.get(5)?,
        imported_at: r.get(6)?,
    })
}

/// A list by name, ignoring case (names are unique that way).
pub(crate) fn list_by_name(db: &dyn Db, name: &str) -> Result<Option<IpList>> {
    let sql = format!("SELECT {LIST_COLUMNS} FROM ip_lists WHERE {}", db.eq_folded("name", "?1"));
    Ok(db.query_optional(&sql, params![name.trim()], list_from_row)?)
}

pub(crate) fn lists(db: &dyn Db) -> Result<Vec<IpList>> {
    let sql = format!("SELECT {LIST_COLUMNS} FROM ip_lists ORDER BY {}", db.order_folded("name"));
    Ok(db.query_vec(&sql, &[], list_from_row)?)
}

pub(crate) fn remove_list(db: &dyn Db, name: &str) -> Result<()> {
    if let Some(list) = list_by_name(db, name)? {
        db.execute("DELETE FROM ip_ranges WHERE list_id = ?1", params![list.id])?;
        db.execute("DELETE FROM ip_lists WHERE id = ?1", params![list.id])?;
    }
    Ok(())
}

/// Writes a list and its ranges, replacing a list of the same name.
pub(crate) struct NewList<'a> {
    pub id: IpListId,
    pub name: &'a str,
    pub file_name: &'a str,
    pub file_sha256: &'a str,
    pub rows: &'a [IpListRow],
}

pub(crate) fn import_list(db: &dyn Db, l: &NewList<'_>, actor: &str, at: &Timestamp) -> Result<()> {
    remove_list(db, l.name)?;
    db.execute(
        &format!("INSERT INTO ip_lists ({LIST_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        params![l.id, l.name, l.file_name, l.file_sha256, l.rows.len() as i64, actor, at],
    )?;
    let mut insert = db.prepare(
        "INSERT INTO ip_ranges (list_id, position, family, prefix, network, cidr, category, label)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (position, row) in l.rows.iter().enumerate() {
        let parts = parse_row(row).map_err(|e| {
            StoreError::Corrupt(format!("indicator list {} row {}: {e}", l.name, position + 1))
        })?;
        let network = parts.cidr.network();
        insert.execute(params![
            l.id,
            position as i64,
            family(network),
            parts.cidr.prefix(),
            masked(network, parts.cidr.prefix()),
            parts.cidr.to_string(),
            parts.category.to_string(),
            parts.label
        ])?;
    }
    Ok(())
}

/// Every range of every list containing `ip`, the most specific first. One statement that
/// probes the index with each of the address's prefixes (33 for IPv4, 129 for IPv6), not one
/// statement per prefix: on a team database each statement is a round trip to the server.
pub(crate) fn lookup(db: &dyn Db, ip: IpAddr) -> Result<Vec<IpRangeEntry>> {
    let ip = canonical(ip);
    let max: u8 = if ip.is_ipv4() { 32 } else { 128 };
    let probes: Vec<String> = (0..=usize::from(max))
        .map(|k| format!("(r.prefix = ?{} AND r.network = ?{})", 2 * k + 2, 2 * k + 3))
        .collect();
    let sql = format!(
        "SELECT r.cidr, r.category, r.label, l.name FROM ip_ranges r
         JOIN ip_lists l ON l.id = r.list_id
         WHERE r.family = ?1 AND ({})
         ORDER BY r.prefix DESC, r.list_id, r.position",
        probes.join(" OR ")
    );
    let mut values = vec![family(ip).to_value()];
    for prefix in 0..=max {
        values.push(prefix.to_value());
        values.push(masked(ip, prefix).to_value());
    }
    let rows: Vec<(String, String, String, String)> =
        db.query_vec(&sql, &values, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let mut out = Vec::with_capacity(rows.len());
    for (cidr, category, label, list) in rows {
        let parts = parse_row(&IpListRow(cidr, category, label))
            .map_err(|e| StoreError::Corrupt(format!("stored range of list {list}: {e}")))?;
        out.push(IpRangeEntry {
            cidr: parts.cidr,
            category: parts.category,
            label: parts.label,
            list,
        });
    }
    Ok(out)
}

/// The ranges whose label contains `text`, ignoring case (a named VPN provider's exits).
pub(crate) fn rows_labelled(db: &dyn Db, text: &str) -> Result<Vec<IpListRow>> {
    let sql = format!(
        "SELECT cidr, category, label FROM ip_ranges WHERE {}",
        db.contains_folded("label", "?1")
    );
    Ok(db.query_vec(&sql, params![text], |r| Ok(IpListRow(r.get(0)?, r.get(1)?, r.get(2)?)))?)
}

// ---- VoIP list ----

const VOIP_COLUMNS: &str = "id, e164, prefix, label, added_by, added_at";

fn voip_from_row(r: &Row<'_>) -> DbResult<VoipEntry> {
    Ok(VoipEntry {
        id: r.get(0)?,
        e164: r.get(1)?,
        prefix: r.get(2)?,
        label: r.get(3)?,
        added_by: r.get(4)?,
        added_at: r.get(5)?,
    })
}

pub(crate) fn voip_entries(db: &dyn Db) -> Result<Vec<VoipEntry>> {
    let sql = format!("SELECT {VOIP_COLUMNS} FROM voip_entries ORDER BY e164, prefix");
    Ok(db.query_vec(&sql, &[], voip_from_row)?)
}

pub(crate) fn voip_entry(db: &dyn Db, id: VoipEntryId) -> Result<Option<VoipEntry>> {
    let sql = format!("SELECT {VOIP_COLUMNS} FROM voip_entries WHERE id = ?1");
    Ok(db.query_optional(&sql, params![id], voip_from_row)?)
}

pub(crate) fn voip_list(db: &dyn Db) -> Result<VoipList> {
    Ok(VoipList::new(
        voip_entries(db)?
            .into_iter()
            .map(|e| VoipRule { e164: e.e164, prefix: e.prefix, label: e.label })
            .collect(),
    ))
}

/// The stored form of a VoIP pattern: `+digits` or `+digits*`.
pub(crate) fn voip_pattern(rule: &VoipRule) -> String {
    if rule.prefix { format!("{}*", rule.e164) } else { rule.e164.clone() }
}

pub(crate) fn insert_voip(
    db: &dyn Db,
    id: VoipEntryId,
    rule: &VoipRule,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        &format!("INSERT INTO voip_entries ({VOIP_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
        params![id, rule.e164, rule.prefix, rule.label, actor, at],
    )?;
    Ok(())
}

pub(crate) fn remove_voip(db: &dyn Db, id: VoipEntryId) -> Result<()> {
    db.execute("DELETE FROM voip_entries WHERE id = ?1", params![id])?;
    Ok(())
}

// ---- named VPN providers ----

const VPN_COLUMNS: &str = "id, name, note, added_by, added_at";

fn provider_from_row(r: &Row<'_>) -> DbResult<VpnProvider> {
    Ok(VpnProvider {
        id: r.get(0)?,
        name: r.get(1)?,
        note: r.get(2)?,
        added_by: r.get(3)?,
        added_at: r.get(4)?,
    })
}

pub(crate) fn vpn_providers(db: &dyn Db) -> Result<Vec<VpnProvider>> {
    let sql =
        format!("SELECT {VPN_COLUMNS} FROM vpn_providers ORDER BY {}", db.order_folded("name"));
    Ok(db.query_vec(&sql, &[], provider_from_row)?)
}

pub(crate) fn vpn_provider(db: &dyn Db, id: i64) -> Result<Option<VpnProvider>> {
    let sql = format!("SELECT {VPN_COLUMNS} FROM vpn_providers WHERE id = ?1");
    Ok(db.query_optional(&sql, params![id], provider_from_row)?)
}

pub(crate) fn insert_vpn_provider(
    db: &dyn Db,
    id: i64,
    name: &str,
    note: Option<&str>,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        &format!("INSERT INTO vpn_providers ({VPN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5)"),
        params![id, name, note, actor, at],
    )?;
    Ok(())
}

pub(crate) fn remove_vpn_provider(db: &dyn Db, id: i64) -> Result<()> {
    db.execute("DELETE FROM vpn_providers WHERE id = ?1", params![id])?;
    Ok(())
}
