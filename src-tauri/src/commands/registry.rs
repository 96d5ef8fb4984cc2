// The one list of the app's commands: area (the module in `commands/`), name, request type and
// answer type. From it come the handler list (`commands::handler`), the permission of each
// command and the capability that grants them (`build.rs`, which includes this file), and the
// TypeScript `Commands` interface the page calls them through (`ui/src/bindings/Commands.ts`).
// Types are named as seen from `commands/mod.rs`. `upload_chunk` takes raw bytes, not JSON.
//
// The page sends case changes through `apply`; a command of its own is for what does more than
// apply one change (uploads, exports, a candidate with their case, imports) and for reads.

commands! {
    raw {
        uploads::upload_chunk;
    }
    unlock {
        unlock_status() -> crate::unlock::LockStatus;
        unlock(unlock::UnlockRequest) -> crate::unlock::Unlocked;
        sign_in(unlock::SignInRequest) -> crate::unlock::Unlocked;
    }
    app {
        app_info() -> app::AppInfo;
        sample_load() -> vetdesk_sample::SampleSummary;
    }
    changes {
        apply(change::Change) -> changes::Recorded;
        apply_all(changes::ChangeBatch) -> Vec<changes::Recorded>;
    }
    users {
        users_list() -> Vec<model::User>;
        session_choose(users::SessionChoose) -> Option<model::User>;
        user_set_switch_password(users::SwitchPassword) -> model::User;
        user_add_first(users::FirstUser) -> model::User;
        user_permissions() -> store::Permissions;
    }
    vendors {
        vendors_list() -> Vec<model::Vendor>;
    }
    candidates {
        candidate_add(candidates::CandidateAdd) -> candidates::CandidateAdded;
        candidate_check(model::CandidateFields) -> Vec<store::FieldProblem>;
    }
    cases {
        queue_page(store::QueueQuery) -> store::QueuePage;
        case_get(cases::CaseRef) -> store::CaseDetail;
        case_audit(cases::CaseRef) -> Vec<model::AuditRecord>;
        case_status_moves(cases::CaseRef) -> Vec<store::StatusMove>;
        case_result_options(cases::CaseRef) -> Vec<store::ItemOptions>;
        case_retention(cases::CaseRef) -> store::CaseRetention;
        search(cases::SearchRequest) -> Vec<store::SearchHit>;
    }
    flags {
        case_flags(cases::CaseRef) -> core_verification::CaseFlags;
        case_links(cases::CaseRef) -> Vec<core_verification::Link>;
        case_cluster(cases::CaseRef) -> core_verification::Cluster;
        flags_refresh(cases::CaseRef) -> u32;
    }
    uploads {
        upload_begin_evidence(crate::uploads::EvidenceUpload) -> String;
        upload_begin_import(crate::uploads::ImportUpload) -> String;
        upload_cancel(uploads::UploadRef) -> bool;
        upload_finish_evidence(uploads::UploadRef) -> model::Evidence;
        upload_finish_import(uploads::UploadRef) -> crate::uploads::ImportPreview;
        import_commit(uploads::ImportCommit) -> crate::uploads::ImportCommitted;
    }
    exports {
        export_folder() -> crate::exports::ExportFolder;
        export_case_report(crate::exports::CaseExport) -> crate::exports::ExportOutcome;
        export_case_pack(crate::exports::CaseExport) -> crate::exports::ExportOutcome;
        export_portfolio(crate::exports::PortfolioExport) -> crate::exports::ExportOutcome;
        export_cancel(exports::JobRef) -> bool;
        export_reveal(exports::ExportedRef) -> crate::exports::Revealed;
        upload_begin_pack(crate::uploads::SpoolUpload) -> String;
        pack_check(exports::PackCheckRequest) -> crate::exports::PackChecked;
    }
    verification {
        case_verification(cases::CaseRef) -> store::CaseVerification;
        mrz_check(verification::MrzCheck) -> verification::MrzChecked;
        payment_record(verification::PaymentEntry) -> verification::PaymentRecorded;
        vendor_audits() -> Vec<core_verification::VendorAuditStatus>;
    }
    lists {
        ip_lists() -> Vec<core_verification::IpList>;
        upload_begin_ip_list(crate::uploads::ImportUpload) -> String;
        upload_finish_ip_list(lists::IpListFinish) -> lists::IpListImported;
        vpn_providers() -> Vec<core_verification::VpnProvider>;
        voip_entries() -> Vec<core_verification::VoipEntry>;
    }
    monitoring {
        monitoring_board() -> Vec<store::MonitoredEmployee>;
        upload_begin_telemetry(crate::uploads::SpoolUpload) -> String;
        telemetry_import(monitoring::TelemetryImportRequest) -> store::TelemetryOutcome;
        investigate_alert(monitoring::AlertRef) -> store::InvestigationOpened;
    }
    adverse {
        adverse_pre_notice(adverse::PreNoticeRequest) -> store::AdverseAction;
        adverse_notice(cases::CaseRef) -> store::AdverseAction;
    }
}
