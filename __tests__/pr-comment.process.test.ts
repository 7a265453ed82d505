// The plan comment from the bundle, in a process of its own as the runner starts it: the lazily
// loaded chunks (the comment module, @actions/github, Octokit, undici) load and work, the event
// comes from GITHUB_EVENT_PATH, the API from GITHUB_API_URL, and the process ends by itself.
// Every scenario is in pr-comment.test.ts, in-process.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction } from '../testing/run-action.mjs'
import { DATABASE, platformInputs } from '../testing/scenario.mjs'
import { type FakeGitHub, startFakeGitHub } from './support/fake-github.js'
import { suitePlatform } from './support/suite-platform.js'

const CLIENT_SECRET = 'bundle-comment-secret-3'
const GITHUB_TOKEN = 'ghs_BundleCommentToken0123456789abcdef'
// What runnerEnv (testing/run-action.mjs) sets as GITHUB_REPOSITORY.
const REPOSITORY = 'octo-org/data-pipelines'

const platform = suitePlatform({ clientSecret: CLIENT_SECRET })
let github: FakeGitHub
let dir: string
beforeAll(async () => {
  github = await startFakeGitHub({ token: GITHUB_TOKEN, repository: REPOSITORY })
  dir = mkdtempSync(join(tmpdir(), 'pr-comment-e2e-'))
})
afterAll(async () => {
  await github.close()
  rmSync(dir, { recursive: true, force: true })
})

test('the bundle writes the plan comment, then updates it, and exits by itself', async () => {
  const event = join(dir, 'event.json')
  writeFileSync(event, JSON.stringify({ pull_request: { number: 5, head: { repo: { full_name: REPOSITORY } }, base: { repo: { full_name: REPOSITORY } } } }))
  const inputs = platformInputs(platform, CLIENT_SECRET, { ...DATABASE, password: 'bundle-comment-password-1', plan: 'true', 'pr-comment': 'true', 'github-token': GITHUB_TOKEN })
  const env = { GITHUB_API_URL: github.url, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event }

  const first = await runAction(inputs, { env, secrets: [platform.accessToken] })
  const second = await runAction(inputs, { env, secrets: [platform.accessToken] })

  for (const result of [first, second]) {
    expect(result.code).toBe(0)
    expect(result.errors).toEqual([])
    expect(result.warnings).toEqual([])
    expect(result.stdout).not.toContain('still held the process')
  }
  expect(github.requests.map((request) => request.method)).toEqual(['GET', 'POST', 'GET', 'PATCH'])
  expect(github.comments).toHaveLength(1)
  expect(github.comments[0]?.body).toContain('**+ create a connection named "MySQL shop on db.example.com" in sandbox "prod".**')
  expect(first.outputs['comment-id']).toBe(String(github.comments[0]?.id))
  expect(second.outputs['comment-id']).toBe(first.outputs['comment-id'])
  expect(second.stdout).toContain(`Updated the plan comment on pull request #5: ${first.outputs['comment-url']}.`)
  for (const request of github.requests) expect(request.body).not.toContain(GITHUB_TOKEN)
})
