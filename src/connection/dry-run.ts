// Dry run: the requests the step would send, described from the same builders the clients send,
// so the description cannot drift from what is sent.

import type { DeleteSettings, Settings, UpsertSettings } from '../settings/inputs.js'
import { type ConnectionDraft, createRequest, deleteRequest, exploreRequest, lookupRequest, tokenRequest, updateRequest } from '../platform/requests.js'

/** Stands for a value only Platform would tell. */
const placeholder = (name: string): string => `{${name}}`

/** A request line, with a placeholder id readable in the URL. */
function line(request: { method: string; url: string }, purpose: string): string {
  return `- ${request.method} ${request.url.replaceAll(encodeURIComponent(placeholder('id')), placeholder('id'))} ${purpose}`
}

function pretty(body: string | undefined): string {
  return body === undefined ? '' : JSON.stringify(JSON.parse(body), null, 2)
}

/** The opening lines: where, and the token request (whose body, holding the client secret, is not shown). */
function opening(settings: Settings): string[] {
  const lines = [`Dry run: nothing is sent to IMS or Platform. In sandbox "${settings.sandboxName}" the action would:`]
  const { credentials } = settings
  if (credentials.kind === 'client-secret') {
    const token = tokenRequest({ imsUrl: settings.imsUrl, clientId: settings.clientId, clientSecret: credentials.clientSecret, scopes: credentials.scopes })
    lines.push(line(token, `for an access token (client_credentials, scopes ${credentials.scopes})`))
  }
  return lines
}

export function describeDelete(settings: DeleteSettings): string {
  const { connection } = settings
  if (connection.by === 'id') return [...opening(settings), line(deleteRequest(settings, connection.id), 'to delete the connection')].join('\n')
  return [
    ...opening(settings),
    line(lookupRequest(settings, connection.name), 'to find the connection'),
    line(deleteRequest(settings, placeholder('id')), 'to delete the connection found, if any')
  ].join('\n')
}

export function describeUpsert(settings: UpsertSettings, draft: ConnectionDraft, create: ConnectionDraft): string {
  const lines = opening(settings)
  if (settings.ifExists !== 'create') lines.push(line(lookupRequest(settings, settings.name), `to look for "${settings.name}"`))
  const created = createRequest(settings, create)
  const ifNone = settings.ifExists === 'create' ? 'to create the connection' : 'to create the connection if none exists'
  lines.push(`${line(created, ifNone)}, with this body:`, pretty(created.body))
  const existing = { id: placeholder('id'), etag: placeholder('etag'), authSpecName: '' }
  switch (settings.ifExists) {
    case 'update': {
      const update = updateRequest(settings, existing, draft)
      lines.push(`${line(update, 'if one exists, to update its credentials and description (If-Match: its etag)')}, with this body:`, pretty(update.body))
      break
    }
    case 'reuse':
      lines.push('- if one exists, reuse it unchanged')
      break
    case 'fail':
      lines.push('- if one exists, fail')
      break
  }
  if (settings.verify) lines.push(line(exploreRequest(settings, placeholder('id')), 'to verify that Platform can reach the database'))
  return lines.join('\n')
}
