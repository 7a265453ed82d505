// Waiting for a dataflow's first run, in words and numbers: the line each poll prints, how long to
// wait before the next, the outputs of an ended run, and the sentence when it fails or time runs
// out. Pure: the caller polls (runsRequest, firstRun) with its clock.

import type { Run } from './answers.js'
import { OUTPUT, type OutputName } from './names.js'

const FIRST_POLL_MS = 5_000
const LONGEST_POLL_MS = 30_000

/** The wait before poll `poll` (1-based): 5 s, doubling, at most 30 s; a run takes minutes, not milliseconds. */
export function pollDelay(poll: number): number {
  return Math.min(LONGEST_POLL_MS, FIRST_POLL_MS * 2 ** Math.max(0, poll - 1))
}

/** Server text in a log line: one line, bounded. */
function shown(text: string, limit = 300): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > limit ? `${line.slice(0, limit)}…` : line
}

function records(run: Run): string {
  const parts = [
    run.recordsRead === undefined ? undefined : `${run.recordsRead} read`,
    run.recordsWritten === undefined ? undefined : `${run.recordsWritten} written`,
    run.recordsFailed === undefined ? undefined : `${run.recordsFailed} failed`
  ].filter((p): p is string => p !== undefined)
  return parts.length === 0 ? 'no record counts yet' : `records: ${parts.join(', ')}`
}

/** The one line a poll prints. `dueAt`: the flow's start time, epoch seconds, for a run not there yet. */
export function progressLine(flowId: string, run: Run | undefined, dueAt?: number): string {
  if (!run) return `Dataflow ${flowId}: no run yet${dueAt === undefined ? '' : ` (the first is due at ${new Date(dueAt * 1000).toISOString()})`}.`
  return `Dataflow ${flowId}, run ${run.id}: ${shown(run.status, 40) || 'no status yet'}, ${records(run)}.`
}

/** The sentence that fails the step for a failed run: its error codes and messages. */
export function runFailure(flowId: string, run: Run): string {
  const errors = run.errors.map((e) => shown([e.code, e.message].filter(Boolean).join(' '))).filter(Boolean)
  const why = errors.length > 0 ? `: ${errors.slice(0, 3).join('; ')}` : ' without an error code'
  return `Run ${run.id} of dataflow ${flowId} failed${why.replace(/\.$/, '')} (${records(run)}). Look at the run in Platform's dataflow monitoring, fix the cause, and the next scheduled run will try again.`
}

/** The sentence that fails the step at the deadline: the flow exists, its run goes on. */
export function runStillGoing(flowId: string, run: Run | undefined, waitedSeconds: number): string {
  const state = run ? `its first run ${run.id} is still ${shown(run.status, 40) || 'running'}` : 'its first run has not started'
  return `Dataflow ${flowId} exists, but ${state} after ${waitedSeconds} s of waiting (its ids are in the outputs). Follow it in Platform, or raise timeout-seconds to wait longer.`
}

/** The run outputs; a count Platform did not give is '' (not 0: nothing was counted). */
export function runOutputs(run: Run): Partial<Record<OutputName, string>> {
  const count = (n: number | undefined): string => (n === undefined ? '' : String(n))
  return {
    [OUTPUT.runId]: run.id,
    [OUTPUT.runStatus]: run.status,
    [OUTPUT.recordsRead]: count(run.recordsRead),
    [OUTPUT.recordsWritten]: count(run.recordsWritten),
    [OUTPUT.recordsFailed]: count(run.recordsFailed)
  }
}
