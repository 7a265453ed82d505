// The plan: read and check the inputs, mask the secrets, get a token, then create, update,
// reuse or delete the connection, verify it, and hand its id to the rest of the workflow.

import { randomUUID } from 'node:crypto'
import { Context } from '../node_modules/@actions/github/lib/context.js'
import { buildConnectionString } from './connection-string.js'
import { type Connection, type ConnectionAuth, type ConnectionDraft, FlowService, FLOW_SERVICE_PATH, MYSQL_SPEC_ID, type Written, lookupPath } from './flow-service.js'
import { ActionError, type Clock, Http, OutcomeUnknownError, runnerTransport, sleepingClock } from './http.js'
import { fetchAccessToken } from './ims.js'
import { type Settings, readSettings } from './inputs.js'
import * as runner from './runner.js'
import { Redactor, weakSecretWarning } from './secrets.js'

type Outcome = 'created' | 'updated' | 'reused' | 'dry-run' | 'deleted' | 'absent'

const SECRET_INPUTS = ['password', 'client-secret', 'access-token', 'connection-string']
const USER_AGENT = 'aep-mysql-connection-action'
const PREFLIGHT_TIMEOUT_MS = 10_000
/** Saved for the post step: the id of a connection this step created, when cleanup is on. */
const CLEANUP_STATE = 'cleanup-connection-id'

// Every line this step prints passes through it. The runner masks registered secrets as well,
// but an id or an API message that happens to hold one must not depend on that.
const redactor = new Redactor()
const say = {
  info: (message: string) => runner.info(redactor.redact(message)),
  debug: (message: string) => runner.debug(redactor.redact(message)),
  warning: (message: string) => runner.warning(redactor.redact(message)),
  failure: (message: string) => runner.setFailed(redactor.redact(message))
}

export async function run(): Promise<void> {
  if (runner.getState('isPost') === 'true') return runPost()
  runner.saveState('isPost', 'true')
  try {
    await runMain(sleepingClock())
  } catch (error) {
    say.failure(failureMessage(error))
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof ActionError || error instanceof OutcomeUnknownError) return error.message
  // Anything else is a bug of ours; say so in one line rather than dumping a stack.
  const detail = error instanceof Error ? error.message : String(error)
  return `The action failed unexpectedly (${detail}). Please report this with the step's log.`
}

/** Masks the secret inputs as given, before validation could echo any of them. */
function maskSecretInputs(): void {
  for (const name of SECRET_INPUTS) {
    const value = runner.getInput(name, { trim: false })
    redactor.add(value, runner.setSecret)
    redactor.add(value.trim(), runner.setSecret)
  }
}

function readValidSettings(): Settings | undefined {
  maskSecretInputs()
  const { settings, problems } = readSettings((name) => runner.getInput(name, { trim: false }))
  // One ::error:: line per problem, so each bad input is named on its own.
  for (const problem of problems) say.failure(problem.message)
  return settings
}

function authFor(settings: Settings): ConnectionAuth {
  const target = settings.target!
  if (settings.authType === 'basic') {
    const sslModes = { None: 'DISABLED', Preferred: 'PREFERRED', Required: 'REQUIRED', VerifyCA: 'Verify-Ca', VerifyFull: 'Verify Identity' }
    return {
      specName: 'Basic Authentication',
      params: {
        server: target.host,
        port: String(target.port),
        database: target.database,
        username: target.username,
        password: target.password,
        ...(target.sslMode ? { sslMode: sslModes[target.sslMode] } : {})
      }
    }
  }
  return { specName: 'Connection String Based Authentication', params: { connectionString: buildConnectionString(target) } }
}

/** What an upsert sends: the name, the description and the credentials. */
function draftFor(settings: Settings): ConnectionDraft {
  return { name: settings.name, description: settings.description ?? defaultDescription(), auth: authFor(settings) }
}

/**
 * A create's body: its description ends in a token of this run. After a create whose answer
 * was lost, the token tells the connection this step made from a namesake made by anyone else.
 */
function withRunToken(draft: ConnectionDraft): ConnectionDraft & { token: string } {
  const token = `[run-token ${randomUUID()}]`
  return { ...draft, description: `${draft.description} ${token}`, token }
}

/**
 * From @actions/github's run context. Its Context class is imported by path: the package's
 * entry point also loads Octokit, which this action does not use and which costs start-up time.
 */
function defaultDescription(): string {
  if (!process.env.GITHUB_REPOSITORY) return 'Managed by a GitHub Actions workflow.'
  const context = new Context()
  const repository = `${context.repo.owner}/${context.repo.repo}`
  return `Managed by GitHub Actions: ${repository}, workflow "${context.workflow}", run ${context.runId} (${context.serverUrl}/${repository}/actions/runs/${context.runId}).`
}

async function runMain(clock: Clock): Promise<void> {
  const settings = readValidSettings()
  if (!settings) return
  if (settings.target) {
    redactor.add(settings.target.password, runner.setSecret)
    redactor.add(buildConnectionString(settings.target), runner.setSecret)
  }
  warnAboutWeakSecrets(settings)

  const deadline = clock.now() + settings.timeoutSeconds * 1000
  const draft = settings.operation === 'upsert' ? draftFor(settings) : undefined

  // At most half of what is left, so a database that does not answer leaves time for Platform.
  if (settings.preflight !== 'off') await preflight(settings, Math.min(PREFLIGHT_TIMEOUT_MS, (deadline - clock.now()) / 2))
  if (settings.dryRun) return dryRun(settings, draft)

  const { http, dispose } = openHttp(settings, clock, deadline)
  try {
    const accessToken = await accessTokenFor(settings, http)
    const flow = new FlowService(http, { ...settings, accessToken })
    if (settings.operation === 'delete') return await deleteConnection(settings, flow)
    const result = await upsert(settings, flow, http, draft!)
    // Saved before anything else can fail, so the post step still removes what this step made.
    if (settings.cleanup && result.outcome === 'created') runner.saveState(CLEANUP_STATE, result.id)
    report(result)
    let tableCount: number | undefined
    if (settings.verify) {
      tableCount = await flow.explore(result.id)
      say.info(`Verified: Platform reached the database and sees ${tableCount} table${tableCount === 1 ? '' : 's'}.`)
      runner.setOutput('table-count', String(tableCount))
    }
    await writeSummary(settings, result.id, result.outcome, tableCount)
  } finally {
    dispose()
  }
}

function openHttp(settings: Settings, clock: Clock, deadline: number): { http: Http; dispose: () => void } {
  const { transport, dispose } = runnerTransport(USER_AGENT)
  const http = new Http({ maxAttempts: settings.maxAttempts, deadline, timeoutSeconds: settings.timeoutSeconds, clock, log: say.info, debug: say.debug, redact: (text) => redactor.redact(text), transport })
  return { http, dispose }
}

/** Logs in from the runner first; a failure warns or fails by the preflight input, before any Platform request. */
async function preflight(settings: Settings, timeoutMs: number): Promise<void> {
  const target = settings.target!
  say.info(`Preflight: logging in to MySQL at ${target.host}:${target.port} as "${target.username}".`)
  try {
    // Loaded only here: the MySQL client, node:net and node:tls cost start-up time on every other path.
    const { runPreflight } = await import('./preflight.js')
    const result = await runPreflight(target, timeoutMs)
    say.info(`Preflight: MySQL ${result.version} accepted the login; database "${target.database}" has ${result.tableCount} base table${result.tableCount === 1 ? '' : 's'}.`)
    runner.setOutput('mysql-version', result.version)
    runner.setOutput('mysql-table-count', String(result.tableCount))
  } catch (error) {
    if (settings.preflight === 'fail') throw error
    say.warning(failureMessage(error))
  }
}

function warnAboutWeakSecrets(settings: Settings): void {
  const secrets = [{ label: 'The password', value: settings.target?.password ?? '' }]
  if (settings.credentials.kind === 'client-secret') secrets.push({ label: 'The client-secret input', value: settings.credentials.clientSecret })
  else secrets.push({ label: 'The access-token input', value: settings.credentials.accessToken })
  for (const secret of secrets) {
    const warning = secret.value === '' ? undefined : weakSecretWarning(secret)
    if (warning) say.warning(warning)
  }
}

async function accessTokenFor(settings: Settings, http: Http): Promise<string> {
  if (settings.credentials.kind === 'access-token') return settings.credentials.accessToken
  const token = await fetchAccessToken(http, { imsUrl: settings.imsUrl, clientId: settings.clientId, ...settings.credentials })
  redactor.add(token, runner.setSecret)
  say.info('Got an access token from IMS.')
  return token
}

function dryRun(settings: Settings, draft: ConnectionDraft | undefined): void {
  const base = `${settings.platformUrl}${FLOW_SERVICE_PATH}`
  const lookup = `GET ${base}${lookupPath(settings.name)}`
  const lines = [`Dry run: nothing is sent to IMS or Platform. In sandbox "${settings.sandboxName}" the action would:`]
  if (settings.credentials.kind === 'client-secret') lines.push(`- POST ${settings.imsUrl}/ims/token/v3 for an access token (client_credentials, scopes ${settings.credentials.scopes})`)
  if (!draft) {
    if (!settings.connectionId) lines.push(`- ${lookup} to find the connection`)
    lines.push(`- DELETE ${base}/connections/${settings.connectionId ?? '{id found by name}'}`)
  } else {
    const { token, ...created } = withRunToken(draft)
    const body = JSON.stringify({ ...created, connectionSpec: { id: MYSQL_SPEC_ID, version: '1.0' } }, null, 2)
    if (settings.ifExists !== 'create') lines.push(`- ${lookup} to look for "${settings.name}"`)
    const onFound = { update: 'PATCH its credentials and description (If-Match: its etag)', reuse: 'reuse it unchanged', fail: 'fail', create: '' }[settings.ifExists]
    lines.push(`- POST ${base}/connections${onFound ? ` if none exists; if one exists, ${onFound}` : ''}, with this body:`, body)
    if (settings.verify) lines.push(`- GET ${base}/connections/{id}/explore?objectType=root to verify that Platform can reach the database`)
  }
  say.info(lines.join('\n'))
  runner.setOutput('outcome', 'dry-run')
}

interface UpsertResult extends Written {
  outcome: 'created' | 'updated' | 'reused'
}

async function upsert(settings: Settings, flow: FlowService, http: Http, draft: ConnectionDraft): Promise<UpsertResult> {
  if (settings.ifExists !== 'create') {
    say.info(`Looking for a MySQL connection named "${settings.name}" in sandbox "${settings.sandboxName}".`)
    const existing = single(await flow.findByName(settings.name), settings.name, 'Delete the extras in Platform, or choose another name.')
    if (existing) {
      switch (settings.ifExists) {
        case 'fail':
          throw new ActionError(`A MySQL connection named "${settings.name}" already exists (${existing.id}), and if-exists is fail. Choose another name, or set if-exists to update or reuse.`)
        case 'reuse':
          say.info(`Reusing connection ${existing.id} unchanged (if-exists: reuse).`)
          return { id: existing.id, etag: existing.etag, outcome: 'reused' }
        case 'update': {
          say.info(`Updating the credentials and description of connection ${existing.id} (if-exists: update).`)
          const written = await flow.update(existing, draft)
          return { ...written, outcome: 'updated' }
        }
      }
    }
  }
  const written = await createOnce(settings, flow, http, withRunToken(draft))
  say.info(`Created connection ${written.id}.`)
  return { ...written, outcome: 'created' }
}

function single(found: Connection[], name: string, advice: string): Connection | undefined {
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
async function createOnce(settings: Settings, flow: FlowService, http: Http, draft: ConnectionDraft & { token: string }): Promise<Written> {
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
        say.info(`The create did take effect: adopting connection ${adopted.id}.`)
        return { id: adopted.id, etag: adopted.etag }
      }
      if (used >= settings.maxAttempts) {
        throw new ActionError(`${error.message}, and after ${used} attempts no such connection exists. Try again later, or raise max-attempts.`)
      }
    }
  }
}

async function deleteConnection(settings: Settings, flow: FlowService): Promise<void> {
  let id = settings.connectionId
  if (!id) {
    say.info(`Looking for a MySQL connection named "${settings.name}" in sandbox "${settings.sandboxName}".`)
    id = single(await flow.findByName(settings.name), settings.name, 'Delete the one you mean by connection-id.')?.id
  }
  const outcome = id ? await flow.remove(id) : 'absent'
  say.info(outcome === 'deleted' ? `Deleted connection ${id}.` : `No such connection${id ? ` (${id})` : ` named "${settings.name}"`}: nothing to delete.`)
  runner.setOutput('outcome', outcome)
  runner.setOutput('connection-id', id ?? '')
  await writeSummary(settings, id ?? '', outcome, undefined)
}

/** Outputs go out as soon as the id is known, so a later failure (verify) still names the connection. */
function report(result: UpsertResult): void {
  if (redactor.touches(result.id)) {
    // The runner drops an output that holds a secret; leave it out rather than write the secret down.
    say.warning(`The connection id contains a masked secret value, so there is no connection-id output for later jobs (the runner would drop it). Use a longer, less common secret.`)
  } else runner.setOutput('connection-id', result.id)
  runner.setOutput('etag', result.etag)
  runner.setOutput('outcome', result.outcome)
}

async function writeSummary(settings: Settings, id: string, outcome: Outcome, tableCount: number | undefined): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const rows = [
    ['Name', settings.name],
    ['Connection id', id],
    ['Outcome', outcome],
    ['Sandbox', settings.sandboxName]
  ]
  if (tableCount !== undefined) rows.push(['Tables Platform sees', String(tableCount)])
  try {
    await runner.summary
      .addHeading('MySQL source connection', 3)
      .addTable([[{ data: 'Field', header: true }, { data: 'Value', header: true }], ...rows.map(([field, value]) => [field!, redactor.redact(value!)])])
      .write()
  } catch (error) {
    // The connection is in place and the outputs are set: a summary that cannot be written is not a failed step.
    say.warning(`The job summary could not be written (${error instanceof Error ? error.message : String(error)}).`)
  }
}

/** The post step: deletes the connection this job's step created, when cleanup is on. Never fails the job. */
async function runPost(): Promise<void> {
  const id = runner.getState(CLEANUP_STATE)
  if (!id) return
  try {
    maskSecretInputs()
    const { settings } = readSettings((name) => runner.getInput(name, { trim: false }))
    if (!settings) throw new ActionError('the inputs are no longer valid')
    const clock = sleepingClock()
    const { http, dispose } = openHttp(settings, clock, clock.now() + settings.timeoutSeconds * 1000)
    try {
      const flow = new FlowService(http, { ...settings, accessToken: await accessTokenFor(settings, http) })
      const outcome = await flow.remove(id)
      say.info(outcome === 'deleted' ? `Cleanup: deleted connection ${id}.` : `Cleanup: connection ${id} was already gone.`)
    } finally {
      dispose()
    }
  } catch (error) {
    say.warning(`Cleanup could not delete connection ${id}: ${failureMessage(error)} Delete it in Platform by hand.`)
  }
}
