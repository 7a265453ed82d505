// The post step: deletes the connection this job's step created, when cleanup is on. It never
// fails the job: a problem becomes a warning that says what to delete by hand.

import type { CreateDraft } from '../connection/draft.js'
import { ActionError, failureMessage } from '../runner/errors.js'
import type { FlowService } from '../platform/flow-service.js'
import { type Settings, readSettings } from '../settings/inputs.js'
import type { Io } from '../runner/io.js'
import { inSession } from '../platform/session.js'
import type { Step } from '../runner/step.js'
import { maskSettingsSecrets } from './masking.js'
import { STATE } from '../settings/names.js'
import { redactedTable, subjectOf, summarise } from '../report/summary.js'

/**
 * What the post step needs to find the connection: its name and run token, saved before the
 * create is sent (the step may never learn the id: an answer lost at the deadline), and its id
 * once known.
 */
export interface Saved {
  id: string
  name: string
  token: string
}

export function saveBeforeCreate(io: Io, create: CreateDraft): void {
  io.saveState(STATE.cleanupName, create.name)
  io.saveState(STATE.cleanupToken, create.token)
}

export function saveCreated(io: Io, id: string): void {
  io.saveState(STATE.cleanupId, id)
}

/** What the main step saved; undefined when it created nothing to clean up. */
export function savedState(io: Io): Saved | undefined {
  const saved = { id: io.state(STATE.cleanupId), name: io.state(STATE.cleanupName), token: io.state(STATE.cleanupToken) }
  return saved.id !== '' || (saved.name !== '' && saved.token !== '') ? saved : undefined
}

export async function cleanUp(saved: Saved, step: Step): Promise<void> {
  const { io, log, clock } = step
  const what = saved.id !== '' ? `connection ${saved.id}` : `the connection named "${saved.name}" that carries ${saved.token}`
  let settings: Settings | undefined
  let result: string
  try {
    settings = readSettings(io.input).settings
    if (!settings) throw new ActionError('the inputs are no longer valid.')
    maskSettingsSecrets(settings, step)
    const outcome = await inSession(settings, step, clock.now() + settings.timeoutSeconds * 1000, ({ flow }) => removeSaved(saved, flow))
    result = outcome === 'deleted' ? 'deleted' : 'already gone'
    log.info(outcome === 'deleted' ? `Cleanup: deleted ${what}.` : `Cleanup: ${what} was already gone, or never made.`)
  } catch (error) {
    result = `Cleanup could not delete ${what}: ${failureMessage(error, log.debug)} Delete it in Platform by hand.`
    log.warning(result)
  }
  const connection: [string, string] = saved.id !== '' ? ['Connection id', saved.id] : ['Connection', `named "${saved.name}", carrying ${saved.token}`]
  summarise(redactedTable(`Cleanup of ${subjectOf(settings)}`, [connection, ['Cleanup', result]], step), step)
}

/**
 * Every connection this run made: by id when the step learned it, and each namesake carrying
 * this run's token (a create repeated after a lost answer may have made two), never anyone else's.
 */
async function removeSaved(saved: Saved, flow: FlowService): Promise<'deleted' | 'absent'> {
  const ours = saved.token === '' ? [] : (await flow.findByName(saved.name)).filter((connection) => connection.description.includes(saved.token)).map((connection) => connection.id)
  const ids = new Set([...(saved.id === '' ? [] : [saved.id]), ...ours])
  let outcome: 'deleted' | 'absent' = 'absent'
  for (const id of ids) if ((await flow.remove(id)) === 'deleted') outcome = 'deleted'
  return outcome
}
