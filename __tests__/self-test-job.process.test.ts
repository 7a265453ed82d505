// The self-test job of .github/workflows/ci.yml, played here step by step as the runner would:
// its `run:` steps in bash with GITHUB_ENV, its `uses: ./` steps as the bundled action with their
// `with:` values, and ${{ env.* }} / ${{ steps.*.outputs.* }} filled in. So the job that cannot run
// here is known to pass: the server starts and sets its variables, the first run creates, the
// second updates the same connection, the dataflow action creates a dataflow and then finds it
// unchanged, and the check steps accept that (and the last refuses a wrong outcome).

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { DATAFLOW, ROOT, runAction } from '../testing/run-action.mjs'

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Record<string, string | number | boolean>
  env?: Record<string, string>
}

const workflow = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> }
const job = workflow.jobs['self-test'] ?? { steps: [] }
// Steps that only prepare a fresh runner; node_modules is already here.
const PREPARATION = [/^actions\/checkout@/, /^actions\/setup-node@/]
const INSTALL = 'npm ci'

let work = ''
let serverPid = 0

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'self-test-job-'))
})

afterAll(() => {
  if (serverPid > 0) {
    try {
      process.kill(serverPid, 'SIGTERM')
    } catch {
      // Already gone.
    }
  }
  rmSync(work, { recursive: true, force: true })
})

/** Fills in ${{ env.X }} and ${{ steps.id.outputs.name }}; anything else is beyond this player. */
function evaluate(value: string, env: Record<string, string>, outputs: Record<string, Record<string, string>>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    let match = /^env\.(\w+)$/.exec(expression)
    if (match) return env[match[1] ?? ''] ?? ''
    match = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression)
    if (match) return outputs[match[1] ?? '']?.[match[2] ?? ''] ?? ''
    throw new Error(`the self-test job uses \${{ ${expression} }}, which this test cannot evaluate`)
  })
}

function readGithubEnv(file: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const equals = line.indexOf('=')
    if (equals > 0) values[line.slice(0, equals)] = line.slice(equals + 1)
  }
  return values
}

function bash(script: string, env: Record<string, string>) {
  return spawnSync('bash', ['-e', '-c', script], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 })
}

test('ci.yml has a self-test job that runs ./ and ./dataflow twice each and checks the outputs', () => {
  expect(Object.keys(workflow.jobs)).toContain('self-test')
  expect(job.steps.filter((step) => step.uses === './')).toHaveLength(2)
  expect(job.steps.filter((step) => step.uses === `./${DATAFLOW}`)).toHaveLength(2)
})

test('the self-test job passes when played step by step', async () => {
  const githubEnv = join(work, 'github-env')
  writeFileSync(githubEnv, '')
  // The runner's environment for run steps: ours (PATH with npm and the Node 24 of npm test), its
  // files, and a time limit for the server in case this test dies before afterAll.
  const runnerEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    GITHUB_ENV: githubEnv,
    RUNNER_TEMP: work,
    TEST_SERVER_MAX_SECONDS: '120'
  }
  let jobEnv: Record<string, string> = {}
  const outputs: Record<string, Record<string, string>> = {}
  let checkStep: Step | undefined

  for (const step of job.steps) {
    const label = step.name ?? step.uses ?? step.run
    const uses = step.uses
    if (uses !== undefined && PREPARATION.some((pattern) => pattern.test(uses))) continue
    if (step.run === INSTALL) continue
    if (step.uses === './' || step.uses === `./${DATAFLOW}`) {
      const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([name, value]) => [name, evaluate(String(value), jobEnv, outputs)]))
      // The runner checks the repository out into GITHUB_WORKSPACE, where the dataflow action finds its mapping file.
      const result = await runAction(inputs, step.uses === './' ? {} : { action: DATAFLOW, env: { GITHUB_WORKSPACE: ROOT } })
      expect({ step: label, code: result.code, errors: result.errors }).toEqual({ step: label, code: 0, errors: [] })
      if (step.id !== undefined) outputs[step.id] = result.outputs
      continue
    }
    if (step.run === undefined) throw new Error(`the self-test job has a step this test cannot play: ${label}`)
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, evaluate(value, jobEnv, outputs)]))
    const result = bash(step.run, { ...runnerEnv, ...jobEnv, ...stepEnv })
    expect({ step: label, status: result.status, stderr: result.stderr }).toEqual({ step: label, status: 0, stderr: expect.any(String) })
    jobEnv = readGithubEnv(githubEnv)
    serverPid = Number(jobEnv.AEP_TEST_SERVER_PID ?? 0)
    checkStep = step
  }

  expect(outputs.first?.outcome).toBe('created')
  expect(outputs.second).toEqual(expect.objectContaining({ outcome: 'updated', 'connection-id': outputs.first?.['connection-id'] }))
  expect(outputs.dataflow).toEqual(expect.objectContaining({ outcome: 'created', 'run-status': 'success' }))
  expect(outputs['dataflow-again']).toEqual(expect.objectContaining({ outcome: 'reused', 'dataflow-id': outputs.dataflow?.['dataflow-id'] }))

  // The last run step is the check; it must also be able to fail.
  const tampered = { ...outputs, 'dataflow-again': { ...outputs['dataflow-again'], outcome: 'created' } }
  const stepEnv = Object.fromEntries(Object.entries(checkStep?.env ?? {}).map(([name, value]) => [name, evaluate(value, jobEnv, tampered)]))
  const refused = bash(checkStep?.run ?? 'exit 0', { ...runnerEnv, ...jobEnv, ...stepEnv })
  expect(refused.status).not.toBe(0)
  expect(refused.stdout).toContain("::error::The dataflow's second outcome is 'created', not reused.")
}, 90_000)
