// The post step: deletes the connection this job's step created, when cleanup is on. It never
// fails the job: a problem becomes a warning that says what to delete by hand.
//
// It trusts only what its own main step saved. The runner sets a step's saved state after the
// environment (STATE_* variables), so a key main always saves, empty when unused, is one that a
// later step's GITHUB_ENV cannot set for the post step.

import { lookAgain } from './apply.js'
import type { CreateDraft } from './draft.js'
import { ActionError, describeError } from './errors.js'
import type { Connection, FlowService } from './flow-service.js'
import type { Http } from './http.js'
import { type Settings, readSettings } from './inputs.js'
import type { Io } from './io.js'
import { isPlainId } from './requests.js'
import { type Step, inSession, maskSettingsSecrets } from './session.js'
import { redactedTable, summarise } from './report.js'
import { subjectOf } from './summary.js'

/** The state names the main step saves for the post step. */
const STATE = { isPost: 'isPost', id: 'cleanup-connection-id', name: 'cleanup-name', token: 'cleanup-run-token' } as const

/**
 * What main saves as the post marker. Main sees only its environment, where another action's
 * convention may have left STATE_isPost=true: a value tied to this run and step cannot be set there
 * by chance, so main never mistakes itself for the post step.
 */
function postMarker(env: Io['env']): string {
  return `post of ${env.GITHUB_ACTION ?? ''} in job ${env.GITHUB_JOB ?? ''} of run ${env.GITHUB_RUN_ID ?? ''}.${env.GITHUB_RUN_ATTEMPT ?? ''}`
}

/**
 * Main's first act: the post marker, and every key the post step reads, empty until a create
 * fills it in. Should this fail, main stops before anything else: the post step must never find
 * a connection this step made without the state to clean it up.
 */
export function startMain(io: Io): void {
  io.saveState(STATE.isPost, postMarker(io.env))
  for (const key of [STATE.id, STATE.name, STATE.token]) io.saveState(key, '')
}

/** Read only from what main saved (see postMarker). */
export function isPostStep(io: Io): boolean {
  return io.state(STATE.isPost) === postMarker(io.env)
}

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

/** `shown`: whether a value may be written down; one that holds a masked secret is not. */
export function saveBeforeCreate(io: Io, create: CreateDraft, shown: (value: string) => boolean): void {
  if (shown(create.name)) io.saveState(STATE.name, create.name)
  if (shown(create.token)) io.saveState(STATE.token, create.token)
}

/** Platform refused the create outright: nothing for the post step to look for. */
export function forgetCreate(io: Io): void {
  io.saveState(STATE.name, '')
  io.saveState(STATE.token, '')
}

export function saveCreated(io: Io, id: string): void {
  io.saveState(STATE.id, id)
}

/** What the main step saved; undefined when it created nothing to clean up. */
export function savedState(io: Io): Saved | undefined {
  const saved = { id: io.state(STATE.id), name: io.state(STATE.name), token: io.state(STATE.token) }
  return saved.id !== '' || (saved.name !== '' && saved.token !== '') ? saved : undefined
}

/** Whether these settings are ones main saves state for: an applied upsert with cleanup on. */
function cleansUp(settings: Settings): boolean {
  return settings.operation === 'upsert' && settings.mode === 'apply' && settings.cleanup
}

type Outcome = 'deleted' | 'absent' | 'not ours'

const RESULTS: Record<Outcome, string> = { deleted: 'deleted', absent: 'already gone', 'not ours': 'left alone: this run did not make it' }

export async function cleanUp(saved: Saved, step: Step): Promise<void> {
  const { io, log, clock } = step
  const what = saved.id !== '' ? `connection ${saved.id}` : `the connection named "${saved.name}" that carries ${saved.token}`
  let settings: Settings | undefined
  let result: string
  try {
    settings = readSettings(io.input).settings
    if (!settings) throw new ActionError('the inputs are no longer valid.')
    // Main saved state for these inputs only; inputs that say otherwise now leave everything alone.
    if (!cleansUp(settings)) return
    maskSettingsSecrets(settings, step)
    const outcome = await inSession(settings, step, clock.now() + settings.timeoutSeconds * 1000, ({ flow, http }) => removeSaved(saved, flow, http))
    result = RESULTS[outcome]
    if (outcome === 'not ours') log.warning(`Cleanup left ${what} alone: its description does not carry this run's token ${saved.token}, so this run did not make it.`)
    else log.info(outcome === 'deleted' ? `Cleanup: deleted ${what}.` : `Cleanup: ${what} was already gone, or never made.`)
  } catch (error) {
    result = `Cleanup could not delete ${what}: ${describeError(error, log.debug)} Delete it in Platform by hand.`
    log.warning(result)
  }
  const connection: [string, string] = saved.id !== '' ? ['Connection id', saved.id] : ['Connection', `named "${saved.name}", carrying ${saved.token}`]
  summarise(redactedTable(`Cleanup of ${subjectOf(settings)}`, [connection, ['Cleanup', result]], step), step)
}

/**
 * Every connection this run made, and only those: each carries this run's token in its
 * description, which is read before anything is deleted, also for the saved id. The namesakes
 * carrying it are all deleted (a create repeated after a lost answer may have made two). When
 * main never learned an id, the create may still commit: it is looked for again with growing waits.
 */
async function removeSaved(saved: Saved, flow: FlowService, http: Http): Promise<Outcome> {
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
  if (!ours && saved.id === '' && saved.name !== '') {
    const later = await lookAgain(http, namesakes, (look) => `Cleanup: no connection carries ${saved.token} ${look === 1 ? 'yet' : 'so far'}; looking again`)
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
