// The course of a run: read and check the inputs, mask the secrets, get a token, then create,
// update, reuse or delete the connection (or describe the requests, or plan), verify it, and
// hand its id to the rest of the workflow.

import { type CreateWatch, type Upserted, deleteConnection, upsert } from '../connection/apply.js'
import { type CreateDraft, draftFor, draftSource, withRunToken } from '../connection/draft.js'
import { describeDelete, describeUpsert } from '../connection/dry-run.js'
import { planDelete, planUpsert } from '../connection/plan.js'
import { type Session, inSession } from '../platform/session.js'
import { runnerTransport } from '../platform/transport.js'
import { reportDryRun, reportFailure, reportPlan, reportResult, setOutput } from '../report/outputs.js'
import { summariseFailure, writeSummary } from '../report/summary.js'
import { onSignal } from '../runner/cancel.js'
import { systemClock } from '../runner/clock.js'
import { failureMessage } from '../runner/errors.js'
import { type Io, redactingLog } from '../runner/io.js'
import { Redactor } from '../runner/secrets.js'
import type { Step } from '../runner/step.js'
import { runnerIo } from '../runner/workflow-commands.js'
import { type DeleteSettings, type Settings, type UpsertSettings, readSettings } from '../settings/inputs.js'
import { OUTPUT } from '../settings/names.js'
import { credentialSecret, maskSecretInputs, maskSettingsSecrets, openInputs, warnAboutWeakSecrets } from './masking.js'
import { CleanupRecord, cleanUp, savedState, startMain } from './post.js'
import { isPostStep } from './post-state.js'
import { preflight } from './preflight.js'

export async function run(
  io: Io = runnerIo(),
  edges: Pick<Step, 'clock' | 'openTransport' | 'onCancel'> = { clock: systemClock(), openTransport: runnerTransport, onCancel: onSignal }
): Promise<void> {
  const redactor = new Redactor()
  const step: Step = { io, log: redactingLog(io, (text) => redactor.redact(text)), redactor, ...edges }
  if (isPostStep(io)) {
    const saved = savedState(io)
    if (!saved) return
    maskSecretInputs(step)
    return cleanUp(saved, step)
  }
  maskSecretInputs(step)
  try {
    startMain(io)
    await runMain(step)
  } catch (error) {
    reportFailure(error, undefined, step)
  }
}

async function runMain(step: Step): Promise<void> {
  const { io, log, clock } = step
  const { settings, problems } = readSettings(io.input)
  // One ::error:: line per problem, so each bad input is named on its own.
  for (const problem of problems) log.error(problem.message)
  if (!settings) return summariseFailure(undefined, problems.map((problem) => problem.message).join(' '), step)
  try {
    maskSettingsSecrets(settings, step)
    warnAboutWeakSecrets(
      [...(settings.operation === 'upsert' ? [{ label: 'The password', value: settings.target.password }] : []), credentialSecret(settings.credentials)],
      openInputs(settings),
      step.log
    )
    const deadline = clock.now() + settings.timeoutSeconds * 1000
    await (settings.operation === 'upsert' ? runUpsert(settings, step, deadline) : runDelete(settings, step, deadline))
  } catch (error) {
    reportFailure(error, settings, step)
  }
}

async function runUpsert(settings: UpsertSettings, step: Step, deadline: number): Promise<void> {
  const { io, log } = step
  if (settings.preflight !== 'off') await preflight(settings, step, deadline)
  switch (settings.mode) {
    case 'dry-run': {
      // Sends nothing, so the organisation's spec is not read: the forms of Azure-hosted Platform.
      const draft = draftFor(settings, io.env)
      return reportDryRun(describeUpsert(settings, draft, withRunToken(draft)), settings, step)
    }
    case 'plan': {
      if (settings.verify) log.info('Verify skipped: a plan sends no explore request, so Platform does not log in to the database.')
      const markdown = await inSession(settings, step, deadline, async ({ flow }) =>
        reportPlan(await planUpsert(settings, draftSource(settings, io.env, flow, true), { flow, log }), settings, step)
      )
      return commentOnPlan(markdown, settings, step, deadline)
    }
    case 'apply':
      return inSession(settings, step, deadline, (session) => applyUpsert(settings, session, step))
  }
}

async function applyUpsert(settings: UpsertSettings, session: Session, step: Step): Promise<void> {
  const { io, log } = step
  // Not a value holding a masked secret: the state file must not hold one either (post finds the connection by its token then).
  const cleanup = settings.cleanup ? new CleanupRecord(io, (value) => !step.redactor.holds(value)) : undefined
  let inFlight: (() => void) | undefined
  const watch: CreateWatch = {
    sending: (create) => {
      cleanup?.sending(create)
      inFlight = step.onCancel?.((signal) => log.error(cancelledCreate(create, settings, signal)))
    },
    refused: () => cleanup?.refused()
  }
  let result: Upserted
  try {
    result = await upsert(settings, draftSource(settings, io.env, session.flow, settings.authType === 'basic'), { ...session, log }, watch)
  } finally {
    inFlight?.()
  }
  // Saved before anything else can fail, so the post step still removes what this step made.
  if (result.outcome === 'created') cleanup?.created(result.id)
  reportResult(result, step)
  if (!settings.verify) return writeSummary(settings, result, step)
  let paths: string[]
  try {
    paths = await session.flow.explore(result.id)
  } catch (error) {
    // The connection is in place and its outputs are set: the summary says so, and why verify failed.
    const message = failureMessage(error, log.debug)
    log.error(message)
    return writeSummary(settings, result, step, { failed: message })
  }
  const tables = paths.length
  log.info(`Verified: Platform reached the database and sees ${tables} table${tables === 1 ? '' : 's'}.`)
  setOutput(OUTPUT.tableCount, String(tables), step)
  // For a matrix of later jobs, one per table: strategy.matrix.table: ${{ fromJSON(needs.<job>.outputs.tables) }}.
  setOutput(OUTPUT.tables, JSON.stringify(paths), step)
  writeSummary(settings, result, step, { tables })
}

async function runDelete(settings: DeleteSettings, step: Step, deadline: number): Promise<void> {
  const { log } = step
  switch (settings.mode) {
    case 'dry-run':
      return reportDryRun(describeDelete(settings), settings, step)
    case 'plan': {
      const markdown = await inSession(settings, step, deadline, async ({ flow }) => reportPlan(await planDelete(settings, { flow, log }), settings, step))
      return commentOnPlan(markdown, settings, step, deadline)
    }
    case 'apply':
      return inSession(settings, step, deadline, async (session) => {
        const result = await deleteConnection(settings, { ...session, log })
        reportResult(result, step)
        writeSummary(settings, result, step)
      })
  }
}

/** Cancelled while a create was in flight: it may still commit, so say how it can be found. */
function cancelledCreate(create: CreateDraft, settings: UpsertSettings, signal: string): string {
  const next = settings.cleanup ? 'the post step looks for it and deletes it (cleanup: true)' : 'look for it in Platform before running the step again'
  return `The job was cancelled (${signal}) while the connection was being created: "${create.name}" may exist, with ${create.token} in its description; ${next}.`
}

/**
 * After the Platform session has closed: the comment needs only GitHub. Imported here, so that a
 * run without a comment loads neither this module nor the GitHub client it brings.
 */
async function commentOnPlan(markdown: string, settings: Settings, step: Step, deadline: number): Promise<void> {
  if (!settings.prComment) return
  const { writePlanComment } = await import('../report/pr-comment.js')
  await writePlanComment(markdown, settings.prComment.token, settings, step, deadline)
}
