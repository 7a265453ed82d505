// npm run test-server as a newcomer runs it: a fixed --port, so the .env it writes stays right
// across restarts, and the .env lines local-action needs, the job summary's file among them.

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../testing/run-action.mjs'

const SCRIPT = join(ROOT, 'script', 'test-server.mjs')

let dir: string
const started: ChildProcess[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'test-server-'))
})
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
})

/** A port nothing listens on now: the system's pick, released again. */
async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

interface Ended {
  code: number | null
  stdout: string
  stderr: string
}

/** Starts the script; resolves once it serves (and keeps it, stopped after the test) or once it ends. */
function testServer(args: string[]): Promise<Ended> {
  const child = spawn(process.execPath, [SCRIPT, '--max-seconds', '60', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  started.push(child)
  const seen: Ended = { code: null, stdout: '', stderr: '' }
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.stdout.on('data', (chunk: Buffer) => {
      seen.stdout += chunk.toString()
      if (seen.stdout.includes('Ctrl-C stops it')) resolve(seen)
    })
    child.stderr.on('data', (chunk: Buffer) => (seen.stderr += chunk.toString()))
    child.on('close', (code) => resolve({ ...seen, code }))
  })
}

const stop = async (): Promise<void> => {
  const child = started.pop()
  child?.kill('SIGTERM')
  if (child && child.exitCode === null) await new Promise((resolve) => child.once('close', resolve))
}

test('--port: the server listens there, and --dotenv sets the lines local-action needs in place, keeping the others', async () => {
  const port = await freePort()
  const dotenv = join(dir, '.env')
  writeFileSync(dotenv, 'ACTIONS_STEP_DEBUG=true\nINPUT_IMS-URL=http://127.0.0.1:1\nINPUT_HOST=db.example.com\nINPUT_IMS-URL=http://127.0.0.1:2\n')

  const first = await testServer(['--port', String(port), '--dotenv', '.env'])

  expect(first.stdout).toContain(`Local IMS + Flow Service server on http://127.0.0.1:${port} `)
  const url = `http://127.0.0.1:${port}`
  const token = await fetch(`${url}/ims/token/v3`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'test-client-id', client_secret: 'test-client-secret', scope: 'openid' })
  })
  expect(token.status).toBe(200)
  const written = readFileSync(dotenv, 'utf8')
  expect(written.split('\n')).toEqual([
    'ACTIONS_STEP_DEBUG=true',
    `INPUT_IMS-URL=${url}`,
    'INPUT_HOST=db.example.com',
    `INPUT_PLATFORM-URL=${url}`,
    'INPUT_CLIENT-ID=test-client-id',
    'INPUT_CLIENT-SECRET=test-client-secret',
    'INPUT_IMS-ORG-ID=TESTORG@AdobeOrg',
    'INPUT_SANDBOX-NAME=prod',
    'GITHUB_STEP_SUMMARY=job-summary.md',
    ''
  ])

  // A restart on the same port leaves .env as it was: nothing to copy again.
  await stop()
  await testServer(['--port', String(port), '--dotenv', '.env'])
  expect(readFileSync(dotenv, 'utf8')).toBe(written)
})

test('a .env that names its own summary file keeps it', async () => {
  writeFileSync(join(dir, '.env'), 'GITHUB_STEP_SUMMARY=/somewhere/summary.md\n')

  await testServer(['--dotenv', '.env'])

  const lines = readFileSync(join(dir, '.env'), 'utf8').split('\n')
  expect(lines.filter((line) => line.startsWith('GITHUB_STEP_SUMMARY='))).toEqual(['GITHUB_STEP_SUMMARY=/somewhere/summary.md'])
  expect(lines).toContainEqual(expect.stringMatching(/^INPUT_PLATFORM-URL=http:\/\/127\.0\.0\.1:\d+$/))
})

test('without --dotenv it prints the same lines, the summary file among them', async () => {
  const served = await testServer([])

  expect(served.stdout).toMatch(/^INPUT_IMS-URL=http:\/\/127\.0\.0\.1:\d+$/m)
  expect(served.stdout).toMatch(/^GITHUB_STEP_SUMMARY=job-summary\.md$/m)
})

test('a port in use is one sentence and exit code 2, in the foreground and detached', async () => {
  const port = await freePort()
  await testServer(['--port', String(port)])

  for (const extra of [[], ['--detach']]) {
    const refused = await testServer(['--port', String(port), ...extra])

    expect(refused.code).toBe(2)
    expect(refused.stderr.trim()).toBe(
      `test-server: port ${port} on 127.0.0.1 is in use (another test server?); stop what listens there, choose another --port, or leave --port out for a free one.`
    )
  }
})

test.each(['99999', 'eighty', '80.5'])('--port %s is refused with the range', async (port) => {
  const refused = await testServer(['--port', port])

  expect(refused.code).toBe(2)
  expect(refused.stderr).toContain(`test-server: --port must be a port number from 1 to 65535 (or 0 for a free one), not "${port}".`)
})
