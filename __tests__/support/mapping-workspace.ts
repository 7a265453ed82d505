// A workspace for the suites that spawn the dataflow bundle: a folder holding orders.json, the
// mapping they use, made before the suite and removed after it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Registers the suite's hooks; returns the workspace's path, known once the suite has started. */
export function mappingWorkspace(prefix: string): () => string {
  let workspace = ''
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), prefix))
    writeFileSync(join(workspace, 'orders.json'), JSON.stringify([{ source: 'id', destination: '_tenant.orderId' }]))
  })
  afterAll(() => rmSync(workspace, { recursive: true, force: true }))
  return () => workspace
}
