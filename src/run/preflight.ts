// The preflight as a step of the run: it logs in to the database from the runner, reports what
// it saw, and warns or fails by the preflight input.

import { failureMessage } from '../runner/errors.js'
import type { UpsertSettings } from '../settings/inputs.js'
import { setOutput } from '../report/outputs.js'
import type { Step } from '../runner/step.js'
import { OUTPUT } from '../settings/names.js'

const PREFLIGHT_TIMEOUT_MS = 10_000

/** Logs in from the runner first; a failure warns or fails by the preflight input, before any Platform request. */
export async function preflight(settings: UpsertSettings, step: Step, deadline: number): Promise<void> {
  const { log, clock } = step
  // At most half of what is left, so a database that does not answer leaves time for Platform.
  const timeoutMs = Math.min(PREFLIGHT_TIMEOUT_MS, (deadline - clock.now()) / 2)
  const { target } = settings
  log.info(`Preflight: logging in to MySQL at ${target.host}:${target.port} as "${target.username}".`)
  try {
    // Loaded only here: the MySQL client, node:net and node:tls cost start-up time on every other path.
    const { runPreflight } = await import('../mysql/preflight.js')
    const result = await runPreflight(target, timeoutMs, clock)
    log.info(`Preflight: MySQL ${result.version} accepted the login; database "${target.database}" has ${result.tableCount} base table${result.tableCount === 1 ? '' : 's'}.`)
    setOutput(OUTPUT.mysqlVersion, result.version, step)
    setOutput(OUTPUT.mysqlTableCount, String(result.tableCount), step)
  } catch (error) {
    if (settings.preflight === 'fail') throw error
    log.warning(failureMessage(error, log.debug))
  }
}
