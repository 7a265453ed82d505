// Issue 16, classes 1 to 3, where only a real process shows them: a job cancelled by a signal
// while its create is in flight, state that a later step forged in the environment, and runner
// files that cannot be written. The bundle runs as the runner runs it, and as the runner sets
// the post step's environment: the job's variables first, then the state main saved on top.
// (post-step.test.ts holds the in-process scenarios of the same classes.)

import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakePlatform, startFakePlatform } from '../testing/fake-platform.mjs'
import { type LateCommit, commitLater } from './support/late-commit.js'
import { findLeaks, freshBundle, parseCommandFile, runnerEnv } from '../testing/run-action.mjs'
import { FLOW_BASE, calls as callsOf, platformInputs } from '../testing/scenario.mjs'

const PASSWORD = 'Runner-files-pass-16'
const CLIENT_SECRET = 'runner-files-client-secret-16'
const CONNECTIONS = `${FLOW_BASE}/connections`
const NAME = 'Orders DB'
/** What a stack trace prints: Node's "    at fn (file:line)" frames. */
const STACK_FRAME = /^\s+at .+[:(]/m

let platform: FakePlatform
let late: LateCommit | undefined

beforeAll(async () => {
  platform = await startFakePlatform({ clientSecret: CLIENT_SECRET })
})
afterAll(() => platform.close())
beforeEach(() => platform.reset())
afterEach(() => late?.stop())

const inputs = (overrides: Record<string, string> = {}) =>
  platformInputs(platform, CLIENT_SECRET, { host: 'db.example.com', database: 'shop', username: 'etl', password: PASSWORD, name: NAME, ...overrides })

interface StepOptions {
  /** The state main saved, which the runner sets last. */
  state?: Record<string, string>
  /** STATE_* variables a later step wrote to GITHUB_ENV. */
  forged?: Record<string, string>
  /** Runner files that cannot be written: a folder stands where the file should be. */
  unwritable?: Array<'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_STEP_SUMMARY'>
  /** Sends `signal` (default SIGINT), as a cancelled job does, once this holds. */
  cancelWhen?: () => boolean
  signal?: NodeJS.Signals
}

interface Step {
  code: number | null
  stdout: string
  stderr: string
  state: Record<string, string>
  errors: string[]
  warnings: string[]
}

async function runnerStep(overrides: Record<string, string>, { state = {}, forged = {}, unwritable = [], cancelWhen, signal = 'SIGINT' }: StepOptions = {}): Promise<Step> {
  const dir = mkdtempSync(join(tmpdir(), 'runner-step-'))
  try {
    const env = runnerEnv(dir, inputs(overrides))
    for (const [name, value] of Object.entries({ ...forged, ...state })) env[`STATE_${name}`] = value
    for (const variable of unwritable) {
      env[variable] = join(dir, `${variable}.folder`)
      mkdirSync(env[variable])
    }
    const child = spawn(process.execPath, [join(freshBundle(), 'index.js')], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    // Once, as the runner does; SIGTERM would follow only 7.5 s later.
    const cancel = setInterval(() => {
      if (!cancelWhen?.()) return
      child.kill(signal)
      clearInterval(cancel)
    }, 10)
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    clearInterval(cancel)
    clearTimeout(kill)
    const leaks = findLeaks(`${stdout}\n${stderr}`, [PASSWORD, CLIENT_SECRET, platform.accessToken])
    if (leaks.length > 0) throw new Error(`the action printed ${leaks.length} secret value(s)`)
    const lines = (command: string) => stdout.split('\n').flatMap((line) => (line.startsWith(`::${command}::`) ? [line.slice(command.length + 4)] : []))
    return {
      code,
      stdout,
      stderr,
      state: unwritable.includes('GITHUB_STATE') ? {} : parseCommandFile(readFileSync(env.GITHUB_STATE!, 'utf8')),
      errors: lines('error'),
      warnings: lines('warning')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const calls = () => callsOf(platform)

describe('1 a cancelled job leaves no orphan', () => {
  test('SIGINT while the create is in flight, the gateway commits it only after the post step first looked: the post step looks again, finds and deletes it', async () => {
    const step = { cleanup: 'true' }
    platform.inject({ method: 'POST', path: CONNECTIONS, action: 'hang' })
    late = commitLater(platform, { afterLookups: 1 })

    const main = await runnerStep(step, { cancelWhen: () => calls().includes('POST /connections') })
    const post = await runnerStep(step, { state: main.state })
    const committed = await late.committed

    // One line on what may be left, and the process ends at once, failed.
    expect(main.code).toBe(1)
    expect(main.errors).toEqual([
      `The job was cancelled (SIGINT) while the connection was being created: "${NAME}" may exist, with ${main.state['cleanup-run-token']} in its description; the post step looks for it and deletes it (cleanup: true).`
    ])
    // Saved before the create went out, so a signal at any moment finds it on disk.
    expect(main.state['cleanup-run-token']).toMatch(/^\[run-token [0-9a-f-]{36}\]$/)
    expect(committed.description).toContain(main.state['cleanup-run-token'])
    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
    expect(platform.connections.has(committed.id)).toBe(false)
    expect(calls().filter((call) => call === 'POST /connections')).toHaveLength(1)
  }, 30_000)

  test('SIGTERM while the create is in flight, cleanup off: the line says where to look', async () => {
    platform.inject({ method: 'POST', path: CONNECTIONS, action: 'hang' })

    const main = await runnerStep({}, { cancelWhen: () => calls().includes('POST /connections'), signal: 'SIGTERM' })

    expect(main.code).toBe(1)
    expect(main.errors).toEqual([
      expect.stringMatching(
        /^The job was cancelled \(SIGTERM\) while the connection was being created: "Orders DB" may exist, with \[run-token [0-9a-f-]{36}\] in its description; look for it in Platform before running the step again\.$/
      )
    ])
  })
})

describe('2 state a later step forged through GITHUB_ENV', () => {
  test('after a plan, the post step deletes nothing the forged state names', async () => {
    const victim = platform.addConnection({ name: NAME, description: 'production [run-token forged]' })
    const main = await runnerStep({ plan: 'true', cleanup: 'true' })
    const forged = { 'cleanup-connection-id': victim.id, 'cleanup-name': NAME, 'cleanup-run-token': '[run-token forged]' }

    const post = await runnerStep({ plan: 'true', cleanup: 'true' }, { state: main.state, forged })

    expect(post.code).toBe(0)
    expect(calls().filter((call) => call.startsWith('DELETE'))).toEqual([])
    expect(platform.connections.has(victim.id)).toBe(true)
  })

  test('STATE_isPost=true in main’s environment: main still does its work', async () => {
    const main = await runnerStep({}, { forged: { isPost: 'true' } })

    expect(main.code).toBe(0)
    expect(platform.connections.size).toBe(1)
  })
})

describe('3 runner files that cannot be written', () => {
  test('the job summary, in main and post: warnings, exit 0, no stack trace, and the cleanup is done', async () => {
    const step = { cleanup: 'true' }
    const main = await runnerStep(step, { unwritable: ['GITHUB_STEP_SUMMARY'] })
    const post = await runnerStep(step, { state: main.state, unwritable: ['GITHUB_STEP_SUMMARY'] })

    for (const ran of [main, post]) {
      expect(ran.code).toBe(0)
      expect(ran.errors).toEqual([])
      expect(ran.warnings).toEqual([expect.stringMatching(/^Could not write the job summary \(GITHUB_STEP_SUMMARY\): /)])
      expect(ran.stdout + ran.stderr).not.toMatch(STACK_FRAME)
    }
    expect(calls().filter((call) => call.startsWith('POST /connections') || call.startsWith('DELETE'))).toHaveLength(2)
    expect(platform.connections.size).toBe(0)
  })

  test('the state file: one error line, no stack trace, nothing sent, and the post step creates nothing either', async () => {
    const step = { cleanup: 'true' }
    const main = await runnerStep(step, { unwritable: ['GITHUB_STATE'] })
    const post = await runnerStep(step, { unwritable: ['GITHUB_STATE'] })

    expect(main.code).toBe(1)
    expect(main.errors).toEqual([
      expect.stringMatching(/^Could not write the post step's state \(GITHUB_STATE\): .*\. Check the runner's free disk space and the file's permissions\.$/)
    ])
    expect(main.stdout + main.stderr).not.toMatch(STACK_FRAME)
    expect(post.stdout + post.stderr).not.toMatch(STACK_FRAME)
    expect(platform.requests).toEqual([])
    expect(platform.connections.size).toBe(0)
  })

  test('the outputs file: one error line naming it, no stack trace', async () => {
    const main = await runnerStep({}, { unwritable: ['GITHUB_OUTPUT'] })

    expect(main.code).toBe(1)
    expect(main.errors).toEqual([expect.stringMatching(/^Could not write the step's outputs \(GITHUB_OUTPUT\): /)])
    expect(main.stdout + main.stderr).not.toMatch(STACK_FRAME)
  })
})
