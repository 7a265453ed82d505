// The plan as one comment on the pull request, written by the action itself and found again on
// later runs by a hidden marker that names the connection: each connection a workflow plans keeps
// one comment, updated in place. main.ts imports this module only when a comment is to be written,
// so the default path of the bundle never loads it, nor @actions/github (Octokit, undici).

import { context, getOctokit } from '@actions/github'
import type { Step } from '../runner/step.js'
import type { Settings } from '../settings/inputs.js'
import { INPUT, OUTPUT } from '../settings/names.js'
import { setOutput } from './outputs.js'

/** GitHub refuses a comment body of more characters than this. */
export const GITHUB_BODY_LIMIT = 65_536

const CUT_NOTE = "_The plan is too long for a comment and was cut here: the whole plan is in the step's `changes` output and in the job summary._"

const USER_AGENT = 'aep-mysql-connection-action'

/** Where a run's comment goes, or why it writes none. */
type CommentTarget = { post: true; number: number } | { post: false; why: 'event' | 'fork' | 'no-number' }

/**
 * The pull request of a pull_request or pull_request_target event. On pull_request, a pull request
 * from a fork runs with a read-only token, so commenting could only fail; pull_request_target runs
 * in the base repository with its own token, fork or not.
 */
export function commentTarget(eventName: string | undefined, payload: unknown): CommentTarget {
  if (eventName !== 'pull_request' && eventName !== 'pull_request_target') return { post: false, why: 'event' }
  const pull = field(payload, 'pull_request')
  const number = field(pull, 'number')
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) return { post: false, why: 'no-number' }
  const repository = (side: string): unknown => field(field(field(pull, side), 'repo'), 'full_name')
  const base = repository('base')
  // A deleted fork leaves head.repo null: still not the base repository.
  if (eventName === 'pull_request' && (typeof base !== 'string' || repository('head') !== base)) return { post: false, why: 'fork' }
  return { post: true, number }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

/**
 * The hidden first line that finds the comment again: the connection's sandbox and name (a delete
 * by id: its id), percent-encoded, so a name can neither end the HTML comment nor pass for another.
 */
export function commentMarker(settings: Settings): string {
  const sandbox = encodeURIComponent(settings.sandboxName)
  const marker = (connection: string): string => `<!-- aep-mysql-connection plan: ${connection} -->`
  if (settings.operation === 'upsert') return marker(`${sandbox}/${encodeURIComponent(settings.name)}`)
  const { connection } = settings
  // A space cannot occur in an encoded name: an id never passes for a name.
  return connection.by === 'name' ? marker(`${sandbox}/${encodeURIComponent(connection.name)}`) : marker(`${sandbox} id ${encodeURIComponent(connection.id)}`)
}

/** The run that wrote the comment, linked, so an update is visible even when the plan is the same. */
export function runLine(env: Record<string, string | undefined>): string {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env
  if (!server || !/^https?:\/\/[^\s()<>]+$/.test(server) || !repository || !/^[\w.-]+\/[\w.-]+$/.test(repository) || !runId || !/^\d+$/.test(runId)) return ''
  return `<sub>Planned by [run ${runId}](${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}).</sub>`
}

/** Marker, plan and run line, the plan cut at a line end with a note when the whole would pass GitHub's limit. */
export function commentBody(marker: string, markdown: string, run: string): string {
  const whole = [marker, markdown.trimEnd(), run].filter((part) => part !== '').join('\n\n')
  if (whole.length < GITHUB_BODY_LIMIT) return whole
  const room = Math.max(0, GITHUB_BODY_LIMIT - 1 - [marker, CUT_NOTE, run].join('\n\n\n\n').length)
  const end = markdown.lastIndexOf('\n', room)
  // A plan without a line break in reach is cut where it must be, but never inside a surrogate pair.
  const at = end > 0 ? end : /[\ud800-\udbff]/.test(markdown.charAt(room - 1)) ? room - 1 : room
  return [marker, markdown.slice(0, at).trimEnd(), CUT_NOTE, run].filter((part) => part !== '').join('\n\n')
}

// A pull request with more comments than this is searched no further: at worst a second comment.
const MAX_PAGES = 30

/**
 * Writes the plan Markdown (redacted already) into the pull request's comment for this connection.
 * A run that is not on a pull request is a notice; a fork or a token without the permission is a
 * warning, as the plan itself went well and the workflow's setup decides those; any other failure
 * to write is an error, after the plan's outputs and summary.
 */
export async function writePlanComment(markdown: string, token: string, settings: Settings, step: Step, deadline: number): Promise<void> {
  const { log, redactor, io, clock } = step
  const target = commentTarget(context.eventName, context.payload)
  const after = "the plan is in the step's outputs and the job summary."
  if (!target.post) {
    if (target.why === 'event')
      return log.notice(
        `No plan comment written: ${INPUT.prComment} comments on pull_request and pull_request_target events, and this run is a "${context.eventName ?? 'unknown'}" event; ${after}`
      )
    if (target.why === 'fork')
      return log.warning(
        `No plan comment written: the pull request comes from a fork, and GitHub gives a pull_request run from a fork a read-only token, without pull-requests: write; ${after}`
      )
    return log.warning(`No plan comment written: the event's payload (GITHUB_EVENT_PATH) names no pull request; ${after}`)
  }

  const on = `on pull request #${target.number}`
  let repository: { owner: string; repo: string }
  try {
    repository = context.repo
  } catch {
    return log.warning(`No plan comment written: neither GITHUB_REPOSITORY nor the event's payload names the repository; ${after}`)
  }
  const marker = redactor.redact(commentMarker(settings))
  const body = commentBody(marker, markdown, redactor.redact(runLine(io.env)))
  try {
    const github = getOctokit(token, { userAgent: USER_AGENT, request: { signal: AbortSignal.timeout(Math.max(1000, deadline - clock.now())) } })
    const issue = { ...repository, issue_number: target.number }
    let found: number | undefined
    let pages = 0
    for await (const { data } of github.paginate.iterator(github.rest.issues.listComments, { ...issue, per_page: 100 })) {
      found = data.find((comment) => typeof comment.body === 'string' && comment.body.startsWith(marker))?.id
      if (found !== undefined || ++pages >= MAX_PAGES) break
    }
    const { data: written } =
      found === undefined ? await github.rest.issues.createComment({ ...issue, body }) : await github.rest.issues.updateComment({ ...repository, comment_id: found, body })
    if (!Number.isSafeInteger(written.id)) {
      return log.warning(`Wrote the plan comment ${on}, but GitHub's answer named no comment id, so there are no comment-id and comment-url outputs.`)
    }
    setOutput(OUTPUT.commentId, String(written.id), step)
    const url = typeof written.html_url === 'string' && /^https?:\/\/\S+$/.test(written.html_url) ? written.html_url : undefined
    if (url) setOutput(OUTPUT.commentUrl, url, step)
    log.info(`${found === undefined ? 'Wrote' : 'Updated'} the plan comment ${on}: ${url ?? `comment ${written.id}`}.`)
  } catch (error) {
    const failure = commentFailure(error)
    if (failure.forbidden) {
      return log.warning(
        `Could not write the plan comment ${on}: ${failure.why}; give the job "permissions: pull-requests: write", or pass a ${INPUT.githubToken} that has it; ${after}`
      )
    }
    log.error(`Could not write the plan comment ${on}: ${failure.why}; ${after}`)
  }
}

/**
 * Why a request to GitHub failed, in words. Octokit gives an answer's status and body as
 * `status` and `response`; a request that got no answer is a status 500 without a response,
 * its cause the network error or the deadline's TimeoutError.
 */
export function commentFailure(error: unknown): { why: string; forbidden: boolean } {
  const response = field(error, 'response')
  const status = field(response, 'status')
  if (typeof status === 'number') {
    const said = field(field(response, 'data'), 'message')
    return { why: `GitHub answered HTTP ${status}${typeof said === 'string' && said !== '' ? ` (${said.slice(0, 200)})` : ''}`, forbidden: status === 403 }
  }
  const cause = field(error, 'cause')
  if (field(cause, 'name') === 'TimeoutError' || field(error, 'name') === 'TimeoutError')
    return { why: 'GitHub did not answer within the time left of timeout-seconds', forbidden: false }
  return { why: `GitHub could not be reached (${error instanceof Error ? error.message : String(error)})`, forbidden: false }
}
