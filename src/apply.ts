// Applying the settings to Platform: create, update or reuse the connection (creating it exactly
// once), or delete it.

import { authFor } from './auth-params.js'
import { decideDeleteByName, decideUpsert } from './decide.js'
import { type CreateDraft, type DraftSource, withRunToken } from './draft.js'
import { ActionError, OutcomeUnknownError, RefusedError } from './errors.js'
import type { FlowService, Written } from './flow-service.js'
import { type Http, attempts } from './http.js'
import type { DeleteSettings, UpsertSettings } from './inputs.js'
import type { Log } from './io.js'

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

export async function upsert(settings: UpsertSettings, draft: DraftSource, platform: Platform): Promise<Upserted> {
  const { flow, log } = platform
  const decision = await decideUpsert(settings, { flow, log })
  switch (decision.action) {
    case 'fail':
      throw new ActionError(decision.reason)
    case 'reuse':
      log.info(`Reusing connection ${decision.existing.id} unchanged (if-exists: reuse).`)
      return { id: decision.existing.id, etag: decision.existing.etag, outcome: 'reused' }
    case 'update': {
      const change = await draft()
      log.info(`Updating the credentials and description of connection ${decision.existing.id} (if-exists: update).`)
      return { ...(await explained(flow.update(decision.existing, change), settings, flow)), outcome: 'updated' }
    }
    case 'create': {
      const written = await explained(createOnce(settings, withRunToken(await draft()), platform), settings, flow)
      log.info(`Created connection ${written.id}.`)
      return { ...written, outcome: 'created' }
    }
  }
}

/**
 * A write refused with a 400 may be the organisation's MySQL spec saying no (Experience Platform
 * on AWS offers no connection-string auth). Basic auth has read the spec already; otherwise it
 * is read now, to say precisely what it accepts, or Platform's own answer stands.
 */
async function explained<T>(write: Promise<T>, settings: UpsertSettings, flow: FlowService): Promise<T> {
  try {
    return await write
  } catch (error) {
    if (!(error instanceof RefusedError) || error.status !== 400 || settings.authType === 'basic') throw error
    const specs = await flow.authSpecs().catch(() => undefined)
    if (!specs) throw error
    try {
      authFor(settings.target, settings.authType, specs)
    } catch (explanation) {
      const code = error.code ? `, FLOW-${error.code}` : ''
      if (explanation instanceof ActionError) throw new ActionError(`${error.what} was refused (HTTP ${error.status}${code}): ${explanation.message}`)
    }
    throw error
  }
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
        throw new ActionError(`${error.message}, and after ${attempts(used)} no such connection exists. Try again later, or raise max-attempts.`)
      }
    }
  }
}

export async function deleteConnection(settings: DeleteSettings, { flow, log }: Platform): Promise<Deleted> {
  const { connection } = settings
  let id: string
  if (connection.by === 'id') id = connection.id
  else {
    const decision = await decideDeleteByName(connection.name, settings.sandboxName, { flow, log })
    if (decision.action === 'fail') throw new ActionError(decision.reason)
    if (decision.action === 'absent') {
      log.info(`No such connection named "${connection.name}": nothing to delete.`)
      return { outcome: 'absent', id: '' }
    }
    id = decision.existing.id
  }
  const outcome = await flow.remove(id)
  log.info(outcome === 'deleted' ? `Deleted connection ${id}.` : `No such connection (${id}): nothing to delete.`)
  return { outcome, id }
}
