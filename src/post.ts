// The post step: deletes the connection this job's step created, when cleanup is on. It never
// fails the job: a problem becomes a warning that says what to delete by hand.

import { ActionError, describeError } from './errors.js'
import { type Settings, readSettings } from './inputs.js'
import { type Step, inSession } from './session.js'
import { subjectOf, summaryTable } from './summary.js'

/** Saved for the post step: the id of a connection this step created, when cleanup is on. */
export const CLEANUP_STATE = 'cleanup-connection-id'

export async function cleanUp(id: string, step: Step): Promise<void> {
  const { io, log, redactor, clock } = step
  let settings: Settings | undefined
  let result: string
  try {
    settings = readSettings(io.input).settings
    if (!settings) throw new ActionError('the inputs are no longer valid.')
    const outcome = await inSession(settings, step, clock.now() + settings.timeoutSeconds * 1000, ({ flow }) => flow.remove(id))
    result = outcome === 'deleted' ? 'deleted' : 'already gone'
    log.info(outcome === 'deleted' ? `Cleanup: deleted connection ${id}.` : `Cleanup: connection ${id} was already gone.`)
  } catch (error) {
    result = `Cleanup could not delete connection ${id}: ${describeError(error, log.debug)} Delete it in Platform by hand.`
    log.warning(result)
  }
  io.appendSummary(redactor.redact(summaryTable(`Cleanup of ${subjectOf(settings)}`, [['Connection id', id], ['Cleanup', result]])))
}
