// The name and default of every input and output of the dataflow action, written once: the code
// reads and writes them through these, and a test holds them to dataflow/action.yml.

import { INPUT as CONNECTION_INPUT, OUTPUT as CONNECTION_OUTPUT, STATE as CONNECTION_STATE } from '../settings/names.js'
import { SIGN_IN_DEFAULTS } from '../settings/reader.js'

export const INPUT = {
  clientId: CONNECTION_INPUT.clientId,
  clientSecret: CONNECTION_INPUT.clientSecret,
  accessToken: CONNECTION_INPUT.accessToken,
  imsOrgId: CONNECTION_INPUT.imsOrgId,
  scopes: CONNECTION_INPUT.scopes,
  sandboxName: CONNECTION_INPUT.sandboxName,
  imsUrl: CONNECTION_INPUT.imsUrl,
  platformUrl: CONNECTION_INPUT.platformUrl,
  maxAttempts: CONNECTION_INPUT.maxAttempts,
  timeoutSeconds: CONNECTION_INPUT.timeoutSeconds,
  connectionId: CONNECTION_INPUT.connectionId,
  table: 'table',
  datasetId: 'dataset-id',
  mapping: 'mapping',
  deltaColumn: 'delta-column',
  name: CONNECTION_INPUT.name,
  description: CONNECTION_INPUT.description,
  frequency: 'frequency',
  interval: 'interval',
  startTime: 'start-time',
  backfill: 'backfill',
  enabled: 'enabled',
  ifExists: CONNECTION_INPUT.ifExists,
  operation: CONNECTION_INPUT.operation,
  plan: CONNECTION_INPUT.plan,
  waitForRun: 'wait-for-run'
} as const

export const OUTPUT = {
  dataflowId: 'dataflow-id',
  sourceConnectionId: 'source-connection-id',
  targetConnectionId: 'target-connection-id',
  mappingId: 'mapping-id',
  mappingVersion: 'mapping-version',
  outcome: CONNECTION_OUTPUT.outcome,
  plan: CONNECTION_OUTPUT.plan,
  hasChanges: CONNECTION_OUTPUT.hasChanges,
  changes: CONNECTION_OUTPUT.changes,
  planMarkdown: CONNECTION_OUTPUT.planMarkdown,
  runId: 'run-id',
  runStatus: 'run-status',
  recordsRead: 'records-read',
  recordsWritten: 'records-written',
  recordsFailed: 'records-failed'
} as const

/** What the main step saves for its post step (GITHUB_STATE), which rolls back a create cut short. */
export const STATE = {
  isPost: CONNECTION_STATE.isPost,
  name: 'rollback-name',
  token: 'rollback-run-token',
  stage: 'rollback-stage',
  seal: 'rollback-seal'
} as const

export type OutputName = (typeof OUTPUT)[keyof typeof OUTPUT]

/** The defaults dataflow/action.yml declares; interval, backfill and delta-column have none (given with once, they are refused). */
export const DEFAULTS = {
  ...SIGN_IN_DEFAULTS,
  [INPUT.frequency]: 'hour',
  [INPUT.enabled]: 'true',
  [INPUT.ifExists]: 'update',
  [INPUT.operation]: 'apply',
  [INPUT.plan]: 'false',
  [INPUT.waitForRun]: 'false'
} as const

/** Masked as given, before anything is validated or printed. */
export const SECRET_INPUTS: readonly string[] = [INPUT.clientSecret, INPUT.accessToken]
