// Reading answers from IMS and Platform, and turning failed ones into one sentence.

import { ActionError } from '../runner/errors.js'
import { MAX_ERROR_BODY_CHARS, type Response } from './sender.js'

/** The parts of an error body worth showing, from whichever of the known shapes it has. */
interface ErrorDetails {
  code?: string
  title?: string
  detail?: string
  requestId?: string
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined
}

export function errorDetails(response: Response): ErrorDetails {
  let body: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(response.body)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
    body = parsed as Record<string, unknown>
  } catch {
    return {}
  }
  const report = (typeof body.report === 'object' && body.report !== null ? body.report : {}) as Record<string, unknown>
  // Flow Service: {"type": ".../FLOW-1302-400", "title", "report": {"detailed-message", "request-id"}}
  const flowCode = text(body.type)?.split('/').pop()
  const details: ErrorDetails = {
    code: flowCode ?? text(body.error_code) ?? text(body.error) ?? text(body.code),
    title: text(body.title),
    detail: text(report['detailed-message']) ?? text(body.errorMessage) ?? text(body.message) ?? text(body.error_description) ?? text(body.detail),
    requestId: text(report['request-id']) ?? text(body['request-id']) ?? text(response.headers['x-request-id'])
  }
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined)) as ErrorDetails
}

/** The Flow Service error code without its prefix, e.g. "1418-400". */
export function flowErrorCode(response: Response): string | undefined {
  return errorDetails(response).code?.replace(/^FLOW-/, '')
}

const HINTS: Record<number, string> = {
  400: 'Check the inputs named in the message.',
  401: 'Check client-id and client-secret, or pass a fresh access-token; tokens expire after 24 hours.',
  403: 'Check ims-org-id, and that the Developer Console project has the Experience Platform API with a product profile that grants Sources permissions in this sandbox.',
  404: 'Check sandbox-name and platform-url.',
  409: 'Another change got there first; run the step again.',
  412: 'The connection changed while this step ran; run the step again.',
  429: 'Platform is throttling requests; try again later or raise timeout-seconds.'
}

/** "What failed: HTTP 400, FLOW-1302-400 Bad request: detail (request id r). What to do." */
export function describeFailure(what: string, response: Response, hint?: string): string {
  const status = response.status
  if (status >= 300 && status < 400) {
    const location = text(response.headers.location)
    return `${what} failed: HTTP ${status}, a redirect${location ? ` to ${location}` : ''}. Redirects are not followed, so credentials never go to another address; check the URL inputs.`
  }
  const details = errorDetails(response)
  const parts = [`HTTP ${status}`]
  const named = [details.code, details.title].filter(Boolean).join(' ')
  if (named) parts.push(named)
  const tries = response.attempts > 1 ? ` after ${response.attempts} attempts` : ''
  let sentence = `${what} failed${tries}: ${parts.join(', ')}`
  if (details.detail && details.detail !== details.title) sentence += `: ${details.detail.replace(/\s+/g, ' ').replace(/\.$/, '')}`
  if (details.requestId) sentence += ` (request id ${details.requestId})`
  if (response.oversized) sentence += `, with an error body too large to read (over ${MAX_ERROR_BODY_CHARS / 1024 / 1024} MB)`
  else if (!named && !details.detail) sentence += response.body.trim() === '' ? ', with an empty body' : `, with ${describeBody(response)} instead of an error this action knows`
  const advice = hint ?? HINTS[status] ?? (status >= 500 ? 'The service had a problem; try again later.' : undefined)
  return advice ? `${sentence}. ${advice}` : `${sentence}.`
}

function describeBody(response: Response): string {
  if (response.body.trim() === '') return 'an empty body'
  const type = text(response.headers['content-type'])?.split(';')[0]
  if (type && /html/i.test(type)) return 'an HTML page (did a proxy or login page answer?)'
  return type ? `${type} content` : 'content of no stated type'
}

/** The JSON body of a successful answer; anything else is a clear failure. */
export function readJson(what: string, response: Response): unknown {
  const type = text(response.headers['content-type']) ?? ''
  if (!/[/+]json\b/i.test(type)) {
    throw new ActionError(
      `${what} failed: HTTP ${response.status} came with ${describeBody(response)} instead of JSON. Check that platform-url and ims-url point at Adobe, not at a proxy or login page.`
    )
  }
  try {
    return JSON.parse(response.body)
  } catch {
    throw new ActionError(`${what} failed: HTTP ${response.status} came with malformed or cut-off JSON. Try again; if it persists, check proxies between the runner and Adobe.`)
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The items of a list answer; [] when it has none. */
export function listItems(body: unknown): unknown[] {
  return isObject(body) && Array.isArray(body.items) ? body.items : []
}

/** The table paths explore?objectType=root lists (a bare array; an `items` wrapper is read too). */
export function readTables(body: unknown): string[] {
  const entries = Array.isArray(body) ? body : listItems(body)
  return entries.flatMap((entry) => {
    if (!isObject(entry) || (typeof entry.type === 'string' ? entry.type : undefined)?.toLowerCase() !== 'table') return []
    const path = typeof entry.path === 'string' ? entry.path : typeof entry.name === 'string' ? entry.name : undefined
    return path && path.trim() !== '' ? [path] : []
  })
}
