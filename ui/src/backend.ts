// The one door to the Rust side. Components call these typed functions and never `invoke` a
// command by its string name. The commands, their arguments and their results are generated
// from the Rust command registry (`Commands` in src/bindings, `make bindings`); a Rust test
// checks that this file calls every command of the registry and nothing else.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import type { AdverseAction } from "./bindings/AdverseAction";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { AuditRecord } from "./bindings/AuditRecord";
import type { CandidateAdd } from "./bindings/CandidateAdd";
import type { CandidateFields } from "./bindings/CandidateFields";
import type { CaseDetail } from "./bindings/CaseDetail";
import type { CaseExport } from "./bindings/CaseExport";
import type { CaseFlags } from "./bindings/CaseFlags";
import type { CaseRetention } from "./bindings/CaseRetention";
import type { CaseVerification } from "./bindings/CaseVerification";
import type { Change } from "./bindings/Change";
import type { Commands, RawCommand } from "./bindings/Commands";
import type { PreNoticeRequest } from "./bindings/PreNoticeRequest";
import type { Evidence } from "./bindings/Evidence";
import type { EvidenceUpload } from "./bindings/EvidenceUpload";
import type { ExportFolder } from "./bindings/ExportFolder";
import type { ExportProgress } from "./bindings/ExportProgress";
import type { FieldProblem } from "./bindings/FieldProblem";
import type { FirstUser } from "./bindings/FirstUser";
import type { ImportCommit } from "./bindings/ImportCommit";
import type { ImportPreview } from "./bindings/ImportPreview";
import type { InvestigationOpened } from "./bindings/InvestigationOpened";
import type { ItemOptions } from "./bindings/ItemOptions";
import type { IpList } from "./bindings/IpList";
import type { IpListFinish } from "./bindings/IpListFinish";
import type { IpListImported } from "./bindings/IpListImported";
import type { Cluster } from "./bindings/Cluster";
import type { Link } from "./bindings/Link";
import type { LockStatus } from "./bindings/LockStatus";
import type { MonitoredEmployee } from "./bindings/MonitoredEmployee";
import type { MrzChecked } from "./bindings/MrzChecked";
import type { PackChecked } from "./bindings/PackChecked";
import type { PaymentEntry } from "./bindings/PaymentEntry";
import type { Permissions } from "./bindings/Permissions";
import type { PortfolioExport } from "./bindings/PortfolioExport";
import type { QueuePage } from "./bindings/QueuePage";
import type { QueueQuery } from "./bindings/QueueQuery";
import type { Recorded } from "./bindings/Recorded";
import type { SampleSummary } from "./bindings/SampleSummary";
import type { SearchHit } from "./bindings/SearchHit";
import type { StatusMove } from "./bindings/StatusMove";
import type { StoreChanged } from "./bindings/StoreChanged";
import type { Unlocked } from "./bindings/Unlocked";
import type { TelemetryFormat } from "./bindings/TelemetryFormat";
import type { TelemetryOutcome } from "./bindings/TelemetryOutcome";
import type { UploadProgress } from "./bindings/UploadProgress";
import type { UploadRef } from "./bindings/UploadRef";
import type { User } from "./bindings/User";
import type { Vendor } from "./bindings/Vendor";
import type { VendorAuditStatus } from "./bindings/VendorAuditStatus";
import type { VoipEntry } from "./bindings/VoipEntry";
import type { VpnProvider } from "./bindings/VpnProvider";

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

/** The command that takes an upload's bytes as a raw body. */
const CHUNK_COMMAND: RawCommand = "upload_chunk";

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
      await invoke(CHUNK_COMMAND, bytes, {
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
  /** Whether the encrypted data directory still waits for its passphrase (the unlock screen). */
  unlockStatus: (): Promise<LockStatus> => call("unlock_status", {}),
  /** Opens the encrypted data directory; `remember` keeps its key in the OS keyring. */
  unlock: (passphrase: string, remember: boolean): Promise<Unlocked> =>
    call("unlock", { request: { passphrase, remember } }),
  /** Signs in to the team database as the URL's login; `remember` keeps the password in the OS
   *  keyring. The password goes to the database connection only. */
  signIn: (password: string, remember: boolean): Promise<Unlocked> =>
    call("sign_in", { request: { password, remember } }),
  /** Version, data directory, log directory and preselected user of the running app. */
  appInfo: (): Promise<AppInfo> => call("app_info", {}),
  /** Fills an empty data directory with the fictitious sample cohort, as the acting admin. */
  loadSample: (): Promise<SampleSummary> => call("sample_load", {}),

  /** Records one change as the acting user: the audit record, and the red flags it raised or
   *  cleared. Evidence, payment details and indicator lists have their own calls below. */
  apply: (change: Change): Promise<Recorded> => call("apply", { request: change }),
  /** Records several changes to one case in one transaction, all or none (an escalation is the
   *  status move and the assignment to its investigator). With `basedOn` (the case's
   *  `chain_head` as the page read it) a case someone else changed since is refused with the
   *  code `stale`. */
  applyAll: (caseId: number, changes: Change[], basedOn?: string): Promise<Recorded[]> =>
    call("apply_all", {
      request: basedOn === undefined ? { case_id: caseId, changes } : { case_id: caseId, changes, based_on: basedOn },
    }),

  users: (): Promise<User[]> => call("users_list", {}),
  /** Makes `name` the acting user (or nobody); every write is recorded as them. */
  /** Requires `password` before `name` is chosen in the app (null: no longer); admins only. */
  setSwitchPassword: (name: string, password: string | null): Promise<User> =>
    call("user_set_switch_password", { request: { name, password } }),
  chooseUser: (name: string | null, password?: string): Promise<User | null> =>
    call("session_choose", { request: password === undefined ? { name } : { name, password } }),
  /** Adds the first user of a new data directory, an admin, who acts from then on. */
  addFirstUser: (request: FirstUser): Promise<User> => call("user_add_first", { request }),
  /** What the acting user may do, as the store enforces it. */
  permissions: (): Promise<Permissions> => call("user_permissions", {}),

  vendors: (): Promise<Vendor[]> => call("vendors_list", {}),

  /** Adds a candidate and, when asked, opens their case, in one transaction. */
  candidateAdd: (request: CandidateAdd) => call("candidate_add", { request }),
  /** Every problem the store would refuse these candidate fields for, each with its field. */
  candidateCheck: (fields: CandidateFields): Promise<FieldProblem[]> => call("candidate_check", { request: fields }),

  /** One page of a view of the queue, with the view's size and its counts per status. */
  queuePage: (request: QueueQuery): Promise<QueuePage> => call("queue_page", { request }),
  caseGet: (caseId: number): Promise<CaseDetail> => call("case_get", { request: { case_id: caseId } }),
  caseAudit: (caseId: number): Promise<AuditRecord[]> =>
    call("case_audit", { request: { case_id: caseId } }),
  /** The status moves of a case, each with why the acting user may not make it, if not. */
  statusMoves: (caseId: number): Promise<StatusMove[]> =>
    call("case_status_moves", { request: { case_id: caseId } }),
  /** The results each checklist item could take now for the acting user, with the store's
   *  reason where it would refuse one. */
  resultOptions: (caseId: number): Promise<ItemOptions[]> =>
    call("case_result_options", { request: { case_id: caseId } }),
  search: (query: string): Promise<SearchHit[]> => call("search", { request: { query } }),
  /** The retention rule, due day and legal hold of the case's person. */
  caseRetention: (caseId: number): Promise<CaseRetention> =>
    call("case_retention", { request: { case_id: caseId } }),

  /** The red flags of a case and its risk score. */
  caseFlags: (caseId: number): Promise<CaseFlags> => call("case_flags", { request: { case_id: caseId } }),
  /** Other candidates sharing an identifier with the case's candidate. */
  caseLinks: (caseId: number): Promise<Link[]> => call("case_links", { request: { case_id: caseId } }),
  /** Everyone joined to the case's candidate by shared identifiers, through others too. */
  caseCluster: (caseId: number): Promise<Cluster> => call("case_cluster", { request: { case_id: caseId } }),
  /** Evaluates the flag rules again for today; resolves to the number of flags changed. */
  refreshFlags: (caseId: number) => call("flags_refresh", { request: { case_id: caseId } }),

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

  /** Everything verification knows about a case: records, checks, deadlines, list hits. */
  caseVerification: (caseId: number): Promise<CaseVerification> =>
    call("case_verification", { request: { case_id: caseId } }),
  /** Reads and checks a machine-readable zone as typed (nothing is recorded). */
  mrzCheck: (text: string): Promise<MrzChecked> => call("mrz_check", { request: { text } }),
  /** Sends bank numbers once; only their masks come back. */
  paymentRecord: (request: PaymentEntry) => call("payment_record", { request }),
  vendorAudits: (): Promise<VendorAuditStatus[]> => call("vendor_audits", {}),
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
  vpnProviders: (): Promise<VpnProvider[]> => call("vpn_providers", {}),
  voipEntries: (): Promise<VoipEntry[]> => call("voip_entries", {}),

  /** Hired workers with open post-hire flags, most severe first, each alert with its events. */
  monitoringBoard: (): Promise<MonitoredEmployee[]> => call("monitoring_board", {}),
  /** Uploads a sign-in or device export (spooled to disk, it may be large) and imports it: every
   *  event, or none with each bad record named. `format` is sniffed when null. */
  async importTelemetry(
    file: File,
    format: TelemetryFormat | null,
    options: UploadOptions = {},
  ): Promise<TelemetryOutcome> {
    const token = await call("upload_begin_telemetry", { request: { name: file.name, size: file.size } });
    options.onStart?.(token);
    return upload(
      token,
      file,
      options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      (ref) => call("telemetry_import", { request: { token: ref.token, format } }),
      options.onSent,
    );
  },
  /** Opens an investigation case from an open post-hire flag, its events attached. */
  investigateAlert: (caseId: number, flagId: number): Promise<InvestigationOpened> =>
    call("investigate_alert", { request: { case_id: caseId, flag_id: flagId } }),

  /** Gives the FCRA pre-adverse-action notice, with the copy of the report and the summary of
   *  rights the case already holds as evidence; answers the steps after it. */
  adversePreNotice: (request: PreNoticeRequest): Promise<AdverseAction> => call("adverse_pre_notice", { request }),
  /** Gives the adverse-action notice on a case decided on its background report. */
  adverseNotice: (caseId: number): Promise<AdverseAction> =>
    call("adverse_notice", { request: { case_id: caseId } }),
};

export type Backend = typeof backend;

/** Where the webview loads stored evidence from (the app's `evidence:` scheme). Windows and
 *  Android webviews reach custom schemes as http://<scheme>.localhost instead. */
export function evidenceUrl(kind: "thumb" | "file", sha256: string): string {
  const windows = typeof navigator !== "undefined" && /Windows|Android/.test(navigator.userAgent);
  const origin = windows ? "http://evidence.localhost" : "evidence://localhost";
  return `${origin}/${kind}/${sha256}`;
}
