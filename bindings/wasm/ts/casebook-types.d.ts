/* Hand-written types for the Casebook WebAssembly module (included in the generated .d.ts). */

/** The stable error codes, shared by Rust, JSON, C and JavaScript. */
export type ErrorCode =
  | "malformed_json" | "unknown_op" | "invalid_request" | "invalid_input" | "too_large"
  | "not_found" | "forbidden" | "transition_not_allowed" | "outcome_required"
  | "workflow_unknown_state" | "workflow_unreachable_state" | "workflow_no_terminal_state"
  | "workflow_invalid" | "conflict" | "storage_failed" | "storage_corrupt" | "unsupported"
  | "invalid_config" | "invalid_argument" | "internal" | "invalid_token" | "calendar_invalid"
  | "sla_policy_invalid" | "rule_invalid" | "email_refused" | "article_not_found"
  | "export_format" | "import_target_not_empty" | "invalid_release" | "invalid_rating_token"
  | "rating_already_given" | "rating_token_expired" | "unknown_notification" | "invalid_period"
  | "unsupported_op";

/** What the typed methods, `save`, `restore` and the constructor throw. */
export interface CasebookError extends Error {
  name: "CasebookError";
  code: ErrorCode;
}

/** Constructor and `restore` options. */
export interface CasebookOptions {
  /** Seed of the id source (deterministic ids); default: 64 bits from crypto.getRandomValues. */
  seed?: number | bigint;
  /** A fixed RFC 3339 time for every call, or a clock; default: Date.now(). */
  now?: string | (() => Date | number | string);
}

export type Role = "anonymous" | "customer" | "agent" | "engineer" | "admin" | "system";
/** Who acts: `{ role: "customer", id: "u1" }`. */
export interface Actor {
  role: Role;
  id?: string;
  org?: string;
  email?: string;
  name?: string;
  /** A tracking token: lets an anonymous reporter follow their case and reply. */
  token?: string;
}

export type Channel = "widget" | "email" | "phone" | "chat" | "agent_on_behalf" | "api";
export type Priority = "low" | "normal" | "high" | "urgent";
export type Visibility = "private" | "organization" | "public";
export type Category = "new" | "open" | "waiting_on_customer" | "on_hold" | "solved" | "closed";
export type LinkKind = "duplicate_of" | "duplicated_by" | "related" | "defect";
export type PromiseState = "open" | "kept" | "broken" | "superseded";
export type OutcomeKind =
  | "fixed" | "planned" | "workaround" | "wont_fix" | "duplicate" | "cannot_reproduce"
  | "answered" | "withdrawn";

/** Diagnostics collected by the host; any extra key maps to a string. */
export interface Diagnostics {
  app_version?: string;
  os?: string;
  device?: string;
  locale?: string;
  [key: string]: string | undefined;
}

export interface OnBehalfOf { id?: string; email?: string; name?: string; org?: string; }

/** A report: only `description` is required. */
export interface ReportInput {
  description: string;
  subject?: string;
  channel?: Channel;
  diagnostics?: Diagnostics;
  tags?: string[];
  priority?: Priority;
  email?: string;
  name?: string;
  on_behalf_of?: OnBehalfOf;
  visibility?: Visibility;
}

/** An honest outcome. */
export type Outcome =
  | { kind: "fixed"; version: string }
  | { kind: "planned"; target_release?: string; target_date?: string }
  | { kind: "workaround"; text: string }
  | { kind: "wont_fix"; reason: string; workaround?: string }
  | { kind: "duplicate"; of: string }
  | { kind: "cannot_reproduce"; needed: string }
  | { kind: "answered"; article?: string; reply?: string }
  | { kind: "withdrawn"; reason?: string };

export interface OutcomeView { kind: OutcomeKind; words: string; detail: Outcome; }
export interface ActorView { role: Role; name?: string; }
export interface ReporterView { user?: string; email?: string; name?: string; anonymous: boolean; }
export interface Link { kind: LinkKind; target: string; case?: string; }
export interface Commitment {
  number: number;
  text: string;
  target_release?: string;
  due?: string;
  made_at: string;
  state: PromiseState;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  actor: ActorView;
  /** reported, commented, transitioned, assigned, ... */
  kind: string;
  /** What happened, in plain words. */
  text: string;
  body?: string;
  internal?: boolean;
  status?: string;
  outcome?: OutcomeView;
}

/** A case as one viewer may see it. */
export interface CaseView {
  id: string;
  key: string;
  subject: string;
  description: string;
  status: string;
  status_label: string;
  category: Category;
  priority: Priority;
  channel: Channel;
  reporter?: ReporterView;
  org?: string;
  logged_by?: string;
  assignee?: string;
  team?: string;
  tags: string[];
  diagnostics?: Diagnostics;
  links: Link[];
  votes: number;
  duplicates: number;
  watching: boolean;
  outcome?: OutcomeView;
  commitments: Commitment[];
  visibility: Visibility;
  created_at: string;
  updated_at: string;
  version: number;
  /** In `get`, `report` and command answers; not in lists. */
  timeline?: TimelineEntry[];
}

/** A page of cases. */
export interface CasePage { cases: CaseView[]; next?: string; }

/** A case in a list with `"view": "summary"` (`myCaseSummaries`): what a list row shows. */
export interface CaseSummary {
  id: string; key: string; subject: string; status: string; status_label: string;
  category: Category; priority?: Priority; outcome?: { kind: OutcomeKind; words: string };
  created_at: string; updated_at: string; version: number;
}

/** One page of `myCaseSummaries`. */
export interface CaseSummaryPage { cases: CaseSummary[]; next?: string; }

/** `myCases` options. */
export interface MyCasesOptions { open?: boolean; cursor?: string; limit?: number; }

export interface ListFilter {
  mine?: boolean;
  open?: boolean;
  category?: Category;
  status?: string;
  assignee?: string;
  team?: string;
  tag?: string;
  priority?: Priority;
  text?: string;
}

export interface WorkflowState { id: string; category: Category; label?: string; }
export interface WorkflowTransition {
  name: string;
  from: string[];
  to: string;
  by: ("reporter" | "agent" | "engineer" | "admin" | "system")[];
  outcomes?: OutcomeKind[];
}
export interface WorkflowDef {
  initial: string;
  on_customer_reply?: string;
  states: WorkflowState[];
  transitions: WorkflowTransition[];
}
export interface Limits {
  subject_bytes?: number; description_bytes?: number; comment_bytes?: number;
  short_bytes?: number; long_bytes?: number; tags_per_case?: number;
  diagnostics_entries?: number; diagnostics_bytes?: number; request_bytes?: number;
  page_size?: number;
}

/** The request envelope: who acts, when (default: the clock), and an id echoed back. */
export interface Envelope { as: Actor; at?: string; id?: string; }

/** A protocol request. */
export type CasebookRequest = Envelope & (
  | ({ op: "configure" } & { workflow?: WorkflowDef; key_prefix?: string; limits?: Limits })
  | ({ op: "report" } & ReportInput)
  | { op: "comment"; case: string; body: string; internal?: boolean }
  | { op: "transition"; case: string; to: string; outcome?: Outcome }
  | { op: "assign"; case: string; assignee?: string; team?: string }
  | { op: "set_priority"; case: string; priority: Priority }
  | { op: "tag"; case: string; add?: string[]; remove?: string[] }
  | { op: "link"; case: string; kind: LinkKind; target: string }
  | { op: "vote"; case: string }
  | { op: "watch"; case: string; on?: boolean }
  | { op: "promise"; case: string; text: string; target_release?: string; due?: string }
  | { op: "set_visibility"; case: string; visibility: Visibility }
  | { op: "get"; case: string }
  | { op: "list"; filter?: ListFilter; cursor?: string; limit?: number; view?: "full" | "summary" }
);

export type OpResult =
  | { case: CaseView }
  | { cases: CaseView[]; next?: string }
  | { cases: CaseSummary[]; next?: string }
  | { configured: { key_prefix: string; states: string[] } };

/** A protocol response: exactly what the Rust protocol answers. */
export type CasebookResponse =
  | { ok: true; id?: string; result: OpResult }
  | { ok: false; id?: string; error: { code: ErrorCode; message: string } };

/** A report waiting in the offline outbox. */
export interface OutboxEntry {
  /** Stable id `report:<case id>`; also `request.id`. */
  id: string;
  /** The local case id. */
  case: string;
  /** The local case key, e.g. "CB-3". */
  key: string;
  /** The protocol request to send to the server (with `at` and `id` fixed). */
  request: CasebookRequest;
}

/** A draft report (before it is submitted), for live suggestions. */
export interface Draft { description: string; subject?: string; diagnostics?: Diagnostics; }
/** What `similar` compares: a draft, or an existing case (id or key). */
export interface SimilarQuery { draft?: Draft; case?: string; limit?: number; }
/** A knowledge article. */
export interface Article {
  id: string; title: string; body: string; tags: string[]; internal: boolean;
  version: number; updated_at: string;
}
/** One suggestion: a case (as the viewer may see it) or an article, with its score. */
export interface SimilarMatch { score: number; case?: CaseView; article?: Article; }
