// Every request the action can send, built in one place from plain data. The clients send them;
// dry-run describes them. Pure: no I/O, and no access token (the client adds it when sending),
// so a described request never holds one.

import type { RequestSpec } from './sender.js'

export const MYSQL_SPEC_ID = '26d738e0-8963-47ea-aadf-c60de735468a'
const FLOW_SERVICE_PATH = '/data/foundation/flowservice'

/** Who asks, and where: everything a Platform request needs but the token. */
export interface PlatformAccess {
  platformUrl: string
  clientId: string
  imsOrgId: string
  sandboxName: string
}

export interface TokenAccess {
  imsUrl: string
  clientId: string
  clientSecret: string
  scopes: string
}

export interface ConnectionAuth {
  specName: string
  params: Record<string, string | number | boolean>
}

export interface ConnectionDraft {
  name: string
  description: string
  auth: ConnectionAuth
}

/** What an update needs to know of the connection it changes. */
export interface Existing {
  id: string
  etag: string
  /** The auth spec it was made with; '' when the answer left it out. */
  authSpecName: string
}

export type Request = Omit<RequestSpec, 'maxAttempts'>

export function tokenRequest(access: TokenAccess): Request {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: access.clientId, client_secret: access.clientSecret, scope: access.scopes })
  return {
    what: 'Getting an access token from IMS',
    method: 'POST',
    url: `${access.imsUrl}/ims/token/v3`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: form.toString(),
    // Asking twice only yields a second token: safe to repeat.
    idempotent: true
  }
}

export function flowBase(access: PlatformAccess): string {
  return `${access.platformUrl}${FLOW_SERVICE_PATH}`
}

export function platformRequest(
  access: PlatformAccess,
  request: { what: string; method: RequestSpec['method']; url: string; body?: unknown; headers?: Record<string, string>; idempotent?: boolean }
): Request {
  const headers: Record<string, string> = {
    'x-api-key': access.clientId,
    'x-gw-ims-org-id': access.imsOrgId,
    'x-sandbox-name': access.sandboxName,
    Accept: 'application/json',
    ...request.headers
  }
  const body = request.body === undefined ? undefined : JSON.stringify(request.body)
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  return { what: request.what, method: request.method, url: request.url, headers, ...(body === undefined ? {} : { body }), idempotent: request.idempotent ?? true }
}

function connectionUrl(access: PlatformAccess, id: string, suffix = ''): string {
  return `${flowBase(access)}/connections/${encodeURIComponent(id)}${suffix}`
}

/** Characters that Flow Service's `property=` filter syntax reads as operators or separators. */
const FILTER_SYNTAX = /[,=!<>~"']/

/**
 * Percent-encodes a query value as Adobe's examples do: a space is %20, never the form-encoding
 * `+` (a server that reads `+` literally would match nothing, and every run would create a
 * duplicate), and every reserved character is encoded, also those encodeURIComponent leaves.
 */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * Whether the server may filter by this name. Not when it holds filter syntax, which the server
 * would misread; nor when Unicode composes it (é as one character or two): a server that
 * compares bytes would miss the connection stored in the other composition.
 */
export function filterable(name: string): boolean {
  return !FILTER_SYNTAX.test(name) && name.normalize('NFC') === name.normalize('NFD')
}

/** The list request that finds MySQL connections by name: `property` filters, which the server ANDs. */
export function lookupRequest(access: PlatformAccess, name: string): Request {
  // Without the name filter, the lookup filters by spec alone and pages through.
  const filters: Array<[string, string]> = [...(filterable(name) ? [['name', name] as [string, string]] : []), ['connectionSpec.id', MYSQL_SPEC_ID]]
  const query = filters.map(([field, value]) => `property=${field}==${encodeQueryValue(value)}`).join('&')
  return platformRequest(access, { what: `Looking up connections named "${name}"`, method: 'GET', url: `${flowBase(access)}/connections?${query}` })
}

/**
 * The next page of a lookup, from the list's `_links.next.href` (the caller checks where it
 * points). Whether the server keeps the filters inside its continuation token is not
 * documented: when the href carries none, the lookup's filters are sent again with it, as
 * Adobe's own Python SDK does, so the next pages stay filtered.
 */
export function nextPageRequest(access: PlatformAccess, lookup: Request, href: string): Request {
  const base = flowBase(access)
  const origin = new URL(base).origin
  // The href is relative to the Flow Service base in Adobe's examples; accept the absolute forms too.
  let url = /^https?:/i.test(href) ? href : href.startsWith(FLOW_SERVICE_PATH) ? `${origin}${href}` : `${base}${href.startsWith('/') ? '' : '/'}${href}`
  const lookupQuery = new URL(lookup.url).search.slice(1)
  if (!new URL(url).searchParams.has('property') && lookupQuery !== '') url += `${url.includes('?') ? '&' : '?'}${lookupQuery}`
  return { ...lookup, url }
}

/** The MySQL connection spec as this organisation sees it: which auth specs it offers, with their JSON schemas. */
export function connectionSpecRequest(access: PlatformAccess): Request {
  return platformRequest(access, { what: 'Reading the MySQL connection spec', method: 'GET', url: `${flowBase(access)}/connectionSpecs/${MYSQL_SPEC_ID}` })
}

export function getRequest(access: PlatformAccess, id: string): Request {
  return platformRequest(access, { what: `Reading connection ${id}`, method: 'GET', url: connectionUrl(access, id) })
}

/** A lost answer to it must not be repeated blindly (see OutcomeUnknownError). */
export function createRequest(access: PlatformAccess, draft: ConnectionDraft): Request {
  return platformRequest(access, {
    what: 'Creating the connection',
    method: 'POST',
    url: `${flowBase(access)}/connections`,
    body: { name: draft.name, description: draft.description, auth: draft.auth, connectionSpec: { id: MYSQL_SPEC_ID, version: '1.0' } },
    idempotent: false
  })
}

/**
 * Replaces credentials and description: the credentials alone when the auth spec stays, the
 * whole auth when it changes (auth-type switched).
 */
export function updateRequest(access: PlatformAccess, existing: Existing, change: { auth: ConnectionAuth; description: string }): Request {
  const sameSpec = existing.authSpecName === '' || existing.authSpecName === change.auth.specName
  return platformRequest(access, {
    what: `Updating connection ${existing.id}`,
    method: 'PATCH',
    url: connectionUrl(access, existing.id),
    headers: { 'If-Match': existing.etag },
    body: [
      sameSpec ? { op: 'replace', path: '/auth/params', value: change.auth.params } : { op: 'replace', path: '/auth', value: change.auth },
      // add, not replace (RFC 6902): it also sets a description the connection never had.
      { op: 'add', path: '/description', value: change.description }
    ]
  })
}

export function deleteRequest(access: PlatformAccess, id: string): Request {
  return platformRequest(access, { what: `Deleting connection ${id}`, method: 'DELETE', url: connectionUrl(access, id) })
}

/** Lists the database's tables through Platform: proof that Platform itself can log in. */
export function exploreRequest(access: PlatformAccess, id: string): Request {
  return platformRequest(access, { what: `Exploring connection ${id}`, method: 'GET', url: connectionUrl(access, id, '/explore?objectType=root') })
}
