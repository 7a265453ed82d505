// Applying the settings to Platform: create, update or reuse the connection (creating it exactly
// once), or delete it.

import { type AuthSpec, authFor } from './auth-params.js'
import { type CreateDraft, draftFor, withRunToken } from './draft.js'
import { ActionError, OutcomeUnknownError, RefusedError } from './errors.js'
import type { Connection, FlowService, Written } from './flow-service.js'
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

export async function upsert(settings: UpsertSettings, env: Record<string, string | undefined>, platform: Platform): Promise<Upserted> {
  const { flow, log } = platform
  // Basic Authentication's params take the form the organisation's spec declares (AWS differs
  // from Azure): read it alongside the lookup, so it costs no time.
  const specs = settings.authType === 'basic' ? flow.authSpecs() : undefined
  specs?.catch(() => undefined) // awaited below, unless the step reuses or fails first
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
          const draft = draftFor(settings, env, await specs)
          log.info(`Updating the credentials and description of connection ${existing.id} (if-exists: update).`)
          const written = await explained(flow.update(existing, draft), settings, flow, specs)
          return { ...written, outcome: 'updated' }
        }
      }
    }
  }
  const create = withRunToken(draftFor(settings, env, await specs))
  const written = await explained(createOnce(settings, create, platform), settings, flow, specs)
  log.info(`Created connection ${written.id}.`)
  return { ...written, outcome: 'created' }
}

/**
 * A write refused with a 400 may be the organisation's MySQL spec saying no (Experience Platform
 * on AWS offers no connection-string auth): when the spec was not read yet, read it and say
 * precisely what it accepts; otherwise keep Platform's own answer.
 */
async function explained<T>(write: Promise<T>, settings: UpsertSettings, flow: FlowService, specs: Promise<AuthSpec[]> | undefined): Promise<T> {
  try {
    return await write
  } catch (error) {
    if (!(error instanceof RefusedError) || error.status !== 400 || specs) throw error
    const read = await flow.authSpecs().catch(() => undefined)
    if (!read) throw error
    try {
      authFor(settings.target, settings.authType, read)
    } catch (explanation) {
      const code = error.code ? `, FLOW-${error.code}` : ''
      if (explanation instanceof ActionError) throw new ActionError(`${error.what} was refused (HTTP ${error.status}${code}): ${explanation.message}`)
    }
    throw error
  }
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
