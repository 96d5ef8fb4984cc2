// The one door to the Rust side. Components call these typed functions and never `invoke` a
// command by its string name; every command, its arguments and its result type are listed once
// in `Commands` below, with the types generated from Rust (src/bindings, `make bindings`).

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { Assign } from "./bindings/Assign";
import type { AuditRecord } from "./bindings/AuditRecord";
import type { CandidateAdd } from "./bindings/CandidateAdd";
import type { CandidateAdded } from "./bindings/CandidateAdded";
import type { CaseDetail } from "./bindings/CaseDetail";
import type { CaseFlags } from "./bindings/CaseFlags";
import type { CaseFilter } from "./bindings/CaseFilter";
import type { CaseRef } from "./bindings/CaseRef";
import type { CaseSummary } from "./bindings/CaseSummary";
import type { Evidence } from "./bindings/Evidence";
import type { EvidenceUpload } from "./bindings/EvidenceUpload";
import type { ImportCommit } from "./bindings/ImportCommit";
import type { ImportCommitted } from "./bindings/ImportCommitted";
import type { ImportPreview } from "./bindings/ImportPreview";
import type { FlagsRefresh } from "./bindings/FlagsRefresh";
import type { ImportUpload } from "./bindings/ImportUpload";
import type { Link } from "./bindings/Link";
import type { NoteAdd } from "./bindings/NoteAdd";
import type { RecordResult } from "./bindings/RecordResult";
import type { SearchHit } from "./bindings/SearchHit";
import type { SearchRequest } from "./bindings/SearchRequest";
import type { SetDue } from "./bindings/SetDue";
import type { SetPriority } from "./bindings/SetPriority";
import type { SetStatus } from "./bindings/SetStatus";
import type { StatusMove } from "./bindings/StatusMove";
import type { StatusMovesRequest } from "./bindings/StatusMovesRequest";
import type { StoreChanged } from "./bindings/StoreChanged";
import type { UploadProgress } from "./bindings/UploadProgress";
import type { UploadRef } from "./bindings/UploadRef";
import type { User } from "./bindings/User";
import type { UserAdd } from "./bindings/UserAdd";
import type { UserSetActive } from "./bindings/UserSetActive";
import type { UserSetRole } from "./bindings/UserSetRole";
import type { Vendor } from "./bindings/Vendor";
import type { VendorAdd } from "./bindings/VendorAdd";
import type { VendorUpdate } from "./bindings/VendorUpdate";
// exports
import type { CaseExport } from "./bindings/CaseExport";
import type { ExportedRef } from "./bindings/ExportedRef";
import type { ExportFolder } from "./bindings/ExportFolder";
import type { ExportOutcome } from "./bindings/ExportOutcome";
import type { ExportProgress } from "./bindings/ExportProgress";
import type { JobRef } from "./bindings/JobRef";
import type { PackChecked } from "./bindings/PackChecked";
import type { PackCheckRequest } from "./bindings/PackCheckRequest";
import type { PortfolioExport } from "./bindings/PortfolioExport";
import type { Revealed } from "./bindings/Revealed";
import type { SpoolUpload } from "./bindings/SpoolUpload";
// end of exports
// verification records, vendor audits and the indicator lists
import type { CaseVerification } from "./bindings/CaseVerification";
import type { DocumentSave } from "./bindings/DocumentSave";
import type { EVerifySave } from "./bindings/EVerifySave";
import type { InterviewRecord } from "./bindings/InterviewRecord";
import type { IpList } from "./bindings/IpList";
import type { IpListFinish } from "./bindings/IpListFinish";
import type { IpListImported } from "./bindings/IpListImported";
import type { IpListRemove } from "./bindings/IpListRemove";
import type { MrzCheck } from "./bindings/MrzCheck";
import type { MrzChecked } from "./bindings/MrzChecked";
import type { ObservedIpRecord } from "./bindings/ObservedIpRecord";
import type { PaymentEntry } from "./bindings/PaymentEntry";
import type { PaymentRecorded } from "./bindings/PaymentRecorded";
import type { ReachableHoursSet } from "./bindings/ReachableHoursSet";
import type { Recorded } from "./bindings/Recorded";
import type { ReferenceSave } from "./bindings/ReferenceSave";
import type { VendorAuditRecord } from "./bindings/VendorAuditRecord";
import type { VendorAuditStatus } from "./bindings/VendorAuditStatus";
import type { VoipEntry } from "./bindings/VoipEntry";
import type { VoipEntryAdd } from "./bindings/VoipEntryAdd";
import type { VoipEntryRemove } from "./bindings/VoipEntryRemove";
import type { VpnProvider } from "./bindings/VpnProvider";
import type { VpnProviderAdd } from "./bindings/VpnProviderAdd";
import type { VpnProviderRemove } from "./bindings/VpnProviderRemove";

type Req<T> = { request: T };
type None = Record<string, never>;

/** Every command the UI may call: name → arguments and result. Each one also needs its
 *  `allow-…` permission in src-tauri/capabilities/main.json. (`upload_chunk` takes raw bytes
 *  and is called by `sendChunks` below.) */
interface Commands {
  app_info: { args: None; result: AppInfo };
  users_list: { args: None; result: User[] };
  user_add: { args: Req<UserAdd>; result: AuditRecord };
  user_set_role: { args: Req<UserSetRole>; result: AuditRecord };
  user_set_active: { args: Req<UserSetActive>; result: AuditRecord };
  vendors_list: { args: None; result: Vendor[] };
  vendor_add: { args: Req<VendorAdd>; result: AuditRecord };
  vendor_update: { args: Req<VendorUpdate>; result: AuditRecord };
  candidate_add: { args: Req<CandidateAdd>; result: CandidateAdded };
  cases_list: { args: Req<CaseFilter>; result: CaseSummary[] };
  case_get: { args: Req<CaseRef>; result: CaseDetail };
  case_audit: { args: Req<CaseRef>; result: AuditRecord[] };
  case_status_moves: { args: Req<StatusMovesRequest>; result: StatusMove[] };
  case_set_status: { args: Req<SetStatus>; result: AuditRecord };
  case_assign: { args: Req<Assign>; result: AuditRecord };
  case_set_priority: { args: Req<SetPriority>; result: AuditRecord };
  case_set_due: { args: Req<SetDue>; result: AuditRecord };
  check_record: { args: Req<RecordResult>; result: AuditRecord };
  note_add: { args: Req<NoteAdd>; result: AuditRecord };
  search: { args: Req<SearchRequest>; result: SearchHit[] };
  case_flags: { args: Req<CaseRef>; result: CaseFlags };
  case_links: { args: Req<CaseRef>; result: Link[] };
  flags_refresh: { args: Req<FlagsRefresh>; result: number };
  upload_begin_evidence: { args: Req<EvidenceUpload>; result: string };
  upload_begin_import: { args: Req<ImportUpload>; result: string };
  upload_cancel: { args: Req<UploadRef>; result: boolean };
  upload_finish_evidence: { args: Req<UploadRef>; result: Evidence };
  upload_finish_import: { args: Req<UploadRef>; result: ImportPreview };
  import_commit: { args: Req<ImportCommit>; result: ImportCommitted };
  // exports
  export_folder: { args: None; result: ExportFolder };
  export_case_report: { args: Req<CaseExport>; result: ExportOutcome };
  export_case_pack: { args: Req<CaseExport>; result: ExportOutcome };
  export_portfolio: { args: Req<PortfolioExport>; result: ExportOutcome };
  export_cancel: { args: Req<JobRef>; result: boolean };
  export_reveal: { args: Req<ExportedRef>; result: Revealed };
  upload_begin_pack: { args: Req<SpoolUpload>; result: string };
  pack_check: { args: Req<PackCheckRequest>; result: PackChecked };
  // end of exports
  // verification records, vendor audits and the indicator lists
  case_verification: { args: Req<CaseRef>; result: CaseVerification };
  mrz_check: { args: Req<MrzCheck>; result: MrzChecked };
  document_save: { args: Req<DocumentSave>; result: Recorded };
  interview_record: { args: Req<InterviewRecord>; result: Recorded };
  reachable_hours_set: { args: Req<ReachableHoursSet>; result: Recorded };
  everify_save: { args: Req<EVerifySave>; result: Recorded };
  reference_save: { args: Req<ReferenceSave>; result: Recorded };
  payment_record: { args: Req<PaymentEntry>; result: PaymentRecorded };
  observed_ip_record: { args: Req<ObservedIpRecord>; result: Recorded };
  vendor_audits: { args: None; result: VendorAuditStatus[] };
  vendor_audit_record: { args: Req<VendorAuditRecord>; result: Recorded };
  ip_lists: { args: None; result: IpList[] };
  upload_begin_ip_list: { args: Req<ImportUpload>; result: string };
  upload_finish_ip_list: { args: Req<IpListFinish>; result: IpListImported };
  ip_list_remove: { args: Req<IpListRemove>; result: Recorded };
  vpn_providers: { args: None; result: VpnProvider[] };
  vpn_provider_add: { args: Req<VpnProviderAdd>; result: Recorded };
  vpn_provider_remove: { args: Req<VpnProviderRemove>; result: Recorded };
  voip_entries: { args: None; result: VoipEntry[] };
  voip_entry_add: { args: Req<VoipEntryAdd>; result: Recorded };
  voip_entry_remove: { args: Req<VoipEntryRemove>; result: Recorded };
}

/** Every event the backend emits: name → payload. */
export interface BackendEvents {
  /** Something was recorded (by this app, the CLI, or another process on the same data). */
  "store-changed": StoreChanged;
  /** Bytes of an evidence upload are on disk (`received`), or all are stored. */
  "upload-progress": UploadProgress;
  /** A running export or pack check got further (`job` is the id the page gave it). */
  "export-progress": ExportProgress;
}

/** An error as the UI sees it: what the backend sent (`AppError`, branch on its `code`), or
 *  `ipc` when the call itself failed (command not permitted, not registered, bad arguments). */
export type BackendError = AppError | { code: "ipc"; message: string; field?: string };

export class BackendFailure extends Error {
  readonly error: BackendError;
  constructor(error: BackendError) {
    super(error.message);
    this.name = "BackendFailure";
    this.error = error;
  }
  get code(): BackendError["code"] {
    return this.error.code;
  }
  get field(): string | undefined {
    return this.error.field;
  }
}

function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Turns whatever a rejected `invoke` gave into a `BackendError`: the shell rejects with a
 *  serialised `AppError`, Tauri itself with a plain string. */
export function toBackendError(reason: unknown): BackendError {
  if (isAppError(reason)) return reason;
  if (reason instanceof BackendFailure) return reason.error;
  return { code: "ipc", message: typeof reason === "string" ? reason : String(reason) };
}

async function call<K extends keyof Commands>(
  command: K,
  args: Commands[K]["args"],
): Promise<Commands[K]["result"]> {
  try {
    return await invoke<Commands[K]["result"]>(command, args);
  } catch (reason) {
    throw new BackendFailure(toBackendError(reason));
  }
}

/** Subscribes to a backend event; the returned function unsubscribes. */
export function subscribe<E extends keyof BackendEvents>(
  event: E,
  handler: (payload: BackendEvents[E]) => void,
): Promise<UnlistenFn> {
  return listen<BackendEvents[E]>(event, (e) => handler(e.payload));
}

/** Bytes per chunk when the backend has not said (it does, in `AppInfo`). */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/** Streams a file's bytes to an upload session, one chunk in flight at a time: the backend
 *  answers a chunk only once it has room for it, so memory stays flat on both sides. Only the
 *  bytes travel, as a raw binary body; the file's path is never known to the page. */
async function sendChunks(
  token: string,
  file: Blob,
  chunkBytes: number,
  onSent?: (sent: number) => void,
): Promise<void> {
  for (let offset = 0; offset < file.size; ) {
    const bytes = new Uint8Array(await file.slice(offset, offset + chunkBytes).arrayBuffer());
    try {
      await invoke("upload_chunk", bytes, {
        headers: { "upload-token": token, "upload-offset": String(offset) },
      });
    } catch (reason) {
      throw new BackendFailure(toBackendError(reason));
    }
    offset += bytes.length;
    onSent?.(offset);
  }
}

/** Runs an upload session: begin, chunks, finish; cancels the session when anything fails. */
async function upload<T>(
  token: string,
  file: Blob,
  chunkBytes: number,
  finish: (ref: UploadRef) => Promise<T>,
  onSent?: (sent: number) => void,
): Promise<T> {
  try {
    await sendChunks(token, file, chunkBytes, onSent);
    return await finish({ token });
  } catch (error) {
    // The backend may already have dropped the session; cancelling twice is harmless.
    await call("upload_cancel", { request: { token } }).catch(() => false);
    throw error;
  }
}

export interface UploadOptions {
  chunkBytes?: number;
  /** Called with the upload token as soon as the session exists (to match progress events). */
  onStart?: (token: string) => void;
  /** Bytes handed to the backend so far. */
  onSent?: (sent: number) => void;
}

export const backend = {
  /** Version, data directory, log directory and preselected user of the running app. */
  appInfo: (): Promise<AppInfo> => call("app_info", {}),

  users: (): Promise<User[]> => call("users_list", {}),
  userAdd: (request: UserAdd) => call("user_add", { request }),
  userSetRole: (request: UserSetRole) => call("user_set_role", { request }),
  userSetActive: (request: UserSetActive) => call("user_set_active", { request }),

  vendors: (): Promise<Vendor[]> => call("vendors_list", {}),
  vendorAdd: (request: VendorAdd) => call("vendor_add", { request }),
  vendorUpdate: (request: VendorUpdate) => call("vendor_update", { request }),

  candidateAdd: (request: CandidateAdd) => call("candidate_add", { request }),

  cases: (request: CaseFilter): Promise<CaseSummary[]> => call("cases_list", { request }),
  caseGet: (caseId: number): Promise<CaseDetail> => call("case_get", { request: { case_id: caseId } }),
  caseAudit: (caseId: number): Promise<AuditRecord[]> =>
    call("case_audit", { request: { case_id: caseId } }),
  statusMoves: (request: StatusMovesRequest) => call("case_status_moves", { request }),
  setStatus: (request: SetStatus) => call("case_set_status", { request }),
  assign: (request: Assign) => call("case_assign", { request }),
  setPriority: (request: SetPriority) => call("case_set_priority", { request }),
  setDue: (request: SetDue) => call("case_set_due", { request }),
  recordResult: (request: RecordResult) => call("check_record", { request }),
  addNote: (request: NoteAdd) => call("note_add", { request }),
  search: (query: string): Promise<SearchHit[]> => call("search", { request: { query } }),

  /** The red flags of a case and its risk score. */
  caseFlags: (caseId: number): Promise<CaseFlags> => call("case_flags", { request: { case_id: caseId } }),
  /** Other candidates sharing an identifier with the case's candidate. */
  caseLinks: (caseId: number): Promise<Link[]> => call("case_links", { request: { case_id: caseId } }),
  /** Evaluates the flag rules again for today; resolves to the number of flags changed. */
  refreshFlags: (request: FlagsRefresh) => call("flags_refresh", { request }),

  /** Uploads a file the user picked or dropped as evidence of a case; resolves once it is
   *  stored under its SHA-256 and recorded. */
  async uploadEvidence(
    file: File,
    target: Omit<EvidenceUpload, "name" | "size">,
    options: UploadOptions = {},
  ): Promise<Evidence> {
    const request: EvidenceUpload = { ...target, name: file.name, size: file.size };
    const token = await call("upload_begin_evidence", { request });
    options.onStart?.(token);
    return upload(
      token,
      file,
      options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      (ref) => call("upload_finish_evidence", { request: ref }),
      options.onSent,
    );
  },

  /** Uploads a candidate file (CSV) and resolves to its preview; nothing is imported yet. */
  async previewImport(file: File, options: UploadOptions = {}): Promise<ImportPreview> {
    const token = await call("upload_begin_import", { request: { name: file.name, size: file.size } });
    options.onStart?.(token);
    return upload(
      token,
      file,
      options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      (ref) => call("upload_finish_import", { request: ref }),
      options.onSent,
    );
  },

  /** Imports a previewed candidate file: every row, or none with the reason for each. */
  commitImport: (request: ImportCommit) => call("import_commit", { request }),

  // exports
  /** Where exports go unless the user picks ("Save as…"). */
  exportFolder: (): Promise<ExportFolder> => call("export_folder", {}),
  /** Writes the PDF report of a case; progress arrives as `export-progress` events of `job`. */
  exportCaseReport: (request: CaseExport) => call("export_case_report", { request }),
  /** Writes the audit pack (ZIP) of a case. */
  exportCasePack: (request: CaseExport) => call("export_case_pack", { request }),
  /** Writes the portfolio report (PDF) and its figures (CSV). */
  exportPortfolio: (request: PortfolioExport) => call("export_portfolio", { request }),
  /** Asks a running export or check to stop; false when it had already ended. */
  exportCancel: (job: string) => call("export_cancel", { request: { job } }),
  /** Shows a file an export wrote in the file manager, or says where it is. */
  exportReveal: (fileId: string) => call("export_reveal", { request: { file_id: fileId } }),

  /** Drops an upload session (the page stops sending; the backend removes what it spooled). */
  cancelUpload: (token: string) => call("upload_cancel", { request: { token } }),

  /** Uploads an audit pack the user picked and checks it (`job` names the check's progress). */
  async checkPack(file: File, job: string, options: UploadOptions = {}): Promise<PackChecked> {
    const token = await call("upload_begin_pack", { request: { name: file.name, size: file.size } });
    options.onStart?.(token);
    return upload(
      token,
      file,
      options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      (ref) => call("pack_check", { request: { token: ref.token, job } }),
      options.onSent,
    );
  },
  // end of exports
  // ---- verification records, vendor audits and the indicator lists ----

  /** Everything verification knows about a case: records, checks, deadlines, list hits. */
  caseVerification: (caseId: number): Promise<CaseVerification> =>
    call("case_verification", { request: { case_id: caseId } }),
  /** Reads and checks a machine-readable zone as typed (nothing is recorded). */
  mrzCheck: (text: string): Promise<MrzChecked> => call("mrz_check", { request: { text } }),
  documentSave: (request: DocumentSave) => call("document_save", { request }),
  interviewRecord: (request: InterviewRecord) => call("interview_record", { request }),
  reachableHoursSet: (request: ReachableHoursSet) => call("reachable_hours_set", { request }),
  everifySave: (request: EVerifySave) => call("everify_save", { request }),
  referenceSave: (request: ReferenceSave) => call("reference_save", { request }),
  /** Sends bank numbers once; only their masks come back. */
  paymentRecord: (request: PaymentEntry) => call("payment_record", { request }),
  observedIpRecord: (request: ObservedIpRecord) => call("observed_ip_record", { request }),
  vendorAudits: (): Promise<VendorAuditStatus[]> => call("vendor_audits", {}),
  vendorAuditRecord: (request: VendorAuditRecord) => call("vendor_audit_record", { request }),
  ipLists: (): Promise<IpList[]> => call("ip_lists", {}),
  /** Uploads an indicator-list CSV and imports it as `listName`: all rows, or every bad row. */
  async importIpList(
    file: File,
    target: Omit<IpListFinish, "token">,
    options: UploadOptions = {},
  ): Promise<IpListImported> {
    const token = await call("upload_begin_ip_list", { request: { name: file.name, size: file.size } });
    options.onStart?.(token);
    return upload(
      token,
      file,
      options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      (ref) => call("upload_finish_ip_list", { request: { ...target, token: ref.token } }),
      options.onSent,
    );
  },
  ipListRemove: (request: IpListRemove) => call("ip_list_remove", { request }),
  vpnProviders: (): Promise<VpnProvider[]> => call("vpn_providers", {}),
  vpnProviderAdd: (request: VpnProviderAdd) => call("vpn_provider_add", { request }),
  vpnProviderRemove: (request: VpnProviderRemove) => call("vpn_provider_remove", { request }),
  voipEntries: (): Promise<VoipEntry[]> => call("voip_entries", {}),
  voipEntryAdd: (request: VoipEntryAdd) => call("voip_entry_add", { request }),
  voipEntryRemove: (request: VoipEntryRemove) => call("voip_entry_remove", { request }),
};

export type Backend = typeof backend;

/** Where the webview loads stored evidence from (the app's `evidence:` scheme). Windows and
 *  Android webviews reach custom schemes as http://<scheme>.localhost instead. */
export function evidenceUrl(kind: "thumb" | "file", sha256: string): string {
  const windows = typeof navigator !== "undefined" && /Windows|Android/.test(navigator.userAgent);
  const origin = windows ? "http://evidence.localhost" : "evidence://localhost";
  return `${origin}/${kind}/${sha256}`;
}
