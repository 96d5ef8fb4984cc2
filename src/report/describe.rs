//! Audit records in words: "Recorded id-two-documents (At least two independent identity
//! documents …): pass, note “…”, evidence E2, E3". The appendix of a case report prints one
//! such line per record next to its hash, so an auditor can read the history without JSON.

use serde_json::Value;

use crate::template::Template;

fn text<'a>(change: &'a Value, key: &str) -> Option<&'a str> {
    change.get(key).and_then(Value::as_str)
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "none".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn quoted(s: &str) -> String {
    format!("“{s}”")
}

fn evidence_ids(change: &Value, key: &str) -> Vec<String> {
    change
        .get(key)
        .and_then(Value::as_array)
        .map(|ids| ids.iter().map(|id| format!("E{}", shown(id))).collect())
        .unwrap_or_default()
}

/// One readable sentence for a recorded change (as stored in the audit log). Kinds this
/// build does not know are listed field by field, so nothing recorded is ever hidden.
pub fn describe_change(change: &Value, template: Option<&Template>) -> String {
    let kind = text(change, "type").unwrap_or("unknown");
    let get = |key: &str| change.get(key).map(shown).unwrap_or_else(|| "none".to_string());
    let item_title = |id: &str| {
        template
            .and_then(|t| t.item(id))
            .map(|r| format!(" ({})", r.item.title))
            .unwrap_or_default()
    };
    match kind {
        "open_case" => {
            let template = match change.get("template") {
                Some(t) => format!(" with template {} v{}", get_in(t, "id"), get_in(t, "version")),
                None => String::new(),
            };
            let due = match text(change, "due_on") {
                Some(d) => format!(", due {d}"),
                None => String::new(),
            };
            format!(
                "Opened case {} ({}) for candidate {}{template}, priority {}{due}, assigned to {}",
                get("id"),
                get("kind").replace('_', "-"),
                get("candidate_id"),
                get("priority"),
                get("assignee")
            )
        }
        "assign_case" => match text(change, "assignee") {
            Some(who) => format!("Assigned the case to {who}"),
            None => "Removed the assignee".to_string(),
        },
        "set_priority" => format!("Set the priority to {}", get("priority")),
        "set_due_date" => match text(change, "due_on") {
            Some(d) => format!("Set the due date to {d}"),
            None => "Cleared the due date".to_string(),
        },
        "set_status" => {
            let status = get("status").replace('_', " ");
            let decision = match text(change, "decision") {
                Some(d) => format!(" with decision {d}"),
                None => String::new(),
            };
            format!("Changed the status to {status}{decision}; reason: {}", quoted(&get("reason")))
        }
        "record_result" => {
            let item = get("item_id");
            let mut out = format!(
                "Recorded {item}{}: {}",
                item_title(&item),
                get("result").replace('_', " ")
            );
            if let Some(note) = text(change, "note") {
                out.push_str(&format!("; note {}", quoted(note)));
            }
            let ids = evidence_ids(change, "evidence");
            if !ids.is_empty() {
                out.push_str(&format!("; evidence {}", ids.join(", ")));
            }
            out
        }
        "attach_evidence" => {
            let file = change.get("file").cloned().unwrap_or(Value::Null);
            let size = file.get("size").and_then(Value::as_u64).map(super::format::size);
            let mut out = format!(
                "Attached evidence E{}: {} ({}, {}), SHA-256 {}",
                get("id"),
                get("original_name"),
                get_in(&file, "media_type"),
                size.unwrap_or_else(|| "size unknown".into()),
                get_in(&file, "sha256")
            );
            if let Some(item) = text(change, "item_id") {
                out.push_str(&format!("; for item {item}"));
            }
            if let Some(d) = text(change, "description") {
                out.push_str(&format!("; {}", quoted(d)));
            }
            out
        }
        "add_note" => format!("Added note {}: {}", get("id"), quoted(&get("text"))),
        _ => {
            let mut fields: Vec<String> = change
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(k, _)| k.as_str() != "type")
                        .map(|(k, v)| format!("{k} = {}", shown(v)))
                        .collect()
                })
                .unwrap_or_default();
            fields.sort();
            if fields.is_empty() {
                kind.replace('_', " ")
            } else {
                format!("{}: {}", kind.replace('_', " "), fields.join("; "))
            }
        }
    }
}

fn get_in(value: &Value, key: &str) -> String {
    value.get(key).map(shown).unwrap_or_else(|| "none".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_kind_reads_as_a_sentence() {
        let template = crate::template::get("remote-it-worker", 1).unwrap();
        // (recorded change, expected sentence)
        let rows = [
            (
                json!({"type":"open_case","id":4,"candidate_id":9,"kind":"pre_hire","assignee":"rita","priority":"normal","due_on":null,"template":{"id":"remote-it-worker","version":1}}),
                "Opened case 4 (pre-hire) for candidate 9 with template remote-it-worker v1, priority normal, assigned to rita",
            ),
            (json!({"type":"assign_case","case_id":4,"assignee":null}), "Removed the assignee"),
            (
                json!({"type":"set_due_date","case_id":4,"due_on":"2026-12-01"}),
                "Set the due date to 2026-12-01",
            ),
            (
                json!({"type":"set_status","case_id":4,"status":"decided","decision":"cleared","reason":"all checks passed"}),
                "Changed the status to decided with decision cleared; reason: “all checks passed”",
            ),
            (
                json!({"type":"record_result","case_id":4,"item_id":"id-two-documents","result":"not_applicable","note":"n","evidence":[2,3]}),
                "Recorded id-two-documents (At least two independent identity documents collected and consistent): not applicable; note “n”; evidence E2, E3",
            ),
            (
                json!({"type":"attach_evidence","id":7,"case_id":4,"original_name":"passport.jpg","description":null,"item_id":"id-two-documents","file":{"sha256":"ab","size":2048,"media_type":"image/jpeg"}}),
                "Attached evidence E7: passport.jpg (image/jpeg, 2 KiB), SHA-256 ab; for item id-two-documents",
            ),
            (
                json!({"type":"add_note","id":3,"case_id":4,"text":"Called the vendor"}),
                "Added note 3: “Called the vendor”",
            ),
            (
                json!({"type":"record_document","case_id":4,"kind":"passport","number":"X1"}),
                "record document: case_id = 4; kind = passport; number = X1",
            ),
        ];
        for (change, want) in rows {
            assert_eq!(describe_change(&change, Some(template)), want);
        }
    }
}
