// Types of fake-platform.mjs, a local stand-in for Adobe IMS and the Flow Service connections API.

export declare const MYSQL_SPEC_ID: '26d738e0-8963-47ea-aadf-c60de735468a'

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
  /** What GET /connections/{id}/test answers in `result`. */
  testResult: boolean
  /** When set, every PATCH of it is refused with this code: unsupported for the connector, or not enabled. */
  patchRefusal?: PatchRefusal
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
   */
  action?: 'reset' | 'reset-after-commit' | 'hang' | 'status-after-commit' | 'delay'
  /** With action 'delay': how long, in ms. */
  ms?: number
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
