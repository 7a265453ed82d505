// The course of a dataflow step: read and check every input, mask the secrets, sign in, read what
// Platform has, then create, update, reuse or delete the dataflow (or plan), and wait for its
// first run when asked. As the post step: roll back a create that main did not see to its end.

import { readFileSync, realpathSync } from 'node:fs'
import { type Session, inSession } from '../platform/session.js'
import { runnerTransport } from '../platform/transport.js'
import { onSignal } from '../runner/cancel.js'
import { systemClock } from '../runner/clock.js'
import { ActionError, failureMessage } from '../runner/errors.js'
import { type Io, redactingLog } from '../runner/io.js'
import { Redactor } from '../runner/secrets.js'
import type { Step } from '../runner/step.js'
import { runnerIo } from '../runner/workflow-commands.js'
import { credentialSecret, maskSecretInputs, warnAboutWeakSecrets } from '../run/masking.js'
import { isPostStep } from '../run/post-state.js'
import { type Applied, type SignedIn, applyDataflow, connectionName, deleteDataflow } from './apply.js'
import { DataflowClient } from './client.js'
import { INPUT, SECRET_INPUTS } from './names.js'
import { planApply, planDelete } from './plan.js'
import { RollbackRecord, rollBack, savedRollback, startMain } from './post.js'
import { NotReady, readReady } from './reads.js'
import { reportApplied, reportPlan, reportRun, summariseFailure, writeSummary } from './report.js'
import { runFailure, runStillGoing } from './runs.js'
import { type ApplySettings, type DataflowSettings, type Files, isInside, readDataflowSettings } from './settings.js'
import { waitForFirstRun } from './wait.js'

/** The mapping file, read where the runner checked out the repository; a symbolic link out of it is not followed. */
export function workspaceFiles(env: Record<string, string | undefined>): Files {
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  return {
    workspace,
    readText: (path) => {
      try {
        const real = realpathSync(path)
        if (!isInside(realpathSync(workspace), real)) return 'outside'
        return readFileSync(real, 'utf8')
      } catch (error) {
        const code = (error as { code?: unknown }).code
        if (code === 'EISDIR') return 'directory'
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
        throw error
      }
    }
  }
}

export async function run(
  io: Io = runnerIo(),
  edges: Pick<Step, 'clock' | 'openTransport' | 'onCancel'> = { clock: systemClock(), openTransport: runnerTransport, onCancel: onSignal },
  files: Files = workspaceFiles(io.env)
): Promise<void> {
  const redactor = new Redactor()
  const step: Step = { io, log: redactingLog(io, (text) => redactor.redact(text)), redactor, ...edges }
  if (isPostStep(io)) {
    const saved = savedRollback(io)
    if (!saved) return
    maskSecretInputs(step, SECRET_INPUTS)
    return rollBack(saved, step)
  }
  maskSecretInputs(step, SECRET_INPUTS)
  let settings: DataflowSettings | undefined
  try {
    startMain(io)
    const read = readDataflowSettings(io.input, { files, env: io.env, nowMs: step.clock.now() })
    // One ::error:: line per problem, so each bad input is named on its own.
    for (const problem of read.problems) step.log.error(problem.message)
    settings = read.settings
    if (!settings) return summariseFailure(undefined, read.problems.map((problem) => problem.message).join(' '), step)
    redactor.allow([settings.sandboxName, settings.name, settings.table])
    warnAboutWeakSecrets(
      [credentialSecret(settings.credentials)],
      [
        { label: `the ${INPUT.sandboxName} input`, value: settings.sandboxName },
        { label: 'the dataflow name', value: settings.name }
      ],
      step.log
    )
    const deadline = step.clock.now() + settings.timeoutSeconds * 1000
    const known = settings
    await inSession(settings, step, deadline, (session) => runSignedIn(known, session, step))
  } catch (error) {
    if (error instanceof NotReady) {
      for (const problem of error.problems) step.log.error(problem)
      return summariseFailure(settings, error.message, step)
    }
    const message = failureMessage(error, step.log.debug)
    step.log.error(message)
    summariseFailure(settings, message, step)
  }
}

async function runSignedIn(settings: DataflowSettings, session: Session, step: Step): Promise<void> {
  const client = new DataflowClient(session.send, settings)
  const signedIn: SignedIn = { client, sender: session.sender, log: step.log }
  if (settings.operation === 'delete') {
    if (settings.plan) return reportPlan(await planDelete(settings, client), settings, step)
    const deleted = await deleteDataflow(settings, signedIn)
    reportApplied(deleted, step)
    return writeSummary(settings, deleted, step)
  }
  const ready = await readReady(settings, client, step.clock)
  if (settings.plan) return reportPlan(await planApply(settings, ready, client), settings, step)
  // Cancelled mid-apply, a create may still commit: say what the post step will do about it.
  const record = new RollbackRecord(step.io)
  const inFlight = step.onCancel?.((signal) => step.log.error(cancelledApply(settings, record.stage, signal)))
  let applied: Applied
  try {
    applied = await applyDataflow(settings, ready, signedIn, record)
  } finally {
    inFlight?.()
  }
  reportApplied(applied, step)
  if (!settings.waitForRun) return writeSummary(settings, applied, step)
  // A flow that existed has had its first run, maybe long ago: an old failure is not this step's.
  if (applied.outcome !== 'created') {
    step.log.info(`Not waiting for a run: dataflow ${applied.flowId} existed already, so its first run is over (wait-for-run waits for a new dataflow's first run).`)
    return writeSummary(settings, applied, step)
  }
  await waitAndReport(settings, applied, signedIn, step)
}

async function waitAndReport(settings: ApplySettings, applied: Applied, signedIn: SignedIn, step: Step): Promise<void> {
  const { flowId } = applied
  const waited = await waitForFirstRun(flowId, settings.schedule.startTime, signedIn)
  if (waited.run) reportRun(waited.run, step)
  writeSummary(settings, applied, step, [['First run', waited.run ? `${waited.run.id}: ${waited.run.status || 'no status'}` : 'not started']])
  if (waited.phase === 'failed') throw new ActionError(runFailure(flowId, waited.run))
  if (waited.phase === 'deadline') throw new ActionError(runStillGoing(flowId, waited.run, waited.waitedSeconds))
  step.log.info(`The first run of dataflow ${flowId} ended: ${waited.run.status}.`)
}

function cancelledApply(settings: ApplySettings, stage: RollbackRecord['stage'], signal: string): string {
  const cancelled = `The job was cancelled (${signal}) while dataflow "${settings.name}" was being applied`
  if (!stage) return `${cancelled}, before it created anything (an update may be half done): run the step again to finish it.`
  const { now, name, token } = stage
  const connections = `the source connection "${connectionName(name, 'source')}" and the target connection "${connectionName(name, 'target')}"`
  if (now === 'connections') {
    return `${cancelled}: ${connections} may exist, with ${token} in their descriptions; the post step looks for them and deletes them (a mapping set this run made may remain).`
  }
  return `${cancelled}: the dataflow may exist, with ${token} in its description; the post step keeps it and its connections if it does (run the step again to finish it), and otherwise deletes ${connections}.`
}
