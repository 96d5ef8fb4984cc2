//! The lists every case is judged against (investigators, compliance officers and admins):
//! indicator lists of CIDR ranges, named VPN providers, the VoIP list.

use super::{missing_id, not_mine, refused as invalid};
use crate::change::Change;
use crate::checks::phone::VoipRule;
use crate::model::{Field, Timestamp, User};
use crate::store::db::Db;
use crate::store::rules::{Action, MAX_FIELD, optional, require, required};
use crate::store::tables::{lists, next_id};
use crate::store::{Result, StoreError};

/// Most ranges one indicator-list import may carry: about 20 MB of audit record. Larger feeds
/// are split into several named lists (see `Change::ImportIpList`).
pub const MAX_IP_LIST_ROWS: usize = 500_000;

fn list_name(name: &str) -> Result<String> {
    let name = required(Field::ListName, "list name", name, 100)?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_. ".contains(c)) {
        return Err(invalid(
            Field::ListName,
            format!("list name {name:?} may hold only letters, digits, spaces, '-', '_' and '.'"),
        ));
    }
    Ok(name)
}

pub(super) fn resolve(db: &dyn Db, user: &User, change: Change) -> Result<Change> {
    Ok(match change {
        Change::ImportIpList { name, file_name, file_sha256, rows, .. } => {
            require(user, Action::ManageLists, "import indicator lists")?;
            let name = list_name(&name)?;
            let file_name = required(Field::File, "file name", &file_name, 255)?;
            let sha = file_sha256.trim().to_ascii_lowercase();
            if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(invalid(
                    Field::File,
                    "the file's SHA-256 must be 64 hexadecimal characters",
                ));
            }
            if rows.is_empty() {
                return Err(invalid(Field::File, format!("indicator list {name} has no ranges")));
            }
            if rows.len() > MAX_IP_LIST_ROWS {
                return Err(invalid(
                    Field::File,
                    format!(
                        "indicator list {name} has {} ranges; at most {MAX_IP_LIST_ROWS} go in one list: split the file into several named lists",
                        rows.len()
                    ),
                ));
            }
            let mut problems = Vec::new();
            let mut tidy = Vec::with_capacity(rows.len());
            for (i, row) in rows.iter().enumerate() {
                match lists::parse_row(row) {
                    Ok(p) => tidy.push(crate::verification::IpListRow(
                        p.cidr.to_string(),
                        p.category.to_string(),
                        p.label,
                    )),
                    Err(e) if problems.len() < 10 => problems.push(format!("row {}: {e}", i + 1)),
                    Err(_) => {}
                }
            }
            if !problems.is_empty() {
                return Err(invalid(
                    Field::File,
                    format!("indicator list {name} refused: {}", problems.join("; ")),
                ));
            }
            Change::ImportIpList {
                id: Some(next_id(db, "ip_lists")?),
                name,
                file_name,
                file_sha256: sha,
                rows: tidy,
            }
        }
        Change::RemoveIpList { name } => {
            require(user, Action::ManageLists, "remove indicator lists")?;
            let list = lists::list_by_name(db, &name)?
                .ok_or_else(|| StoreError::not_found("indicator list", &name))?;
            Change::RemoveIpList { name: list.name }
        }
        Change::AddVpnProvider { name, note, .. } => {
            require(user, Action::ManageLists, "name VPN providers")?;
            let name = required(Field::Name, "provider name", &name, 200)?;
            if name.chars().count() < 3 {
                return Err(invalid(
                    Field::Name,
                    "a provider name needs at least 3 characters to match labels",
                ));
            }
            if lists::vpn_providers(db)?.iter().any(|p| p.name.eq_ignore_ascii_case(&name)) {
                return Err(StoreError::conflict(format!(
                    "VPN provider {name:?} is already named"
                ))
                .at(Field::Name));
            }
            Change::AddVpnProvider {
                id: Some(next_id(db, "vpn_providers")?),
                name,
                note: optional(Field::Note, "note", note.as_deref(), MAX_FIELD)?,
            }
        }
        Change::RemoveVpnProvider { id } => {
            require(user, Action::ManageLists, "remove VPN providers")?;
            lists::vpn_provider(db, id)?
                .ok_or_else(|| StoreError::not_found("VPN provider", id))?;
            Change::RemoveVpnProvider { id }
        }
        Change::AddVoipEntry { pattern, label, .. } => {
            require(user, Action::ManageLists, "change the VoIP list")?;
            let rule = VoipRule::new(&pattern, &label)
                .map_err(|e| invalid(Field::Pattern, e.to_string()))?;
            let stored = lists::voip_pattern(&rule);
            if lists::voip_entries(db)?
                .iter()
                .any(|e| e.e164 == rule.e164 && e.prefix == rule.prefix)
            {
                return Err(StoreError::conflict(format!("{stored} is already on the VoIP list"))
                    .at(Field::Pattern));
            }
            Change::AddVoipEntry {
                id: Some(next_id(db, "voip_entries")?),
                pattern: stored,
                label: optional(Field::Label, "label", Some(&label), 300)?.unwrap_or_default(),
            }
        }
        Change::RemoveVoipEntry { id } => {
            require(user, Action::ManageLists, "change the VoIP list")?;
            lists::voip_entry(db, id)?
                .ok_or_else(|| StoreError::not_found("VoIP list entry", id))?;
            Change::RemoveVoipEntry { id }
        }
        other => return Err(not_mine("list", &other)),
    })
}

pub(super) fn write(db: &dyn Db, at: &Timestamp, actor: &str, change: &Change) -> Result<()> {
    let missing = || missing_id(change);
    match change {
        Change::ImportIpList { id, name, file_name, file_sha256, rows } => lists::import_list(
            db,
            &lists::NewList { id: id.ok_or_else(missing)?, name, file_name, file_sha256, rows },
            actor,
            at,
        ),
        Change::RemoveIpList { name } => lists::remove_list(db, name),
        Change::AddVpnProvider { id, name, note } => lists::insert_vpn_provider(
            db,
            id.ok_or_else(missing)?,
            name,
            note.as_deref(),
            actor,
            at,
        ),
        Change::RemoveVpnProvider { id } => lists::remove_vpn_provider(db, *id),
        Change::AddVoipEntry { id, pattern, label } => {
            let rule = VoipRule::new(pattern, label)
                .map_err(|e| StoreError::Corrupt(format!("recorded VoIP entry: {e}")))?;
            lists::insert_voip(db, id.ok_or_else(missing)?, &rule, actor, at)
        }
        Change::RemoveVoipEntry { id } => lists::remove_voip(db, *id),
        other => Err(not_mine("list", other)),
    }
}
