//! The lists the flag rules match against, kept by investigators, compliance officers and
//! admins: indicator lists of CIDR ranges (imported as CSV through an upload session, all rows
//! or none), named VPN providers, and the user's VoIP numbers and prefixes. Entries are added
//! and removed with `apply` (`commands::changes`); a list's rows come only from its file.

use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::change::Change;
use vetdesk_core::checks::iprange::{self, CsvProblem};
use vetdesk_core::verification::{IpList, VoipEntry, VpnProvider};

use super::changes::Recorded;
use crate::error::AppError;
use crate::state::AppState;
use crate::uploads::ImportUpload;

/// Ends an indicator-list upload and imports it as `list_name` (replacing a list of that name).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct IpListFinish {
    pub token: String,
    pub list_name: String,
}

/// The result of an indicator-list import: the list, or every bad row and nothing imported.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum IpListImported {
    Imported { list: IpList, recorded: Box<Recorded> },
    Refused { problems: Vec<CsvProblem> },
}

/// Parses the file first, so that every bad row comes back by line (the store, reading the
/// same bytes, would refuse them in one message), then imports it through the store.
pub fn import_ip_list(
    store: &Store,
    actor: &str,
    list_name: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<IpListImported, AppError> {
    if let Err(refused) = iprange::parse_csv(bytes, list_name.trim()) {
        return Ok(IpListImported::Refused { problems: refused.problems });
    }
    let applied = store.import_ip_list(actor, list_name, file_name, bytes)?;
    let Change::ImportIpList { name, .. } = &applied.change else {
        return Err(AppError::internal("the list was recorded as another kind of change"));
    };
    let list =
        store.ip_lists()?.into_iter().find(|l| &l.name == name).ok_or_else(|| {
            AppError::internal(format!("list {name} was imported but is not listed"))
        })?;
    Ok(IpListImported::Imported { list, recorded: Box::new(Recorded::of(&applied)) })
}

#[tauri::command]
pub async fn ip_lists(state: State<'_, AppState>) -> Result<Vec<IpList>, AppError> {
    state.read(|s| Ok(s.ip_lists()?)).await
}

/// Starts the upload of an indicator-list CSV; its bytes follow with `upload_chunk`.
#[tauri::command]
pub async fn upload_begin_ip_list(
    state: State<'_, AppState>,
    request: ImportUpload,
) -> Result<String, AppError> {
    state.uploads.begin_ip_list(request)
}

#[tauri::command]
pub async fn upload_finish_ip_list(
    state: State<'_, AppState>,
    request: IpListFinish,
) -> Result<IpListImported, AppError> {
    let (file_name, bytes) = state.uploads.take_ip_list(&request.token)?;
    state
        .write(move |s, actor| import_ip_list(s, actor, &request.list_name, &file_name, &bytes))
        .await
}

#[tauri::command]
pub async fn vpn_providers(state: State<'_, AppState>) -> Result<Vec<VpnProvider>, AppError> {
    state.read(|s| Ok(s.vpn_providers()?)).await
}

#[tauri::command]
pub async fn voip_entries(state: State<'_, AppState>) -> Result<Vec<VoipEntry>, AppError> {
    state.read(|s| Ok(s.voip_entries()?)).await
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::commands::changes::record;
    use crate::commands::verification::tests::fixture;
    use crate::error::ErrorCode;
    use crate::uploads::Uploads;
    use vetdesk_core::verification::{IpContext, ObservedIpFields, VoipEntryId, VpnProviderId};

    // What the settings page sends, as the `Change` it builds and the user acting.

    struct IpListRemove {
        actor: String,
        name: String,
    }

    fn remove_ip_list(store: &Store, r: IpListRemove) -> Result<Recorded, AppError> {
        record(store, &r.actor, Change::RemoveIpList { name: r.name })
    }

    struct VpnProviderAdd {
        actor: String,
        name: String,
        note: Option<String>,
    }

    fn add_vpn_provider(store: &Store, r: VpnProviderAdd) -> Result<Recorded, AppError> {
        record(store, &r.actor, Change::AddVpnProvider { id: None, name: r.name, note: r.note })
    }

    struct VoipEntryAdd {
        actor: String,
        pattern: String,
        label: String,
    }

    fn add_voip_entry(store: &Store, r: VoipEntryAdd) -> Result<Recorded, AppError> {
        let change = Change::AddVoipEntry { id: None, pattern: r.pattern, label: r.label };
        record(store, &r.actor, change)
    }

    #[test]
    fn entries_are_removed_by_the_id_the_answer_gave() {
        let f = fixture();
        let vpn = VpnProviderAdd { actor: "ada".into(), name: "ExampleVPN".into(), note: None };
        let id: VpnProviderId = add_vpn_provider(&f.store, vpn).unwrap().id.unwrap();
        record(&f.store, "ada", Change::RemoveVpnProvider { id }).unwrap();
        assert!(f.store.vpn_providers().unwrap().is_empty());
        let voip = VoipEntryAdd {
            actor: "ada".into(),
            pattern: "+12025550143".into(),
            label: "carrier".into(),
        };
        let id: VoipEntryId = add_voip_entry(&f.store, voip).unwrap().id.unwrap();
        record(&f.store, "ada", Change::RemoveVoipEntry { id }).unwrap();
        assert!(f.store.voip_entries().unwrap().is_empty());
    }

    const LIST: &str = "cidr,category,label\n\
                        # exit ranges seen in 2026\n\
                        198.51.100.0/24,vpn,ExampleVPN exit\n\
                        2001:db8:77::/48,hosting,Example Cloud\n";
    const BAD: &str = "cidr,category,label\n\
                       198.51.100.0/24,vpn,ok\n\
                       198.51.100.0/33,vpn,too long a prefix\n\
                       203.0.113.0/24,UK,not a code\n";

    fn see(f: &crate::commands::verification::tests::Fixture, ip: &str) -> Recorded {
        let request = crate::commands::verification::tests::ObservedIpRecord {
            actor: "rita".into(),
            case_id: f.case_id,
            observed: ObservedIpFields {
                ip: ip.into(),
                seen_at: "2026-11-01T15:00:00.000Z".parse().unwrap(),
                context: IpContext::OnboardingLogin,
                note: None,
            },
        };
        crate::commands::verification::tests::record_observed_ip(&f.store, request).unwrap()
    }

    #[test]
    fn a_list_with_bad_rows_is_refused_row_by_row_and_imports_nothing() {
        let f = fixture();
        let outcome =
            import_ip_list(&f.store, "ada", "exits", "exits.csv", BAD.as_bytes()).unwrap();
        let IpListImported::Refused { problems } = outcome else { panic!("{outcome:?}") };
        let at: Vec<(u64, Option<&str>)> =
            problems.iter().map(|p| (p.line, p.column.as_deref())).collect();
        assert_eq!(at, [(3, Some("cidr")), (4, Some("category"))]);
        assert!(problems[1].message.contains("GB"), "{}", problems[1].message);
        assert!(f.store.ip_lists().unwrap().is_empty());
    }

    #[test]
    fn an_imported_list_flags_an_address_inside_it_until_it_is_removed() {
        let f = fixture();
        // Reviewers do not change the lists every case is judged against.
        let error = import_ip_list(&f.store, "rita", "exits", "exits.csv", LIST.as_bytes());
        assert_eq!(error.unwrap_err().code, ErrorCode::PermissionDenied);
        let error = import_ip_list(&f.store, "ada", "exits/2026", "exits.csv", LIST.as_bytes());
        assert_eq!(error.unwrap_err().field.as_deref(), Some("list_name"));

        let outcome =
            import_ip_list(&f.store, "ada", "exits", "/tmp/x/exits.csv", LIST.as_bytes()).unwrap();
        let IpListImported::Imported { list, .. } = outcome else { panic!("{outcome:?}") };
        assert_eq!(
            (list.name.as_str(), list.file_name.as_str(), list.entries),
            ("exits", "exits.csv", 2)
        );

        let recorded = see(&f, "198.51.100.23");
        let rules: Vec<&str> = recorded.raised.iter().map(|r| r.rule.as_str()).collect();
        assert_eq!(rules, ["ip.anonymising"]);
        assert!(see(&f, "192.0.2.1").raised.is_empty());

        let removed =
            remove_ip_list(&f.store, IpListRemove { actor: "ada".into(), name: "exits".into() })
                .unwrap();
        assert_eq!(removed.cleared, 1);
        assert!(
            f.store
                .flags(f.case_id)
                .unwrap()
                .open
                .iter()
                .all(|x| x.fields.rule != "ip.anonymising")
        );
    }

    #[test]
    fn vpn_providers_and_voip_entries_pin_refusals_to_their_field() {
        let f = fixture();
        let vpn =
            |name: &str| VpnProviderAdd { actor: "ada".into(), name: name.into(), note: None };
        add_vpn_provider(&f.store, vpn("ExampleVPN")).unwrap();
        for name in ["examplevpn", "ab", " "] {
            let error = add_vpn_provider(&f.store, vpn(name)).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("name"), "{name}: {error}");
        }
        let voip = |pattern: &str| VoipEntryAdd {
            actor: "ada".into(),
            pattern: pattern.into(),
            label: "carrier lookup".into(),
        };
        add_voip_entry(&f.store, voip("+1 650 555*")).unwrap();
        for pattern in ["+1650555*", "1650*", "call me"] {
            let error = add_voip_entry(&f.store, voip(pattern)).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("pattern"), "{pattern}: {error}");
        }
        let mut rita = voip("+12025550143");
        rita.actor = "rita".into();
        assert_eq!(add_voip_entry(&f.store, rita).unwrap_err().code, ErrorCode::PermissionDenied);
        assert_eq!(f.store.voip_entries().unwrap().len(), 1);
    }

    /// The file arrives through the same upload sessions as evidence and candidate files.
    #[test]
    fn the_file_arrives_in_chunks_and_only_whole() {
        let f = fixture();
        let store = Arc::new(f.store);
        let uploads = Uploads::new(store.clone(), Arc::new(|_| {}));
        tauri::async_runtime::block_on(async {
            let begin = |size: usize| ImportUpload { name: "exits.csv".into(), size: size as u64 };
            let token = uploads.begin_ip_list(begin(LIST.len())).unwrap();
            for (i, piece) in LIST.as_bytes().chunks(10).enumerate() {
                uploads.chunk(&token, (i * 10) as u64, piece.to_vec()).await.unwrap();
            }
            let (name, bytes) = uploads.take_ip_list(&token).unwrap();
            assert_eq!((name.as_str(), bytes.as_slice()), ("exits.csv", LIST.as_bytes()));
            assert_eq!(uploads.open_sessions(), 0);

            // Cut short: refused, nothing to import.
            let token = uploads.begin_ip_list(begin(LIST.len())).unwrap();
            uploads.chunk(&token, 0, LIST.as_bytes()[..10].to_vec()).await.unwrap();
            assert_eq!(uploads.take_ip_list(&token).unwrap_err().code, ErrorCode::InvalidInput);

            // A candidate file's token is not an indicator list, nor the other way round; each
            // stays open for its own use (and asking the wrong way must not hang the sessions).
            let token = uploads.begin_import(begin(3)).unwrap();
            assert_eq!(uploads.take_ip_list(&token).unwrap_err().code, ErrorCode::InvalidInput);
            let list = uploads.begin_ip_list(begin(3)).unwrap();
            assert_eq!(
                uploads.finish_import(&list, "rita".into()).await.unwrap_err().code,
                ErrorCode::InvalidInput
            );
            assert_eq!(
                uploads.finish_evidence(&list).await.unwrap_err().code,
                ErrorCode::InvalidInput
            );
            assert_eq!(uploads.open_sessions(), 2);

            let too_big = begin(usize::try_from(crate::uploads::MAX_IP_LIST_BYTES).unwrap() + 1);
            assert_eq!(uploads.begin_ip_list(too_big).unwrap_err().code, ErrorCode::InvalidInput);
        });
    }
}
