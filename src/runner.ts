// The runner's workflow-command protocol, from @actions/core's own modules.
//
// @actions/core exports only its aggregate module, which at import time also loads its OIDC
// client, and with it @actions/http-client, undici and node:https: about 85 ms of start-up on
// a 2-core runner that this action never uses. Its command modules carry the whole protocol
// (escaping, masking, the GITHUB_OUTPUT/GITHUB_STATE file format), so they are imported by path.

import { EOL } from 'node:os'
import { issueCommand } from '../node_modules/@actions/core/lib/command.js'
import { issueFileCommand, prepareKeyValueMessage } from '../node_modules/@actions/core/lib/file-command.js'
export { summary } from '../node_modules/@actions/core/lib/summary.js'

/** INPUT_<NAME> with the hyphens kept, as the runner sets it; `trim: false` keeps whitespace that may be part of a secret. */
export function getInput(name: string, options: { trim: boolean } = { trim: true }): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? ''
  return options.trim ? value.trim() : value
}

export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret)
}

export function setOutput(name: string, value: string): void {
  if (process.env.GITHUB_OUTPUT) issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value))
  else issueCommand('set-output', { name }, value)
}

export function saveState(name: string, value: string): void {
  if (process.env.GITHUB_STATE) issueFileCommand('STATE', prepareKeyValueMessage(name, value))
  else issueCommand('save-state', { name }, value)
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? ''
}

export function info(message: string): void {
  process.stdout.write(message + EOL)
}

export function debug(message: string): void {
  issueCommand('debug', {}, message)
}

export function warning(message: string): void {
  issueCommand('warning', {}, message)
}

/** An ::error:: line and a failed step; called once per problem, so each gets its own line. */
export function setFailed(message: string): void {
  process.exitCode = 1
  issueCommand('error', {}, message)
}
