// wait-for-run: polls the flow's runs with growing waits until its first run ends or the step's
// deadline comes, one progress line per poll.

import type { Sender } from '../platform/sender.js'
import type { Log } from '../runner/io.js'
import type { Run } from './answers.js'
import type { DataflowClient } from './client.js'
import { pollDelay, progressLine } from './runs.js'

/** Bounds a clock that stands still; the deadline ends the polls first. */
const MAX_POLLS = 1000

type Waited = { phase: 'succeeded' | 'failed'; run: Run } | { phase: 'deadline'; run: Run | undefined; waitedSeconds: number }

/** `dueAt`: the flow's start time (epoch seconds), named while no run is there yet. */
export async function waitForFirstRun(flowId: string, dueAt: number | undefined, { client, sender, log }: { client: DataflowClient; sender: Sender; log: Log }): Promise<Waited> {
  const started = sender.now()
  let run: Run | undefined
  for (let poll = 1; poll <= MAX_POLLS; poll++) {
    run = await client.firstRun(flowId)
    log.info(progressLine(flowId, run, dueAt))
    if (run && run.phase !== 'running') return { phase: run.phase, run }
    const delay = pollDelay(poll)
    if (!sender.fits(delay)) break
    await sender.wait(delay, `Polling dataflow ${flowId} again`)
  }
  return { phase: 'deadline', run, waitedSeconds: Math.round((sender.now() - started) / 1000) }
}
