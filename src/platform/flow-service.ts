// A typed client for the few Flow Service calls this action needs: it sends the requests that
// requests.ts builds, with the token, and reads their answers.

import { ActionError, OutcomeUnknownError, RefusedError } from '../runner/errors.js'
import type { RequestSpec, Response } from './sender.js'
import {
  type ConnectionAuth,
  type ConnectionDraft,
  type Existing,
  MYSQL_SPEC_ID,
  type PlatformAccess,
  connectionSpecRequest,
  createRequest,
  deleteRequest,
  exploreRequest,
  getRequest,
  lookupRequest,
  nextPageRequest,
  updateRequest
} from './requests.js'
import { describeFailure, errorDetails, flowErrorCode, isObject, readJson, readTables } from './answers.js'
import { type AuthSpec, readAuthSpecs } from './connection-specs.js'
import { isPlainId } from './ids.js'

// Page links are followed until they end; these only stop a server that never ends them, before
// what is read and kept across pages exhausts the runner's memory (one answer alone is capped
// by the transport). 10,000 connections of an organisation take about 10 MB.
const MAX_PAGES = 1000
const MAX_LOOKUP_BYTES = 64 * 1024 * 1024
/** Namesakes kept: more than one is already an error for every caller but the token search. */
const MAX_MATCHES = 1000
/** Readings of a paged listing that found no namesake, until two agree (see findByName). */
const MAX_READINGS = 3

export interface Connection extends Existing {
  name: string
  description: string
  /** enabled, disabled, initializing, delete-finalizing, …; '' when the answer left it out. */
  state: string
  /** The auth params as Platform shows them: secrets hidden, or left out. */
  authParams: Record<string, unknown>
}

export interface Written {
  id: string
  etag: string
}

/**
 * An id as a string. Some answers carry ids as JSON numbers: read as text, they match the same
 * connection listed with a string id; a number JSON cannot hold exactly is no id.
 */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined
}

/** Names compared as Platform may store them: NFC, so a name typed in either composition is the same name. */
export function sameName(listed: string, name: string): boolean {
  return listed.normalize('NFC') === name.normalize('NFC')
}

function toConnection(item: unknown): Connection | undefined {
  const id = isObject(item) ? idOf(item.id) : undefined
  if (!isObject(item) || id === undefined) return undefined
  return {
    id,
    name: typeof item.name === 'string' ? item.name : '',
    description: typeof item.description === 'string' ? item.description : '',
    etag: typeof item.etag === 'string' ? item.etag : '',
    authSpecName: isObject(item.auth) && typeof item.auth.specName === 'string' ? item.auth.specName : '',
    state: typeof item.state === 'string' ? item.state : '',
    authParams: isObject(item.auth) && isObject(item.auth.params) ? item.auth.params : {}
  }
}

/**
 * The connection, once its id is known to be plain: any other id makes the whole answer invalid.
 * `advice` says what to do then; a write's answer also asks to look before running again.
 */
function requirePlainId<T extends { id: string }>(connection: T, what: string, advice = 'Check platform-url.'): T {
  if (!isPlainId(connection.id)) {
    throw new ActionError(`${what} failed: the answer holds an invalid connection id, one with whitespace, a control character or a slash. ${advice}`)
  }
  return connection
}

const AFTER_A_WRITE = 'Check platform-url; look for the connection in Platform before running again.'

/** The id and etag a write's answer carries, read as JSON whatever its content type says; undefined without an id. */
function readWritten(response: Response): Written | undefined {
  let body: unknown
  try {
    body = JSON.parse(response.body)
  } catch {
    return undefined
  }
  const id = isObject(body) ? idOf(body.id) : undefined
  if (!isObject(body) || id === undefined || id === '') return undefined
  return { id, etag: typeof body.etag === 'string' ? body.etag : '' }
}

/** A deleted connection lingers in state delete-finalizing: it is on its way out, not one to use or delete. */
export function deleting(connection: Connection): boolean {
  return connection.state === 'delete-finalizing'
}

export function refused(what: string, response: Response, hint?: string): RefusedError {
  return new RefusedError(describeFailure(what, response, hint), what, response.status, flowErrorCode(response))
}

// Flow Service's "Resource not found" for a connection: the error catalogue and real answers
// differ on the code (flow-service-errors.md, sources-errors.md), so each of them means absent.
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['1101-404', '1102-404', '1003-404', '1439-404'])
// "Cannot be applied in state delete-finalizing" and "only in states enabled, disabled,
// initializing": a connection already on its way out.
const BEING_DELETED_CODES = new Set(['1458-400', '1416-400'])
// Patch not supported for this connector, not enabled, or a path it does not have.
const PATCH_REFUSED_CODES = new Set(['1300-400', '1445-400', '1365-400'])

/** The next page of a listing, from its `_links.next`; undefined on the last page. The token never goes to another origin. */
export function nextPage(access: PlatformAccess, body: Record<string, unknown>, lookup: RequestSpec): RequestSpec | undefined {
  const links = body._links
  const href = isObject(links) && isObject(links.next) ? links.next.href : undefined
  if (typeof href !== 'string' || href === '') return undefined
  const next = nextPageRequest(access, lookup, href)
  const origin = new URL(next.url).origin
  if (origin !== new URL(lookup.url).origin)
    throw new ActionError(`${lookup.what} failed: the next page link points at another origin (${origin}); the token is not sent there. Check platform-url.`)
  return next
}

/**
 * The limits of reading one listing page by page, for every lister: they stop a server that
 * never ends its pages, or links one page again, before what is kept exhausts the runner's memory.
 */
export class PageLimits {
  private readonly seen = new Set<string>()
  private bytes = 0
  /** Pages sent so far. */
  pages = 0

  /** `advice`: what to do when a listing is too large, ending the sentence. */
  constructor(
    private readonly what: string,
    private readonly advice: string
  ) {}

  /** Before a page is sent. */
  sending(url: string): void {
    if (this.seen.has(url)) throw new ActionError(`${this.what} failed: the next-page link repeats a page already read. Try again later.`)
    if (this.pages >= MAX_PAGES) throw new ActionError(`${this.what} failed: Platform kept returning more pages after ${this.pages}. Try again later.`)
    this.seen.add(url)
    this.pages++
  }

  /** A page's answer, whose size counts toward MAX_LOOKUP_BYTES. */
  received(body: string): void {
    this.bytes += Buffer.byteLength(body)
    if (this.bytes > MAX_LOOKUP_BYTES) throw this.tooMuch(`more than ${MAX_LOOKUP_BYTES / 1024 / 1024} MB`)
  }

  tooMuch(kept: string): ActionError {
    return new ActionError(`${this.what} failed: Platform returned ${kept} over ${this.pages} pages, more than this action reads. ${this.advice}`)
  }
}

export class FlowService {
  constructor(
    /** Sends with the access token (see Session). */
    private readonly send: (request: RequestSpec) => Promise<Response>,
    private readonly access: PlatformAccess
  ) {}

  /**
   * Every MySQL connection with exactly this name (see sameName); the server filter narrows, the
   * exact match is ours. A listing of several pages that holds none is read again: a connection
   * deleted while offset-style pages were read shifts the rest, and a page may skip the
   * namesake. It is absent only once two readings list the same connections.
   */
  async findByName(name: string): Promise<Connection[]> {
    let before: string | undefined
    for (let reading = 1; ; reading++) {
      const { found, listed, pages } = await this.readListing(name)
      if (found.length > 0 || pages === 1 || listed === before) return found
      if (reading >= MAX_READINGS) {
        throw new ActionError(`${lookupRequest(this.access, name).what} failed: the list of connections changed each time it was read page by page. Run the step again.`)
      }
      before = listed
    }
  }

  /** One reading of the listing: the namesakes, every id listed (as one string, to compare readings) and the pages read. */
  private async readListing(name: string): Promise<{ found: Connection[]; listed: string; pages: number }> {
    const lookup = lookupRequest(this.access, name)
    const what = lookup.what
    let request: RequestSpec = lookup
    // By id: a listing that grows while it is paged shows a connection on two pages.
    const found = new Map<string, Connection>()
    const listed = new Set<string>()
    const limits = new PageLimits(what, 'Check platform-url, or delete the extra connections.')
    for (;;) {
      limits.sending(request.url)
      const response = await this.send(request)
      if (response.status !== 200) throw new ActionError(describeFailure(what, response))
      limits.received(response.body)
      const body = readJson(what, response)
      if (!isObject(body) || !Array.isArray(body.items)) throw new ActionError(`${what} failed: the answer has no "items" list. Check platform-url.`)
      for (const item of body.items) {
        const connection = toConnection(item)
        if (connection) listed.add(connection.id)
        const specId = isObject(item) && isObject(item.connectionSpec) ? item.connectionSpec.id : undefined
        if (connection && sameName(connection.name, name) && specId === MYSQL_SPEC_ID && !deleting(connection)) found.set(connection.id, requirePlainId(connection, what))
        if (found.size > MAX_MATCHES) throw limits.tooMuch(`more than ${MAX_MATCHES} connections of this name`)
      }
      const next = nextPage(this.access, body, lookup)
      if (next === undefined) return { found: [...found.values()], listed: [...listed].sort().join('\n'), pages: limits.pages }
      request = next
    }
  }

  /** The connection as Platform shows it; undefined only when Flow Service says no connection has this id. */
  async find(id: string): Promise<Connection | undefined> {
    const request = getRequest(this.access, id)
    const response = await this.send(request)
    // Any other 404 (an unknown sandbox, say) is a failure, not an absent connection.
    if (response.status === 404 && NOT_FOUND_CODES.has(flowErrorCode(response) ?? '')) return undefined
    if (response.status !== 200) throw new ActionError(describeFailure(request.what, response))
    const body = readJson(request.what, response)
    const connection = isObject(body) && Array.isArray(body.items) ? toConnection(body.items[0]) : undefined
    if (!connection) throw new ActionError(`${request.what} failed: the answer holds no connection. Check platform-url.`)
    return requirePlainId(connection, request.what)
  }

  /** The connection, which must exist: it was found a moment ago. */
  async get(id: string): Promise<Connection> {
    const connection = await this.find(id)
    if (!connection) throw new ActionError(`Reading connection ${id} failed: Platform no longer knows it, so it was deleted while this step ran. Run the step again.`)
    return connection
  }

  /**
   * POSTs the connection. A lost answer surfaces as OutcomeUnknownError: the caller must look
   * for the connection before trying again, or it may create a second one.
   */
  async create(draft: ConnectionDraft, maxAttempts: number): Promise<Written> {
    const request = createRequest(this.access, draft)
    const response = await this.send({ ...request, maxAttempts })
    // Any success: a gateway may answer 202, or label the JSON it passes on as text.
    if (response.status < 200 || response.status >= 300) throw refused(request.what, response)
    const written = readWritten(response)
    // Accepted, so the connection exists, but without a readable id: as good as a lost answer.
    if (!written) {
      throw new OutcomeUnknownError(
        `${request.what} answered HTTP ${response.status} with an answer that cannot be read, so the new connection's id is unknown`,
        'an unreadable answer',
        response.attempts
      )
    }
    return requirePlainId(written, request.what, AFTER_A_WRITE)
  }

  /** Replaces credentials and description; a stale etag (412) is re-read once and the change applied again. */
  async update(existing: Existing, change: { auth: ConnectionAuth; description: string }): Promise<Written> {
    const request = updateRequest(this.access, existing, change)
    let response = await this.send(request)
    if (response.status === 412) response = await this.send(updateRequest(this.access, await this.get(existing.id), change))
    if (response.status === 200) {
      const written = readWritten(response)
      if (!written) {
        // An answer that is not JSON at all is described as such.
        readJson(request.what, response)
        throw new ActionError(`${request.what} failed: HTTP ${response.status} came without a connection id. ${AFTER_A_WRITE}`)
      }
      return requirePlainId(written, request.what, AFTER_A_WRITE)
    }
    if (PATCH_REFUSED_CODES.has(flowErrorCode(response) ?? '')) {
      const advice = 'This connection cannot be updated through the API here: set if-exists: reuse to keep it as it is, or delete it first (operation: delete) and run again.'
      throw refused(request.what, response, advice)
    }
    throw refused(request.what, response)
  }

  /** Deletes; "absent" only when Flow Service says no connection has this id. */
  async remove(id: string): Promise<'deleted' | 'absent'> {
    const request = deleteRequest(this.access, id)
    const response = await this.send(request)
    if (response.status === 204 || response.status === 200) return 'deleted'
    const code = flowErrorCode(response) ?? ''
    if (response.status === 404 && NOT_FOUND_CODES.has(code)) return response.repeated ? 'deleted' : 'absent'
    // After a lost answer, "already being deleted" is this step's own delete taking its course.
    if (response.repeated && BEING_DELETED_CODES.has(code)) return 'deleted'
    // Without one, someone else's delete is: the connection is on its way out, as a lookup by name would also say.
    if (code === '1458-400') return 'absent'
    if (code === '1418-400') {
      // Said in our words only: Platform's own detail says the same, and saying it twice reads as two problems.
      const { requestId } = errorDetails(response)
      throw new ActionError(
        `${request.what} failed: HTTP ${response.status}, FLOW-${code}${requestId ? ` (request id ${requestId})` : ''}. The connection is still used by a dataflow: delete the dataflow first, then the connection.`
      )
    }
    throw new ActionError(describeFailure(request.what, response))
  }

  /** The auth specs this organisation's MySQL connection spec offers, with their schemas. */
  async authSpecs(): Promise<AuthSpec[]> {
    const request = connectionSpecRequest(this.access)
    const response = await this.send(request)
    if (response.status !== 200) throw new ActionError(describeFailure(request.what, response))
    const specs = readAuthSpecs(readJson(request.what, response))
    if (!specs) throw new ActionError(`${request.what} failed: the answer lists no auth specs. Check platform-url.`)
    return specs
  }

  /** The paths of the tables Platform sees in the database, as explore lists them. */
  async explore(id: string): Promise<string[]> {
    const request = exploreRequest(this.access, id)
    const what = request.what
    const response = await this.send(request)
    if (response.status !== 200) {
      throw new ActionError(
        describeFailure(
          what,
          response,
          "Platform could not reach the database with these credentials: check host, port, credentials and that the database admits Adobe's IP addresses."
        )
      )
    }
    const body = readJson(what, response)
    if (!Array.isArray(body)) throw new ActionError(`${what} failed: the answer is not a list of tables. Check platform-url.`)
    return readTables(body)
  }
}
