// What to do about the connections a name finds: the one decision that apply carries out and
// plan reports, so a plan fails exactly where applying would, with the same message.

import type { Connection, FlowService } from '../platform/flow-service.js'
import type { UpsertSettings } from '../settings/inputs.js'
import type { Log } from '../runner/io.js'

/** `fail`: applying fails for a reason known before any write; `existing` when one connection is to blame. */
type UpsertDecision = { action: 'create' } | { action: 'update' | 'reuse'; existing: Connection } | { action: 'fail'; reason: string; existing?: Connection }

type DeleteDecision = { action: 'delete'; existing: Connection } | { action: 'absent' } | { action: 'fail'; reason: string }

type Lookup = { flow: Pick<FlowService, 'findByName'>; log: Log }

/** Looks for the namesake (if-exists: create never looks) and decides by if-exists. */
export async function decideUpsert(settings: UpsertSettings, { flow, log }: Lookup): Promise<UpsertDecision> {
  if (settings.ifExists === 'create') return { action: 'create' }
  const { name } = settings
  log.info(`Looking for a MySQL connection named "${name}" in sandbox "${settings.sandboxName}".`)
  const found = await flow.findByName(name)
  const [existing, ...others] = found
  if (others.length > 0) return { action: 'fail', reason: ambiguous(found, name, 'Delete the extras in Platform, or choose another name.') }
  if (!existing) return { action: 'create' }
  switch (settings.ifExists) {
    case 'fail':
      return {
        action: 'fail',
        existing,
        reason: `A MySQL connection named "${name}" already exists (${existing.id}), and if-exists is fail. Choose another name, or set if-exists to update or reuse.`
      }
    case 'reuse':
    case 'update':
      return { action: settings.ifExists, existing }
  }
}

/** Looks for the connection a delete by name means. */
export async function decideDeleteByName(name: string, sandboxName: string, { flow, log }: Lookup): Promise<DeleteDecision> {
  log.info(`Looking for a MySQL connection named "${name}" in sandbox "${sandboxName}".`)
  const found = await flow.findByName(name)
  const [existing, ...others] = found
  if (others.length > 0) return { action: 'fail', reason: ambiguous(found, name, 'Delete the one you mean by connection-id.') }
  return existing ? { action: 'delete', existing } : { action: 'absent' }
}

/** Ids named in the message: enough to find them, never a line too long to read or to keep. */
const LISTED_IDS = 10

function ambiguous(found: Connection[], name: string, advice: string): string {
  const more = found.length > LISTED_IDS ? ` and ${found.length - LISTED_IDS} more` : ''
  const ids = found
    .slice(0, LISTED_IDS)
    .map((c) => c.id)
    .join(', ')
  return `${found.length} MySQL connections are named "${name}" (${ids}${more}), so it is unclear which one to use. ${advice}`
}
