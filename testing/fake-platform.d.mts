// Types of fake-platform.mjs, a local stand-in for Adobe IMS and the Flow Service connections API,
// and of fake-dataflow.mjs, which it mounts: the calls from a base connection to a running dataflow.

export declare const MYSQL_SPEC_ID: '26d738e0-8963-47ea-aadf-c60de735468a'
export declare const DATA_LAKE_SPEC_ID: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c'
export declare const CRM_FLOW_SPEC_ID: '14518937-270c-4525-bdec-c2ba7cce3860'

/** Where the organisation's Platform runs: decides the MySQL auth specs served and enforced. */
export type Profile = 'azure' | 'aws'

/** "Resource not found" codes for an unknown id: the catalogue's 1101-404, or 1102-404, 1003-404, 1439-404. */
export type NotFoundCode = '1101-404' | '1102-404' | '1003-404' | '1439-404'

/** One entry of a connection spec's `authSpec`, as GET /connectionSpecs/{id} returns it. */
export interface AuthSpec {
  name: string
  type: string
  /** A JSON schema (draft-07) of `auth.params`. */
  spec: Record<string, unknown>
}

export interface FakePlatformOptions {
  /** The port on 127.0.0.1 to listen on; 0 (default) takes a free one. A port in use rejects with EADDRINUSE. */
  port?: number
  /** Delay before answering every request (IMS and Flow Service), in ms. Default 0. */
  latencyMs?: number
  /** The only client id IMS accepts, and the only `x-api-key` Platform accepts. Default 'test-client-id'. */
  clientId?: string
  /** The only client secret IMS accepts. Default 'test-client-secret'. */
  clientSecret?: string
  /** The token IMS hands out and the only bearer token Platform accepts. Default: random, 'eyJ…', 61 chars. */
  accessToken?: string
  /** The only `x-gw-ims-org-id` Platform accepts. Default 'TESTORG@AdobeOrg'. */
  imsOrgId?: string
  /** Existing sandboxes; another `x-sandbox-name` gets 404 FLOW-2100-404. Default ['prod']. */
  sandboxes?: string[]
  /** Largest page GET /connections returns (pages hold min(limit, pageSize) items). Default 100. */
  pageSize?: number
  /**
   * The stricter reading wherever Adobe's sources disagree. Default false (the lenient reading):
   * - query strings are percent-decoded only, so `+` is a plus sign (`property=name==Orders+DB` does not
   *   match "Orders DB"); leniently they are form-decoded (`+` is a space);
   * - `_links.next.href` is `/connections?continuationToken=…` and the token keeps no filters: a next page
   *   asked for without the `property` filters is unfiltered; leniently the href repeats the whole query;
   * - JSON Patch `replace` of an absent member fails with 1455-400 (RFC 6902); leniently it acts as `add`.
   */
  strict?: boolean
  /** The code of every 404 for an unknown connection (or connection spec) id. Default '1101-404'. */
  notFoundCode?: NotFoundCode
  /**
   * How PATCH and DELETE of a connection in a state other than enabled/disabled/initializing are refused:
   * 'per-operation' (default): 1457-400 (PATCH) / 1458-400 (DELETE) in state delete-finalizing, 1416-400 in
   * any other; 'generic': always 1416-400.
   */
  stateRefusal?: 'per-operation' | 'generic'
  /** DELETE leaves the connection stored and listed in state 'delete-finalizing' instead of removing it. Default false. */
  lingerOnDelete?: boolean
  /** Default 'azure': both MySQL auth specs, Basic's sslMode the enum DISABLED | PREFERRED | REQUIRED | Verify-Ca | Verify Identity. 'aws': Basic Authentication only. */
  profile?: Profile
  /** With profile 'aws': sslMode is a JSON boolean ('boolean', default) or the string "true" | "false" ('string'). */
  awsSslModeType?: 'boolean' | 'string'
  /** Replaces the profile's auth specs (served and enforced); start from mysqlAuthSpecs() to change one field. */
  authSpecs?: AuthSpec[]
  /** The server's clock in epoch ms, for schedule checks (a start time in the past) and timestamps. Default Date.now. */
  now?: () => number
  /**
   * The schedule value types a flow accepts: 'either' (default) the tutorial's strings or the spec's types;
   * 'tutorial' strings only ("startTime": "1612310466", "interval": "15", "backfill": "true");
   * 'spec' ScheduleSpecDTO's types only (integer startTime, string interval, boolean backfill).
   * GET /flows always echoes strings.
   */
  scheduleTypes?: 'either' | 'tutorial' | 'spec'
  /**
   * The mapping set body shape accepted: 'either' (default), 'reference' (Data Prep reference:
   * outputSchema.schemaRef, sourceType/source/destination) or 'legacy' (database tutorial: xdmSchema,
   * sourceAttribute/destinationXdmPath).
   */
  mappingShape?: 'either' | 'reference' | 'legacy'
  /** GET /flowSpecs: 'new' (default) {"items": [spec]} with transformationSpecs; 'old' the bare spec with transformationSpec. */
  flowSpecForm?: 'new' | 'old'
  /** Connection spec ids CRMToAEP lists besides MySQL's; the MySQL one is always listed. */
  otherSourceSpecIds?: string[]
  /** How every new flow's first run goes (change one flow's through `flows.get(id).runPlan`). */
  firstRun?: Partial<RunPlan>
}

/** How a flow's first run goes: in progress for `polls` listings of it, then `status`. */
export interface RunPlan {
  /** Default 2. */
  polls: number
  /** Default 'success'. */
  status: 'success' | 'failed'
  /** Default {input: 100, output: 99, failed: 1}; counted up while in progress. */
  records: { input: number; output: number; failed: number }
  /** With status 'failed'. Default 'CONNECTOR-1001-500'. */
  errorCode?: string
  errorMessage?: string
}

export interface RecordedRequest {
  method: string
  /** The request target as sent, undecoded: path and query string (what a replay sends again). */
  target: string
  /** Path without the query string, e.g. '/data/foundation/flowservice/connections'. */
  path: string
  /** Form-decoded (`+` read as a space); see rawQuery for what was sent. */
  query: Record<string, string[]>
  /** The query string exactly as sent, without '?' ('' when none). */
  rawQuery: string
  /** Lower-cased names; repeated headers joined with ', '. */
  headers: Record<string, string>
  /** Raw body ('' when none). */
  body: string
  /** The parsed body when it is JSON, else undefined. */
  json: unknown
  /** ms since the server started, when the request arrived. */
  at: number
  /** Set when a fault applied: its action, or its status as a string. */
  fault?: string
}

export interface AuthInfo {
  specName: string
  params: Record<string, unknown>
}

/**
 * A stored connection: the ConnectionItemDTO fields with the FULL credentials, plus three fake-only
 * fields (`usedByFlow`, `tables`, `testResult`) that are never sent and that tests may change in place.
 */
export interface Connection {
  id: string
  createdAt: number
  updatedAt: number
  createdBy: string
  updatedBy: string
  createdClient: string
  updatedClient: string
  sandboxId: string
  sandboxName: string
  imsOrgId: string
  name: string
  description?: string
  connectionSpec: { id: string; version: string }
  /** PATCH and DELETE are refused unless enabled, disabled or initializing (see stateRefusal). */
  state: ConnectionState
  auth: AuthInfo
  /** Same value as etag, literal double quotes included. */
  version: string
  /** e.g. '"0b6b4c8e-…"', literal double quotes included. */
  etag: string
  /** DELETE answers 400 FLOW-1418-400 while true. */
  usedByFlow: boolean
  /** Table names GET /connections/{id}/explore?objectType=root lists. */
  tables: string[]
  /** Columns of explore?objectType=table per table; defaultColumns() for a table not listed. */
  columns: Record<string, ExploreColumn[]>
  /** What GET /connections/{id}/test answers in `result`. */
  testResult: boolean
  /** When set, every PATCH of it is refused with this code: unsupported for the connector, or not enabled. */
  patchRefusal?: PatchRefusal
}

/** A column as explore?objectType=table lists it. */
export interface ExploreColumn {
  name: string
  type: string
  'meta:xdmType'?: string
  xdm: { type: string; format?: string }
}

export type ConnectionState = 'enabled' | 'disabled' | 'initializing' | 'delete-finalizing' | (string & {})

export type PatchRefusal = '1300-400' | '1445-400'

export interface NewConnection {
  name: string
  /** Default MYSQL_SPEC_ID. */
  specId?: string
  description?: string
  /** Default: MySQL connection-string auth with a placeholder connection string. Not validated. */
  auth?: AuthInfo
  usedByFlow?: boolean
  /** Default ['customers', 'orders', 'products']. */
  tables?: string[]
  /** Columns explore lists per table; a table not listed here has defaultColumns(). */
  columns?: Record<string, ExploreColumn[]>
  /** Default true. */
  testResult?: boolean
  /** Default: the first configured sandbox. */
  sandboxName?: string
  /** Default: a random UUID. */
  id?: string
  /** Default 'enabled'. A 'delete-finalizing' one is still listed, but refused PATCH and DELETE. */
  state?: ConnectionState
  patchRefusal?: PatchRefusal
}

export interface Fault {
  /** Matched case-insensitively; omitted = any method. */
  method?: string
  /** The full path without query ('/data/foundation/flowservice/…' or '/ims/token/v3'); omitted = any. */
  path?: string | RegExp
  /** How many matching requests it applies to. Default 1. */
  times?: number
  /**
   * Status to answer with (default 500) instead of the normal answer, or after the normal work with
   * 'status-after-commit'. Without `body`, a plausible error body is sent (Flow Service error shape;
   * gateway shape for 429; IMS shape on the IMS path).
   */
  status?: number
  /** An object is sent as JSON; a string is sent as is, as text/plain unless `headers` set a content-type. */
  body?: string | object
  headers?: Record<string, string>
  /**
   * 'reset': drop the connection (TCP RST, ECONNRESET at the client) without doing the work.
   * 'reset-after-commit': do the work (e.g. really create), then drop the connection.
   * 'hang': never answer (the socket is destroyed by close()).
   * 'status-after-commit': do the work, then answer with `status`/`body` instead.
   * 'delay': wait `ms`, then answer normally (a slow answer; a client that gave up hears nothing).
   * Omitted: answer with `status`/`body` without doing the work.
   * 'commit-after-lookups': answer `status` (default 504) at once, without the work; the work is done
   *   when the GET of the same path (the collection's lookup) comes after `lookups` such GETs missed it.
   */
  action?: 'reset' | 'reset-after-commit' | 'hang' | 'status-after-commit' | 'delay' | 'commit-after-lookups'
  /** With action 'delay': how long, in ms. */
  ms?: number
  /** With action 'commit-after-lookups': how many lookups miss the create before it is there. Default 1. */
  lookups?: number
}

export interface InvalidBody {
  method: string
  path: string
  /** Why the body was refused (ajv's message, or the fake's own). */
  errors: string
  /** The Flow code answered: '1302-400' (schema), '1415-400' (auth spec not offered), '1365-400', '1414-400', '1455-400' (patch). */
  code: string
}

export interface FakePlatform {
  /** 'http://127.0.0.1:<port>'; IMS and Platform share this origin. */
  url: string
  accessToken: string
  /** Every request received, in order. */
  requests: RecordedRequest[]
  /** id -> stored connection, across all sandboxes. */
  connections: Map<string, Connection>
  /** Bodies refused with a 400 for not matching the spec's schemas, the MySQL auth specs or JSON Patch rules. */
  invalidBodies: InvalidBody[]
  /** Source connections by id (stored form: `sandboxName`, `baseConnectionId`, `params`, …). */
  sourceConnections: Map<string, StoredItem>
  targetConnections: Map<string, StoredItem>
  /** Flows by id; `state`, `scheduleParams` (strings), `transformations`, and the fake-only `runPlan`. */
  flows: Map<string, StoredFlow>
  runs: Map<string, StoredItem>
  datasets: Map<string, Dataset>
  /** Data Prep mapping sets: `versions` holds each version's schema id and rows. */
  mappingSets: Map<string, StoredItem & { versions: { schemaId: string; rows: { sourceType: string; source: string; destination: string }[] }[] }>
  /** Stores a Catalog dataset, without validation. `schemaId: null` makes one without a schemaRef. */
  addDataset(partial?: { id?: string; name?: string; schemaId?: string | null; sandboxName?: string }): Dataset
  /** Stores one connection, without validation, and returns it. */
  addConnection(partial: NewConnection): Connection
  /** Stores `count` connections made by `make(i)`. */
  seed(count: number, make: (i: number) => NewConnection): void
  /** Queues a fault; faults apply in FIFO order to the first matching request. */
  inject(fault: Fault): void
  /**
   * Calls `watcher` with each request as it is recorded (its fault taken), before it is answered:
   * what a test does then, the answer sees. Returns the function that stops the watching.
   */
  watch(watcher: (request: RecordedRequest) => void): () => void
  /** Clears requests, connections, faults and invalidBodies (the arrays are emptied in place). */
  reset(): void
  /** Stops the server, destroying open, in-flight and hanging sockets. */
  close(): Promise<void>
}

export interface StoredItem {
  id: string
  sandboxName: string
  etag: string
  [field: string]: unknown
}

export interface StoredFlow extends StoredItem {
  name: string
  state: string
  sourceConnectionIds: string[]
  targetConnectionIds: string[]
  scheduleParams: Record<string, string>
  transformations: { name: string; params: Record<string, unknown> }[]
  runPlan: RunPlan
}

export interface Dataset {
  id: string
  name: string
  sandboxName: string
  schemaRef?: { id: string; contentType: string }
}

/** The CRMToAEP flow spec as GET /flowSpecs serves it. */
export declare function crmFlowSpec(form?: 'new' | 'old', sourceSpecIds?: string[]): Record<string, unknown>

/** The columns explore lists for a table no test configured. */
export declare function defaultColumns(): ExploreColumn[]

export declare function startFakePlatform(options?: FakePlatformOptions): Promise<FakePlatform>

/** The MySQL auth specs of a profile, as served (fresh copies, free to change). */
export declare function mysqlAuthSpecs(profile?: Profile, awsSslModeType?: 'boolean' | 'string'): AuthSpec[]

/** A Flow Service error body, e.g. for a fault: flowErrorBody('1365-400', 'Invalid patch path'). The status is the code's suffix. */
export declare function flowErrorBody(
  code: string,
  title: string,
  detail?: string,
  requestId?: string
): { type: string; title: string; status: number; report: { 'detailed-message': string; 'request-id': string }; errorMessage: string }
