//! Audit records in words: "Recorded id-two-documents (At least two independent identity
//! documents …): pass, note “…”, evidence E2, E3". The appendix of a case report prints one
//! such line per record next to its hash, so an auditor can read the history without JSON.

use serde_json::Value;

use vetdesk_core::template::Template;

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
        "record_document" | "update_document" => {
            let d = change.get("document").cloned().unwrap_or(Value::Null);
            let verb = if kind == "record_document" { "Recorded" } else { "Corrected" };
            let mut out = format!(
                "{verb} identity document {}: {} of {}, number {}, holder {}",
                get("id"),
                get_in(&d, "kind").replace('_', " "),
                get_in(&d, "issuing_country"),
                get_in(&d, "number"),
                get_in(&d, "holder_name")
            );
            if d.get("mrz").is_some_and(|m| !m.is_null()) {
                out.push_str(", with its machine-readable zone");
            }
            out
        }
        "record_interview" => {
            let i = change.get("interview").cloned().unwrap_or(Value::Null);
            let flag = |key: &str, words: &str| {
                (i.get(key).and_then(Value::as_bool) == Some(true)).then(|| words.to_string())
            };
            let mut facts: Vec<String> = [
                flag("camera_on_throughout", "camera on throughout"),
                flag("refused_video", "video refused"),
                flag("audio_only", "audio only"),
                flag("liveness_done", "liveness prompts done"),
            ]
            .into_iter()
            .flatten()
            .collect();
            facts.push(format!("ID match {}", get_in(&i, "id_match").replace('_', " ")));
            format!(
                "Recorded interview {} of {} by {}: {}",
                get("id"),
                get_in(&i, "held_on"),
                get_in(&i, "interviewer"),
                facts.join(", ")
            )
        }
        "record_e_verify" | "update_e_verify" => {
            let e = change.get("everify").cloned().unwrap_or(Value::Null);
            let verb = if kind == "record_e_verify" { "Recorded" } else { "Updated" };
            format!(
                "{verb} E-Verify case {}: status {}",
                get_in(&e, "case_number"),
                get_in(&e, "status").replace('_', " ")
            )
        }
        "add_reference" | "update_reference" => {
            let r = change.get("reference").cloned().unwrap_or(Value::Null);
            let verb = if kind == "add_reference" { "Added" } else { "Updated" };
            format!(
                "{verb} reference {} ({})",
                get_in(&r, "name"),
                get_in(&r, "relationship").replace('_', " ")
            )
        }
        "record_payment" => {
            let p = change.get("payment").cloned().unwrap_or(Value::Null);
            format!(
                "Recorded payment details: account {}, routing {} (stored masked and hashed)",
                get_in(&p, "account_masked"),
                get_in(&p, "routing_masked")
            )
        }
        "record_observed_ip" => {
            let o = change.get("observed").cloned().unwrap_or(Value::Null);
            format!(
                "Recorded IP address {} seen at {} ({})",
                get_in(&o, "ip"),
                get_in(&o, "seen_at"),
                get_in(&o, "context").replace('_', " ")
            )
        }
        "flag_raised" => {
            let f = change.get("flag").cloned().unwrap_or(Value::Null);
            format!(
                "Red flag {} raised ({}): {}",
                get("id"),
                get_in(&f, "severity"),
                get_in(&f, "title")
            )
        }
        "flag_cleared" => {
            format!("Red flag {} cleared: {}", get("flag_id"), quoted(&get("reason")))
        }
        "record_disclosure" => {
            format!("Disclosed ({}): {}", get("what").replace('_', " "), get("detail"))
        }
        "record_pre_adverse_notice" => {
            let agency = change.get("agency").cloned().unwrap_or(Value::Null);
            format!(
                "Gave the FCRA pre-adverse-action notice E{} with the report E{} and the summary of rights E{} (agency {}); waiting period of {} business days to {}",
                get("notice"),
                get("report"),
                get("summary_of_rights"),
                get_in(&agency, "name"),
                get("wait_days"),
                get("wait_ends_on")
            )
        }
        "record_adverse_notice" => {
            format!("Gave the FCRA adverse-action notice E{} on {}", get("notice"), get("sent_on"))
        }
        "candidate_changed" => {
            let changes: Vec<String> = change
                .get("changes")
                .and_then(Value::as_array)
                .map(|c| {
                    c.iter()
                        .map(|f| {
                            format!(
                                "{} from {} to {}",
                                get_in(f, "field").replace('_', " "),
                                quoted(&get_in(f, "before")),
                                quoted(&get_in(f, "after"))
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("Changed candidate {}'s details: {}", get("candidate_id"), changes.join("; "))
        }
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
        let template = vetdesk_core::template::get("remote-it-worker", 1).unwrap();
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
                json!({"type":"record_document","id":2,"case_id":4,"document":{"kind":"passport","issuing_country":"UTO","number":"L898902C3","holder_name":"ANNA MARIA ERIKSSON","mrz":"P<UTO…"}}),
                "Recorded identity document 2: passport of UTO, number L898902C3, holder ANNA MARIA ERIKSSON, with its machine-readable zone",
            ),
            (
                json!({"type":"record_interview","id":1,"case_id":4,"interview":{"held_on":"2026-11-03","interviewer":"ivan","camera_on_throughout":false,"refused_video":true,"audio_only":true,"liveness_done":false,"id_match":"not_shown"}}),
                "Recorded interview 1 of 2026-11-03 by ivan: video refused, audio only, ID match not shown",
            ),
            (
                json!({"type":"flag_raised","id":9,"case_id":4,"flag":{"severity":"high","title":"Equipment to a private mailbox"}}),
                "Red flag 9 raised (high): Equipment to a private mailbox",
            ),
            (
                json!({"type":"flag_cleared","case_id":4,"flag_id":9,"reason":"address corrected"}),
                "Red flag 9 cleared: “address corrected”",
            ),
            (
                json!({"type":"record_pre_adverse_notice","case_id":4,"agency":{"name":"Lakeshore Screening","address":"400 Harbor Drive","phone":"+1 800 555 0142"},"report":5,"summary_of_rights":6,"notice":7,"sent_on":"2026-11-09","wait_days":5,"wait_ends_on":"2026-11-17"}),
                "Gave the FCRA pre-adverse-action notice E7 with the report E5 and the summary of rights E6 (agency Lakeshore Screening); waiting period of 5 business days to 2026-11-17",
            ),
            (
                json!({"type":"record_adverse_notice","case_id":4,"notice":8,"sent_on":"2026-11-18"}),
                "Gave the FCRA adverse-action notice E8 on 2026-11-18",
            ),
            (
                json!({"type":"record_vendor_audit","id":3,"vendor_id":1,"outcome":"passed"}),
                "record vendor audit: id = 3; outcome = passed; vendor_id = 1",
            ),
        ];
        for (change, want) in rows {
            assert_eq!(describe_change(&change, Some(template)), want);
        }
    }
}
