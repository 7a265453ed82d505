// What applying would change, field by field: what a create or an update would set, against
// what Platform shows of the connection now. Pure. Credentials are one entry that says only that
// they are hidden or replaced: no secret is read into a change, so none can be shown.

import { shownParts } from './auth-params.js'
import type { ConnectionDraft } from '../platform/requests.js'
import { INPUT } from '../settings/names.js'

/** A field of the plan is named after the input that sets it. */
export type Field = (typeof INPUT)['name' | 'description' | 'authType' | 'host' | 'port' | 'database' | 'username' | 'sslMode']

export interface Change {
  field: Field | 'credentials'
  /** null: not there, or not shown by Platform. */
  from: string | null
  /** null: not set, or gone. */
  to: string | null
}

/** A connection as Platform shows it, secrets hidden. */
export interface ShownConnection {
  name: string
  description: string
  /** '' when the answer left it out. */
  authSpecName: string
  authParams: Record<string, unknown>
}

/** What an update sets: the same change the update request is built from. */
type UpdateChange = Pick<ConnectionDraft, 'auth' | 'description'>

type Values = Partial<Record<Field, string | null>>

/** Markers in place of credentials, which are never shown. */
const HIDDEN = '(hidden)'
const REPLACED = '(replaced)'
export const SET = '(set)'

function authValues(auth: { specName: string; params: Record<string, unknown> }): Values {
  const parts = shownParts(auth)
  return {
    [INPUT.authType]: auth.specName === '' ? null : auth.specName,
    [INPUT.host]: parts.host,
    [INPUT.port]: parts.port,
    [INPUT.database]: parts.database,
    [INPUT.username]: parts.username,
    [INPUT.sslMode]: parts.sslMode
  }
}

function shownValues(connection: ShownConnection): Values {
  return { [INPUT.name]: connection.name, [INPUT.description]: connection.description, ...authValues({ specName: connection.authSpecName, params: connection.authParams }) }
}

/** The fields of `to`, in its order, whose value differs from `from`. */
function differences(from: Values, to: Values): Change[] {
  const changes: Change[] = []
  for (const [field, value] of Object.entries(to) as Array<[Field, string | null]>) {
    const before = from[field] ?? null
    if (before !== value) changes.push({ field, from: before, to: value })
  }
  return changes
}

/** Every field the create would set, from null. */
export function createChanges(draft: ConnectionDraft): Change[] {
  return [...differences({}, { [INPUT.name]: draft.name, [INPUT.description]: draft.description, ...authValues(draft.auth) }), { field: 'credentials', from: null, to: SET }]
}

/** The fields the update would change; the credentials are always replaced, and cannot be compared. */
export function updateChanges(current: ShownConnection, change: UpdateChange): Change[] {
  return [...differences(shownValues(current), { [INPUT.description]: change.description, ...authValues(change.auth) }), { field: 'credentials', from: HIDDEN, to: REPLACED }]
}

/** The connection that would go: every field it shows, to null. */
export function deleteChanges(current: ShownConnection): Change[] {
  const shown = shownValues(current)
  const gone = Object.fromEntries(Object.keys(shown).map((field) => [field, null])) as Values
  return [...differences(shown, gone), { field: 'credentials', from: HIDDEN, to: null }]
}
