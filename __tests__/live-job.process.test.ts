// .github/workflows/live.yml meets Adobe's real service, so it cannot run here; it is played here
// step by step (support/workflow-player.ts) against the local IMS + Flow Service server, with
// Adobe's two origins pointed at it. So the check that runs weekly is known to skip with a notice
// without credentials, to pass when Platform behaves, to record what it came to learn, to never
// print a secret, and to leave no connection behind when a step fails, nor touch a namesake.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { type FakePlatform, flowErrorBody, startFakePlatform } from '../testing/fake-platform.mjs'
import { ROOT } from '../testing/run-action.mjs'
import { type Contexts, type Job, type JobResult, playJob } from './support/workflow-player.js'

const workflow = parse(readFileSync(join(ROOT, '.github/workflows/live.yml'), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, Job> }
const CONFIGURED = workflow.jobs.configured ?? { steps: [] }
const LIVE = workflow.jobs.live ?? { steps: [] }

const CREDENTIALS = { clientId: 'live-client-id', clientSecret: 'live-client-secret-9Qz', imsOrgId: 'LIVEORG@AdobeOrg' }
const MYSQL_PASSWORD = 'live-mysql-password-4Kd'
const SANDBOX = 'live-check'
const VARS = {
  AEP_LIVE_CLIENT_ID: CREDENTIALS.clientId,
  AEP_LIVE_IMS_ORG_ID: CREDENTIALS.imsOrgId,
  AEP_LIVE_SANDBOX: SANDBOX,
  AEP_LIVE_MYSQL_HOST: 'mysql.example.com',
  AEP_LIVE_MYSQL_DATABASE: 'shop',
  AEP_LIVE_MYSQL_USER: 'aep_reader'
}
const SECRETS = { AEP_LIVE_CLIENT_SECRET: CREDENTIALS.clientSecret, AEP_LIVE_MYSQL_PASSWORD: MYSQL_PASSWORD }
const GITHUB = { run_id: '777', run_attempt: '1', ref: 'refs/heads/main', event_name: 'schedule' }
const CONNECTION_NAME = 'Live check 777-1'

let platform: FakePlatform

beforeAll(async () => {
  platform = await startFakePlatform({ ...CREDENTIALS, sandboxes: [SANDBOX] })
})

afterAll(async () => {
  await platform?.close()
})

beforeEach(() => platform.reset())

async function playLive(contexts: Contexts = { vars: VARS, secrets: SECRETS, github: GITHUB, needs: { configured: { outputs: { ready: 'true' } } } }): Promise<JobResult> {
  return playJob(LIVE, {
    contexts,
    actionInputs: { 'ims-url': platform.url, 'platform-url': platform.url },
    rewriteScript: (script) => script.replaceAll('https://ims-na1.adobelogin.com', platform.url).replaceAll('https://platform.adobe.io', platform.url),
    secrets: [CREDENTIALS.clientSecret, MYSQL_PASSWORD, platform.accessToken]
  })
}

const outcomes = (result: JobResult) => Object.fromEntries(result.steps.map((step) => [step.label, step.outcome]))
const ours = () => [...platform.connections.values()].filter((connection) => connection.name === CONNECTION_NAME)

test('runs on demand and weekly; the live job only when the first one found the credentials', () => {
  expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch'])
  expect(LIVE.if).toContain('needs.configured.outputs.ready')
})

describe('without the credentials', () => {
  test('the first job says which are missing in a notice, and the live job is skipped', async () => {
    const result = await playJob(CONFIGURED, { contexts: { vars: {}, secrets: {}, github: GITHUB } })
    expect(result.failed).toBe(false)
    expect(result.outputs.ready).toBe('false')
    const notice = result.steps[0]?.stdout ?? ''
    expect(notice).toContain('::notice title=Live check skipped::This repository lacks AEP_LIVE_CLIENT_ID AEP_LIVE_IMS_ORG_ID')
    expect(notice).toContain('AEP_LIVE_CLIENT_SECRET AEP_LIVE_MYSQL_PASSWORD; set them as CONTRIBUTING.md (The live check) says')
    const live = await playLive({ vars: {}, secrets: {}, github: GITHUB, needs: { configured: { outputs: result.outputs } } })
    expect(live.ran).toBe(false)
    expect(platform.requests).toEqual([])
  })

  test('one missing secret is enough to skip, and the secrets themselves never reach the step', async () => {
    const result = await playJob(CONFIGURED, {
      contexts: { vars: VARS, secrets: { AEP_LIVE_CLIENT_SECRET: CREDENTIALS.clientSecret }, github: GITHUB },
      secrets: [CREDENTIALS.clientSecret]
    })
    expect(result.outputs.ready).toBe('false')
    expect(result.steps[0]?.stdout).toMatch(/lacks AEP_LIVE_MYSQL_PASSWORD;/)
  })

  test('with all of them, it goes ahead and says nothing', async () => {
    const result = await playJob(CONFIGURED, { contexts: { vars: VARS, secrets: SECRETS, github: GITHUB }, secrets: Object.values(SECRETS) })
    expect(result.outputs.ready).toBe('true')
    expect(result.steps[0]?.stdout).not.toContain('::notice')
  })
})

test('against a Platform that behaves: plans, creates, verifies, re-runs, plans again, deletes, and records what it saw', async () => {
  const result = await playLive()
  expect({ failed: result.failed, outcomes: outcomes(result) }).toEqual({ failed: false, outcomes: Object.fromEntries(result.steps.map((step) => [step.label, 'success'])) })
  expect(result.steps.map((step) => step.label)).toHaveLength(LIVE.steps.length)
  expect(ours()).toEqual([])

  // The re-run's update sent the etag with its quotes, and that is what the summary reports.
  const patch = platform.requests.find((request) => request.method === 'PATCH')
  expect(patch?.headers['if-match']).toMatch(/^"[^"]+"$/)
  expect(result.summary).toContain('| state of a new connection | `"enabled"` |')
  expect(result.summary).toMatch(/\| the organisation's MySQL Basic Authentication sslMode \| `\[\{"type":"string","enum":\["DISABLED","PREFERRED"/)
  expect(result.summary).toMatch(/\| the quoted If-Match of an update \| accepted: the update went through \(etag "[^"]+", then "[^"]+"\) \|/)
}, 60_000)

test('a re-run that fails is recorded, fails the job, and the connection is still deleted', async () => {
  platform.inject({ method: 'PATCH', path: /\/connections\//, status: 400, body: flowErrorBody('1300-400', 'PATCH is not supported for this connection'), times: 10 })
  const result = await playLive()
  expect(result.failed).toBe(true)
  expect(outcomes(result)).toEqual(
    expect.objectContaining({
      'Run again with the same inputs': 'failure',
      'Expect the same connection, reused or updated': 'failure',
      'Plan again': 'skipped',
      'Delete it': 'success',
      'Expect it deleted': 'success'
    })
  )
  expect(result.summary).toContain('| the quoted If-Match of an update | not accepted, or the update failed for another reason')
  expect(ours()).toEqual([])
}, 60_000)

test('a namesake that exists already stops it before the create, and is left alone', async () => {
  const namesake = platform.addConnection({ name: CONNECTION_NAME, sandboxName: SANDBOX })
  const result = await playLive()
  expect(result.failed).toBe(true)
  expect(outcomes(result)).toEqual(
    expect.objectContaining({ 'Expect a create': 'failure', 'Create and verify it (cleanup deletes it at the end should a later step fail)': 'skipped', 'Delete it': 'skipped' })
  )
  expect(result.steps.find((step) => step.label === 'Expect a create')?.stdout).toContain("::error::The first plan says 'update'")
  expect(ours().map((connection) => connection.id)).toEqual([namesake.id])
  expect(platform.requests.filter((request) => request.method !== 'GET' && request.path !== '/ims/token/v3')).toEqual([])
}, 60_000)
