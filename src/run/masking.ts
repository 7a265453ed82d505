// Secrets are hidden before anything can print them: the inputs as given, before validation
// could echo any of them, then what the settings derive from them.

import { buildConnectionString } from '../mysql/connection-string.js'
import type { Step } from '../runner/step.js'
import type { Credentials } from '../platform/session.js'
import type { Log } from '../runner/io.js'
import { type NamedSecret, weakSecretWarning } from '../runner/secrets.js'
import type { Settings } from '../settings/inputs.js'
import { INPUT, SECRET_INPUTS } from '../settings/names.js'

export function maskSecretInputs({ io, redactor }: Step, names: readonly string[] = SECRET_INPUTS): void {
  for (const name of names) {
    redactor.hide(io.input(name), io.mask)
    redactor.hide(io.input(name).trim(), io.mask)
  }
}

/**
 * The secrets the settings hold beyond the inputs as given: the password a connection string
 * held, and the connection string as built. Both steps hide them before any request.
 */
export function maskSettingsSecrets(settings: Settings, { io, redactor }: Step): void {
  redactor.allow(openInputs(settings).map((input) => input.value))
  if (settings.operation !== 'upsert') return
  redactor.hide(settings.target.password, io.mask)
  redactor.hide(buildConnectionString(settings.target), io.mask)
}

/** The inputs given openly that the connection's name and the log are made of: never secret, and never hidden as a look-alike of one. */
export function openInputs(settings: Settings): NamedSecret[] {
  const sandbox = { label: `the ${INPUT.sandboxName} input`, value: settings.sandboxName }
  if (settings.operation === 'delete') return settings.connection.by === 'name' ? [sandbox, { label: 'the connection name', value: settings.connection.name }] : [sandbox]
  const { host, database, username } = settings.target
  return [
    { label: `the ${INPUT.host} input`, value: host },
    { label: `the ${INPUT.database} input`, value: database },
    { label: `the ${INPUT.username} input`, value: username },
    sandbox,
    { label: 'the connection name', value: settings.name }
  ]
}

/** The credential input a step signs in with, named as warnings name it. */
export function credentialSecret(credentials: Credentials): NamedSecret {
  return credentials.kind === 'client-secret'
    ? { label: `The ${INPUT.clientSecret} input`, value: credentials.clientSecret }
    : { label: `The ${INPUT.accessToken} input`, value: credentials.accessToken }
}

/** One warning for each secret so weak (short, common, or all but an open input) that masking it would hide ordinary text. */
export function warnAboutWeakSecrets(secrets: readonly NamedSecret[], open: readonly NamedSecret[], log: Log): void {
  for (const secret of secrets) {
    const warning = secret.value === '' ? undefined : weakSecretWarning(secret, open)
    if (warning) log.warning(warning)
  }
}
