// The post step: deletes the connection this job's step created, when cleanup is on. It never
// fails the job: a problem becomes a warning that says what to delete by hand.

import { ActionError, describeError } from './errors.js'
import { readSettings } from './inputs.js'
import { type Step, openSession } from './session.js'

/** Saved for the post step: the id of a connection this step created, when cleanup is on. */
export const CLEANUP_STATE = 'cleanup-connection-id'

export async function cleanUp(id: string, step: Step): Promise<void> {
  const { io, log, clock } = step
  try {
    const { settings } = readSettings(io.input)
    if (!settings) throw new ActionError('the inputs are no longer valid.')
    const session = await openSession(settings, step, clock.now() + settings.timeoutSeconds * 1000)
    try {
      const outcome = await session.flow.remove(id)
      log.info(outcome === 'deleted' ? `Cleanup: deleted connection ${id}.` : `Cleanup: connection ${id} was already gone.`)
    } finally {
      session.close()
    }
  } catch (error) {
    log.warning(`Cleanup could not delete connection ${id}: ${describeError(error, log.debug)} Delete it in Platform by hand.`)
  }
}
