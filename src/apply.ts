// Applying the settings to Platform: create, update or reuse the connection (creating it exactly
// once), or delete it.

import type { CreateDraft } from './draft.js'
import { ActionError, OutcomeUnknownError } from './errors.js'
import type { Connection, FlowService, Written } from './flow-service.js'
import type { Http } from './http.js'
import type { DeleteSettings, UpsertSettings } from './inputs.js'
import type { Log } from './io.js'
import type { ConnectionDraft } from './requests.js'

export interface Platform {
  flow: FlowService
  http: Http
  log: Log
}

export interface Upserted extends Written {
  outcome: 'created' | 'updated' | 'reused'
}

export interface Deleted {
  outcome: 'deleted' | 'absent'
  /** '' when no connection has the name. */
  id: string
}

export async function upsert(settings: UpsertSettings, draft: ConnectionDraft, create: CreateDraft, { flow, http, log }: Platform): Promise<Upserted> {
  if (settings.ifExists !== 'create') {
    log.info(`Looking for a MySQL connection named "${settings.name}" in sandbox "${settings.sandboxName}".`)
    const existing = single(await flow.findByName(settings.name), settings.name, 'Delete the extras in Platform, or choose another name.')
    if (existing) {
      switch (settings.ifExists) {
        case 'fail':
          throw new ActionError(`A MySQL connection named "${settings.name}" already exists (${existing.id}), and if-exists is fail. Choose another name, or set if-exists to update or reuse.`)
        case 'reuse':
          log.info(`Reusing connection ${existing.id} unchanged (if-exists: reuse).`)
          return { id: existing.id, etag: existing.etag, outcome: 'reused' }
        case 'update': {
          log.info(`Updating the credentials and description of connection ${existing.id} (if-exists: update).`)
          return { ...(await flow.update(existing, draft)), outcome: 'updated' }
        }
      }
    }
  }
  const written = await createOnce(settings, create, { flow, http, log })
  log.info(`Created connection ${written.id}.`)
  return { ...written, outcome: 'created' }
}

export function single(found: Connection[], name: string, advice: string): Connection | undefined {
  if (found.length > 1) {
    throw new ActionError(`${found.length} MySQL connections are named "${name}" (${found.map((c) => c.id).join(', ')}), so it is unclear which one to use. ${advice}`)
  }
  return found[0]
}

/**
 * Creates the connection exactly once. A create whose answer was lost may still have happened:
 * after the retry wait (a slow server may still be committing it), the connection is looked up
 * by this run's token and adopted if it is there; only then is the create sent again. The
 * creates and the waits between them share max-attempts.
 */
async function createOnce(settings: UpsertSettings, draft: CreateDraft, { flow, http, log }: Platform): Promise<Written> {
  let used = 0
  for (;;) {
    try {
      return await flow.create(draft, settings.maxAttempts - used)
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error
      used += error.attempts
      await http.pause('Creating the connection', error.reason, used, settings.maxAttempts, 'checking whether it took effect')
      const adopted = (await flow.findByName(settings.name)).find((connection) => connection.description.includes(draft.token))
      if (adopted) {
        log.info(`The create did take effect: adopting connection ${adopted.id}.`)
        return { id: adopted.id, etag: adopted.etag }
      }
      if (used >= settings.maxAttempts) {
        throw new ActionError(`${error.message}, and after ${used} attempts no such connection exists. Try again later, or raise max-attempts.`)
      }
    }
  }
}

export async function deleteConnection(settings: DeleteSettings, { flow, log }: Platform): Promise<Deleted> {
  const { connection } = settings
  let id: string
  if (connection.by === 'id') id = connection.id
  else {
    log.info(`Looking for a MySQL connection named "${connection.name}" in sandbox "${settings.sandboxName}".`)
    const found = single(await flow.findByName(connection.name), connection.name, 'Delete the one you mean by connection-id.')
    if (!found) {
      log.info(`No such connection named "${connection.name}": nothing to delete.`)
      return { outcome: 'absent', id: '' }
    }
    id = found.id
  }
  const outcome = await flow.remove(id)
  log.info(outcome === 'deleted' ? `Deleted connection ${id}.` : `No such connection (${id}): nothing to delete.`)
  return { outcome, id }
}
