// The course of a run: read and check the inputs, mask the secrets, get a token, then create,
// update, reuse or delete the connection (or describe the requests, or plan), verify it, and
// hand its id to the rest of the workflow.

import { type Deleted, type Upserted, deleteConnection, upsert } from './apply.js'
import { buildConnectionString } from './connection-string.js'
import { type CreateDraft, draftFor, draftSource, withRunToken } from './draft.js'
import { describeDelete, describeUpsert } from './dry-run.js'
import { describeError } from './errors.js'
import { sleepingClock } from './http.js'
import { type DeleteSettings, type Settings, type UpsertSettings, readSettings } from './inputs.js'
import { type Io, redactingLog } from './io.js'
import { hasChanges, planJson, planLines, planMarkdown } from './plan-report.js'
import { type Plan, planDelete, planUpsert } from './plan.js'
import { cleanUp, saveBeforeCreate, saveCreated, savedState } from './post.js'
import { runnerIo } from './runner.js'
import { Redactor, weakSecretWarning } from './secrets.js'
import { type Session, type Step, inSession } from './session.js'
import { subjectOf, summaryTable } from './summary.js'
import { runnerTransport } from './transport.js'

const SECRET_INPUTS = ['password', 'client-secret', 'access-token', 'connection-string']
const PREFLIGHT_TIMEOUT_MS = 10_000

export async function run(io: Io = runnerIo(), edges: Pick<Step, 'clock' | 'openTransport'> = { clock: sleepingClock(), openTransport: runnerTransport }): Promise<void> {
  const redactor = new Redactor()
  const step: Step = { io, log: redactingLog(io, (text) => redactor.redact(text)), redactor, ...edges }
  if (io.state('isPost') === 'true') {
    const saved = savedState(io)
    if (!saved) return
    maskSecretInputs(step)
    return cleanUp(saved, step)
  }
  maskSecretInputs(step)
  io.saveState('isPost', 'true')
  try {
    await runMain(step)
  } catch (error) {
    fail(error, undefined, step)
  }
}

/** The secret inputs as given, before validation could echo any of them. */
function maskSecretInputs({ io, redactor }: Step): void {
  for (const name of SECRET_INPUTS) {
    redactor.add(io.input(name), io.mask)
    redactor.add(io.input(name).trim(), io.mask)
  }
}

async function runMain(step: Step): Promise<void> {
  const { io, log, redactor, clock } = step
  const { settings, problems } = readSettings(io.input)
  // One ::error:: line per problem, so each bad input is named on its own.
  for (const problem of problems) log.error(problem.message)
  if (!settings) return summarise(failureSummary(undefined, problems.map((problem) => problem.message).join(' '), step), step)
  try {
    if (settings.operation === 'upsert') {
      redactor.add(settings.target.password, io.mask)
      redactor.add(buildConnectionString(settings.target), io.mask)
    }
    warnAboutWeakSecrets(settings, step)
    const deadline = clock.now() + settings.timeoutSeconds * 1000
    await (settings.operation === 'upsert' ? runUpsert(settings, step, deadline) : runDelete(settings, step, deadline))
  } catch (error) {
    fail(error, settings, step)
  }
}

async function runUpsert(settings: UpsertSettings, step: Step, deadline: number): Promise<void> {
  const { io, log, clock } = step
  if (settings.preflight !== 'off') {
    // At most half of what is left, so a database that does not answer leaves time for Platform.
    await preflight(settings, step, Math.min(PREFLIGHT_TIMEOUT_MS, (deadline - clock.now()) / 2))
  }
  switch (settings.mode) {
    case 'dry-run': {
      // Sends nothing, so the organisation's spec is not read: the forms of Azure-hosted Platform.
      const draft = draftFor(settings, io.env)
      return dryRun(describeUpsert(settings, draft, withRunToken(draft)), settings, step)
    }
    case 'plan':
      if (settings.verify) log.info('Verify skipped: a plan sends no explore request, so Platform does not log in to the database.')
      return inSession(settings, step, deadline, async ({ flow }) => reportPlan(await planUpsert(settings, draftSource(settings, io.env, flow), { flow, log }), settings, step))
    case 'apply':
      return inSession(settings, step, deadline, (session) => applyUpsert(settings, session, step))
  }
}

async function applyUpsert(settings: UpsertSettings, session: Session, step: Step): Promise<void> {
  const { io, log } = step
  const beforeCreate = (create: CreateDraft): void => {
    if (settings.cleanup) saveBeforeCreate(io, create)
  }
  const result = await upsert(settings, draftSource(settings, io.env, session.flow), { ...session, log }, beforeCreate)
  // Saved before anything else can fail, so the post step still removes what this step made.
  if (settings.cleanup && result.outcome === 'created') saveCreated(io, result.id)
  report(result, step)
  let tableCount: number | undefined
  if (settings.verify) {
    tableCount = await session.flow.explore(result.id)
    log.info(`Verified: Platform reached the database and sees ${tableCount} table${tableCount === 1 ? '' : 's'}.`)
    setOutput('table-count', String(tableCount), step)
  }
  writeSummary(settings, result, step, tableCount)
}

async function runDelete(settings: DeleteSettings, step: Step, deadline: number): Promise<void> {
  const { log } = step
  switch (settings.mode) {
    case 'dry-run':
      return dryRun(describeDelete(settings), settings, step)
    case 'plan':
      return inSession(settings, step, deadline, async ({ flow }) => reportPlan(await planDelete(settings, { flow, log }), settings, step))
    case 'apply':
      return inSession(settings, step, deadline, async (session) => {
        const result = await deleteConnection(settings, { ...session, log })
        report(result, step)
        writeSummary(settings, result, step, undefined)
      })
  }
}

function dryRun(description: string, settings: Settings, step: Step): void {
  // Line by line: each log call is one line (io.ts).
  for (const line of description.split('\n')) step.log.info(line)
  setOutput('outcome', 'dry-run', step)
  summarise(table(subjectOf(settings), [['Outcome', 'dry-run'], ['Sandbox', settings.sandboxName], ['Requests', 'listed in the step log; nothing was sent']], step), step)
}

/** The plan as outputs, log lines and summary; a plan of a failure fails the step with apply's message. */
function reportPlan(plan: Plan, settings: Settings, step: Step): void {
  const { log, redactor } = step
  const shown = redactedPlan(plan, (text) => redactor.redact(text))
  for (const line of planLines(shown)) log.info(line)
  log.info('Nothing was written: plan reads only.')
  const markdown = redactor.redact(planMarkdown(shown, `Plan for ${subjectOf(settings)}`))
  setOutput('plan', plan.action, step)
  setOutput('has-changes', String(hasChanges(plan)), step)
  setOutput('changes', planJson(shown), step)
  setOutput('plan-markdown', markdown, step)
  if (plan.connectionId !== null) setOutput('connection-id', plan.connectionId, step)
  setOutput('outcome', 'planned', step)
  summarise(markdown, step)
  // Not thrown: the summary above already says why, and a second one would repeat it.
  if (plan.reason !== undefined) log.error(plan.reason)
}

/** Logs in from the runner first; a failure warns or fails by the preflight input, before any Platform request. */
async function preflight(settings: UpsertSettings, step: Step, timeoutMs: number): Promise<void> {
  const { log } = step
  const { target } = settings
  log.info(`Preflight: logging in to MySQL at ${target.host}:${target.port} as "${target.username}".`)
  try {
    // Loaded only here: the MySQL client, node:net and node:tls cost start-up time on every other path.
    const { runPreflight } = await import('./preflight.js')
    const result = await runPreflight(target, timeoutMs)
    log.info(`Preflight: MySQL ${result.version} accepted the login; database "${target.database}" has ${result.tableCount} base table${result.tableCount === 1 ? '' : 's'}.`)
    setOutput('mysql-version', result.version, step)
    setOutput('mysql-table-count', String(result.tableCount), step)
  } catch (error) {
    if (settings.preflight === 'fail') throw error
    log.warning(describeError(error, log.debug))
  }
}

function warnAboutWeakSecrets(settings: Settings, { log }: Step): void {
  const secrets = settings.operation === 'upsert' ? [{ label: 'The password', value: settings.target.password }] : []
  if (settings.credentials.kind === 'client-secret') secrets.push({ label: 'The client-secret input', value: settings.credentials.clientSecret })
  else secrets.push({ label: 'The access-token input', value: settings.credentials.accessToken })
  for (const secret of secrets) {
    const warning = secret.value === '' ? undefined : weakSecretWarning(secret)
    if (warning) log.warning(warning)
  }
}

/** Outputs go out as soon as the id is known, so a later failure (verify) still names the connection. */
function report(result: Upserted | Deleted, step: Step): void {
  setOutput('connection-id', result.id, step)
  if ('etag' in result) setOutput('etag', result.etag, step)
  setOutput('outcome', result.outcome, step)
}

/**
 * Every output goes out through here. The runner drops an output that holds a masked value, and
 * much of what the outputs carry is server text (ids, etags, versions, counts): one that holds a
 * secret in any spelling is left out, with a warning, rather than written down.
 */
function setOutput(name: string, value: string, { io, log, redactor }: Step): void {
  if (redactor.touches(value)) {
    log.warning(`The ${name} value holds a masked secret, so there is no ${name} output for later jobs (the runner would drop it); if that is by chance, use a longer, less common secret.`)
  } else io.setOutput(name, value)
}

/**
 * The plan with every string redacted before it is rendered: the Markdown escapes characters a
 * secret may hold (<, &, |), after which redaction would no longer find it.
 */
function redactedPlan(plan: Plan, redact: (text: string) => string): Plan {
  const shown = (value: string | null): string | null => (value === null ? null : redact(value))
  return {
    ...plan,
    connectionId: shown(plan.connectionId),
    name: shown(plan.name),
    sandbox: redact(plan.sandbox),
    changes: plan.changes.map((change) => ({ ...change, from: shown(change.from), to: shown(change.to) })),
    ...(plan.reason === undefined ? {} : { reason: redact(plan.reason) })
  }
}

function writeSummary(settings: Settings, result: Upserted | Deleted, step: Step, tableCount: number | undefined): void {
  const rows: Array<[string, string]> = [
    ['Connection id', result.id],
    ['Outcome', result.outcome],
    ['Sandbox', settings.sandboxName]
  ]
  if (tableCount !== undefined) rows.push(['Tables Platform sees', String(tableCount)])
  summarise(table(subjectOf(settings), rows, step), step)
}

/** One line on what failed; `settings` is undefined when the inputs were not valid. */
function failureSummary(settings: Settings | undefined, message: string, step: Step): string {
  const rows: Array<[string, string]> = [['Outcome', 'failed'], ['Error', message]]
  if (settings) rows.push(['Sandbox', settings.sandboxName])
  return table(subjectOf(settings), rows, step)
}

function fail(error: unknown, settings: Settings | undefined, step: Step): void {
  const message = describeError(error, step.log.debug)
  step.log.error(message)
  summarise(failureSummary(settings, message, step), step)
}

/** A summary table of redacted values: the Markdown escapes characters a secret may hold, after which redaction would no longer find it. */
function table(heading: string, rows: Array<[string, string]>, { redactor }: Step): string {
  const redact = (text: string): string => redactor.redact(text)
  return summaryTable(redact(heading), rows.map(([field, value]) => [field, redact(value)]))
}

/** Every summary passes through the redactor too: an id or an API message could hold a secret. */
function summarise(markdown: string, { io, redactor }: Step): void {
  io.appendSummary(redactor.redact(markdown))
}
