// What a main step saves for its post step, and how the post step knows it is itself and trusts
// what it reads. Both actions use it, each with its own state names.
//
// The runner sets a step's saved state after the environment (STATE_* variables), so a key main
// always saves, empty when unused, is one that a later step's GITHUB_ENV cannot set for the post step.

import { createHmac, timingSafeEqual } from 'node:crypto'
import { ActionError } from '../runner/errors.js'
import type { Io } from '../runner/io.js'
import { INPUT, STATE } from '../settings/names.js'

/**
 * What main saves as the post marker. Main sees only its environment, where another action's
 * convention may have left STATE_isPost=true: a value tied to this run and step cannot be set there
 * by chance, so main never mistakes itself for the post step.
 */
function postMarker(env: Io['env']): string {
  return `post of ${env.GITHUB_ACTION ?? ''} in job ${env.GITHUB_JOB ?? ''} of run ${env.GITHUB_RUN_ID ?? ''}.${env.GITHUB_RUN_ATTEMPT ?? ''}`
}

/** Read only from what main saved (see postMarker). */
export function isPostStep(io: Io): boolean {
  return io.state(STATE.isPost) === postMarker(io.env)
}

/**
 * The second line behind the runner's order: an HMAC over the marker and the saved values, keyed
 * with the credential input both steps receive as given, which a later step that writes
 * GITHUB_ENV does not hold. Should the runner ever apply the environment last, forged values
 * would not match it.
 */
function seal(io: Io, values: readonly string[]): string {
  const key = io.input(INPUT.clientSecret) || io.input(INPUT.accessToken)
  return createHmac('sha256', key)
    .update(JSON.stringify([postMarker(io.env), ...values]))
    .digest('base64url')
}

/** The state names a post step reads, in a fixed order, and the name of their seal. */
export interface PostKeys {
  names: readonly string[]
  seal: string
}

/** Every key the post step reads, every time, with their seal: none is left for a later step to set. */
export function saveSealed(io: Io, keys: PostKeys, values: readonly string[]): void {
  keys.names.forEach((name, index) => io.saveState(name, values[index] ?? ''))
  io.saveState(keys.seal, seal(io, values))
}

/**
 * Main's first act: the post marker, and every key the post step reads, empty. Should this fail,
 * main stops before anything else: the post step must never find something this step made
 * without the state to clean it up.
 */
export function startSealed(io: Io, keys: PostKeys): void {
  io.saveState(STATE.isPost, postMarker(io.env))
  clearSealed(io, keys)
}

/** Every key empty, sealed: the post step has nothing to do. */
export function clearSealed(io: Io, keys: PostKeys): void {
  saveSealed(
    io,
    keys,
    keys.names.map(() => '')
  )
}

/** The saved values, in the order of `keys.names`; 'unsealed' when they are not what main saved. */
export function readSealed(io: Io, keys: PostKeys): string[] | 'unsealed' {
  const values = keys.names.map((name) => io.state(name))
  const expected = Buffer.from(seal(io, values))
  const found = Buffer.from(io.state(keys.seal))
  return found.length === expected.length && timingSafeEqual(found, expected) ? values : 'unsealed'
}

/**
 * Why a post step whose state is not what main saved does nothing: a later step changed it, the
 * credential input differs from main's, or an earlier step set a post marker in main's environment.
 */
export function untrusted(): ActionError {
  return new ActionError(
    `the saved state is not what main saved (a later step changed it, the ${INPUT.clientSecret} or ${INPUT.accessToken} input differs from main's, or an earlier step set STATE_isPost), so nothing was deleted.`
  )
}
