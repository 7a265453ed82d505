// The post step: deletes the connection this job's step created, when cleanup is on. It never
// fails the job: a problem becomes a warning that says what to delete by hand. It trusts only
// what its own main step saved and sealed (post-state.ts).

import type { CreateDraft } from '../connection/draft.js'
import { lookAgain } from '../platform/look-again.js'
import type { Connection, FlowService } from '../platform/flow-service.js'
import { isPlainId } from '../platform/ids.js'
import type { Sender } from '../platform/sender.js'
import { inSession } from '../platform/session.js'
import { redactedTable, subjectOf, summarise } from '../report/summary.js'
import { ActionError, failureMessage } from '../runner/errors.js'
import type { Io } from '../runner/io.js'
import type { Step } from '../runner/step.js'
import { type Settings, readSettings } from '../settings/inputs.js'
import { STATE } from '../settings/names.js'
import { maskSettingsSecrets } from './masking.js'
import { type PostKeys, readSealed, saveSealed, startSealed, untrusted } from './post-state.js'

/**
 * What the post step needs to find the connection: its name and run token, saved before the
 * create is sent (the step may never learn the id: an answer lost at the deadline, a cancelled
 * job), and its id once known.
 */
export interface Saved {
  id: string
  name: string
  token: string
}

const NOTHING: Saved = { id: '', name: '', token: '' }

const KEYS: PostKeys = { names: [STATE.cleanupId, STATE.cleanupName, STATE.cleanupToken], seal: STATE.cleanupSeal }

const saveAll = (io: Io, saved: Saved): void => saveSealed(io, KEYS, [saved.id, saved.name, saved.token])

/** Main's first act (see startSealed). */
export const startMain = (io: Io): void => startSealed(io, KEYS)

/**
 * What main has saved for the post step since startMain, as a create goes. `shown`: whether a
 * value may be written down; one that holds a masked secret is not.
 */
export class CleanupRecord {
  private saved = NOTHING

  constructor(
    private readonly io: Io,
    private readonly shown: (value: string) => boolean
  ) {}

  /** Before the create is sent. */
  sending(create: CreateDraft): void {
    this.save({ ...this.saved, name: this.kept(create.name), token: this.kept(create.token) })
  }

  /** Platform refused the create outright: nothing for the post step to look for. */
  refused(): void {
    this.save(NOTHING)
  }

  created(id: string): void {
    this.save({ ...this.saved, id: this.kept(id) })
  }

  private kept(value: string): string {
    return this.shown(value) ? value : ''
  }

  private save(saved: Saved): void {
    saveAll(this.io, saved)
    this.saved = saved
  }
}

/** What the main step saved: undefined when it created nothing to clean up, 'unsealed' when it is not what main saved. */
export function savedState(io: Io): Saved | 'unsealed' | undefined {
  // The seal first: state that is not what main saved is said so, even when it holds nothing to clean up.
  const sealed = readSealed(io, KEYS)
  if (sealed === 'unsealed') return 'unsealed'
  const [id = '', name = '', token = ''] = sealed
  const saved = { id, name, token }
  return saved.id === '' && (saved.name === '' || saved.token === '') ? undefined : saved
}

/** Whether these settings are ones main saves state for: an applied upsert with cleanup on. */
function cleansUp(settings: Settings): boolean {
  return settings.operation === 'upsert' && settings.mode === 'apply' && settings.cleanup
}

type Outcome = 'deleted' | 'absent' | 'not ours'

const RESULTS: Record<Outcome, string> = { deleted: 'deleted', absent: 'already gone', 'not ours': 'left alone: this run did not make it' }

export async function cleanUp(saved: Saved | 'unsealed', step: Step): Promise<void> {
  const { io, log, clock } = step
  const what = saved === 'unsealed' ? 'what this run created' : saved.id !== '' ? `connection ${saved.id}` : `the connection named "${saved.name}" that carries ${saved.token}`
  let settings: Settings | undefined
  let result: string
  try {
    if (saved === 'unsealed') throw untrusted()
    settings = readSettings(io.input).settings
    if (!settings) throw new ActionError('the inputs are no longer valid.')
    // Main saved state for these inputs only; inputs that say otherwise now leave everything alone.
    if (!cleansUp(settings)) return
    maskSettingsSecrets(settings, step)
    const outcome = await inSession(settings, step, clock.now() + settings.timeoutSeconds * 1000, ({ flow, sender }) => removeSaved(saved, flow, sender))
    result = RESULTS[outcome]
    if (outcome === 'not ours') log.warning(`Cleanup left ${what} alone: its description does not carry this run's token ${saved.token}, so this run did not make it.`)
    else log.info(outcome === 'deleted' ? `Cleanup: deleted ${what}.` : `Cleanup: ${what} was already gone, or never made.`)
  } catch (error) {
    result = `Cleanup could not delete ${what}: ${failureMessage(error, log.debug)} Delete it in Platform by hand.`
    log.warning(result)
  }
  const connection: [string, string] =
    saved === 'unsealed' ? ['Connection', 'unknown'] : saved.id !== '' ? ['Connection id', saved.id] : ['Connection', `named "${saved.name}", carrying ${saved.token}`]
  summarise(redactedTable(`Cleanup of ${subjectOf(settings)}`, [connection, ['Cleanup', result]], step), step)
}

/**
 * Every connection this run made, and only those: each carries this run's token in its
 * description, which is read before anything is deleted, also for the saved id. The namesakes
 * carrying it are all deleted (a create repeated after a lost answer may have made two). When
 * main never learned an id, the create may still commit: it is looked for again with growing waits.
 */
async function removeSaved(saved: Saved, flow: FlowService, sender: Sender): Promise<Outcome> {
  if (saved.token === '') {
    throw new ActionError(`the run token was not saved (it looked like a secret), so nothing shows that ${saved.id === '' ? 'a connection' : saved.id} is this run's.`)
  }
  if (saved.id !== '' && !isPlainId(saved.id)) throw new ActionError('the saved connection id is not a plain id, so it is not one this action saved.')
  const carries = (connection: Connection): boolean => connection.description.includes(saved.token)
  const namesakes = async (): Promise<Connection[] | undefined> => {
    const ours = saved.name === '' ? [] : (await flow.findByName(saved.name)).filter(carries)
    return ours.length > 0 ? ours : undefined
  }
  let ours = await namesakes()
  if (!ours && saved.id === '') {
    const later = await lookAgain(sender, namesakes, (look) => `Cleanup: no connection carries ${saved.token} ${look === 1 ? 'yet' : 'so far'}; looking again`)
    if (later === 'no time') throw new ActionError(`no connection carried ${saved.token} yet, and the deadline (timeout-seconds) leaves no time to look again.`)
    ours = later
  }
  const ids = new Set((ours ?? []).map((connection) => connection.id))
  if (saved.id !== '' && !ids.has(saved.id)) {
    // Not listed under the saved name (renamed, say): read it by id, and delete it only if it is ours.
    const connection = await flow.find(saved.id)
    if (connection && carries(connection)) ids.add(saved.id)
    else if (connection && ids.size === 0) return 'not ours'
  }
  let outcome: Outcome = 'absent'
  for (const id of ids) if ((await flow.remove(id)) === 'deleted') outcome = 'deleted'
  return outcome
}
