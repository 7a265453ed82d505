// The dataflow action in-process: run() with a recording Io, the real transport against the local
// test server, and one virtual clock for both (the server checks start times against it), so a
// scenario of minutes of polling takes milliseconds.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run, workspaceFiles } from '../../src/dataflow/main.js'
import { runnerTransport } from '../../src/platform/transport.js'
import { type VirtualClock, virtualClock } from './virtual-clock.js'
import { type Connection, type Dataset, type FakePlatform, type FakePlatformOptions, startFakePlatform } from '../../testing/fake-platform.mjs'
import { platformInputs } from '../../testing/scenario.mjs'
import { type Recorded, recordingIo } from './scripted.js'

export const CLIENT_SECRET = 'dataflow-client-secret-19'
export const MAPPING = [
  { source: 'id', destination: '_tenant.orderId' },
  { source: 'name', destination: '_tenant.customerName' }
]

export interface Scenario {
  platform: FakePlatform
  clock: VirtualClock
  workspace: string
  base: Connection
  dataset: Dataset
  /** Writes the mapping file (mapping.json unless named). */
  writeMapping(rows: unknown, file?: string): void
  inputs(overrides?: Record<string, string>): Record<string, string>
  run(overrides?: Record<string, string>, recorded?: Recorded): Promise<Recorded>
  /** Requests after the IMS token, as "METHOD /path" with the service base left out. */
  calls(): string[]
  close(): Promise<void>
}

export async function startScenario(options: FakePlatformOptions = {}): Promise<Scenario> {
  // A second before a whole minute: the worst case for a default start time taken too early, which
  // any wait (a look-again, a Retry-After) would push into the past.
  const clock = virtualClock({ start: Math.ceil(Date.now() / 60_000) * 60_000 + 59_000, random: 0 })
  const platform = await startFakePlatform({ clientSecret: CLIENT_SECRET, now: () => clock.now(), ...options })
  const workspace = mkdtempSync(join(tmpdir(), 'dataflow-workspace-'))
  const scenario: Scenario = {
    platform,
    clock,
    workspace,
    base: platform.addConnection({ name: 'Orders DB', tables: ['shop.orders', 'shop.customers', 'shop.order_items'] }),
    dataset: platform.addDataset({ name: 'Orders' }),
    writeMapping: (rows, file = 'mapping.json') => writeFileSync(join(workspace, file), typeof rows === 'string' ? rows : JSON.stringify(rows)),
    inputs: (overrides = {}) =>
      platformInputs(platform, CLIENT_SECRET, {
        'connection-id': scenario.base.id,
        table: 'shop.orders',
        'dataset-id': scenario.dataset.id,
        mapping: 'mapping.json',
        'delta-column': 'updated_at',
        ...overrides
      }),
    run: async (overrides = {}, recorded = recordingIo(scenario.inputs(overrides))) => {
      await run(recorded.io, { clock, openTransport: runnerTransport }, workspaceFiles({ GITHUB_WORKSPACE: workspace }))
      return recorded
    },
    calls: () =>
      platform.requests
        .filter((request) => request.path !== '/ims/token/v3')
        .map((request) => `${request.method} ${request.path.replace(/^\/data\/foundation\/(flowservice|catalog|conversion)/, '')}`),
    close: async () => {
      rmSync(workspace, { recursive: true, force: true })
      await platform.close()
    }
  }
  scenario.writeMapping(MAPPING)
  return scenario
}

/** Everything a run printed, set or summarised, for looking for a secret in it. */
export function everything(recorded: Recorded): string {
  return [...recorded.lines, ...Object.values(recorded.outputs), ...recorded.summary].join('\n')
}
