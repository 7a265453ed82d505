// The plan comment on the pull request: its pure parts (where it goes, its marker, its body, why a
// write failed), then run() in-process with the real transport against the local Platform server
// and a local GitHub API (GITHUB_API_URL), the event read from GITHUB_EVENT_PATH as on a runner.

import { jest } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runnerTransport } from '../src/platform/transport.js'
import { GITHUB_BODY_LIMIT, commentBody, commentFailure, commentMarker, commentTarget, runLine } from '../src/report/pr-comment.js'
import { run } from '../src/run/main.js'
import type { Clock } from '../src/runner/clock.js'
import { type Settings, readSettings } from '../src/settings/inputs.js'
import { DATABASE, platformInputs } from '../testing/scenario.mjs'
import { type FakeGitHub, startFakeGitHub } from './support/fake-github.js'
import { RUN_ENV, type Recorded, recordingIo } from './support/recording-io.js'
import { suitePlatform } from './support/suite-platform.js'

const PASSWORD = 'comment-Pass;word-1'
const CLIENT_SECRET = 'comment-client-secret-9'
const GITHUB_TOKEN = 'ghs_CommentToken0abcdefghijklmnopqrstuvwxyz'
const REPOSITORY = 'octo-org/repo'
const NAME = 'MySQL shop on db.example.com'
const MARKER = '<!-- aep-mysql-connection plan: prod/MySQL%20shop%20on%20db.example.com -->'

const clock: Clock = { now: () => 0, sleep: async () => undefined, timeout: () => ({ expired: new Promise<void>(() => undefined), cancel: () => undefined }), random: () => 0 }

const pullRequest = (number: number, head = REPOSITORY): unknown => ({
  pull_request: { number, head: { repo: { full_name: head } }, base: { repo: { full_name: REPOSITORY } } }
})

function settingsOf(inputs: Record<string, string>): Settings {
  const { settings } = readSettings((name) => inputs[name] ?? '')
  if (!settings) throw new Error('invalid inputs')
  return settings
}

const BASE = { 'client-id': 'id', 'client-secret': CLIENT_SECRET, 'ims-org-id': 'ORG@AdobeOrg', ...DATABASE, password: PASSWORD }

describe('commentTarget', () => {
  test.each<[string, string | undefined, unknown, ReturnType<typeof commentTarget>]>([
    ['a pull request', 'pull_request', pullRequest(12), { post: true, number: 12 }],
    ['pull_request_target, also from a fork: its token is the base repository’s', 'pull_request_target', pullRequest(3, 'someone/repo'), { post: true, number: 3 }],
    ['a fork', 'pull_request', pullRequest(12, 'someone/repo'), { post: false, why: 'fork' }],
    [
      'a deleted fork (head.repo null)',
      'pull_request',
      { pull_request: { number: 4, head: { repo: null }, base: { repo: { full_name: REPOSITORY } } } },
      { post: false, why: 'fork' }
    ],
    ['a push', 'push', { ref: 'refs/heads/main' }, { post: false, why: 'event' }],
    ['no event at all', undefined, {}, { post: false, why: 'event' }],
    ['a workflow_dispatch that carries a pull_request field', 'workflow_dispatch', pullRequest(12), { post: false, why: 'event' }],
    ['a payload without a number', 'pull_request', { pull_request: { number: '12' } }, { post: false, why: 'no-number' }],
    ['a payload with number 0', 'pull_request', pullRequest(0), { post: false, why: 'no-number' }],
    ['an empty payload', 'pull_request', {}, { post: false, why: 'no-number' }]
  ])('%s', (_, event, payload, target) => {
    expect(commentTarget(event, payload)).toEqual(target)
  })
})

describe('commentMarker', () => {
  test('names the sandbox and the connection, percent-encoded', () => {
    expect(commentMarker(settingsOf(BASE))).toBe(MARKER)
    expect(commentMarker(settingsOf({ ...BASE, 'sandbox-name': 'pr-42', name: 'Orders' }))).toBe('<!-- aep-mysql-connection plan: pr-42/Orders -->')
  })

  test('a name cannot end the HTML comment, nor start another', () => {
    const marker = commentMarker(settingsOf({ ...BASE, name: 'x --> <!-- y --!> z' }))
    expect(marker).toBe('<!-- aep-mysql-connection plan: prod/x%20--%3E%20%3C!--%20y%20--!%3E%20z -->')
    expect(marker.slice(4, -4)).not.toMatch(/>|<!--/)
  })

  test('a delete: by name like an upsert of that name, by id in a form no name takes', () => {
    expect(commentMarker(settingsOf({ ...BASE, operation: 'delete', name: NAME }))).toBe(MARKER)
    expect(commentMarker(settingsOf({ ...BASE, operation: 'delete', 'connection-id': 'c0ffee' }))).toBe('<!-- aep-mysql-connection plan: prod id c0ffee -->')
  })
})

describe('commentBody', () => {
  const run = runLine({ ...RUN_ENV, GITHUB_SERVER_URL: 'https://github.example' })

  test('the run line links the run; without a plausible server, repository or run id there is none', () => {
    expect(run).toBe('<sub>Planned by [run 7](https://github.example/octo-org/repo/actions/runs/7).</sub>')
    expect(runLine({ ...RUN_ENV, GITHUB_SERVER_URL: 'javascript:alert(1)' })).toBe('')
    expect(runLine({ ...RUN_ENV, GITHUB_SERVER_URL: 'https://github.example', GITHUB_RUN_ID: '7) [x](y' })).toBe('')
    expect(runLine({ GITHUB_SERVER_URL: 'https://github.example' })).toBe('')
  })

  test('marker first, then the plan, then the run', () => {
    expect(commentBody(MARKER, '### Plan\n\n**No changes.**\n', run)).toBe(`${MARKER}\n\n### Plan\n\n**No changes.**\n\n${run}`)
  })

  test.each<[string, string]>([
    ['many lines', Array.from({ length: 20_000 }, (_, i) => `| ~ | field ${i} | a | b |`).join('\n')],
    ['one line of 200,000 characters', 'x'.repeat(200_000)],
    ['astral characters without a line break', '😀'.repeat(40_000)]
  ])('a plan of %s is cut under GitHub’s limit, with a note', (_, plan) => {
    const body = commentBody(MARKER, `### Plan\n\n${plan}`, run)
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT)
    expect(body.startsWith(`${MARKER}\n\n### Plan`)).toBe(true)
    expect(body).toContain("the whole plan is in the step's `changes` output and in the job summary")
    expect(body.endsWith(run)).toBe(true)
    expect(body).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
  })

  test('a plan just under the limit is left whole', () => {
    const plan = 'y'.repeat(GITHUB_BODY_LIMIT - 1 - `${MARKER}\n\n\n\n${run}`.length)
    expect(commentBody(MARKER, plan, run)).toHaveLength(GITHUB_BODY_LIMIT - 1)
  })
})

describe('commentFailure', () => {
  test.each<[string, unknown, { why: string; forbidden: boolean }]>([
    [
      '403 with a message',
      { status: 403, response: { status: 403, data: { message: 'Resource not accessible by integration' } } },
      { why: 'GitHub answered HTTP 403 (Resource not accessible by integration)', forbidden: true }
    ],
    ['502 without a body', { status: 502, response: { status: 502, data: '' } }, { why: 'GitHub answered HTTP 502', forbidden: false }],
    ['a long message, cut', { response: { status: 422, data: { message: 'v'.repeat(500) } } }, { why: `GitHub answered HTTP 422 (${'v'.repeat(200)})`, forbidden: false }],
    [
      'no answer (Octokit says 500 without a response)',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { status: 500 }),
      { why: 'GitHub could not be reached (connect ECONNREFUSED 127.0.0.1:9)', forbidden: false }
    ],
    [
      'the deadline',
      Object.assign(new Error('The operation was aborted due to timeout'), { status: 500, cause: Object.assign(new Error('x'), { name: 'TimeoutError' }) }),
      { why: 'GitHub did not answer within the time left of timeout-seconds', forbidden: false }
    ],
    ['not an error at all', 'boom', { why: 'GitHub could not be reached (boom)', forbidden: false }]
  ])('%s', (_, error, failure) => {
    expect(commentFailure(error)).toEqual(failure)
  })
})

describe('run() with pr-comment: true', () => {
  const platform = suitePlatform({ clientSecret: CLIENT_SECRET })
  let github: FakeGitHub
  let dir: string
  const saved = { ...process.env }

  beforeAll(async () => {
    github = await startFakeGitHub({ token: GITHUB_TOKEN, repository: REPOSITORY, pageSize: 2 })
    dir = mkdtempSync(join(tmpdir(), 'pr-comment-'))
    process.env.GITHUB_API_URL = github.url
    process.env.GITHUB_REPOSITORY = REPOSITORY
  })
  afterAll(async () => {
    process.env = saved
    await github.close()
    rmSync(dir, { recursive: true, force: true })
  })
  beforeEach(() => github.reset())

  const inputs = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ...platformInputs(platform, CLIENT_SECRET, { ...DATABASE, password: PASSWORD }),
    plan: 'true',
    'pr-comment': 'true',
    'github-token': GITHUB_TOKEN,
    ...overrides
  })

  /** One step on a runner: the event file written, @actions/github loaded afresh (its context reads the event once). */
  async function step(overrides: Record<string, string> = {}, event = 'pull_request', payload: unknown = pullRequest(12)): Promise<Recorded> {
    const eventPath = join(dir, 'event.json')
    writeFileSync(eventPath, JSON.stringify(payload))
    process.env.GITHUB_EVENT_NAME = event
    process.env.GITHUB_EVENT_PATH = eventPath
    jest.resetModules()
    const recorded = recordingIo(inputs(overrides), undefined, { ...RUN_ENV, GITHUB_SERVER_URL: 'https://github.example' })
    await run(recorded.io, { clock, openTransport: runnerTransport })
    expectNoSecret(recorded)
    return recorded
  }

  function expectNoSecret(recorded: Recorded): void {
    expect(recorded.masked).toContain(GITHUB_TOKEN)
    const seen = [...recorded.lines, ...recorded.summary, ...Object.values(recorded.outputs), ...github.requests.map((request) => request.body)]
    for (const text of seen) for (const secret of [PASSWORD, CLIENT_SECRET, GITHUB_TOKEN, platform.accessToken]) expect(text).not.toContain(secret)
  }

  const calls = (): string[] => github.requests.map((request) => `${request.method} ${request.target}`)
  const problems = (recorded: Recorded): string[] => recorded.lines.filter((line) => /^(error|warning): /.test(line))

  test('the first plan writes one comment: marker, plan and run; its id and address are outputs', async () => {
    // The description holds the password: the comment must show it redacted, as the summary does.
    const recorded = await step({ description: `Loads shop; was ${PASSWORD}` })

    expect(problems(recorded)).toEqual([])
    expect(calls()).toEqual([`GET /repos/${REPOSITORY}/issues/12/comments?per_page=100`, `POST /repos/${REPOSITORY}/issues/12/comments`])
    expect(github.requests[0]?.headers.authorization).toBe(`token ${GITHUB_TOKEN}`)
    expect(github.requests[0]?.headers['user-agent']).toContain('aep-mysql-connection-action')
    expect(github.comments).toHaveLength(1)
    const body = github.comments[0]?.body ?? ''
    expect(body).toBe(`${MARKER}\n\n${(recorded.outputs['plan-markdown'] ?? '').trimEnd()}\n\n<sub>Planned by [run 7](https://github.example/octo-org/repo/actions/runs/7).</sub>`)
    expect(body).toContain(`**+ create a connection named "${NAME}" in sandbox "prod".**`)
    expect(body).toContain('Loads shop; was ***')
    expect(recorded.outputs).toMatchObject({ plan: 'create', 'comment-id': '1000', 'comment-url': 'https://github.example/octo-org/repo/pull/12#issuecomment-1000' })
    expect(recorded.lines).toContain('Wrote the plan comment on pull request #12: https://github.example/octo-org/repo/pull/12#issuecomment-1000.')
  })

  test('the next plan updates that comment, found among others past the first page; with no changes it says so', async () => {
    github.addComment(12, 'Looks good to me')
    github.addComment(12, `${MARKER.replace(' -->', '2 -->')}\n\nanother connection whose name starts the same`)
    github.addComment(12, `> ${MARKER}\n\nsomeone quoting the comment`)
    await step()
    const [ours] = github.comments.filter((comment) => comment.body.startsWith(`${MARKER}\n`))
    github.addComment(12, 'one more')
    const existing = platform.addConnection({ name: NAME })
    github.requests.length = 0

    const recorded = await step({ 'if-exists': 'reuse' })

    expect(problems(recorded)).toEqual([])
    expect(calls()).toEqual([
      `GET /repos/${REPOSITORY}/issues/12/comments?per_page=100`,
      `GET /repos/${REPOSITORY}/issues/12/comments?per_page=2&page=2`,
      `PATCH /repos/${REPOSITORY}/issues/comments/${ours?.id}`
    ])
    expect(github.comments).toHaveLength(5)
    expect(ours?.body).toContain(`**No changes: connection ${existing.id} exists and would be reused as it is (if-exists: reuse).**`)
    expect(recorded.outputs['comment-id']).toBe(String(ours?.id))
    expect(recorded.lines).toContain(`Updated the plan comment on pull request #12: https://github.example/octo-org/repo/pull/12#issuecomment-${ours?.id}.`)
  })

  test('a second connection keeps a comment of its own', async () => {
    await step()
    await step({ database: 'orders' })
    await step()

    expect(github.comments.map((comment) => comment.body.slice(0, comment.body.indexOf(' -->') + 4))).toEqual([
      MARKER,
      '<!-- aep-mysql-connection plan: prod/MySQL%20orders%20on%20db.example.com -->'
    ])
    expect(calls().filter((call) => !call.startsWith('GET '))).toEqual([
      `POST /repos/${REPOSITORY}/issues/12/comments`,
      `POST /repos/${REPOSITORY}/issues/12/comments`,
      `PATCH /repos/${REPOSITORY}/issues/comments/${github.comments[0]?.id}`
    ])
  })

  test('a 403 is a warning that names the permission, and the plan still succeeds', async () => {
    github.refuseWrites(403)

    const recorded = await step()

    expect(problems(recorded)).toEqual([
      'warning: Could not write the plan comment on pull request #12: GitHub answered HTTP 403 (Resource not accessible by integration); give the job "permissions: pull-requests: write", or pass a github-token that has it; the plan is in the step\'s outputs and the job summary.'
    ])
    expect(recorded.outputs).toMatchObject({ plan: 'create', outcome: 'planned' })
    expect(recorded.outputs['comment-id']).toBeUndefined()
    expect(recorded.summary).toHaveLength(1)
  })

  test('any other refusal fails the step, in one sentence', async () => {
    github.refuseWrites(502)

    const recorded = await step()

    expect(problems(recorded)).toEqual([
      "error: Could not write the plan comment on pull request #12: GitHub answered HTTP 502 (Server Error); the plan is in the step's outputs and the job summary."
    ])
    expect(recorded.outputs.plan).toBe('create')
  })

  test('a push event posts nothing: a notice', async () => {
    const recorded = await step({}, 'push', { ref: 'refs/heads/main' })

    expect(calls()).toEqual([])
    expect(problems(recorded)).toEqual([])
    expect(recorded.lines).toContain(
      'notice: No plan comment written: pr-comment comments on pull_request and pull_request_target events, and this run is a "push" event; the plan is in the step\'s outputs and the job summary.'
    )
    expect(recorded.outputs.plan).toBe('create')
  })

  test('a pull request from a fork posts nothing: a warning that names the permission', async () => {
    const recorded = await step({}, 'pull_request', pullRequest(12, 'someone/repo'))

    expect(calls()).toEqual([])
    expect(problems(recorded)).toEqual([
      "warning: No plan comment written: the pull request comes from a fork, and GitHub gives a pull_request run from a fork a read-only token, without pull-requests: write; the plan is in the step's outputs and the job summary."
    ])
  })

  test('a huge value in the plan: the comment holds the capped plan-markdown whole, under 65,536 characters', async () => {
    platform.addConnection({ name: NAME, description: `${'long description '.repeat(6_000)}` })

    const recorded = await step()

    expect(problems(recorded)).toEqual([])
    // plan-markdown shows a value up to 1,000 characters and stops at 60,000; the comment's own cut (commentBody) is a second line.
    const markdown = recorded.outputs['plan-markdown'] ?? ''
    expect(markdown.length).toBeLessThanOrEqual(60_000)
    const body = github.comments[0]?.body ?? ''
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT)
    expect(body.startsWith(MARKER)).toBe(true)
    expect(body).toContain(markdown.trim())
    expect(body).not.toContain('long description '.repeat(100))
  })

  test('pr-comment without plan is an input problem, before any request', async () => {
    const recorded = await step({ plan: 'false' })

    expect(recorded.lines.filter((line) => line.startsWith('error: '))).toEqual([
      'error: Input "pr-comment" only applies with "plan: true", as the comment holds the plan: set plan: true in this step, or leave pr-comment out.'
    ])
    expect(platform.requests).toEqual([])
    expect(calls()).toEqual([])
  })
})
