// Applying the settings to Platform: create, update or reuse the connection (creating it exactly
// once), or delete it.

import { createOnce } from '../platform/create-once.js'
import type { FlowService, Written } from '../platform/flow-service.js'
import type { Sender } from '../platform/sender.js'
import { ActionError, RefusedError } from '../runner/errors.js'
import type { Log } from '../runner/io.js'
import type { DeleteSettings, UpsertSettings } from '../settings/inputs.js'
import { SpecRefusal, authFor } from './auth-params.js'
import { decideDeleteByName, decideUpsert } from './decide.js'
import { type CreateDraft, type DraftSource, withRunToken } from './draft.js'

interface SignedIn {
  flow: FlowService
  sender: Sender
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

/**
 * What the post step must learn of a create: its body (and run token) before it is sent, as it
 * may have to find it, and that Platform refused it outright, when there is nothing to find.
 */
export interface CreateWatch {
  sending(create: CreateDraft): void
  refused(): void
}

export async function upsert(settings: UpsertSettings, draft: DraftSource, signedIn: SignedIn, watch: CreateWatch): Promise<Upserted> {
  const { flow, log } = signedIn
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
      return { ...(await explainSpecRefusal(flow.update(decision.existing, change), settings, flow)), outcome: 'updated' }
    }
    case 'create': {
      const create = withRunToken(await draft())
      watch.sending(create)
      const written = await explainSpecRefusal(createConnectionOnce(settings, create, signedIn, watch), settings, flow)
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
async function explainSpecRefusal<T>(write: Promise<T>, settings: UpsertSettings, flow: FlowService): Promise<T> {
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
      if (explanation instanceof SpecRefusal) throw new ActionError(`${error.what} was refused (HTTP ${error.status}${code}): ${explanation.message}`)
    }
    throw error
  }
}

/** Creates the connection exactly once (see createOnce), finding a lost create by this run's token. */
function createConnectionOnce(settings: UpsertSettings, draft: CreateDraft, { flow, sender, log }: SignedIn, watch: CreateWatch): Promise<Written> {
  return createOnce<Written>(
    {
      noun: 'connection',
      send: (maxAttempts) => flow.create(draft, maxAttempts),
      find: async () => {
        const found = (await flow.findByName(settings.name)).find((connection) => connection.description.includes(draft.token))
        return found && { id: found.id, etag: found.etag }
      },
      lookFor: `look in Platform for "${settings.name}" with ${draft.token} in its description`,
      refused: () => watch.refused()
    },
    { sender, log, maxAttempts: settings.maxAttempts }
  )
}

export async function deleteConnection(settings: DeleteSettings, { flow, log }: SignedIn): Promise<Deleted> {
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
