// A typed client for the few Flow Service calls this action needs.

import { ActionError, type Http, type RequestSpec, type Response } from './http.js'
import { describeFailure, flowErrorCode, isObject, readJson } from './responses.js'

export const MYSQL_SPEC_ID = '26d738e0-8963-47ea-aadf-c60de735468a'
export const FLOW_SERVICE_PATH = '/data/foundation/flowservice'
// Page links are followed until they end; this only stops a server that never ends them.
const MAX_PAGES = 1000

export interface PlatformAccess {
  platformUrl: string
  clientId: string
  imsOrgId: string
  sandboxName: string
  accessToken: string
}

export interface Connection {
  id: string
  name: string
  description: string
  etag: string
  /** The auth spec it was made with ("Basic Authentication", …); '' when the answer left it out. */
  authSpecName: string
}

export interface ConnectionAuth {
  specName: string
  params: Record<string, string>
}

export interface ConnectionDraft {
  name: string
  description: string
  auth: ConnectionAuth
}

export interface Written {
  id: string
  etag: string
}

/** Characters that Flow Service's `property=` filter syntax reads as operators or separators. */
const FILTER_SYNTAX = /[,=!<>~"']/

/** The list request that finds connections by name, relative to the Flow Service base. */
export function lookupPath(name: string): string {
  const query = new URLSearchParams()
  // A name holding filter syntax would be misread by the server: filter by spec alone then, and page through.
  if (!FILTER_SYNTAX.test(name)) query.append('property', `name==${name}`)
  query.append('property', `connectionSpec.id==${MYSQL_SPEC_ID}`)
  return `/connections?${query.toString()}`
}

function toConnection(item: unknown): Connection | undefined {
  if (!isObject(item) || typeof item.id !== 'string') return undefined
  return {
    id: item.id,
    name: typeof item.name === 'string' ? item.name : '',
    description: typeof item.description === 'string' ? item.description : '',
    etag: typeof item.etag === 'string' ? item.etag : '',
    authSpecName: isObject(item.auth) && typeof item.auth.specName === 'string' ? item.auth.specName : ''
  }
}

export class FlowService {
  private readonly base: string

  constructor(
    private readonly http: Http,
    private readonly access: PlatformAccess
  ) {
    this.base = `${access.platformUrl}${FLOW_SERVICE_PATH}`
  }

  private send(spec: Omit<RequestSpec, 'headers'>, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.access.accessToken}`,
      'x-api-key': this.access.clientId,
      'x-gw-ims-org-id': this.access.imsOrgId,
      'x-sandbox-name': this.access.sandboxName,
      Accept: 'application/json',
      ...extraHeaders
    }
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json'
    return this.http.send({ ...spec, headers })
  }

  /** Every MySQL connection with exactly this name; the server filter narrows, the exact match is ours. */
  async findByName(name: string): Promise<Connection[]> {
    const what = `Looking up connections named "${name}"`
    let url: string | undefined = `${this.base}${lookupPath(name)}`
    const found: Connection[] = []
    const seen = new Set<string>()
    for (let page = 0; url !== undefined; page++) {
      if (seen.has(url)) throw new ActionError(`${what} failed: the next-page link repeats a page already read. Try again later.`)
      if (page >= MAX_PAGES) throw new ActionError(`${what} failed: Platform kept returning more pages after ${page}. Try again later.`)
      seen.add(url)
      const response = await this.send({ method: 'GET', url, what, idempotent: true })
      if (response.status !== 200) throw new ActionError(describeFailure(what, response))
      const body = readJson(what, response)
      if (!isObject(body) || !Array.isArray(body.items)) throw new ActionError(`${what} failed: the answer has no "items" list. Check platform-url.`)
      for (const item of body.items) {
        const connection = toConnection(item)
        const specId = isObject(item) && isObject(item.connectionSpec) ? item.connectionSpec.id : undefined
        if (connection && connection.name === name && specId === MYSQL_SPEC_ID) found.push(connection)
      }
      url = this.nextPage(body, what)
    }
    return found
  }

  private nextPage(body: Record<string, unknown>, what: string): string | undefined {
    const links = body._links
    const href = isObject(links) && isObject(links.next) ? links.next.href : undefined
    if (typeof href !== 'string' || href === '') return undefined
    const origin = new URL(this.base).origin
    // The href is relative to the Flow Service base in Adobe's examples; accept the absolute forms too.
    const url = /^https?:/i.test(href) ? href : href.startsWith(FLOW_SERVICE_PATH) ? `${origin}${href}` : `${this.base}${href.startsWith('/') ? '' : '/'}${href}`
    if (new URL(url).origin !== origin) throw new ActionError(`${what} failed: the next page link points at another origin (${new URL(url).origin}); the token is not sent there. Check platform-url.`)
    return url
  }

  async get(id: string): Promise<Connection> {
    const what = `Reading connection ${id}`
    const response = await this.send({ method: 'GET', url: `${this.base}/connections/${encodeURIComponent(id)}`, what, idempotent: true })
    if (response.status !== 200) throw new ActionError(describeFailure(what, response))
    const body = readJson(what, response)
    const connection = isObject(body) && Array.isArray(body.items) ? toConnection(body.items[0]) : undefined
    if (!connection) throw new ActionError(`${what} failed: the answer holds no connection. Check platform-url.`)
    return connection
  }

  /**
   * POSTs the connection. A lost answer surfaces as OutcomeUnknownError: the caller must look
   * for the connection before trying again, or it may create a second one.
   */
  async create(draft: ConnectionDraft, maxAttempts: number): Promise<Written> {
    const what = 'Creating the connection'
    const body = JSON.stringify({ name: draft.name, description: draft.description, auth: draft.auth, connectionSpec: { id: MYSQL_SPEC_ID, version: '1.0' } })
    const response = await this.send({ method: 'POST', url: `${this.base}/connections`, body, what, idempotent: false, maxAttempts })
    if (response.status !== 201 && response.status !== 200) throw new ActionError(describeFailure(what, response))
    return this.written(what, response)
  }

  /**
   * Replaces credentials and description. The credentials alone when the auth spec stays, the
   * whole auth when it changes (auth-type switched). A stale etag (412) is re-read once and the
   * change applied again.
   */
  async update(existing: Connection, change: { auth: ConnectionAuth; description: string }): Promise<Written> {
    const { id, etag } = existing
    const what = `Updating connection ${id}`
    const sameSpec = existing.authSpecName === '' || existing.authSpecName === change.auth.specName
    const body = JSON.stringify([
      sameSpec ? { op: 'replace', path: '/auth/params', value: change.auth.params } : { op: 'replace', path: '/auth', value: change.auth },
      { op: 'replace', path: '/description', value: change.description }
    ])
    const patch = (ifMatch: string): Promise<Response> =>
      this.send({ method: 'PATCH', url: `${this.base}/connections/${encodeURIComponent(id)}`, body, what, idempotent: true }, { 'If-Match': ifMatch })
    let response = await patch(etag)
    if (response.status === 412) response = await patch((await this.get(id)).etag)
    if (response.status !== 200) throw new ActionError(describeFailure(what, response))
    return this.written(what, response)
  }

  /** Deletes; "absent" only when Flow Service says no connection has this id. */
  async remove(id: string): Promise<'deleted' | 'absent'> {
    const what = `Deleting connection ${id}`
    const response = await this.send({ method: 'DELETE', url: `${this.base}/connections/${encodeURIComponent(id)}`, what, idempotent: true })
    if (response.status === 204 || response.status === 200) return 'deleted'
    const code = flowErrorCode(response)
    if (response.status === 404 && code === '1101-404') return response.repeated ? 'deleted' : 'absent'
    if (code === '1418-400') {
      throw new ActionError(`${describeFailure(what, response, '')} The connection is still used by a dataflow: delete the dataflow first, then the connection.`)
    }
    throw new ActionError(describeFailure(what, response))
  }

  /** Lists the database's tables through Platform: proof that Platform itself can log in. */
  async explore(id: string): Promise<number> {
    const what = `Exploring connection ${id}`
    const response = await this.send({ method: 'GET', url: `${this.base}/connections/${encodeURIComponent(id)}/explore?objectType=root`, what, idempotent: true })
    if (response.status !== 200) {
      throw new ActionError(describeFailure(what, response, 'Platform could not reach the database with these credentials: check host, port, credentials and that the database admits Adobe\'s IP addresses.'))
    }
    const body = readJson(what, response)
    if (!Array.isArray(body)) throw new ActionError(`${what} failed: the answer is not a list of tables. Check platform-url.`)
    return body.filter((item) => isObject(item) && typeof item.type === 'string' && item.type.toLowerCase() === 'table').length
  }

  private written(what: string, response: Response): Written {
    const body = readJson(what, response)
    if (!isObject(body) || typeof body.id !== 'string' || body.id === '') {
      throw new ActionError(`${what} failed: HTTP ${response.status} came without a connection id. Check platform-url; look for the connection in Platform before running again.`)
    }
    return { id: body.id, etag: typeof body.etag === 'string' ? body.etag : '' }
  }
}
