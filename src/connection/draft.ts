// What an upsert writes: the name, the description and the credentials.

import { randomUUID } from 'node:crypto'
import type { AuthSpec } from '../platform/connection-specs.js'
import { authFor } from './auth-params.js'
import type { UpsertSettings } from '../settings/inputs.js'
import type { FlowService } from '../platform/flow-service.js'
import type { ConnectionDraft } from '../platform/requests.js'

export interface CreateDraft extends ConnectionDraft {
  /** Ends the description: tells the connection this run made from a namesake made by anyone else. */
  token: string
}

/** `specs`: the organisation's MySQL auth specs, when read; without them, the forms of Azure-hosted Platform. */
export function draftFor(settings: UpsertSettings, env: Record<string, string | undefined>, specs?: AuthSpec[]): ConnectionDraft {
  return { name: settings.name, description: settings.description ?? defaultDescription(env), auth: authFor(settings.target, settings.authType, specs) }
}

/** The draft an upsert writes, once it can be built: for basic auth, after the organisation's spec is read. */
export type DraftSource = () => Promise<ConnectionDraft>

/**
 * With `readSpec`, the params take the form the organisation's MySQL spec declares (AWS differs
 * from Azure) and are checked against it: the read starts at once, so it runs alongside the
 * lookup and costs no time. Basic auth needs it; a plan reads it for every auth type, so that it
 * fails where the write would.
 */
export function draftSource(settings: UpsertSettings, env: Record<string, string | undefined>, flow: Pick<FlowService, 'authSpecs'>, readSpec: boolean): DraftSource {
  const specs = readSpec ? flow.authSpecs() : undefined
  specs?.catch(() => undefined) // awaited by the caller, unless it reuses or fails first
  return async () => draftFor(settings, env, await specs)
}

/** A create's body: its description ends in a token of this run, so a create whose answer was lost can be recognised. */
export function withRunToken(draft: ConnectionDraft): CreateDraft {
  const token = runToken()
  return { ...draft, description: `${draft.description} ${token}`, token }
}

/** A token of this run, for the end of a create's description (withoutRunToken takes it off again). */
export function runToken(): string {
  return `[run-token ${randomUUID()}]`
}

/** A description as the user wrote it: without the run token a create added at its end. */
export function withoutRunToken(description: string): string {
  return description.replace(/ ?\[run-token [0-9a-f-]{36}\]$/, '')
}

/** From the variables the runner sets for every job. */
function defaultDescription(env: Record<string, string | undefined>): string {
  const repository = env.GITHUB_REPOSITORY
  if (!repository) return 'Managed by a GitHub Actions workflow.'
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  const runId = env.GITHUB_RUN_ID ?? ''
  return `Managed by GitHub Actions: ${repository}, workflow "${env.GITHUB_WORKFLOW ?? ''}", run ${runId} (${server}/${repository}/actions/runs/${runId}).`
}
