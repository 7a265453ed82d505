// The dataflow's post step: rolls back a create that main did not see to its end (the job was
// cancelled, or a create's outcome stayed unknown), as main's own rollback would have. It never
// fails the job: a problem becomes a warning that says what to delete by hand.
//
// It trusts only what main saved and sealed (post-state.ts), and deletes only what carries this
// run's token in its description. A flow that carries it is kept, with its connections: it is
// whole, it may already have ingested rows (deleting it and creating it again would ingest them
// twice), and running the step again finishes it.

import { lookAgain } from '../platform/look-again.js'
import type { Sender } from '../platform/sender.js'
import { inSession } from '../platform/session.js'
import { redactedTable, summarise } from '../report/summary.js'
import { ActionError, failureMessage } from '../runner/errors.js'
import type { Io, Log } from '../runner/io.js'
import type { Step } from '../runner/step.js'
import { type PostKeys, clearSealed, readSealed, saveSealed, startSealed, untrusted } from '../run/post-state.js'
import { type CreateWatch, type Stage, connectionName } from './apply.js'
import { DataflowClient } from './client.js'
import { STATE } from './names.js'
import type { ConnectionKind } from './requests.js'
import { readPostSettings } from './settings.js'

/** What main saved before a stage's creates went out: the name they derive from, and this run's token. */
export interface Saved {
  stage: Stage
  name: string
  token: string
}

const KEYS: PostKeys = { names: [STATE.stage, STATE.name, STATE.token], seal: STATE.seal }
const STAGES: readonly string[] = ['connections', 'dataflow'] satisfies Stage[]

/** Main's first act, before it reads an input (see startSealed). */
export const startMain = (io: Io): void => startSealed(io, KEYS)

/** What main saves as a create goes; `stage` is what the cancellation line describes. */
export class RollbackRecord implements CreateWatch {
  stage: { now: Stage; name: string; token: string } | undefined

  constructor(private readonly io: Io) {}

  creating(now: Stage, name: string, token: string): void {
    saveSealed(this.io, KEYS, [now, name, token])
    this.stage = { now, name, token }
  }

  /** Every key empty again: the post step has nothing to do. */
  settled(): void {
    clearSealed(this.io, KEYS)
    this.stage = undefined
  }
}

/** What main saved: undefined when there is nothing to roll back, 'unsealed' when it is not what main saved. */
export function savedRollback(io: Io): Saved | 'unsealed' | undefined {
  // The seal first: state that is not what main saved is said so, even when it holds nothing to roll back.
  const sealed = readSealed(io, KEYS)
  if (sealed === 'unsealed') return 'unsealed'
  const [stage = '', name = '', token = ''] = sealed
  if (stage === '' && name === '' && token === '') return undefined
  return !STAGES.includes(stage) || name === '' || token === '' ? 'unsealed' : { stage: stage as Stage, name, token }
}

/** What the post step found and did. */
interface RolledBack {
  kept?: string
  deleted: string[]
}

export async function rollBack(saved: Saved | 'unsealed', step: Step): Promise<void> {
  const { io, log, clock } = step
  const what = saved === 'unsealed' ? 'what this run created' : `what this run created for dataflow "${saved.name}" (carrying ${saved.token})`
  let result: string
  try {
    if (saved === 'unsealed') throw untrusted()
    const { signIn, applied, enabled } = readPostSettings(io.input)
    // Main saved state for an apply only; inputs that say otherwise now leave everything alone.
    if (!applied) return
    if (!signIn) throw new ActionError('the inputs are no longer valid.')
    const done = await inSession(signIn, step, clock.now() + signIn.timeoutSeconds * 1000, ({ send, sender }) =>
      removeRun(saved, new DataflowClient(send, signIn), sender, log, enabled)
    )
    result = done.kept ? `kept ${done.kept}` : done.deleted.length > 0 ? `deleted ${done.deleted.join(', ')}` : 'nothing was left'
    if (done.kept) {
      const disabled = enabled ? '' : ', disabled as enabled: false asks'
      log.warning(`Rollback: ${done.kept}, which this run made, did commit: it is kept with its connections${disabled}; run the step again to finish applying it.`)
    } else {
      log.info(done.deleted.length > 0 ? `Rollback: deleted ${done.deleted.join(', ')}, which this run made.` : `Rollback: no connection carries ${saved.token}: nothing was left.`)
      log.warning(`Rollback: a mapping set this run made may remain in Platform: Adobe documents no way to delete one.`)
    }
  } catch (error) {
    result = `Rollback could not remove ${what}: ${failureMessage(error, log.debug)} Delete what carries that token in Platform by hand.`
    log.warning(result)
  }
  const name = saved === 'unsealed' ? 'unknown' : `"${saved.name}", carrying ${saved.token}`
  summarise(
    redactedTable(
      'Rollback of a MySQL dataflow create cut short',
      [
        ['Dataflow', name],
        ['Rollback', result]
      ],
      step
    ),
    step
  )
}

/**
 * The flow, when main was about to create it, is looked for first (again with growing waits, so
 * a create committed late is found): carrying this run's token, it is kept with its connections,
 * and disabled when the inputs say enabled: false. Otherwise the source and target connections
 * carrying the token are deleted, looked for again until both are found or the looks end (one
 * may never have been made).
 */
async function removeRun(saved: Saved, client: DataflowClient, sender: Sender, log: Log, enabled: boolean): Promise<RolledBack> {
  const carries = (item: { description: string }): boolean => item.description.includes(saved.token)
  const looking = (noun: string) => (look: number) => `Rollback: no ${noun} carries ${saved.token} ${look === 1 ? 'yet' : 'so far'}; looking again`
  if (saved.stage === 'dataflow') {
    const flows = async (): Promise<string[] | undefined> => {
      const ours = (await client.findFlows(saved.name)).filter(carries).map((flow) => flow.id)
      return ours.length > 0 ? ours : undefined
    }
    const found = (await flows()) ?? (await lookAgain(sender, flows, looking(`dataflow "${saved.name}"`)))
    // Unknown whether the flow came: deleting its connections could break it.
    if (found === 'no time') throw new ActionError(`the deadline (timeout-seconds) leaves no time to look for dataflow "${saved.name}".`)
    if (found) {
      // A new flow is enabled: with enabled: false it must not ingest until the step runs again.
      if (!enabled) for (const id of found) await client.setState(id, 'disable')
      return { kept: `dataflow ${found.join(', ')}`, deleted: [] }
    }
  }
  const kinds: ConnectionKind[] = ['source', 'target']
  const connections = async (): Promise<Array<[ConnectionKind, string]>> =>
    (
      await Promise.all(
        kinds.map(async (kind) => (await client.findConnections(kind, connectionName(saved.name, kind))).filter(carries).map((c): [ConnectionKind, string] => [kind, c.id]))
      )
    ).flat()
  let ours = await connections()
  if (new Set(ours.map(([kind]) => kind)).size < kinds.length) {
    const both = async (): Promise<Array<[ConnectionKind, string]> | undefined> => {
      ours = await connections()
      return new Set(ours.map(([kind]) => kind)).size === kinds.length ? ours : undefined
    }
    if ((await lookAgain(sender, both, looking('source or target connection'))) === 'no time') {
      const missing = kinds.filter((kind) => !ours.some(([found]) => found === kind)).map((kind) => `"${connectionName(saved.name, kind)}"`)
      const unsure = `the deadline (timeout-seconds) left no time to look again for ${missing.join(' and ')} carrying ${saved.token}`
      if (ours.length === 0) throw new ActionError(`${unsure}.`)
      log.warning(`Rollback: ${unsure}: should it appear, delete it in Platform by hand.`)
    }
  }
  const deleted: string[] = []
  const failed: string[] = []
  for (const [kind, id] of ours) {
    try {
      if ((await client.deleteConnection(kind, id)) === 'deleted') deleted.push(`${kind} connection ${id}`)
    } catch (error) {
      failed.push(`${kind} connection ${id} (${failureMessage(error, log.debug).replace(/\.$/, '')})`)
    }
  }
  if (failed.length > 0) throw new ActionError(`deleting ${failed.join(', ')} failed${deleted.length > 0 ? `; deleted ${deleted.join(', ')}` : ''}.`)
  return { deleted }
}
