// The dataflow's rollback where only a real process shows it: a job cancelled by a signal while
// its source and target connections are created. The bundle runs as the runner runs it: main,
// ended by SIGINT, then the post step with the state main saved on top of the environment.
// (dataflow-post.scenario.test.ts holds the in-process cases.)

import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DATAFLOW, commandLines, findLeaks, freshBundle, parseCommandFile, runnerEnv } from '../testing/run-action.mjs'
import { platformInputs } from '../testing/scenario.mjs'
import { mappingWorkspace } from './support/mapping-workspace.js'
import { suitePlatform } from './support/suite-platform.js'

const CLIENT_SECRET = 'dataflow-post-client-secret-19'
const SOURCE_CONNECTIONS = '/data/foundation/flowservice/sourceConnections'

const platform = suitePlatform({ clientSecret: CLIENT_SECRET })
const workspace = mappingWorkspace('dataflow-post-')

interface Ran {
  code: number | null
  state: Record<string, string>
  errors: string[]
  warnings: string[]
}

/** One step of the dataflow action; SIGINT, as a cancelled job sends it, once `cancelWhen` holds. */
async function step(inputs: Record<string, string>, state: Record<string, string> = {}, cancelWhen?: () => boolean): Promise<Ran> {
  const dir = mkdtempSync(join(tmpdir(), 'dataflow-step-'))
  try {
    const env = runnerEnv(dir, inputs, { state, action: DATAFLOW, env: { GITHUB_WORKSPACE: workspace() } })
    const child = spawn(process.execPath, [join(freshBundle(), DATAFLOW, 'index.js')], { env, cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const cancel = setInterval(() => {
      if (!cancelWhen?.()) return
      child.kill('SIGINT')
      clearInterval(cancel)
    }, 10)
    const kill = setTimeout(() => child.kill('SIGKILL'), 25_000)
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    clearInterval(cancel)
    clearTimeout(kill)
    if (findLeaks(stdout, [CLIENT_SECRET, platform.accessToken]).length > 0) throw new Error('the action printed a secret')
    return { code, state: parseCommandFile(readFileSync(env.GITHUB_STATE!, 'utf8')), errors: commandLines(stdout, 'error'), warnings: commandLines(stdout, 'warning') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('SIGINT while the connections are created, the source connection committing seconds later: the post step finds both and deletes them', async () => {
  const base = platform.addConnection({ name: 'Orders DB' })
  const dataset = platform.addDataset({ name: 'Orders' })
  const inputs = platformInputs(platform, CLIENT_SECRET, {
    'connection-id': base.id,
    table: 'orders',
    'dataset-id': dataset.id,
    mapping: 'orders.json',
    'delta-column': 'updated_at'
  })
  const name = `MySQL orders to ${dataset.id}`
  // The backend stores the source connection 3 s after it arrived, long after the cancelled main step heard nothing.
  platform.inject({ method: 'POST', path: SOURCE_CONNECTIONS, action: 'delay', ms: 3000 })
  const sent = (method: string, path: string): number => platform.requests.filter((request) => request.method === method && request.path === path).length

  const main = await step(inputs, {}, () => sent('POST', SOURCE_CONNECTIONS) > 0)
  const token = main.state['rollback-run-token']
  const post = await step(inputs, main.state)

  expect(main.code).toBe(1)
  expect(main.errors).toEqual([
    `The job was cancelled (SIGINT) while dataflow "${name}" was being applied: the source connection "${name} (source)" and the target connection "${name} (target)" may exist, with ${token} in their descriptions; the post step looks for them and deletes them (a mapping set this run made may remain).`
  ])
  expect(token).toMatch(/^\[run-token [0-9a-f-]{36}\]$/)
  expect(post.code).toBe(0)
  expect(post.errors).toEqual([])
  expect(post.warnings).toEqual(['Rollback: a mapping set this run made may remain in Platform: Adobe documents no way to delete one.'])
  expect(sent('POST', SOURCE_CONNECTIONS)).toBe(1)
  expect(platform.requests.filter((request) => request.method === 'DELETE').map((request) => request.path.split('/').at(-2))).toEqual(
    expect.arrayContaining(['sourceConnections', 'targetConnections'])
  )
  expect(platform.sourceConnections.size).toBe(0)
  expect(platform.targetConnections.size).toBe(0)
}, 40_000)
