// Secrets are hidden before anything can print them: the inputs as given, before validation
// could echo any of them, then what the settings derive from them.

import { buildConnectionString } from '../mysql/connection-string.js'
import type { Step } from '../runner/step.js'
import type { Settings } from '../settings/inputs.js'
import { SECRET_INPUTS } from '../settings/names.js'

export function maskSecretInputs({ io, redactor }: Step): void {
  for (const name of SECRET_INPUTS) {
    redactor.hide(io.input(name), io.mask)
    redactor.hide(io.input(name).trim(), io.mask)
  }
}

/**
 * The secrets the settings hold beyond the inputs as given: the password a connection string
 * held, and the connection string as built. Both steps hide them before any request.
 */
export function maskSettingsSecrets(settings: Settings, { io, redactor }: Step): void {
  if (settings.operation !== 'upsert') return
  redactor.hide(settings.target.password, io.mask)
  redactor.hide(buildConnectionString(settings.target), io.mask)
}
