//! Compiles the Tauri context and the app's own command permissions. Declaring the commands in
//! the app manifest makes each one need an explicit grant in `capabilities/`.

/// Every command of the app; `capabilities/main.json` grants each to the main window.
const COMMANDS: [&str; 59] = [
    "app_info",
    "users_list",
    "user_add",
    "user_set_role",
    "user_set_active",
    "vendors_list",
    "vendor_add",
    "vendor_update",
    "candidate_add",
    "cases_list",
    "case_get",
    "case_audit",
    "case_status_moves",
    "case_set_status",
    "case_assign",
    "case_set_priority",
    "case_set_due",
    "check_record",
    "note_add",
    "search",
    "case_flags",
    "case_links",
    "flags_refresh",
    "upload_begin_evidence",
    "upload_begin_import",
    "upload_chunk",
    "upload_cancel",
    "upload_finish_evidence",
    "upload_finish_import",
    "import_commit",
    // exports: reports, audit packs, the portfolio, checking a pack
    "export_folder",
    "export_case_report",
    "export_case_pack",
    "export_portfolio",
    "export_cancel",
    "export_reveal",
    "upload_begin_pack",
    "pack_check",
    // end of exports
    // verification records, vendor audits and the indicator lists
    "case_verification",
    "mrz_check",
    "document_save",
    "interview_record",
    "reachable_hours_set",
    "everify_save",
    "reference_save",
    "payment_record",
    "observed_ip_record",
    "vendor_audits",
    "vendor_audit_record",
    "ip_lists",
    "upload_begin_ip_list",
    "upload_finish_ip_list",
    "ip_list_remove",
    "vpn_providers",
    "vpn_provider_add",
    "vpn_provider_remove",
    "voip_entries",
    "voip_entry_add",
    "voip_entry_remove",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&COMMANDS);
    let attributes = tauri_build::Attributes::new().app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; the message is what cargo shows.
        #[allow(clippy::panic)]
        {
            panic!("tauri-build failed: {error:#}");
        }
    }
}
