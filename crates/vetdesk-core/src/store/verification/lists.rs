//! Indicator lists in the database: CIDR ranges by list, the user's VoIP list and named VPN
//! providers. Ranges are stored by (family, prefix length, masked network) so that "which ranges
//! contain this address" is one index probe per prefix length, never a scan.

use std::net::IpAddr;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, params};

use crate::checks::iprange::{Cidr, IpCategory, IpRangeEntry};
use crate::checks::phone::{VoipList, VoipRule};
use crate::model::Timestamp;
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

/// A row of an import, parsed; refused rows name their position.
pub(crate) fn parse_row(row: &IpListRow) -> std::result::Result<IpRangeEntryParts, String> {
    let cidr = Cidr::from_str(&row.0).map_err(|e| e.to_string())?;
    let category = IpCategory::from_str(&row.1).map_err(|e| e.to_string())?;
    Ok(IpRangeEntryParts { cidr, category, label: row.2.trim().to_string() })
}

pub(crate) struct IpRangeEntryParts {
    pub cidr: Cidr,
    pub category: IpCategory,
    pub label: String,
}

pub(crate) fn list_by_name(conn: &Connection, name: &str) -> Result<Option<IpList>> {
    Ok(conn
        .query_row(
            "SELECT id, name, file_name, file_sha256, entries, imported_by, imported_at
             FROM ip_lists WHERE name = ?1 COLLATE NOCASE",
            [name.trim()],
            list_from_row,
        )
        .optional()?)
}

fn list_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IpList> {
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

pub(crate) fn lists(conn: &Connection) -> Result<Vec<IpList>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, file_name, file_sha256, entries, imported_by, imported_at
         FROM ip_lists ORDER BY name",
    )?;
    Ok(stmt.query_map([], list_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn remove_list(conn: &Connection, name: &str) -> Result<()> {
    if let Some(list) = list_by_name(conn, name)? {
        conn.execute("DELETE FROM ip_ranges WHERE list_id = ?1", [list.id])?;
        conn.execute("DELETE FROM ip_lists WHERE id = ?1", [list.id])?;
    }
    Ok(())
}

/// Writes a list and its ranges, replacing a list of the same name.
#[allow(clippy::too_many_arguments)]
pub(crate) fn import_list(
    conn: &Connection,
    id: IpListId,
    name: &str,
    file_name: &str,
    file_sha256: &str,
    rows: &[IpListRow],
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    remove_list(conn, name)?;
    conn.execute(
        "INSERT INTO ip_lists (id, name, file_name, file_sha256, entries, imported_by, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, name, file_name, file_sha256, rows.len() as i64, actor, at],
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO ip_ranges (list_id, position, family, prefix, network, cidr, category, label)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (position, row) in rows.iter().enumerate() {
        let parts = parse_row(row).map_err(|e| {
            StoreError::Corrupt(format!("indicator list {name} row {}: {e}", position + 1))
        })?;
        let network = parts.cidr.network();
        insert.execute(params![
            id,
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

/// Every range of every list containing `ip`, the most specific first.
pub(crate) fn lookup(conn: &Connection, ip: IpAddr) -> Result<Vec<IpRangeEntry>> {
    let ip = canonical(ip);
    let max: u8 = if ip.is_ipv4() { 32 } else { 128 };
    let mut stmt = conn.prepare_cached(
        "SELECT r.cidr, r.category, r.label, l.name FROM ip_ranges r JOIN ip_lists l ON l.id = r.list_id
         WHERE r.family = ?1 AND r.prefix = ?2 AND r.network = ?3 ORDER BY r.list_id, r.position",
    )?;
    let mut out = Vec::new();
    for prefix in (0..=max).rev() {
        let rows = stmt.query_map(params![family(ip), prefix, masked(ip, prefix)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?))
        })?;
        for row in rows {
            let (cidr, category, label, list) = row?;
            let parts = parse_row(&IpListRow(cidr, category, label))
                .map_err(|e| StoreError::Corrupt(format!("stored range of list {list}: {e}")))?;
            out.push(IpRangeEntry {
                cidr: parts.cidr,
                category: parts.category,
                label: parts.label,
                list,
            });
        }
    }
    Ok(out)
}

// ---- VoIP list ----

fn voip_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VoipEntry> {
    Ok(VoipEntry {
        id: r.get(0)?,
        e164: r.get(1)?,
        prefix: r.get(2)?,
        label: r.get(3)?,
        added_by: r.get(4)?,
        added_at: r.get(5)?,
    })
}

pub(crate) fn voip_entries(conn: &Connection) -> Result<Vec<VoipEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, e164, prefix, label, added_by, added_at FROM voip_entries ORDER BY e164, prefix",
    )?;
    Ok(stmt.query_map([], voip_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn voip_entry(conn: &Connection, id: VoipEntryId) -> Result<Option<VoipEntry>> {
    Ok(conn
        .query_row(
            "SELECT id, e164, prefix, label, added_by, added_at FROM voip_entries WHERE id = ?1",
            [id],
            voip_from_row,
        )
        .optional()?)
}

pub(crate) fn voip_list(conn: &Connection) -> Result<VoipList> {
    Ok(VoipList::new(
        voip_entries(conn)?
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
    conn: &Connection,
    id: VoipEntryId,
    rule: &VoipRule,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "INSERT INTO voip_entries (id, e164, prefix, label, added_by, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, rule.e164, rule.prefix, rule.label, actor, at],
    )?;
    Ok(())
}

pub(crate) fn remove_voip(conn: &Connection, id: VoipEntryId) -> Result<()> {
    conn.execute("DELETE FROM voip_entries WHERE id = ?1", [id])?;
    Ok(())
}

// ---- named VPN providers ----

fn provider_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VpnProvider> {
    Ok(VpnProvider {
        id: r.get(0)?,
        name: r.get(1)?,
        note: r.get(2)?,
        added_by: r.get(3)?,
        added_at: r.get(4)?,
    })
}

pub(crate) fn vpn_providers(conn: &Connection) -> Result<Vec<VpnProvider>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, note, added_by, added_at FROM vpn_providers ORDER BY name",
    )?;
    Ok(stmt.query_map([], provider_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn vpn_provider(conn: &Connection, id: i64) -> Result<Option<VpnProvider>> {
    Ok(conn
        .query_row(
            "SELECT id, name, note, added_by, added_at FROM vpn_providers WHERE id = ?1",
            [id],
            provider_from_row,
        )
        .optional()?)
}

pub(crate) fn insert_vpn_provider(
    conn: &Connection,
    id: i64,
    name: &str,
    note: Option<&str>,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "INSERT INTO vpn_providers (id, name, note, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, name, note, actor, at],
    )?;
    Ok(())
}

pub(crate) fn remove_vpn_provider(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM vpn_providers WHERE id = ?1", [id])?;
    Ok(())
}
