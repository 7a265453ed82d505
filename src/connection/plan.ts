// Plan mode: what applying would do, found out by reading Platform only. It takes the decision
// apply takes (decide.ts) and compares what the same draft would set with what Platform shows
// now. It sends no write and no explore.

import { type Change, createChanges, deleteChanges, updateChanges } from './changes.js'
import { decideDeleteByName, decideUpsert } from './decide.js'
import { type Connection, type FlowService, deleting } from '../platform/flow-service.js'
import type { DeleteSettings, UpsertSettings } from '../settings/inputs.js'
import type { Log } from '../runner/io.js'
import type { DraftSource } from './draft.js'
import { SpecRefusal } from './auth-params.js'
import type { ConnectionDraft } from '../platform/requests.js'

type PlanAction = 'create' | 'update' | 'reuse' | 'fail' | 'delete' | 'absent'

export interface Plan {
  action: PlanAction
  /** The existing connection's id; null when there is none, or when several share the name. */
  connectionId: string | null
  /** The connection's name; null for a delete by id of a connection that does not exist. */
  name: string | null
  sandbox: string
  changes: Change[]
  /** For action fail: the message applying would fail with. */
  reason?: string
}

interface Reader {
  flow: Pick<FlowService, 'findByName' | 'find' | 'get'>
  log: Log
}

/** `draft` is what apply would send: the create's body (before its run token) or the update's change. */
export async function planUpsert(settings: UpsertSettings, draft: DraftSource, { flow, log }: Reader): Promise<Plan> {
  const decision = await decideUpsert(settings, { flow, log })
  const about = { name: settings.name, sandbox: settings.sandboxName }
  const failed = (reason: string, connectionId: string | null): Plan => ({ ...about, action: 'fail', connectionId, changes: [], reason })
  switch (decision.action) {
    case 'reuse':
      return { ...about, action: 'reuse', connectionId: decision.existing.id, changes: [] }
    case 'fail':
      return failed(decision.reason, decision.existing?.id ?? null)
    case 'create':
    case 'update': {
      const existing = decision.action === 'update' ? decision.existing : undefined
      let change: ConnectionDraft
      try {
        change = await draft()
      } catch (error) {
        // The organisation's MySQL spec refuses what would be written: the write would fail too.
        if (error instanceof SpecRefusal) return failed(error.message, existing?.id ?? null)
        throw error
      }
      if (!existing) return { ...about, action: 'create', connectionId: null, changes: createChanges(change) }
      // Read as Platform holds it now, not as the list abbreviates it: this is what the update replaces.
      const current = await flow.get(existing.id)
      return { ...about, action: 'update', connectionId: current.id, changes: updateChanges(current, change) }
    }
  }
}

export async function planDelete(settings: DeleteSettings, { flow, log }: Reader): Promise<Plan> {
  const { connection } = settings
  const sandbox = settings.sandboxName
  let existing: Connection | undefined
  if (connection.by === 'id') existing = await flow.find(connection.id)
  else {
    const decision = await decideDeleteByName(connection.name, sandbox, { flow, log })
    if (decision.action === 'fail') return { action: 'fail', connectionId: null, name: connection.name, sandbox, changes: [], reason: decision.reason }
    if (decision.action === 'delete') existing = await flow.get(decision.existing.id)
  }
  // As apply's delete would find it: already on its way out.
  if (!existing || deleting(existing)) return { action: 'absent', connectionId: null, name: connection.by === 'name' ? connection.name : null, sandbox, changes: [] }
  return { action: 'delete', connectionId: existing.id, name: existing.name, sandbox, changes: deleteChanges(existing) }
}
